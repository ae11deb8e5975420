"""`newsdesk extract FILE...`: one JSON line per file, no Django or database needed."""

from __future__ import annotations

import json
import os
import subprocess
import sys

PAGE = """<html lang="en"><head><title>Storm hits the coast | Daily Bugle</title>
<meta property="og:title" content="Storm hits the coast"><meta name="author" content="Ana Ruiz">
<meta property="article:published_time" content="2026-11-24T09:30:00+01:00"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav><article><h1>Storm hits the coast</h1>
<p>The storm reached the coast on Tuesday morning, bringing winds of more than 120 kilometres an hour
and cutting power to thousands of homes along the shore, officials said.</p>
<p>Emergency services said they had received hundreds of calls overnight and urged residents to stay
indoors until the wind dropped later in the day.</p>
<p>Schools in the region were closed and ferry services between the islands were suspended until further notice.</p>
</article><footer>Copyright Daily Bugle</footer></body></html>"""


def test_each_file_gives_a_json_line_and_errors_are_lines_too(tmp_path):
    page = tmp_path / "storm.html"
    page.write_text(PAGE)
    junk = tmp_path / "junk.html"
    junk.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    # An invalid database setting proves the command starts neither Django nor a database.
    environment = {**os.environ, "NEWSDESK_DATABASE_URL": "mysql://nowhere/x"}
    output = subprocess.run([sys.executable, "-m", "newsdesk.cli", "extract", str(page), str(junk), str(tmp_path / "gone.html")],
                            env=environment, capture_output=True, text=True, timeout=120, check=True).stdout
    lines = [json.loads(line) for line in output.splitlines()]
    assert [line["path"] for line in lines] == [str(page), str(junk), str(tmp_path / "gone.html")]
    first = lines[0]
    assert {"url", "title", "author", "published", "language", "image", "text", "html", "related", "embeds"} <= set(first)
    assert first["author"] == "Ana Ruiz" and first["language"] == "en"
    assert first["published"].startswith("2026-11-24")
    assert "120 kilometres an hour" in first["text"] and "Home" not in first["text"]
    assert "\n\n" in first["text"]  # paragraphs separated by blank lines
    assert lines[1] == {"path": str(junk), "error": "extract: the content is not an HTML page"}
    assert lines[2]["error"].startswith("extract: cannot read")


def test_url_option_is_only_for_a_single_file(newsdesk, tmp_path):
    (tmp_path / "a.html").write_text(PAGE)
    (tmp_path / "b.html").write_text(PAGE)
    result = newsdesk("extract", "--url", "https://x.example/", str(tmp_path / "a.html"), str(tmp_path / "b.html"), ok=False)
    assert result.exit_code == 2 and "--url goes with a single file" in result.output
