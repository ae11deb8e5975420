"""Shared fixtures: the publisher simulator, the command line, and a database-backed client."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from newsdesk.cli import main
from newsdesk.simulator import Simulator


@pytest.fixture(scope="session")
def _simulator_server():
    simulator = Simulator(hosts=3, feeds_per_host=2, articles_per_feed=5, seed=7, port=0)
    simulator.start()
    yield simulator
    simulator.stop()


@pytest.fixture
def simulator(_simulator_server):
    """The publishers, with no fault switched on and fresh request counts."""
    _simulator_server.clear_faults()
    _simulator_server.reset_stats()
    yield _simulator_server
    _simulator_server.clear_faults()
    _simulator_server.set_latency(0.0)
    for host in _simulator_server.host_urls():
        _simulator_server.set_robots_txt(host, ROBOTS_ALLOW_ALL)


ROBOTS_ALLOW_ALL = "User-agent: *\nAllow: /\n"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (robots.txt rules, politeness leftovers)."""
    from django.core.cache import cache

    cache.clear()
    yield


class Command:
    """Runs `newsdesk ...` in this process, as a user would type it."""

    def __init__(self):
        self.runner = CliRunner()

    def __call__(self, *args: str, ok: bool = True):
        result = self.runner.invoke(main, list(args), catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, result.output
        return result


@pytest.fixture
def newsdesk() -> Command:
    return Command()
