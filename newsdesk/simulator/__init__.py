"""A local publisher simulator: RSS/Atom feeds and article pages on 127.0.0.N, with faults.

Used by tests, benchmarks and the demo; stdlib only, no Django. Start with `Simulator`.
"""

from newsdesk.simulator.content import ArticleInfo
from newsdesk.simulator.faults import FAULTS
from newsdesk.simulator.server import RequestRecord, Simulator, serve_forever

__all__ = ["FAULTS", "ArticleInfo", "RequestRecord", "Simulator", "serve_forever"]
