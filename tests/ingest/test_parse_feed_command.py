"""`newsdesk parse-feed FILE...`: one JSON line per file, errors included, the batch goes on."""

from __future__ import annotations

import json


def test_each_file_gives_a_line_and_a_bad_file_does_not_stop_the_batch(newsdesk, tmp_path):
    good = tmp_path / "good.xml"
    good.write_bytes(b'<rss version="2.0"><channel><title>T</title><link>https://t.example/</link>'
                     b'<item><title>One</title><link>https://t.example/1</link><guid>g1</guid>'
                     b'<pubDate>Tue, 24 Nov 2026 10:00:00 GMT</pubDate></item></channel></rss>')
    bad = tmp_path / "bad.json"
    bad.write_text('{"version": "https://jsonfeed.org/version/1.1", "items": "nope"}')
    missing = tmp_path / "missing.xml"

    lines = [json.loads(line) for line in newsdesk("parse-feed", str(good), str(bad), str(missing)).output.splitlines()]

    assert [line["path"] for line in lines] == [str(good), str(bad), str(missing)]
    assert lines[0]["title"] == "T" and lines[0]["link"] == "https://t.example/"
    assert lines[0]["entries"] == [{"id": "g1", "title": "One", "link": "https://t.example/1",
                                    "published": "2026-11-24T10:00:00+00:00", "author": "", "summary": ""}]
    assert set(lines[1]) == {"path", "error"} and "parse:" in lines[1]["error"]
    assert set(lines[2]) == {"path", "error"}
