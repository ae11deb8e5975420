"""Feed parsing: RSS, Atom and JSON Feed into the same entries; non-feeds refused clearly."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdesk.ingest.parse import Enclosure, ParseError, parse_feed, parse_files

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


def rss(items: str, channel: str = "<title>T</title><link>https://site.example/</link>", attributes: str = "") -> bytes:
    return f'<?xml version="1.0"?><rss version="2.0"{attributes}><channel>{channel}{items}</channel></rss>'.encode()


def json_feed(**fields) -> bytes:
    document = {"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": []} | fields
    return json.dumps({key: value for key, value in document.items() if value is not None}).encode()


@pytest.mark.parametrize("written, moment", [
    ("Tue, 24 Nov 2026 10:00:00 +0100", "2026-11-24T09:00:00"),
    ("Tue, 24 Nov 2026 10:00:00 GMT", "2026-11-24T10:00:00"),
    ("Tue, 24 Nov 26 10:00 EST", "2026-11-24T15:00:00"),
    ("Tue, 24 Nov 2026 10:00:00 CEST", "2026-11-24T08:00:00"),  # feedparser alone reads CEST as UTC
    ("Tue, 24 Nov 2026 10:00:00", "2026-11-24T10:00:00"),  # no zone: UTC; feedparser alone gives up
    ("Tue,24 Nov 2026 10:00:00 GMT+1", "2026-11-24T09:00:00"),
    ("2026-11-24T10:00:00.52+05:30", "2026-11-24T04:30:00.520000"),
    ("2026-11-24 10:00:00", "2026-11-24T10:00:00"),
    ("2026/11/24 10:00", "2026-11-24T10:00:00"),  # feedparser alone reads November 1st
    ("24.11.2026 10:00", "2026-11-24T10:00:00"),
    ("November 24, 2026 10:00 pm", "2026-11-24T22:00:00"),
    ("Di, 24 Nov 2026 10:00:00 +0100", "2026-11-24T09:00:00"),
    ("mar., 24 nov. 2026 10:00:00 +0100", "2026-11-24T09:00:00"),  # "mar." is Tuesday here, not March
    ("24 ноября 2026, 10:00", "2026-11-24T10:00:00"),
    ("Tue Nov 24 2026 10:00:00 GMT+0100 (Central European Standard Time)", "2026-11-24T09:00:00"),
    ("1764000000", "2025-11-24T16:00:00"),
    ("05/04/2026", None),  # April or May: no date beats a wrong one
    ("Tue, 31 Nov 2026 10:00:00 GMT", None),
    ("yesterday", None),
])
def test_dates_as_publishers_write_them_become_utc(written, moment):
    entry = parse_feed(rss(f"<item><title>a</title><link>/a</link><pubDate>{written}</pubDate></item>")).entries[0]
    expected = datetime.fromisoformat(moment).replace(tzinfo=timezone.utc) if moment else None
    assert entry.published == expected


def test_update_time_stands_in_for_a_missing_publication_time():
    atom = ATOM.replace(b"<updated>2026-11-24T09:00:00Z</updated><author>", b"<updated>2026-11-25T09:00:00+02:00</updated><author>")
    assert parse_feed(atom).entries[0].published == datetime(2026, 11, 25, 7, 0, tzinfo=timezone.utc)


def test_relative_links_resolve_against_xml_base_then_the_feed_url():
    document = rss('<item xml:base="https://cdn.example/2026/"><title>a</title><link>story.html</link>'
                   '<enclosure url="audio.mp3" type="audio/mpeg" length="123"/></item>'
                   "<item><title>b</title><link>/b.html</link></item>")
    feed = parse_feed(document, "https://site.example/feeds/main.xml")
    first, second = feed.entries
    assert first.link == "https://cdn.example/2026/story.html"
    assert first.enclosures == [Enclosure("https://cdn.example/2026/audio.mp3", "audio/mpeg", 123)]
    assert second.link == "https://site.example/b.html"


def test_entry_without_link_is_kept_with_an_empty_link_and_a_stable_id():
    document = rss("<item><title>Only a title</title><description>Body</description></item>")
    first, again = parse_feed(document).entries[0], parse_feed(document).entries[0]
    assert first.link == "" and first.title == "Only a title"
    assert first.id.startswith("sha1:") and first.id == again.id


def test_repeated_entry_is_dropped_and_a_reused_guid_gets_an_id_of_its_own():
    a = "<item><title>A</title><link>https://s.example/a</link><guid>same</guid></item>"
    b = "<item><title>B</title><link>https://s.example/b</link><guid>same</guid></item>"
    feed = parse_feed(rss(a + b + a))
    assert [e.title for e in feed.entries] == ["A", "B"]
    assert feed.entries[0].id == "same" and feed.entries[1].id.startswith("same#")
    # The renamed id comes from the entry itself, so the next poll gives it the same one.
    assert parse_feed(rss(a + b)).entries[1].id == feed.entries[1].id


def test_titles_summaries_and_authors_come_out_as_plain_single_lines():
    document = rss("<item><title>  Tom &amp;amp; Jerry\x08 <![CDATA[<em>again</em>]]>\n</title><link>/x</link>"
                   "<description>&lt;p&gt;One&lt;/p&gt;&lt;p&gt;Two&amp;nbsp;three&lt;/p&gt;</description>"
                   "<author>tom@cartoon.example (Tom Cat)</author></item>")
    entry = parse_feed(document, "https://site.example/").entries[0]
    assert entry.title == "Tom & Jerry again"
    assert entry.summary == "One Two three"
    assert (entry.author, entry.authors) == ("Tom Cat", ["Tom Cat"])


def test_atom_entry_without_author_has_the_feeds():
    document = (b'<feed xmlns="http://www.w3.org/2005/Atom"><title>F</title><author><name>Desk</name></author>'
                b'<entry><title>e</title><id>urn:e</id><link href="https://a.example/e"/></entry></feed>')
    assert parse_feed(document).entries[0].authors == ["Desk"]


def test_entry_image_comes_from_media_then_enclosures_then_the_first_real_img():
    media = rss('<item><title>a</title><link>/a</link><media:thumbnail url="/t.jpg"/></item>',
                attributes=' xmlns:media="http://search.yahoo.com/mrss/"')
    assert parse_feed(media, "https://s.example/f").entries[0].image == "https://s.example/t.jpg"
    inline = rss('<item><title>a</title><link>/a</link><description>&lt;img src="https://ads.example/p.gif" '
                 'width="1" height="1"&gt;&lt;img src="/photo.jpg"&gt;</description></item>')
    assert parse_feed(inline, "https://s.example/f").entries[0].image == "https://s.example/photo.jpg"


def test_every_feed_format_is_recognised():
    rss090 = (b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
              b'xmlns="http://my.netscape.com/rdf/simple/0.9/"><channel><title>Old</title></channel></rdf:RDF>')
    rss10 = (b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">'
             b'<channel rdf:about="x"><title>One</title></channel></rdf:RDF>')
    atom03 = b'<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>Old atom</title></feed>'
    formats = [parse_feed(document).format for document in (rss090, rss10, RSS, atom03, ATOM, JSON_FEED)]
    assert formats == ["rss090", "rss10", "rss20", "atom03", "atom10", "json11"]


def test_json_feed_reads_every_field_the_spec_defines_that_we_use():
    document = json_feed(
        version="https://jsonfeed.org/version/1", home_page_url="/", feed_url="https://j.example/feed.json",
        icon="/icon.png", author={"name": "Desk"}, language="fr",
        items=[{"id": 42, "url": "/posts/42", "title": "<b>Hi</b>", "content_html": "<p>Hello <img src='/in.png'></p>",
                "date_modified": "2026-11-24T10:00:00+01:00",
                "attachments": [{"url": "/a.mp3", "mime_type": "audio/mpeg", "size_in_bytes": 9}]}],
    )
    feed = parse_feed(document, "")
    entry = feed.entries[0]
    assert (feed.format, feed.link, feed.image, feed.language) == ("json10", "https://j.example/", "https://j.example/icon.png", "fr")
    assert (entry.id, entry.link, entry.title, entry.summary) == ("42", "https://j.example/posts/42", "Hi", "Hello")
    assert entry.published == datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)
    assert entry.authors == ["Desk"]  # an item without authors has the feed's
    assert entry.image == "https://j.example/in.png"
    assert entry.enclosures == [Enclosure("https://j.example/a.mp3", "audio/mpeg", 9)]


@pytest.mark.parametrize("document, reason", [
    (json_feed(version="https://jsonfeed.org/version/2"), "unknown version"),
    (b'[{"version": "https://jsonfeed.org/version/1.1"}]', "not a JSON Feed"),
    (json_feed(title=None), "the feed has no title"),
    (json_feed(title=["a list"]), "title that is list"),
    (json_feed(items=None), "no items list"),
    (json_feed(items={"id": "1"}), "no items list"),
    (json_feed(items=["just a string"]), "item 0 is not an object"),
    (json_feed(items=[{"content_text": "x"}]), "item 0 has no id"),
    (json_feed(items=[{"id": "", "content_text": "x"}]), "item 0 has no id"),
    (json_feed(items=[{"id": {"nested": 1}, "content_text": "x"}]), "item 0 has no id"),
    (json_feed(items=[{"id": "a"}]), "neither content_html nor content_text"),
    (json_feed(items=[{"id": "a", "content_text": "x", "url": 7}]), "item 0 has a url that is int"),
    (json_feed(items=[{"id": "a", "content_text": "x", "authors": {"name": "x"}}]), "authors that are not a list"),
    (json_feed(items=[{"id": "a", "content_text": "x", "attachments": [{"url": "/a"}]}]), "no mime_type"),
])
def test_json_feed_that_breaks_the_spec_is_refused_with_the_rule_it_breaks(document, reason):
    with pytest.raises(ParseError, match=f"^parse: https://j.example/feed.json is .*{reason}"):
        parse_feed(document, "https://j.example/feed.json")


def test_json_feed_with_a_date_it_cannot_read_keeps_the_entry_without_a_date():
    document = json_feed(items=[{"id": "a", "content_text": "x", "date_published": "last Tuesday"}])
    assert parse_feed(document).entries[0].published is None


def test_parse_files_reports_each_file_and_goes_on_after_a_bad_one(tmp_path):
    good, broken, invalid = tmp_path / "good.xml", tmp_path / "page.html", tmp_path / "bad.json"
    good.write_bytes(RSS)
    broken.write_bytes(b"<html><body>Hello</body></html>")
    invalid.write_bytes(json_feed(items=[{"title": "no id", "content_text": "x"}]))
    results = list(parse_files([broken, tmp_path / "missing.xml", invalid, str(good)]))

    assert [set(result) for result in results[:3]] == [{"path", "error"}] * 3
    assert "page.html is not a feed" in results[0]["error"]
    assert results[1]["error"].startswith("parse: cannot read") and "missing.xml" in results[1]["error"]
    assert "bad.json is not a valid JSON Feed: item 0 has no id" in results[2]["error"]
    feed = results[3]
    assert (feed["path"], feed["title"], feed["link"]) == (str(good), "Herald & Co", "https://herald.example/")
    assert feed["entries"][0] == {
        "id": "h-1", "title": "First story", "link": "https://herald.example/news/1?utm_source=rss",
        "published": "2026-11-24T09:00:00+00:00", "author": "Ana Ruiz", "summary": "Lead paragraph",
    }
    assert feed["entries"][1]["published"] is None and feed["entries"][1]["link"] == ""
    json.dumps(results)  # every value is JSON-ready


def test_document_that_breaks_feedparser_itself_is_refused_as_not_a_feed():
    # Found by fuzzing: feedparser raises KeyError from deep inside on this.
    with pytest.raises(ParseError, match="not a feed feedparser can read"):
        parse_feed(b"<item<category</entry>2</category>", "https://x.example/feed")


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(
        ["id", "url", "title", "authors", "author", "name", "attachments", "mime_type", "content_text", "date_published"]),
        inner, max_size=6),
    max_leaves=20,
)
ANY_INPUT = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(str.encode),
    st.text(max_size=200).map(lambda title: RSS.replace(b"First <b>story</b>", title.encode("utf-8", "replace"))),
    JSON_VALUES.map(lambda item: json_feed(items=[item])),
)


@settings(max_examples=200, deadline=None, database=None)
@given(ANY_INPUT)
def test_any_input_gives_a_feed_with_unique_ids_or_a_parse_error_and_nothing_else(content):
    try:
        feed = parse_feed(content, "https://x.example/feed")
    except ParseError as error:
        assert str(error).startswith("parse: ")
    else:
        assert len({entry.id for entry in feed.entries}) == len(feed.entries)


def test_rss_skip_hours_are_read_for_the_scheduler():
    feed = parse_feed(b'<rss version="2.0"><channel><title>T</title><ttl>30</ttl><skipHours><hour>0</hour>'
                      b'<hour>1</hour><hour>24</hour></skipHours><item><title>x</title><link>https://t.example/x</link>'
                      b'</item></channel></rss>', "https://t.example/rss")
    assert feed.skip_hours == [0, 1] and feed.ttl_minutes == 30
