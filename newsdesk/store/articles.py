"""Writing articles: one row per page, however often a feed or page is read again."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
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


def find_existing(feed: Feed, url: str, guid: str, text: str = "") -> Article | None:
    """Return the article already stored for this URL, this guid in this feed, or this text from this outlet."""
    lookups = [{"url": url}] if url else []
    if guid:
        lookups.append({"feed": feed, "guid": guid})
    if len(text.split()) >= MIN_WORDS_FOR_HASH:
        lookups.append({"source_id": feed.source_id, "content_hash": content_hash(text)})
    for lookup in lookups:
        # Only the key columns: a stored article's text and HTML are large and not needed here.
        found = list(Article.objects.filter(**lookup).only("id", "url", "story_id").order_by()[:1])
        if found:
            return found[0]
    return None


def stored_keys(feed: Feed, urls: list[str], guids: list[str]) -> tuple[set[str], set[str]]:
    """Which of these URLs are stored, and which of these guids this feed has stored (two queries)."""
    known_urls = set(Article.objects.filter(url__in=urls).values_list("url", flat=True)) if urls else set()
    known_guids = set(Article.objects.filter(feed=feed, guid__in=guids).values_list("guid", flat=True)) if guids else set()
    return known_urls, known_guids


def save_article(feed: Feed, data: ArticleData, checked_url: str = "") -> tuple[Article, bool]:
    """Store data as an article of feed; return it and whether it is new. Never duplicates.

    checked_url: a URL (with data.guid) the caller just found not stored, to save a look-up.
    """
    if checked_url and checked_url == data.url:
        existing = find_existing(feed, "", "", data.text)
    else:
        existing = find_existing(feed, data.url, data.guid, data.text)
    if existing is not None:
        return existing, False
    text = data.text or data.summary
    article = Article(
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
    try:
        with transaction.atomic():
            article.save()
    except IntegrityError:
        # Another worker stored the same URL between our look-up and our insert.
        return Article.objects.get(url=data.url), False
    return article, True


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
