"""An outlet's page: what it published, newest first and paged; its feeds' health for staff only."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from newsdesk.store.models import Feed
from reading import article, hours_ago, outlet, story

pytestmark = pytest.mark.django_db


@pytest.fixture
def herald():
    feed = outlet("Herald")
    for number in range(32):
        story(article(feed, f"h{number}", hours_ago(number), title=f"Herald report {number}"))
    story(article(outlet("Courier"), "c1", title="Courier report"))
    Feed.objects.filter(id=feed.id).update(status=Feed.Status.FAILING, consecutive_failures=4,
                                           last_error="fetch: https://herald.example/rss answered HTTP 503",
                                           failing_since=timezone.now())
    return feed.source


def test_an_outlet_page_lists_only_its_articles_newest_first_in_pages(client, herald):
    page = client.get(f"/sources/{herald.id}/").content.decode()
    titles = re.findall(r'class="story-link" href="/stories/\d+/">([^<]+)</a>', page)
    assert titles == [f"Herald report {n}" for n in range(30)]
    assert "<h1 class=\"page-title\">Herald</h1>" in page and "Courier report" not in page
    rest = client.get(f"/sources/{herald.id}/?page=2").content.decode()
    assert re.findall(r'class="story-link" href="/stories/\d+/">([^<]+)</a>', rest) == ["Herald report 30", "Herald report 31"]


def test_feed_health_is_shown_to_staff_and_hidden_from_readers(client, herald):
    page = client.get(f"/sources/{herald.id}/").content.decode()
    assert "answered HTTP 503" not in page and 'id="feed-health"' not in page

    admin = get_user_model().objects.create_user("alice", password="x", is_staff=True)
    client.force_login(admin)
    page = client.get(f"/sources/{herald.id}/").content.decode()
    health = page[page.index('id="feed-health"'):page.index('id="published"')]
    assert "failing" in health and "<td>4</td>" in health and "answered HTTP 503" in health
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT', health)  # the next attempt


def test_an_unknown_outlet_is_not_found(client):
    assert client.get("/sources/999999/").status_code == 404
