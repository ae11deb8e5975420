"""robots.txt for article pages, and feed discovery from a site's address."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from newsdesk.ingest.discovery import DiscoveryError, discover_feeds, feed_links
from newsdesk.ingest.fetch import Limits, create_client
from newsdesk.ingest.robots import robots_checker
from newsdesk.store.models import Article, Feed

LIMITS = Limits(timeout=5.0, allow_private=True)


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db(transaction=True)
def test_pages_disallowed_by_robots_are_not_fetched_and_keep_the_feed_summary(simulator, newsdesk):
    feed_url = simulator.feed_urls()[0]
    host = simulator.host_urls()[0]
    simulator.set_robots_txt(host, "User-agent: *\nDisallow: /articles/\n")
    newsdesk("add", "--no-discover", feed_url)
    newsdesk("fetch")

    items = simulator.items(feed_url)
    assert Article.objects.count() == len(items)
    assert all("robots.txt disallows" in a.extraction_error for a in Article.objects.all())
    fetched = [path for path in simulator.stats()["paths"] if "/articles/" in path]
    assert fetched == []


def test_robots_rules_for_newsdesk_and_missing_files(simulator):
    host = simulator.host_urls()[1]
    page = simulator.items(simulator.feed_urls()[2])[0].url
    with create_client(LIMITS) as client:
        assert robots_checker(client, LIMITS)(page)  # no robots.txt: everything allowed
        cache.clear()
        simulator.set_robots_txt(host, "User-agent: Newsdesk\nDisallow: /\n\nUser-agent: *\nAllow: /\n")
        assert not robots_checker(client, LIMITS)(page)


def test_a_site_address_leads_to_its_announced_feeds(simulator):
    host = simulator.host_urls()[0]
    with create_client(LIMITS) as client:
        found = discover_feeds(client, host, LIMITS)
        assert found and set(found) <= set(simulator.feed_urls())
        assert discover_feeds(client, found[0], LIMITS) == [found[0]]


def test_a_page_without_feeds_is_refused_with_the_reason(simulator):
    page = simulator.host_urls()[0] + "robots.txt"  # answers 200, announces nothing
    with create_client(LIMITS) as client, pytest.raises(DiscoveryError, match="no feed found"):
        discover_feeds(client, page, LIMITS)


def test_comment_feeds_come_after_the_main_feed():
    html = b"""<html><head><link rel="alternate" type="application/rss+xml" href="/comments/feed">
    <link rel="alternate" type="application/atom+xml" href="/atom.xml"><link rel="stylesheet" href="/x.css"></head></html>"""
    assert feed_links(html, "https://site.example/") == ["https://site.example/atom.xml", "https://site.example/comments/feed"]


@pytest.mark.django_db
def test_add_with_a_site_address_subscribes_to_its_main_feed(simulator, newsdesk):
    result = newsdesk("add", simulator.host_urls()[2])
    assert Feed.objects.get().url in simulator.feed_urls()
    assert "Subscribed to" in result.output
