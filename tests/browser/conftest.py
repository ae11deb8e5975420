"""A real site for the browser: publishers simulated on 127.0.0.x, ingested the real way, served by `newsdesk web`.

The site is built once per module (polling the simulator takes seconds) and emptied afterwards,
so the rest of the suite finds the database as it expects it.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from newsdesk.cli import main
from newsdesk.simulator import Simulator
from tests_support import database_url

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
WAIT_SECONDS = 60


@dataclass
class Site:
    """What the browser tests need to know of the seeded site, read before any browser starts."""

    url: str
    stories: int
    story_id: int  # a story whose lead article has text, an author, an image and promo cards
    lead_url: str
    lead_outlet: str
    lead_author: str
    source_id: int
    gallery_source_id: int  # an outlet whose lead images come from the simulated publisher
    screenshots: Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def newsdesk(*args: str) -> None:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output


def wait_until_serving(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"newsdesk web exited with {process.returncode} before serving")
        try:
            if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError(f"newsdesk web did not answer on {url} within {WAIT_SECONDS} s")


def seed(newsroom: Simulator, gallery: Simulator) -> dict:
    """Subscribe to every simulated feed, poll them once, rank the stories; return what the tests visit."""
    from newsdesk.stories.rank import rescore_stories
    from newsdesk.store.models import Feed, Story

    for url in newsroom.feed_urls() + gallery.feed_urls():
        newsdesk("add", url)
    newsdesk("fetch")
    rescore_stories()
    stories = Story.objects.select_related("lead_article__source").order_by("-source_count", "id")
    # A story whose page has every part: text and author, related cards, best several outlets (they come first).
    complete = [story for story in stories if story.lead_article and story.lead_article.authors
                and story.lead_article.text and (story.related or story.lead_article.related)]
    lead = complete[0].lead_article if complete else None
    assert lead is not None, "seeding: no story has a lead with text and an author, and related cards"
    gallery_feed = Feed.objects.get(url__in=gallery.feed_urls())
    return {"stories": Story.objects.filter(merged_into__isnull=True).count(), "story_id": lead.story_id, "lead_url": lead.url,
            "lead_outlet": lead.source.name, "lead_author": lead.authors[0], "source_id": lead.source_id,
            "gallery_source_id": gallery_feed.source_id}


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker, tmp_path_factory):
    """The seeded site served by a real `newsdesk web` process over 127.0.0.1."""
    from django.core.management import call_command
    from django.db import connection

    # Saved real pages make distinct stories, but their images are on the internet; a few generated
    # pages bring lead images served by the simulated publisher itself.
    newsroom = Simulator(hosts=3, feeds_per_host=2, articles_per_feed=8, seed=11, port=0)
    gallery = Simulator(hosts=1, feeds_per_host=1, articles_per_feed=3, seed=12, port=0, real_articles=False)
    newsroom.start()
    gallery.start()
    data_dir = tmp_path_factory.mktemp("web-data")
    port = free_port()
    process = None
    with django_db_blocker.unblock():
        try:
            facts = seed(newsroom, gallery)
            environment = {**os.environ, "NEWSDESK_DATABASE_URL": database_url(), "NEWSDESK_DATA_DIR": str(data_dir),
                           "NEWSDESK_WEB_WORKERS": "1"}
            connection.close()
            process = subprocess.Popen([sys.executable, "-m", "newsdesk.cli", "web", "--host", "127.0.0.1",
                                        "--port", str(port)], env=environment)
            url = f"http://127.0.0.1:{port}"
            wait_until_serving(url, process)
            screenshots = SCREENSHOTS / connection.vendor
            shutil.rmtree(screenshots, ignore_errors=True)
            screenshots.mkdir(parents=True)
            yield Site(url=url, screenshots=screenshots, **facts)
        finally:
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            newsroom.stop()
            gallery.stop()
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(scope="module")
def browser(site):
    """Debian's Chromium driven by Playwright; started after the database work (Playwright runs an event loop)."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail("browser tests need Debian's Chromium at /usr/bin/chromium: run `make browser` (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    yield page
    context.close()
