"""OPML: the bundled world-news list, import and export."""

from __future__ import annotations

import pytest

from newsdesk.catalog.opml import read_opml, write_opml
from newsdesk.catalog.subscriptions import DEFAULT_OPML, export_opml, import_opml, subscribe_defaults
from newsdesk.store.models import Feed, Source


def test_bundled_list_has_about_twenty_world_news_feeds_from_distinct_outlets():
    outlines = read_opml(DEFAULT_OPML.read_bytes())
    assert 18 <= len(outlines) <= 25
    assert len({o.homepage for o in outlines}) == len(outlines)
    assert any("kyivindependent" in o.url for o in outlines) and any("bbc" in o.url for o in outlines)


def test_broken_opml_still_gives_its_feeds():
    broken = b'<opml><body><outline text="A & B" xmlUrl="https://a.example/rss"><outline xmlUrl="https://b.example/feed" text="B"></body>'
    assert [o.url for o in read_opml(broken)] == ["https://a.example/rss", "https://b.example/feed"]


@pytest.mark.django_db
def test_default_subscriptions_and_export_round_trip():
    report = subscribe_defaults()
    assert len(report.added) == Feed.objects.count() == Source.objects.count()
    again = subscribe_defaults()
    assert again.added == [] and len(again.existing) == len(report.added)
    exported = read_opml(export_opml().encode())
    assert {o.url for o in exported} == set(Feed.objects.values_list("url", flat=True))


@pytest.mark.django_db
def test_import_reports_refused_urls_and_keeps_the_rest():
    content = write_opml([]).replace("</body>", '<outline xmlUrl="ftp://x.example/f"/><outline xmlUrl="https://ok.example/f"/></body>')
    report = import_opml(content.encode())
    assert report.added == ["https://ok.example/f"]
    assert report.refused[0][0] == "ftp://x.example/f"


@pytest.mark.django_db
def test_import_command_takes_every_feed_of_a_broken_file_and_says_what_it_repaired(newsdesk, tmp_path):
    broken = tmp_path / "broken.opml"
    broken.write_bytes(b'<?xml version="1.0"?>\n<opml version="2.0"><body>\n'
                       b'<outline text="News & Views" xmlUrl="https://a.example/rss?x=1&y=2"/>\n'
                       b'<outline text="B" xmlUrl="https://b.example/feed"/>\n</body></opml>')
    result = newsdesk("import-opml", str(broken))
    assert set(Feed.objects.values_list("url", flat=True)) == {"https://a.example/rss?x=1&y=2", "https://b.example/feed"}
    assert "repaired broken.opml: line 3: unescaped '&'" in result.output
    assert "2 added, 0 already there, 0 refused, 2 repair(s) in the file." in result.output


@pytest.mark.django_db
def test_admin_imports_and_exports_opml(admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("list.opml", b'<opml><body><outline text="A & B" xmlUrl="https://a.example/rss"/></body></opml>')
    page = admin_client.post("/admin/store/feed/import-opml/", {"opml": upload}).content.decode()
    assert "1 added, 0 already there, 0 refused." in page
    assert "unescaped &#x27;&amp;&#x27;" in page or "unescaped '&amp;'" in page
    exported = admin_client.get("/admin/store/feed/export-opml/")
    assert exported["Content-Disposition"].startswith("attachment")
    assert [o.url for o in read_opml(exported.content)] == ["https://a.example/rss"]
