"""Writing articles: one row per page, however often a feed or page is read again."""

from __future__ import annotations

import fcntl
import hashlib
import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, Iterator

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from newsdesk.sanitize import clean_html, clean_text
from newsdesk.store.models import Article, Feed


@dataclass
class ArticleData:
    """What ingestion learned about one page, from the feed entry and the page itself."""

    url: str
    guid: str
    title: str
    authors: list[str]
    published: datetime | None
    summary: str = ""
    text: str = ""
    html: str = ""
    image: str = ""
    language: str = ""
    extraction_error: str = ""
    truncated: bool = False
    related: list[dict] = field(default_factory=list)
    embeds: list[dict] = field(default_factory=list)


def content_hash(text: str) -> str:
    """Return a fingerprint of text that ignores case and spacing."""
    return hashlib.sha256(" ".join(text.lower().split()).encode("utf-8")).hexdigest()


# Below this many words a text (a teaser, a "page not found") says too little to be a fingerprint.
MIN_WORDS_FOR_HASH = 50


def find_existing(feed: Feed, url: str, guid: str, text: str = "", prepared: Article | None = None) -> Article | None:
    """Return the article already stored for this URL, this guid in this feed, or this text from this outlet.

    prepared: prepare_article's row for this text, whose word count and hash are then not computed again.
    """
    lookups = [("url = %s", [url])] if url else []
    if guid:
        lookups.append(("feed_id = %s AND guid = %s", [feed.id, guid]))
    words, fingerprint = (prepared.word_count, prepared.content_hash) if prepared else (len(text.split()), "")
    if words >= MIN_WORDS_FOR_HASH:
        lookups.append(("source_id = %s AND content_hash = %s", [feed.source_id, fingerprint or content_hash(text)]))
    for condition, params in lookups:
        found = _first_article(condition, params)
        if found is not None:
            return found
    return None


# Only the key columns: a stored article's text and HTML are large and not needed here. In the model's
# order, which is the order Model.from_db takes the values of a partial row in.
_KEY_COLUMNS = [f.attname for f in Article._meta.concrete_fields if f.attname in {"id", "url", "story_id"}]


def _first_article(condition: str, params: list) -> Article | None:
    # Plain SQL: every article stored runs at least one of these, and building the same query through
    # the ORM costs about ten times the CPU of sending it (1.2 against 0.1 ms).
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(_KEY_COLUMNS)} FROM {Article._meta.db_table} WHERE {condition} LIMIT 1", params)
        row = cursor.fetchone()
    return Article.from_db(connection.alias, _KEY_COLUMNS, row) if row else None


def stored_keys(feed: Feed, urls: list[str], guids: list[str]) -> tuple[set[str], set[str]]:
    """Which of these URLs are stored, and which of these guids this feed has stored (two queries)."""
    known_urls = set(Article.objects.filter(url__in=urls).values_list("url", flat=True)) if urls else set()
    known_guids = set(Article.objects.filter(feed=feed, guid__in=guids).values_list("guid", flat=True)) if guids else set()
    return known_urls, known_guids


def prepare_article(feed: Feed, data: ArticleData) -> Article:
    """The unsaved row for data: sanitized, hashed and counted, with no database work."""
    text = data.text or data.summary
    return Article(
        source_id=feed.source_id,
        feed=feed,
        url=data.url,
        guid=data.guid[:2048],
        title=clean_text(data.title)[:1000] or data.url,
        authors=[clean_text(a)[:200] for a in data.authors if clean_text(a)],
        published=data.published,
        fetched=timezone.now(),
        summary=clean_text(data.summary),
        text=text,
        html=clean_html(data.html),
        image=data.image if data.image.startswith(("http://", "https://")) else "",
        language=data.language[:20],
        word_count=len(text.split()),
        content_hash=content_hash(text) if text else "",
        extraction_error=data.extraction_error,
        truncated=data.truncated,
        related=[clean_card(card) for card in data.related],
        embeds=[clean_card(embed) for embed in data.embeds],
    )


def save_article(feed: Feed, data: ArticleData, checked_url: str = "", prepared: Article | None = None,
                 along: Callable[[Article], None] | None = None) -> tuple[Article, bool]:
    """Store data as an article of feed; return it and whether it is new. Never duplicates.

    checked_url: a URL (with data.guid) the caller just found not stored, to save a look-up.
    prepared: prepare_article(feed, data), made before the caller's transaction so that
    sanitizing is not done while holding a write lock.
    along(article): what else to write of a new article, in the transaction that inserts it.
    """
    counted = prepared if data.text else None  # without a page text, prepared counted the summary
    if checked_url and checked_url == data.url:
        existing = find_existing(feed, "", "", data.text, counted)
    else:
        existing = find_existing(feed, data.url, data.guid, data.text, counted)
    if existing is not None:
        return existing, False
    article = prepared or prepare_article(feed, data)
    try:
        # Its own transaction, not a savepoint in the caller's: two round trips fewer per article.
        with transaction.atomic():
            article.save(force_insert=True)
            if along is not None:
                along(article)
    except IntegrityError:
        # Another worker stored the same URL between our look-up and our insert.
        return Article.objects.get(url=data.url), False
    return article, True


_turn_lock = threading.Lock()
_turn_held = threading.local()


@contextmanager
def write_turn() -> Iterator[None]:
    """On SQLite, wait for this machine's one turn to write; elsewhere, do nothing.

    SQLite lets one writer in at a time and makes the others poll with sleeps of up to 100 ms,
    so under many writers the lock often stands free while they sleep. Queueing first on a lock
    in this process and then on a file lock across processes hands the turn over at once.
    """
    if connection.vendor != "sqlite" or getattr(_turn_held, "yes", False):
        yield  # a nested turn would wait for itself
        return
    with _turn_lock:
        descriptor = os.open(str(settings.NEWSDESK["DATA_DIR"] / "write.lock"), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            _turn_held.yes = True
            yield
        finally:
            _turn_held.yes = False
            os.close(descriptor)


def clean_card(card: dict) -> dict:
    """A related-story card or an embed with every text field stripped of markup, URLs checked."""
    cleaned = {}
    for key, value in card.items():
        if isinstance(value, str):
            value = value if key != "url" or value.startswith(("http://", "https://")) else ""
            value = value if key == "url" else clean_text(value)
        cleaned[key] = value
    return cleaned


def parse_published(value: str | None) -> datetime | None:
    """Return an aware datetime from an ISO 8601 date or time, or None."""
    if not value:
        return None
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            return None
        moment = datetime(day.year, day.month, day.day)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.utc)
    return moment
