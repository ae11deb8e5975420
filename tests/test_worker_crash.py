"""A worker killed with SIGKILL mid-job loses nothing and duplicates nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from django.db import connection

from newsdesk.catalog.subscriptions import subscribe
from newsdesk.store.models import Article, Feed, Story
from tests_support import database_url

LEASE_SECONDS = 3


def start_worker(environment: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "newsdesk.cli", "worker"], env=environment,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_until(condition, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("gave up waiting")
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_poll_loses_and_duplicates_nothing(simulator, tmp_path):
    from huey.contrib.djhuey import HUEY

    HUEY.flush()
    feed_url = simulator.feed_urls()[4]
    host = simulator.addresses[2]
    expected = {item.url for item in simulator.items(feed_url)}
    subscribe(feed_url)
    simulator.set_latency(0.4, host=host)  # slow pages: the kill lands between two articles
    environment = {**os.environ, "NEWSDESK_DATABASE_URL": database_url(), "NEWSDESK_JOB_LEASE_SECONDS": str(LEASE_SECONDS),
                   "NEWSDESK_QUEUE_WORKERS": "1"}
    if not os.environ.get("NEWSDESK_REDIS_URL"):
        environment["NEWSDESK_DATA_DIR"] = str(tmp_path)
    connection.close()

    worker = start_worker(environment)
    try:
        wait_until(lambda: Article.objects.filter(feed__url=feed_url).exists())
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    finally:
        if worker.poll() is None:
            worker.kill()
    stored_at_kill = Article.objects.filter(feed__url=feed_url).count()
    assert 0 < stored_at_kill < len(expected), "the kill should land mid-poll"

    simulator.set_latency(0.0)
    time.sleep(LEASE_SECONDS + 0.5)  # the dead worker's claim on the feed runs out
    second = start_worker(environment)
    try:
        # Stored, then given their stories by the assigner: the dead worker's articles as well.
        wait_until(lambda: Article.objects.filter(feed__url=feed_url, story__isnull=False).count() >= len(expected))
        time.sleep(1.0)  # anything extra would show up now
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=30)

    articles = Article.objects.filter(feed__url=feed_url)
    assert {a.url for a in articles} == expected
    assert articles.count() == len(expected)
    assert not articles.filter(story__isnull=True).exists()
    for story in Story.objects.filter(articles__in=articles).distinct():  # counted once each, none lost
        assert story.article_count == story.articles.count()
    assert Feed.objects.get(url=feed_url).status == Feed.Status.OK
