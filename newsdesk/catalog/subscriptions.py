"""Subscribing: feed URLs and OPML lists become Feed rows, each under its outlet."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.db import transaction

from newsdesk.catalog.opml import OpmlError, Outline, Repair, parse_opml, write_opml
from newsdesk.ingest.urls import normalize_url
from newsdesk.store.models import Feed, Source

DEFAULT_OPML = Path(__file__).with_name("world-news.opml")


class SubscribeError(ValueError):
    """The URL cannot be subscribed to."""


def homepage_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def check_feed_url(url: str) -> str:
    """Return url normalized, or raise SubscribeError saying what is wrong with it."""
    parts = urlsplit(url.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise SubscribeError(f"subscribe: {url!r} is not an http(s) URL with a host")
    return normalize_url(url)


def subscribe(url: str, title: str = "", homepage: str = "") -> tuple[Feed, bool]:
    """Subscribe to the feed at url; return the feed and whether it is new."""
    url = check_feed_url(url)
    homepage = normalize_url(homepage) if homepage.startswith(("http://", "https://")) else homepage_of(url)
    with transaction.atomic():
        source, _ = Source.objects.get_or_create(
            homepage=homepage, defaults={"name": title or urlsplit(homepage).hostname or homepage}
        )
        return Feed.objects.get_or_create(url=url, defaults={"source": source, "title": title})


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)


def import_outlines(outlines: list[Outline]) -> ImportReport:
    """Subscribe to every outline; a bad URL is reported, never fatal to the rest."""
    report = ImportReport()
    for outline in outlines:
        try:
            feed, created = subscribe(outline.url, outline.title, outline.homepage)
        except SubscribeError as error:
            report.refused.append((outline.url, str(error)))
            continue
        (report.added if created else report.existing).append(feed.url)
    return report


MAX_OPML_BYTES = 10 * 1024 * 1024


def import_opml(content: bytes) -> ImportReport:
    """Subscribe to every feed of an OPML document; the report also lists what the file needed repaired."""
    if len(content) > MAX_OPML_BYTES:
        raise OpmlError(f"opml: the file is {len(content)} bytes, above the {MAX_OPML_BYTES}-byte limit")
    document = parse_opml(content)
    report = import_outlines(document.outlines)
    report.repairs = document.repairs
    return report


def export_opml() -> str:
    feeds = Feed.objects.select_related("source").order_by("source__name", "url")
    return write_opml([Outline(url=f.url, title=f.title or f.source.name, homepage=f.source.homepage) for f in feeds])


def subscribe_defaults() -> ImportReport:
    """Subscribe to the bundled world-news list (used on first start)."""
    return import_opml(DEFAULT_OPML.read_bytes())
