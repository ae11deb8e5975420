"""The front page: stories ranked three ways, each with outlet, age, counts and a proxied thumbnail; plain paging."""

from __future__ import annotations

import re

import pytest

from newsdesk.stories.rank import rescore_stories
from newsdesk.store.models import Story
from reading import article, hours_ago, outlet, story

pytestmark = pytest.mark.django_db


def story_ids(page: str) -> list[int]:
    return [int(found) for found in re.findall(r'class="story-link" href="/stories/(\d+)/">', page)]


@pytest.fixture
def three_stories():
    """Fresh and thin, older and widely covered, and old but much discussed."""
    outlets = [outlet(name) for name in ("Herald", "Courier", "Ledger", "Wire", "Daily")]
    fresh = story(article(outlets[0], "fresh", hours_ago(0.5), image="https://herald.example/fresh.jpg"))
    covered = story(*(article(feed, f"covered-{i}", hours_ago(3)) for i, feed in enumerate(outlets)))
    discussed = story(article(outlets[1], "discussed", hours_ago(30)), comment_count=400)
    rescore_stories()
    return fresh, covered, discussed


def test_the_tabs_rank_by_score_by_time_and_by_discussion(client, three_stories):
    fresh, covered, discussed = three_stories
    assert story_ids(client.get("/").content.decode()) == [covered.id, fresh.id, discussed.id]
    assert story_ids(client.get("/?tab=latest").content.decode()) == [fresh.id, covered.id, discussed.id]
    assert story_ids(client.get("/?tab=discussed").content.decode()) == [discussed.id, fresh.id, covered.id]
    page = client.get("/?tab=discussed").content.decode()
    assert '<a href="?tab=discussed" aria-current="page">Most discussed</a>' in page
    assert "<h1 class=\"page-title\">Most discussed</h1>" in page


def test_each_story_shows_outlet_age_sources_comments_and_a_proxied_thumbnail(client, three_stories):
    fresh, covered, discussed = three_stories
    page = client.get("/?tab=latest").content.decode()
    first = page[page.index(f'href="/stories/{fresh.id}/"'):page.index(f'href="/stories/{covered.id}/"')]
    assert ">Herald</a>" in first and re.search(r"\d+\xa0minutes ago</time>", first)
    assert ">1 source</span>" in first and ">0 comments</a>" in first
    assert re.search(r'<img class="thumb" src="/img/\?url=https%3A%2F%2Fherald\.example%2Ffresh\.jpg&amp;sig=[0-9a-f]{32}" alt=""', first)
    assert ">5 sources</span>" in page and ">400 comments</a>" in page
    assert 'src="http' not in page


def test_paging_is_plain_links_and_htmx_gets_only_the_next_stories(client):
    feed = outlet("Herald")
    for number in range(31):
        story(article(feed, f"s{number}", hours_ago(number)))
    first = client.get("/?tab=latest").content.decode()
    assert len(story_ids(first)) == 30
    assert re.search(r'<a rel="next" class="more" href="\?tab=latest&amp;page=2"', first)
    second = client.get("/?tab=latest&page=2").content.decode()
    assert story_ids(second) == [Story.objects.order_by("last_updated").first().id]
    assert 'rel="prev" href="?tab=latest&amp;page=1"' in second and 'rel="next"' not in second
    assert '<link rel="canonical" href="http://testserver/?tab=latest&amp;page=2">' in second

    more = client.get("/?tab=latest&page=2", headers={"HX-Request": "true"})
    fragment = more.content.decode()
    assert "<html" not in fragment and 'hx-swap-oob="beforeend:#stories"' in fragment
    assert story_ids(fragment) == story_ids(second) and more["Vary"] == "HX-Request"


def test_an_empty_site_says_how_to_add_feeds(client):
    page = client.get("/").content.decode()
    assert "No stories yet" in page and "newsdesk add URL" in page


def test_pages_carry_opengraph_canonical_and_a_policy_against_other_origins(client, three_stories):
    response = client.get("/")
    page = response.content.decode()
    assert '<link rel="canonical" href="http://testserver/">' in page
    assert '<meta property="og:title" content="Top stories · Newsdesk">' in page
    assert '<meta property="og:url" content="http://testserver/">' in page
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    for url in re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="([^"]+)"', page):
        assert url.startswith(("/", "http://testserver/")), url


def test_htmx_is_served_from_the_installed_package(client):
    response = client.get("/static/django_htmx/htmx-2.min.js")
    assert response.status_code == 200 and b"htmx" in b"".join(response.streaming_content)
    assert client.get("/static/../views.py").status_code == 404
