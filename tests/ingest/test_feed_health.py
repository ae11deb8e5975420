"""Feed health, as an admin sees it in `newsdesk feeds` and the admin: nothing fails silently."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from newsdesk.ingest.refresh import refresh_feed
from newsdesk.store.models import Feed

pytestmark = pytest.mark.django_db(transaction=True)


def test_feeds_command_shows_each_feed_health_as_a_table_and_as_json(simulator, newsdesk):
    good, bad = simulator.feed_urls()[:2]
    newsdesk("add", "--no-discover", good)
    newsdesk("add", "--no-discover", bad)
    simulator.set_fault(bad, "http_503", retry_after=600)
    newsdesk("fetch")

    table = newsdesk("feeds").output
    assert "failing" in table and "ok" in table and "HTTP 503" in table
    rows = {row["url"]: row for row in map(json.loads, newsdesk("feeds", "--json").output.splitlines())}
    assert rows[good]["status"] == "ok" and rows[good]["last_success"] and rows[good]["consecutive_failures"] == 0
    failing = rows[bad]
    assert failing["status"] == "failing" and failing["consecutive_failures"] == 1
    assert "HTTP 503" in failing["last_error"] and failing["failing_since"] and failing["next_fetch"]
    assert [json.loads(line)["url"] for line in newsdesk("feeds", "--json", "--failing").output.splitlines()] == [bad]


def test_a_feed_failing_for_days_is_flagged_for_attention_and_kept_being_retried(simulator, newsdesk, admin_client):
    url = simulator.feed_urls()[0]
    newsdesk("add", "--no-discover", url)
    simulator.set_fault(url, "gone")
    feed = Feed.objects.get()
    refresh_feed(feed.id)
    Feed.objects.filter(id=feed.id).update(failing_since=timezone.now() - timedelta(days=4))
    refresh_feed(feed.id)

    feed = Feed.objects.get()
    assert feed.needs_attention and feed.consecutive_failures == 2
    assert feed.next_fetch > timezone.now()  # still scheduled: never disabled, never deleted
    assert json.loads(newsdesk("feeds", "--json").output)["needs_attention"] is True
    page = admin_client.get("/admin/store/feed/").content.decode()
    assert "HTTP 410" in page and "icon-yes.svg" in page
