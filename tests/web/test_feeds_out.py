"""Feeds out: RSS 2.0, Atom 1.0 and JSON Feed 1.1 of the top stories, an outlet and a search, read back by two parsers."""

from __future__ import annotations

import json
from datetime import timedelta
from xml.etree import ElementTree

import feedparser
import pytest
from django.template import Context, Template
from newsroom import outlet, publish, story

from newsdesk.ingest.parse import parse_feed

pytestmark = pytest.mark.django_db

FORMATS = ["rss", "atom", "json"]
EXPECTED_FORMAT = {"rss": "rss20", "atom": "atom10", "json": "json11"}


@pytest.fixture
def newsroom():
    herald = outlet("The Herald", "herald.example")
    courier = outlet("Evening Courier", "courier.example")
    bridge = publish(herald, "bridge", "Council approves the bridge", "The council voted for the new bridge.",
                     summary="A bridge, at last.", authors=("Ana Ruiz",), hours_ago=3)
    bridge_too = publish(courier, "bridge", "Bridge approved", "Councillors approved the bridge.",
                         summary="The vote was close.", authors=("Bo Li",), hours_ago=2)
    flood = publish(courier, "flood", "Floods in the lower town", "Rain flooded the lower town.",
                    summary="The school is a shelter.", authors=("Cy Tam", "Di Wu"), hours_ago=1)
    return {"herald": herald, "courier": courier,
            "bridge": story(bridge, bridge_too, headline="The bridge will be built", score=5.0),
            "flood": story(flood, score=1.0)}


def fetch(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return response.content


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_top_stories_feed_lists_stories_best_first_with_their_lead_article(client, newsroom, fmt):
    body = fetch(client, f"/feeds/top.{fmt}")
    parsed = parse_feed(body, f"http://testserver/feeds/top.{fmt}")
    assert parsed.format == EXPECTED_FORMAT[fmt]
    assert [entry.title for entry in parsed.entries] == ["The bridge will be built", "Floods in the lower town"]
    bridge = parsed.entries[0]
    assert bridge.link == f"http://testserver/stories/{newsroom['bridge'].id}/"
    assert bridge.summary == "A bridge, at last."
    assert bridge.author == "Ana Ruiz"
    # RSS dates carry whole seconds only.
    assert abs(bridge.published - newsroom["bridge"].lead_article.when) < timedelta(seconds=1)
    assert parsed.entries[1].author == "Cy Tam, Di Wu"


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_feedparser_reads_the_xml_feeds_without_complaint_and_sees_the_outlet(client, newsroom, fmt):
    parsed = feedparser.parse(fetch(client, f"/feeds/top.{fmt}"))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == {"rss": "rss20", "atom": "atom10"}[fmt]
    first = parsed.entries[0]
    assert first.title == "The bridge will be built"
    assert first.link == f"http://testserver/stories/{newsroom['bridge'].id}/"
    assert first.author == "Ana Ruiz"
    assert [tag.term for tag in first.tags] == ["The Herald"]
    assert first.published_parsed is not None


def test_the_rss_items_name_their_outlet_as_source_with_its_feed(client, newsroom):
    channel = ElementTree.fromstring(fetch(client, "/feeds/top.rss")).find("channel")
    source = channel.find("item").find("source")
    assert source.text == "The Herald"
    assert source.get("url") == f"http://testserver/feeds/sources/{newsroom['herald'].source_id}.rss"


def test_the_json_feed_follows_version_1_1(client, newsroom):
    document = json.loads(fetch(client, "/feeds/top.json"))
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert document["feed_url"] == "http://testserver/feeds/top.json"
    assert document["home_page_url"] == "http://testserver/"
    for item in document["items"]:
        assert item["id"] and item["url"].startswith("http://testserver/stories/")
        assert "content_text" in item or "content_html" in item
        assert item["date_published"].endswith("+00:00")
    assert document["items"][0]["authors"] == [{"name": "Ana Ruiz"}]
    assert document["items"][0]["_newsdesk"]["outlet"] == "The Herald"
    assert document["items"][0]["external_url"] == "https://herald.example/bridge"


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_outlet_feed_lists_what_that_outlet_published_newest_first(client, newsroom, fmt):
    parsed = parse_feed(fetch(client, f"/feeds/sources/{newsroom['courier'].source_id}.{fmt}"))
    assert [entry.title for entry in parsed.entries] == ["Floods in the lower town", "Bridge approved"]
    assert parsed.entries[1].link == f"http://testserver/stories/{newsroom['bridge'].id}/"
    assert "Evening Courier" in parsed.title
    assert len({entry.id for entry in parsed.entries}) == 2


def test_an_unknown_outlet_has_no_feed(client, newsroom):
    assert client.get("/feeds/sources/999999.rss").status_code == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_search_feed_lists_the_matching_stories(client, newsroom, fmt):
    parsed = parse_feed(fetch(client, f"/feeds/search.{fmt}?q=flooded"))
    assert [entry.title for entry in parsed.entries] == ["Floods in the lower town"]
    narrowed = parse_feed(fetch(client, f"/feeds/search.{fmt}?q=bridge&source={newsroom['courier'].source_id}"))
    assert [entry.title for entry in narrowed.entries] == ["The bridge will be built"]


def test_a_search_feed_without_words_is_not_found(client, newsroom):
    assert client.get("/feeds/search.rss").status_code == 404
    assert client.get("/feeds/search.json?q=%20").status_code == 404


def test_the_atom_search_feed_points_at_itself_with_its_query(client, newsroom):
    parsed = feedparser.parse(fetch(client, "/feeds/search.atom?q=bridge%20%26%20co"))
    assert not parsed.bozo
    assert {link.rel: link.href for link in parsed.feed.links}["self"] == "http://testserver/feeds/search.atom?q=bridge%20%26%20co"


@pytest.mark.parametrize("fmt", FORMATS)
def test_hostile_text_stays_text_and_the_feed_stays_valid(client, fmt):
    herald = outlet("The <b>Herald</b> & Co", "herald.example")
    bad = publish(herald, "bad", "Bridge", "Bridge text.", authors=("Ana <Ruiz>",))
    # Markup and characters XML 1.0 forbids, written past the ingestion cleaning.
    type(bad).objects.filter(pk=bad.pk).update(title="Bridge\x0b <script>alert(1)</script>",
                                               summary="Ends a <i>decade</i>\x01 & more")
    story(type(bad).objects.get(pk=bad.pk))
    body = fetch(client, f"/feeds/top.{fmt}")
    assert parse_feed(body).entries[0].title.startswith("Bridge")
    if fmt == "json":
        item = json.loads(body)["items"][0]
        assert item["title"] == "Bridge\x0b <script>alert(1)</script>"
        assert item["content_text"] == "Ends a <i>decade</i>\x01 & more"
        return
    assert not feedparser.parse(body).bozo
    assert b"<script>" not in body and b"<i>" not in body
    # The title is text; the summary is HTML that shows the markup as text.
    assert parse_feed(body).entries[0].summary == "Ends a <i>decade</i> & more"
    root = ElementTree.fromstring(body)
    titles = [element.text for element in root.iter() if element.tag.rsplit("}", 1)[-1] == "title"]
    assert "Bridge <script>alert(1)</script>" in titles


def test_feed_links_for_a_page_head(client, newsroom):
    html = Template('{% load feeds_out %}{% feed_links "top" %}|{% feed_links "source" source %}|'
                    '{% feed_links "search" query="?q=a+b" title="Newsdesk: a b" %}').render(
        Context({"source": newsroom["herald"].source}))
    top, source, search = html.split("|")
    assert 'rel="alternate" type="application/rss+xml" title="Newsdesk: top stories (RSS)" href="/feeds/top.rss"' in top
    assert 'type="application/atom+xml"' in top and 'type="application/feed+json"' in top
    assert f'href="/feeds/sources/{newsroom["herald"].source_id}.json"' in source and "The Herald" in source
    assert 'href="/feeds/search.atom?q=a+b"' in search
    for url in [*top.split('href="')[1:], *source.split('href="')[1:], *search.split('href="')[1:]]:
        assert client.get(url.split('"')[0]).status_code == 200


def test_the_search_page_links_its_feeds(client, newsroom):
    page = client.get("/search?q=bridge").content.decode()
    assert 'href="/feeds/search.rss?q=bridge"' in page and 'title="Newsdesk: search for bridge (RSS)"' in page
