"""Feed documents (RSS, Atom, JSON Feed) into plain ParsedFeed data; no database."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from newsdesk.ingest.feedparse_types import Enclosure, ParsedEntry, ParsedFeed, ParseError
from newsdesk.ingest.feedparse_xml import read_xml_feed
from newsdesk.ingest.jsonfeed import read_json_feed

__all__ = ["Enclosure", "ParseError", "ParsedEntry", "ParsedFeed", "parse_feed", "parse_files"]

# What may precede the first significant byte: whitespace and a UTF-8 byte order mark.
LEADING = b" \t\r\n\xef\xbb\xbf"


def parse_feed(content: bytes, url: str = "") -> ParsedFeed:
    """Parse an RSS, Atom or JSON Feed document; raise ParseError if it is none of these."""
    return _parse(content, url, url or "the document")


def parse_files(paths: Iterable[str | Path]) -> Iterator[dict[str, Any]]:
    """Yield one JSON-ready dict per file: its feed and entries, or {"path", "error"} and go on."""
    for path in paths:
        try:
            content = Path(path).read_bytes()
        except OSError as error:
            yield {"path": str(path), "error": f"parse: cannot read {path} ({error.strerror or error})"}
            continue
        try:
            feed = _parse(content, "", str(path))
        except ParseError as error:
            yield {"path": str(path), "error": str(error)}
            continue
        yield {
            "path": str(path),
            "title": feed.title,
            "link": feed.link,
            "entries": [
                {
                    "id": entry.id,
                    "title": entry.title,
                    "link": entry.link,
                    "published": entry.published.isoformat() if entry.published else None,
                    "author": entry.author,
                    "summary": entry.summary,
                }
                for entry in feed.entries
            ],
        }


def _parse(content: bytes, url: str, name: str) -> ParsedFeed:
    if not content or not content.strip(LEADING):
        raise ParseError(f"parse: {name} is empty")
    # feedparser has no JSON Feed support at all, so JSON never reaches it.
    if content.lstrip(LEADING)[:1] in (b"{", b"["):
        feed = read_json_feed(content, url, name)
    else:
        feed = read_xml_feed(content, url, name)
    feed.entries = _with_unique_ids(feed.entries)
    return feed


def _with_unique_ids(entries: list[ParsedEntry]) -> list[ParsedEntry]:
    """Give every entry an id no other entry has: repeats (same id, link, title) go, reused ids get a suffix."""
    stories: set[tuple[str, str, str]] = set()
    taken: set[str] = set()
    kept = []
    for entry in entries:
        entry.id = entry.id or entry.link or _fingerprint(entry.title, entry.summary)
        story = (entry.id, entry.link, entry.title)
        if story in stories:
            continue  # the same entry twice (a paginated or badly merged feed): keep the first
        stories.add(story)
        if entry.id in taken:
            # A different entry under an id already used: CMS templates that print one guid for
            # every item exist. Dropping it would lose a story for good, so it gets an id of its own,
            # derived from what makes it different so that it stays the same on the next poll.
            base = entry.id
            entry.id = f"{base}#{_fingerprint(entry.link, entry.title)[5:17]}"
            counter = 2
            while entry.id in taken:
                entry.id, counter = f"{base}#{counter}", counter + 1
        taken.add(entry.id)
        kept.append(entry)
    return kept


def _fingerprint(*parts: str) -> str:
    return "sha1:" + hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()
