"""`newsdesk cluster INPUT.jsonl`: one article a line in, `{"id", "story"}` a line out, no database."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from test_cluster import TEN_EVENTS  # noqa: I001  (texts written for these tests, shared with them)


def article(doc_id, title, text, published=None, source=None) -> str:
    data = {"id": doc_id, "title": title, "text": text}
    if published:
        data["published"] = published
    if source:
        data["source"] = source
    return json.dumps(data)


def write_input(tmp_path) -> tuple:
    lines = []
    for event, (title_a, text_a, title_b, text_b) in enumerate(TEN_EVENTS[:4]):
        lines.append(article(f"{event}a", title_a, text_a, f"2026-11-24T0{event}:00:00+00:00", "wire-a.example"))
    lines.append("{not json")
    lines.append(json.dumps({"title": "no id", "text": "an article without an id"}))
    lines.append(json.dumps({"id": "when", "title": "t", "text": "x", "published": "last Tuesday"}))
    for event, (title_a, text_a, title_b, text_b) in enumerate(TEN_EVENTS[:4]):
        lines.append(article(f"{event}b", title_b, text_b, f"2026-11-24T0{event + 4}:00:00Z"))
    lines.append(article("0a", "duplicate", "a second line with an id already used"))
    path = tmp_path / "articles.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, lines


def test_each_line_gives_its_story_in_input_order_and_bad_lines_give_errors(newsdesk, tmp_path):
    path, lines = write_input(tmp_path)
    output = [json.loads(line) for line in newsdesk("cluster", str(path)).output.splitlines()]
    assert len(output) == len(lines)
    assert [item.get("id") for item in output] == ["0a", "1a", "2a", "3a", None, None, None, "0b", "1b", "2b", "3b", None]
    stories = {item["id"]: item["story"] for item in output if "id" in item}
    assert len({stories[f"{event}a"] for event in range(4)}) == 4
    assert all(stories[f"{event}a"] == stories[f"{event}b"] for event in range(4))
    errors = {item["line"]: item["error"] for item in output if "error" in item}
    assert sorted(errors) == [5, 6, 7, 12]
    assert errors[5].startswith("cluster: not JSON")
    assert '"id" is missing' in errors[6]
    assert "ISO 8601" in errors[7] and "last Tuesday" in errors[7]
    assert "earlier line" in errors[12]


def test_the_command_needs_no_database(tmp_path):
    path, _ = write_input(tmp_path)
    # An unusable database setting proves the command starts neither Django nor a database.
    environment = {**os.environ, "NEWSDESK_DATABASE_URL": "mysql://nowhere/x"}
    result = subprocess.run([sys.executable, "-m", "newsdesk.cli", "cluster", str(path)], env=environment,
                            capture_output=True, text=True, timeout=120, check=True)
    assert len(result.stdout.splitlines()) == 12 and "Django" not in result.stderr
