"""Bad input gets a clear error in the feed's health, and loses nothing else."""

from __future__ import annotations

import socket

import pytest

from newsdesk.ingest.refresh import refresh_feed
from newsdesk.store.models import Article, Feed

pytestmark = pytest.mark.django_db(transaction=True)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_unreachable_feed_is_marked_failing_with_the_reason_and_the_site_still_serves(newsdesk, client):
    newsdesk("add", f"http://127.0.0.1:{closed_port()}/feed.xml")
    result = newsdesk("fetch")

    feed = Feed.objects.get()
    assert feed.status == Feed.Status.FAILING
    assert feed.consecutive_failures == 1
    assert "cannot connect" in feed.last_error
    assert "1 failed" in result.output
    assert client.get("/").status_code == 200


def test_feed_that_is_not_xml_is_reported_as_not_a_feed(simulator, newsdesk):
    url = simulator.feed_urls()[0]
    newsdesk("add", url)
    simulator.set_fault(url, "not_xml")
    newsdesk("fetch")

    feed = Feed.objects.get()
    assert feed.status == Feed.Status.FAILING
    assert "is not a feed" in feed.last_error
    assert Article.objects.count() == 0


def test_failures_back_off_and_a_recovered_feed_is_healthy_again(simulator, newsdesk):
    url = simulator.feed_urls()[0]
    simulator.set_fault(url, "http_500")
    newsdesk("add", url)
    feed_id = Feed.objects.get().id
    refresh_feed(feed_id)
    first = Feed.objects.get()
    refresh_feed(feed_id)
    second = Feed.objects.get()
    assert "HTTP 500" in second.last_error and second.consecutive_failures == 2
    assert second.next_fetch - second.last_fetched > (first.next_fetch - first.last_fetched) * 1.3

    simulator.clear_faults()
    refresh_feed(feed_id)
    healed = Feed.objects.get()
    assert healed.status == Feed.Status.OK and healed.consecutive_failures == 0 and healed.last_error == ""
    assert Article.objects.count() == len(simulator.items(url))


def test_rate_limited_feed_waits_at_least_as_long_as_retry_after(simulator, newsdesk):
    url = simulator.feed_urls()[0]
    simulator.set_fault(url, "http_429", retry_after=7200)
    newsdesk("add", url)
    refresh_feed(Feed.objects.get().id)

    feed = Feed.objects.get()
    assert "HTTP 429" in feed.last_error
    assert (feed.next_fetch - feed.last_fetched).total_seconds() >= 7200


def test_page_that_is_not_html_keeps_the_feed_summary_and_says_why(simulator, newsdesk, client):
    url = simulator.feed_urls()[1]
    item = simulator.items(url)[0]
    simulator.set_fault(item.url, "not_html")
    newsdesk("add", url)
    newsdesk("fetch")

    assert Article.objects.count() == len(simulator.items(url))
    article = Article.objects.get(url=item.url)
    assert "not an HTML page" in article.extraction_error
    assert article.title == item.title
    page = client.get(f"/stories/{article.story_id}/").content.decode()
    assert "the rest is on the publisher" in page
    assert "Read Entire Article" in page
