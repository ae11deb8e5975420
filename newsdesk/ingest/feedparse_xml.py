"""RSS 0.9x, 1.0 and 2.0 and Atom 0.3 and 1.0 documents, read by feedparser, into ParsedFeed."""

from __future__ import annotations

import calendar
import re
import time
from datetime import datetime, timezone

import feedparser

from newsdesk.ingest.feedparse_dates import parse_date
from newsdesk.ingest.feedparse_fields import clean_line, find_image, person_name, resolve_link, unique_names
from newsdesk.ingest.feedparse_types import Enclosure, ParsedEntry, ParsedFeed, ParseError

# RSS 0.90's namespace, officially my.netscape.com, channel.netscape.com in many copies of it.
RSS_090 = re.compile(rb"<(?:\w+:)?RDF\b[^>]*=[\"']http://(?:my|channel)\.netscape\.com/rdf/simple/0\.9/")


def read_xml_feed(content: bytes, url: str, name: str) -> ParsedFeed:
    """Read an RSS or Atom document; raise ParseError naming `name` if it holds no feed."""
    try:
        # Always bytes: given a str, feedparser would treat it as a path or URL and go and read it.
        parsed = feedparser.parse(bytes(content), response_headers={"content-location": url} if url else None)
    except Exception as error:
        # feedparser's tolerant parser itself fails on some broken documents (KeyError, IndexError,
        # TypeError deep inside it); for us that is one more document that is not a feed.
        raise ParseError(f"parse: {name} is not a feed feedparser can read ({type(error).__name__}: {error})") from None
    version = parsed.version or _sniff_version(content)
    if not version and not parsed.entries:
        reason = parsed.get("bozo_exception") or "no RSS, Atom or RDF root element"
        raise ParseError(f"parse: {name} is not a feed ({reason})")
    channel = parsed.feed
    link = resolve_link(url, channel.get("link") or _undeclared_atom_link(channel))
    base = url or link
    # Atom says an entry without an author has the feed's (RFC 4287 4.2.1); RSS says no such thing.
    atom = version.startswith("atom")
    inherited = _names(channel, atom) if atom else []
    ttl = str(channel.get("ttl") or "").strip()
    return ParsedFeed(
        title=clean_line(channel.get("title")),
        link=link,
        entries=[_entry(entry, base, atom, inherited) for entry in parsed.entries],
        language=clean_line(channel.get("language")),
        ttl_minutes=int(ttl) if ttl.isdigit() else None,
        skip_hours=skip_hours(content),
        image=_feed_image(channel, base),
        format=version,
    )


_SKIP_HOURS = re.compile(rb"<skipHours\b[^>]*>(.*?)</skipHours>", re.DOTALL | re.IGNORECASE)
_HOUR = re.compile(rb"<hour>\s*(\d{1,2})\s*</hour>", re.IGNORECASE)


def skip_hours(content: bytes) -> list[int]:
    """The hours (GMT, 0-23) an RSS channel's <skipHours> says are not worth polling in."""
    # feedparser drops <skipHours>; it is a channel element, so it sits before the first item.
    head = content[: content.find(b"<item")] if b"<item" in content else content[:65536]
    block = _SKIP_HOURS.search(head)
    if not block:
        return []
    return sorted({int(h) % 24 for h in _HOUR.findall(block.group(1)) if int(h) <= 24})


def _sniff_version(content: bytes) -> str:
    """Name the RSS 0.90 documents feedparser reads without naming their version."""
    # feedparser leaves the version empty for RSS 0.90 and finds no feed at all in one without items.
    return "rss090" if RSS_090.search(content[:4096]) else ""


def _undeclared_atom_link(channel: feedparser.FeedParserDict) -> str:
    # RSS feeds often copy an <atom:link> without declaring the atom prefix; feedparser then keeps
    # it aside as "atom_link" instead of among the links.
    atom_link = channel.get("atom_link") or {}
    return atom_link.get("href", "") if atom_link.get("rel") == "alternate" else ""


def _feed_image(channel: feedparser.FeedParserDict, base: str) -> str:
    image = channel.get("image") or {}
    for candidate in (image.get("href"), image.get("url"), channel.get("logo"), channel.get("icon")):
        if candidate:
            return resolve_link(base, candidate)
    return _media_image(channel, base) or find_image(channel.get("subtitle") or "", base)


def _entry(entry: feedparser.FeedParserDict, base: str, atom: bool, inherited: list[str]) -> ParsedEntry:
    # feedparser resolved xml:base for links and content but not for enclosures; the base it
    # used for the entry's own text is the one in force for the whole entry.
    base = (entry.get("title_detail") or entry.get("summary_detail") or {}).get("base") or base
    content = _content_html(entry)
    summary = entry.get("summary") or content
    authors = _names(entry, atom) or _names(entry.get("source") or {}, atom) or inherited
    enclosures = _enclosures(entry, base)
    return ParsedEntry(
        id=str(entry.get("id") or "").strip(),
        title=clean_line(entry.get("title")),
        link=_link(entry, base),
        published=_time(entry),
        author=", ".join(authors),
        summary=clean_line(summary),
        image=_image(entry, base, enclosures) or find_image(content, base) or find_image(summary, base),
        authors=authors,
        enclosures=enclosures,
    )


def _link(entry: feedparser.FeedParserDict, base: str) -> str:
    if entry.get("link"):
        return resolve_link(base, entry["link"])
    for candidate in entry.get("links") or []:
        if candidate.get("href") and candidate.get("rel", "alternate") == "alternate":
            return resolve_link(base, candidate["href"])
    return ""


def _time(entry: feedparser.FeedParserDict) -> datetime | None:
    for key in ("published", "updated", "created"):
        # Our own reading first: feedparser reads unknown zones (CEST, IST) as UTC and
        # "2026/11/24" as November 1st; its own result still covers forms we do not know.
        when = parse_date(entry.get(key)) or _utc(entry.get(f"{key}_parsed"))
        if when is not None:
            return when
    return None


def _utc(value: time.struct_time | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=timezone.utc)
    except (OverflowError, ValueError, TypeError, OSError):
        return None


def _names(node: feedparser.FeedParserDict, atom: bool) -> list[str]:
    people = [person for person in node.get("authors") or [] if isinstance(person, dict)]
    if atom:
        written = [person.get("name") for person in people]
    else:
        # RSS authors are one string, "email (Name)". feedparser splits it with a pattern that cuts
        # long domain names ("tom@cartoon.example (Tom Cat)" gives the name "ple (Tom Cat"), so
        # where it split one, the string is read again from the raw field.
        written = [person.get("name") for person in people if not person.get("email")]
        if len(written) < len(people):
            written.append(node.get("author"))
    names = unique_names([person_name(name) for name in written])
    if not names and node.get("author"):
        names = unique_names([person_name(node["author"])])
    return names


def _content_html(entry: feedparser.FeedParserDict) -> str:
    for content in entry.get("content") or []:
        if content.get("value"):
            return content["value"]
    return ""


def _enclosures(entry: feedparser.FeedParserDict, base: str) -> list[Enclosure]:
    found: dict[str, Enclosure] = {}
    for enclosure in entry.get("enclosures") or []:
        url = resolve_link(base, enclosure.get("href") or enclosure.get("url"))
        if url and url not in found:
            length = str(enclosure.get("length") or "").strip()
            found[url] = Enclosure(url=url, type=str(enclosure.get("type") or "").strip(),
                                   length=int(length) if length.isdigit() else None)
    return list(found.values())


def _image(entry: feedparser.FeedParserDict, base: str, enclosures: list[Enclosure]) -> str:
    if image := _media_image(entry, base):
        return image
    for enclosure in enclosures:
        if enclosure.type.startswith("image/"):
            return enclosure.url
    itunes = entry.get("image")
    if isinstance(itunes, dict) and itunes.get("href"):
        return resolve_link(base, itunes["href"])
    return ""


def _media_image(node: feedparser.FeedParserDict, base: str) -> str:
    for thumbnail in node.get("media_thumbnail") or []:
        if thumbnail.get("url"):
            return resolve_link(base, thumbnail["url"])
    for media in node.get("media_content") or []:
        kind = media.get("medium") or (media.get("type") or "image/").split("/")[0]
        if media.get("url") and kind == "image":
            return resolve_link(base, media["url"])
    return ""
