"""Feed documents (RSS, Atom, JSON Feed) into plain ParsedFeed data; no database."""

from __future__ import annotations

import calendar
import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urljoin

import feedparser

from newsdesk.sanitize import clean_text


class ParseError(ValueError):
    """The document is not a feed Newsdesk can read."""


@dataclass
class ParsedEntry:
    id: str
    title: str
    link: str
    published: datetime | None = None
    author: str = ""
    summary: str = ""
    image: str = ""


@dataclass
class ParsedFeed:
    title: str
    link: str
    entries: list[ParsedEntry] = field(default_factory=list)
    language: str = ""
    ttl_minutes: int | None = None


def parse_feed(content: bytes, url: str = "") -> ParsedFeed:
    """Parse an RSS, Atom or JSON Feed document; raise ParseError if it is none of these."""
    if not content or not content.strip():
        raise ParseError("parse: the feed is empty")
    if content.lstrip()[:1] == b"{":
        return _parse_json_feed(content, url)
    parsed = feedparser.parse(content, response_headers={"content-location": url} if url else None)
    if not parsed.version and not parsed.entries:
        reason = parsed.get("bozo_exception") or "no RSS, Atom or RDF root element"
        raise ParseError(f"parse: {url or 'document'} is not a feed ({reason})")
    channel = parsed.feed
    link = urljoin(url, channel.get("link", "")) if channel.get("link") else ""
    ttl = channel.get("ttl")
    return ParsedFeed(
        title=clean_text(channel.get("title", "")),
        link=link,
        entries=[_entry(e, url or link) for e in parsed.entries],
        language=channel.get("language", "") or "",
        ttl_minutes=int(ttl) if str(ttl or "").isdigit() else None,
    )


def _entry(entry: feedparser.FeedParserDict, base: str) -> ParsedEntry:
    link = entry.get("link", "") or ""
    if not link:
        for candidate in entry.get("links", []):
            if candidate.get("href") and candidate.get("rel", "alternate") == "alternate":
                link = candidate["href"]
                break
    link = urljoin(base, link) if link else ""
    title = clean_text(entry.get("title", "") or "")
    identifier = entry.get("id") or link or _fingerprint(title, entry.get("summary", ""))
    return ParsedEntry(
        id=identifier,
        title=title,
        link=link,
        published=_time(entry.get("published_parsed") or entry.get("updated_parsed")),
        author=clean_text(entry.get("author", "") or ""),
        summary=clean_text(entry.get("summary", "") or ""),
        image=_image(entry),
    )


def _time(value) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=timezone.utc)
    except (OverflowError, ValueError, TypeError):
        return None


def _image(entry: feedparser.FeedParserDict) -> str:
    for thumbnail in entry.get("media_thumbnail", []) or []:
        if thumbnail.get("url"):
            return thumbnail["url"]
    for media in entry.get("media_content", []) or []:
        if media.get("url") and media.get("medium", "image") == "image":
            return media["url"]
    for enclosure in entry.get("enclosures", []) or []:
        if enclosure.get("type", "").startswith("image/") and enclosure.get("href"):
            return enclosure["href"]
    return ""


def _fingerprint(*parts: str) -> str:
    return "sha1:" + hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()


def _parse_json_feed(content: bytes, url: str) -> ParsedFeed:
    try:
        document = json.loads(content)
    except (ValueError, UnicodeDecodeError) as error:
        raise ParseError(f"parse: {url or 'document'} is not valid JSON ({error})") from None
    if not isinstance(document, dict) or not str(document.get("version", "")).startswith("https://jsonfeed.org/version/"):
        raise ParseError(f"parse: {url or 'document'} is JSON but not a JSON Feed (no jsonfeed.org version)")
    items = document.get("items")
    if not isinstance(items, list):
        raise ParseError(f"parse: {url or 'document'} is a JSON Feed without an items list")
    base = url or document.get("feed_url", "") or ""
    entries = []
    for item in items:
        if not isinstance(item, dict):
            continue
        link = urljoin(base, item.get("url") or item.get("external_url") or "")
        title = clean_text(str(item.get("title") or ""))
        summary = clean_text(str(item.get("summary") or item.get("content_text") or item.get("content_html") or ""))
        authors = item.get("authors") or ([item["author"]] if isinstance(item.get("author"), dict) else [])
        author = ", ".join(a.get("name", "") for a in authors if isinstance(a, dict) and a.get("name"))
        entries.append(ParsedEntry(
            id=str(item.get("id") or link or _fingerprint(title, summary)),
            title=title,
            link=link,
            published=_iso_time(item.get("date_published") or item.get("date_modified")),
            author=clean_text(author),
            summary=summary,
            image=str(item.get("image") or item.get("banner_image") or ""),
        ))
    return ParsedFeed(
        title=clean_text(str(document.get("title") or "")),
        link=str(document.get("home_page_url") or ""),
        entries=entries,
        language=str(document.get("language") or ""),
    )


def _iso_time(value) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)
