"""A local publisher simulator: RSS/Atom feeds and article pages on 127.0.0.N, with faults.

Stdlib only, no Django; used by tests, benchmarks and the demo:

    with Simulator(hosts=3, feeds_per_host=2, articles_per_feed=10, seed=1) as sim:
        url = sim.feed_urls()[0]            # http://127.0.0.2:PORT/feeds/h2-world.xml
        truth = sim.items(url)              # what the feed lists, newest first
        sim.set_fault(url, "http_429", retry_after=120)
        sim.stats()["hosts"]["127.0.0.2"]   # requests, peak_in_flight, ...

From a shell: `python -m newsdesk.simulator --hosts 3 --port 8100`.
"""

from newsdesk.simulator.content import ArticleInfo
from newsdesk.simulator.faults import FAULTS
from newsdesk.simulator.server import Simulator, serve_forever
from newsdesk.simulator.stats import RequestRecord

__all__ = ["FAULTS", "ArticleInfo", "RequestRecord", "Simulator", "serve_forever"]
