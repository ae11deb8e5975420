"""JSON Feed 1.0 and 1.1 documents (https://jsonfeed.org/version/1.1), checked against the spec, into ParsedFeed."""

from __future__ import annotations

import json
from typing import Any

from newsdesk.ingest.feedparse_dates import parse_date
from newsdesk.ingest.feedparse_fields import clean_line, find_image, resolve_link, unique_names
from newsdesk.ingest.feedparse_types import Enclosure, ParsedEntry, ParsedFeed, ParseError

VERSIONS = {
    "https://jsonfeed.org/version/1": "json10",
    "https://jsonfeed.org/version/1.1": "json11",
    # The spec's version is the URL; gofeed's test feeds (and generators that copied them) write
    # the bare number. It names the version just as clearly, so it is accepted.
    "1": "json10",
    "1.0": "json10",
    "1.1": "json11",
}


class _Invalid(Exception):
    """One broken rule of the spec, said in a few words."""


def read_json_feed(content: bytes, url: str, name: str) -> ParsedFeed:
    """Read a JSON Feed; raise ParseError naming `name` and the rule it breaks if it is not one."""
    try:
        document = json.loads(content)
    except (ValueError, UnicodeDecodeError) as error:
        raise ParseError(f"parse: {name} is not valid JSON ({error})") from None
    version = document.get("version") if isinstance(document, dict) else None
    if not isinstance(version, str) or ("jsonfeed.org/version/" not in version and version not in VERSIONS):
        raise ParseError(f"parse: {name} is JSON but not a JSON Feed (no jsonfeed.org version)")
    try:
        return _feed(document, url)
    except _Invalid as error:
        raise ParseError(f"parse: {name} is not a valid JSON Feed: {error}") from None


def _feed(document: dict[str, Any], url: str) -> ParsedFeed:
    version = document["version"].replace("http://", "https://").rstrip("/")
    if version not in VERSIONS:
        raise _Invalid(f"unknown version {document['version']!r} (Newsdesk reads 1 and 1.1)")
    title = _text(document, "title", "the feed", required=True)
    items = document.get("items")
    if not isinstance(items, list):
        raise _Invalid("it has no items list (items is required, even if empty)")
    home = _text(document, "home_page_url", "the feed")
    absolute = [u for u in (_text(document, "feed_url", "the feed"), home) if u.startswith(("http://", "https://"))]
    base = url or (absolute[0] if absolute else "")
    link = resolve_link(base, home)
    authors = _names(document, "the feed")
    return ParsedFeed(
        title=clean_line(title),
        link=link,
        entries=[_entry(item, index, base, authors) for index, item in enumerate(items)],
        language=clean_line(_text(document, "language", "the feed")),
        image=resolve_link(base, _text(document, "icon", "the feed") or _text(document, "favicon", "the feed")),
        format=VERSIONS[version],
    )


def _entry(item: object, index: int, base: str, inherited: list[str]) -> ParsedEntry:
    where = f"item {index}"
    if not isinstance(item, dict):
        raise _Invalid(f"{where} is not an object")
    identifier = item.get("id")
    # The spec has readers coerce a numeric id to a string; anything else cannot identify an item.
    if isinstance(identifier, (int, float)) and not isinstance(identifier, bool):
        identifier = str(identifier)
    if not isinstance(identifier, str) or not identifier.strip():
        raise _Invalid(f"{where} has no id (every item needs a unique string id)")
    html = _text(item, "content_html", where)
    text = _text(item, "content_text", where)
    if "content_html" not in item and "content_text" not in item:
        raise _Invalid(f"{where} ({identifier}) has neither content_html nor content_text (one is required)")
    authors = _names(item, where) or inherited
    enclosures = _attachments(item, where, base)
    image = _text(item, "image", where) or _text(item, "banner_image", where)
    return ParsedEntry(
        id=identifier.strip(),
        title=clean_line(_text(item, "title", where)),
        link=resolve_link(base, _text(item, "url", where) or _text(item, "external_url", where)),
        published=parse_date(_text(item, "date_published", where) or _text(item, "date_modified", where)),
        author=", ".join(authors),
        summary=clean_line(_text(item, "summary", where)) or clean_line(text) or clean_line(html),
        image=resolve_link(base, image) or next(
            (e.url for e in enclosures if e.type.startswith("image/")), "") or find_image(html, base),
        authors=authors,
        enclosures=enclosures,
    )


def _text(node: dict[str, Any], key: str, where: str, required: bool = False) -> str:
    value = node.get(key)
    if value is None:
        if required:
            raise _Invalid(f"{where} has no {key} (it is required)")
        return ""
    if not isinstance(value, str):
        raise _Invalid(f"{where} has a {key} that is {type(value).__name__}, not a string")
    return value


def _names(node: dict[str, Any], where: str) -> list[str]:
    # 1.1 has an authors list; 1.0 had one author object, which 1.1 still lets readers accept.
    if node.get("authors") is not None:
        people = node["authors"]
        if not isinstance(people, list):
            raise _Invalid(f"{where} has authors that are not a list")
    elif node.get("author") is not None:
        people = [node["author"]]
    else:
        return []
    names = []
    for person in people:
        if not isinstance(person, dict):
            raise _Invalid(f"{where} has an author that is not an object")
        names.append(clean_line(_text(person, "name", f"an author of {where}")))
    return unique_names(names)


def _attachments(item: dict[str, Any], where: str, base: str) -> list[Enclosure]:
    attachments = item.get("attachments")
    if attachments is None:
        return []
    if not isinstance(attachments, list):
        raise _Invalid(f"{where} has attachments that are not a list")
    found: dict[str, Enclosure] = {}
    for number, attachment in enumerate(attachments):
        label = f"attachment {number} of {where}"
        if not isinstance(attachment, dict):
            raise _Invalid(f"{label} is not an object")
        url = resolve_link(base, _text(attachment, "url", label, required=True))
        kind = _text(attachment, "mime_type", label, required=True)
        size = attachment.get("size_in_bytes")
        length = int(size) if isinstance(size, (int, float)) and not isinstance(size, bool) and size >= 0 else None
        found.setdefault(url, Enclosure(url=url, type=kind, length=length))
    return list(found.values())
