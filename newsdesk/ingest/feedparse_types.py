"""What a parsed feed is, whatever format it came in: plain dataclasses and the one error."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


class ParseError(ValueError):
    """The document is not a feed Newsdesk can read."""


@dataclass
class Enclosure:
    url: str
    type: str = ""  # MIME type as the publisher declared it, "" when it did not
    length: int | None = None  # bytes, when declared and a number


@dataclass
class ParsedEntry:
    id: str
    title: str
    link: str  # absolute, or "" when the entry has none (the caller skips those)
    published: datetime | None = None  # UTC; the update time when the feed gives no publication time
    author: str = ""  # the names in authors, joined with ", "
    summary: str = ""  # plain text
    image: str = ""
    authors: list[str] = field(default_factory=list)
    enclosures: list[Enclosure] = field(default_factory=list)


@dataclass
class ParsedFeed:
    title: str
    link: str
    entries: list[ParsedEntry] = field(default_factory=list)
    language: str = ""
    ttl_minutes: int | None = None
    skip_hours: list[int] = field(default_factory=list)  # RSS <skipHours>: hours (GMT) not worth a poll
    image: str = ""  # the feed's logo or icon
    format: str = ""  # "rss20", "rss10", "rss091u", "atom10", "atom03", "json11"... ("" if unknown)
