"""refresh_feed: fetch -> parse -> for each new entry: fetch page, extract, store with its story's features.

The story itself is assigned afterwards, by the installation's one assigner (stories/assign.py),
which the caller asks for when new articles were stored (tasks.py, `newsdesk fetch`).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Callable

import httpx
from django.conf import settings
from django.utils import timezone

from newsdesk.extract import ExtractError, extract_article
from newsdesk.ingest.fetch import FetchError, Limits, Response, fetch, thread_client
from newsdesk.ingest.parse import ParsedEntry, ParsedFeed, ParseError, parse_feed
from newsdesk.ingest.politeness import polite_slot
from newsdesk.ingest.robots import robots_checker
from newsdesk.ingest.schedule import next_poll_after_failure, next_poll_after_success
from newsdesk.ingest.urls import normalize_url, same_site
from newsdesk.ingest.websub import hub_is_pushing, note_hub
from newsdesk.sanitize import clean_text
from newsdesk.stories.assign import describe_text, store_features
from newsdesk.store.articles import ArticleData, parse_published, prepare_article, save_article, stored_keys, write_turn
from newsdesk.store.models import Feed

log = logging.getLogger("newsdesk.ingest")

FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"

# A process runs Python on one core at a time (the GIL), so more threads extracting at once only
# take turns, and slow down the one thread that other work waits for: the story assigner, or the
# holder of SQLite's write turn. The other threads go on fetching meanwhile.
COMPUTING_THREADS = 2
_computing = threading.BoundedSemaphore(COMPUTING_THREADS)


@dataclass
class RefreshResult:
    feed_id: int
    status: str  # "updated", "not-modified" or "failed"
    new_articles: int = 0
    error: str = ""
    page_errors: list[str] = field(default_factory=list)


def limits_from_settings() -> Limits:
    options = settings.NEWSDESK
    return Limits(timeout=float(options["FETCH_TIMEOUT"]), max_bytes=options["MAX_BODY_BYTES"],
                  user_agent=options["USER_AGENT"], allow_private=options["ALLOW_PRIVATE_NETWORKS"])


def refresh_feed(feed_id: int, client: httpx.Client | None = None) -> RefreshResult:
    """Poll one feed and store its new articles; every failure ends up in the feed's health."""
    feed = Feed.objects.select_related("source").get(id=feed_id)
    limits = limits_from_settings()
    client = client or thread_client(limits)
    try:
        response = fetch(client, feed.url, limits, etag=feed.etag, last_modified=feed.last_modified,
                         accept=FEED_ACCEPT, slot=polite_slot)
        if response.not_modified:
            record_success(feed, response)
            return RefreshResult(feed_id, "not-modified")
        parsed = parse_feed(response.content, response.url)
    except (FetchError, ParseError) as error:
        record_failure(feed, error)
        return RefreshResult(feed_id, "failed", error=str(error))
    result = store_entries(feed, parsed, client, limits)
    note_hub(feed, response.content, response.url, response.headers.get("link", ""), client)
    record_success(feed, response, parsed)
    return result


def ingest_document(feed: Feed, content: bytes, url: str) -> RefreshResult:
    """Store the new entries of a feed document that reached us without a poll (a WebSub push)."""
    limits = limits_from_settings()
    try:
        parsed = parse_feed(content, url)
    except ParseError as error:
        return RefreshResult(feed.id, "failed", error=str(error))
    return store_entries(feed, parsed, thread_client(limits), limits)


def store_entries(feed: Feed, parsed: ParsedFeed, client: httpx.Client, limits: Limits) -> RefreshResult:
    """Fetch, extract and store every entry of parsed that this feed has not stored yet."""
    describe_source(feed, parsed)
    result = RefreshResult(feed.id, "updated")
    allowed = robots_checker(client, limits, slot=polite_slot)
    for entry in new_entries(feed, parsed)[: settings.NEWSDESK["ARTICLES_PER_POLL"]]:
        data = read_entry(client, entry, limits, allowed)
        if data.extraction_error:
            result.page_errors.append(data.extraction_error)
        # Described here, in parallel on the ingesting threads, so that the one assigner only decides and writes.
        with _computing:
            features = describe_text(data.title, data.text or data.summary, data.published, feed.source_id, data.language)
            prepared = prepare_article(feed, data)
        with write_turn():  # an article is never stored without its features: they are written along
            _, created = save_article(feed, data, checked_url=normalize_url(entry.link), prepared=prepared,
                                      along=lambda article: store_features(article, features))
        result.new_articles += created
    if result.page_errors:
        log.warning("ingest: %s: %d of its new pages could not be read in full; first: %s",
                    feed.url, len(result.page_errors), result.page_errors[0])
    return result


def new_entries(feed: Feed, parsed: ParsedFeed) -> list[ParsedEntry]:
    """Entries with a link that this feed has not stored yet, in feed order."""
    linked = [e for e in parsed.entries if e.link.startswith(("http://", "https://"))]
    known_urls, known_guids = stored_keys(feed, [normalize_url(e.link) for e in linked], [e.id for e in linked if e.id])
    return [e for e in linked if normalize_url(e.link) not in known_urls and e.id not in known_guids]


def read_entry(client: httpx.Client, entry: ParsedEntry, limits: Limits, allowed: Callable[[str], bool]) -> ArticleData:
    """Fetch and extract the entry's page if allowed (robots.txt); if that fails, keep what the feed said and why."""
    data = ArticleData(
        url=normalize_url(entry.link),
        guid=entry.id,
        title=entry.title,
        authors=list(entry.authors) or ([entry.author] if entry.author else []),
        published=entry.published,
        summary=entry.summary,
        image=entry.image,
    )
    try:
        if not allowed(entry.link):
            data.extraction_error = f"fetch: robots.txt disallows {entry.link}; kept the feed's summary"
            return data
        page = fetch(client, entry.link, limits, accept=PAGE_ACCEPT, slot=polite_slot)
        with _computing:
            extracted = extract_article(page.content, page.url, page.charset)
    except (FetchError, ExtractError) as error:
        data.extraction_error = str(error)
        return data
    data.url = normalize_url(page.url)
    # A canonical URL on another host (syndicated copies, odd CMS setups) is not ours to claim.
    if extracted.url and extracted.url != page.url and same_site(extracted.url, page.url):
        data.url = normalize_url(extracted.url)
    data.title = data.title or extracted.title
    data.authors = extracted.authors or data.authors
    data.published = data.published or parse_published(extracted.published)
    data.text = extracted.text
    data.html = extracted.html
    data.image = data.image or extracted.image or ""
    data.language = extracted.language or ""
    data.truncated = extracted.truncated
    data.related = [asdict(card) for card in extracted.related]
    data.embeds = [asdict(embed) for embed in extracted.embeds]
    return data


def describe_source(feed: Feed, parsed: ParsedFeed) -> None:
    """Name the feed and its outlet from the feed's own title, the first time it is read."""
    title = clean_text(parsed.title)[:300]
    if title and not feed.title:
        feed.title = title
        feed.save(update_fields=["title"])
    source = feed.source
    if title and source.name in {"", source.homepage, source.homepage.split("//")[-1].strip("/")}:
        source.name = title
        source.language = source.language or parsed.language[:20]
        source.save(update_fields=["name", "language"])


def record_success(feed: Feed, response: Response, parsed: ParsedFeed | None = None) -> None:
    """Mark the feed healthy and schedule its next poll from what it and its server said."""
    now = timezone.now()
    previous = timedelta(minutes=feed.poll_minutes) if feed.poll_minutes else None
    next_fetch, interval = next_poll_after_success(
        now,
        published=[e.published for e in parsed.entries if e.published] if parsed else [],
        previous=previous,
        ttl_minutes=parsed.ttl_minutes if parsed else None,
        headers=response.headers,
        skip_hours=set(parsed.skip_hours) if parsed else set(),
        pushed=hub_is_pushing(feed, now),
    )
    with write_turn():
        Feed.objects.filter(id=feed.id).update(
            etag=(response.etag or feed.etag)[:500], last_modified=(response.last_modified or feed.last_modified)[:100],
            last_fetched=now, last_success=now, next_fetch=next_fetch, poll_minutes=max(1, round(interval.total_seconds() / 60)),
            status=Feed.Status.OK, consecutive_failures=0, last_error="", failing_since=None,
        )


def record_failure(feed: Feed, error: Exception) -> None:
    now = timezone.now()
    failures = feed.consecutive_failures + 1
    retry_after = getattr(error, "retry_after", None)
    with write_turn():
        Feed.objects.filter(id=feed.id).update(
            last_fetched=now, next_fetch=next_poll_after_failure(now, failures, retry_after),
            status=Feed.Status.FAILING, consecutive_failures=failures, last_error=str(error)[:2000],
            failing_since=feed.failing_since or now,
        )
    log.warning("ingest: feed %s failed (%d in a row): %s", feed.url, failures, error)

