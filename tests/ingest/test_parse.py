"""Feed parsing: RSS, Atom and JSON Feed into the same entries; non-feeds refused clearly."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from newsdesk.ingest.parse import ParseError, parse_feed

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Herald &amp; Co</title>
<link>https://herald.example/</link><ttl>60</ttl>
<item><title>First <b>story</b></title><link>/news/1?utm_source=rss</link><guid isPermaLink="false">h-1</guid>
<pubDate>Tue, 24 Nov 2026 10:00:00 +0100</pubDate><author>ana@herald.example (Ana Ruiz)</author>
<description>&lt;p&gt;Lead &lt;script&gt;x()&lt;/script&gt;paragraph&lt;/p&gt;</description>
<enclosure url="https://herald.example/1.jpg" type="image/jpeg" length="1"/></item>
<item><title>No link at all</title><guid isPermaLink="false">h-2</guid></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>Atom Times</title><link href="https://atom.example/"/><id>urn:x</id><updated>2026-11-24T09:00:00Z</updated>
<entry><title>Atom story</title><link rel="alternate" href="https://atom.example/a"/><id>urn:a</id>
<updated>2026-11-24T09:00:00Z</updated><author><name>Bo Li</name></author><summary>Sum</summary></entry></feed>"""

JSON_FEED = b"""{"version": "https://jsonfeed.org/version/1.1", "title": "JSON Daily",
"home_page_url": "https://json.example/", "items": [{"id": "j1", "url": "https://json.example/j1",
"title": "JSON story", "date_published": "2026-11-24T08:30:00-05:00", "authors": [{"name": "Cy Ng"}],
"content_text": "Body"}]}"""


def test_rss_entries_carry_absolute_links_utc_times_authors_and_clean_summaries():
    feed = parse_feed(RSS, "https://herald.example/rss.xml")
    assert feed.title == "Herald & Co" and feed.ttl_minutes == 60
    first = feed.entries[0]
    assert first.link == "https://herald.example/news/1?utm_source=rss"
    assert first.id == "h-1" and first.title == "First story"
    assert first.published == datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)
    assert "Ana Ruiz" in first.author
    assert first.summary == "Lead paragraph"
    assert first.image == "https://herald.example/1.jpg"
    assert feed.entries[1].link == "" and feed.entries[1].id == "h-2"


def test_atom_and_json_feed_read_the_same_way():
    atom = parse_feed(ATOM, "https://atom.example/feed")
    assert (atom.title, atom.entries[0].link, atom.entries[0].author) == ("Atom Times", "https://atom.example/a", "Bo Li")
    json_feed = parse_feed(JSON_FEED, "https://json.example/feed.json")
    entry = json_feed.entries[0]
    assert (json_feed.title, entry.id, entry.author) == ("JSON Daily", "j1", "Cy Ng")
    assert entry.published == datetime(2026, 11, 24, 13, 30, tzinfo=timezone.utc)


@pytest.mark.parametrize("content, reason", [
    (b"", "empty"),
    (b"<html><body><p>Hello</p></body></html>", "not a feed"),
    (b"\x89PNG\r\n\x1a\n\x00\x00binary", "not a feed"),
    (b'{"title": "no version"}', "not a JSON Feed"),
    (b"{broken json", "not valid JSON"),
])
def test_documents_that_are_not_feeds_are_refused_with_the_reason(content, reason):
    with pytest.raises(ParseError, match=reason):
        parse_feed(content, "https://x.example/feed")
