"""The live clusterer: every stored article joins its story, in arrival order, by one assigner at a time.

Ingesting threads store each article with its features and no story (`store_features`). One
assigner for the whole installation (`assigner_turn`: an advisory lock on PostgreSQL, a file lock
on SQLite's one machine; a dead holder's lock goes with its connection or process) then takes every
article still waiting, oldest first, and assigns them in bounded batches (`assign_waiting`).

The pure `Clusterer` decides; this module persists its decisions. A process keeps the open window
in memory and replays the membership events others (moderators, the assigner of another process)
wrote since its own last turn, so every decision is made from the same state. Deciding and writing
happen under one database lock: an advisory lock on PostgreSQL, the write lock of the IMMEDIATE
transaction on SQLite.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable, ContextManager, Iterator

from django.conf import settings

from django.db import connection, models, transaction
from django.db.models import Count, Max
from django.utils import timezone

from newsdesk.stories.cluster import Clusterer, ClusterConfig, Decision, StorySummary
from newsdesk.stories.features import Document, Features, describe
from newsdesk.stories.rank import age_hours, story_score
from newsdesk.store.articles import write_turn
from newsdesk.store.models import Article, ArticleFeatures, ClusterEvent, Story

log = logging.getLogger(__name__)

ADVISORY_LOCK = 0x6E657773  # "news": the one key every worker takes to change story membership
ASSIGNER_LOCK = 0x61737369  # "assi": held by the installation's one assigner for the whole of its turn
ASSIGNER_LEAD = 0x6C656164  # "lead": held for its lifetime by the one assigner process that watches for work
# Articles per assigning transaction: a moderator, and on SQLite every writer, waits at most one batch
# (about 0.5 s on a loaded machine), then has its turn before the next one.
BATCH = 25
PAUSE_SECONDS = 0.01
REPLAY_LIMIT = 20_000  # further behind than this, a process rebuilds its window instead of replaying
RELATED_LIMIT = 5
RELATED_EVERY = 8
CLOSE_EVERY = timedelta(minutes=10)


@dataclass
class Window:
    """One process's copy of the open stories, and how far it has replayed the events."""

    clusterer: Clusterer
    last_event: int = 0
    last_signature: tuple | None = None
    last_row: tuple | None = None  # the last event as this process wrote it, column by column, while it is the newest
    newest: datetime | None = None
    closed_until: datetime | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


_window: Window | None = None
_window_lock = threading.Lock()


def describe_article(article: Article) -> Features:
    """What the clusterer keeps of a stored article."""
    return describe_text(article.title, article.text or article.summary, article.when, article.source_id, article.language)


def describe_text(title: str, text: str, published: datetime | None, source_id: int, language: str = "") -> Features:
    """What the clusterer keeps of an article about to be stored (computed outside any lock)."""
    return describe(Document(id="", title=title, text=text, published=published or timezone.now(),
                             source=str(source_id), language=language))


def arrival_time(article: Article) -> datetime:
    """The moment the clusterer files an article under: when it says it was published, but never in the future."""
    return min(article.when, timezone.now())


def store_features(article: Article, features: Features) -> None:
    """Keep a just-stored article's features beside it, in its transaction, for the assigner to read."""
    insert_row(ArticleFeatures, article_id=article.pk, data=features.as_json(), when=arrival_time(article))


def assign_story(article: Article, features: Features | None = None) -> int:
    """Put one stored article into the story it reports, or start a new story, at once; return the story's id."""
    if article.story_id:
        return article.story_id
    features = features or describe_article(article)
    when = arrival_time(article)
    with transaction.atomic(), locked_window() as window:
        store_features(article, features)
        close_quiet_stories(window, when)
        decision = window.clusterer.decide(str(article.pk), features, when)
        key = join_story(window, article, features, when, decision)
        summarize(window, key, new=decision.story is None)
        return key


def assigner_turn(wait: bool = True) -> ContextManager[bool]:
    """Be the installation's one assigner for the block; yield False at once if another is and wait is false."""
    return installation_lock(ASSIGNER_LOCK, "assigner.lock", wait)


def assigner_lead(wait: bool = True) -> ContextManager[bool]:
    """Be the one assigner process that watches for work (the others stand by); yield False if another is and wait is false."""
    return installation_lock(ASSIGNER_LEAD, "assigner-lead.lock", wait)


@contextmanager
def installation_lock(key: int, name: str, wait: bool) -> Iterator[bool]:
    """Hold one lock of the whole installation for the block, released when its holder dies; yield whether held."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {'pg_advisory_lock' if wait else 'pg_try_advisory_lock'}(%s)", [key])
            held = wait or cursor.fetchone()[0]
        try:
            yield held
        finally:
            if held and connection.connection is not None:  # a lost connection took its session's lock with it
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
        return
    # SQLite lives on one machine: a file lock, which the kernel drops when its holder dies.
    descriptor = os.open(str(settings.NEWSDESK["DATA_DIR"] / name), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(descriptor)


def assign_waiting(keep_going: Callable[[], bool] = lambda: True) -> int:
    """Assign every stored article still without a story, oldest first, in batches, while keep_going(); return how many."""
    total = 0
    while keep_going() and (assigned := assign_batch()):
        total += assigned
        # Writers waiting for their turn (on SQLite, every ingesting thread) go first: neither the
        # thread lock nor the file lock is fair to a thread that asks again at once.
        time.sleep(PAUSE_SECONDS)
    return total


def assign_batch(limit: int = BATCH) -> int:
    """Assign the oldest `limit` articles waiting for a story, in one transaction; return how many."""
    with write_turn(), transaction.atomic(), locked_window() as window:
        waiting = waiting_articles(limit)
        writes = Writes()
        started: set[int] = set()
        joined: dict[int, int] = {}  # story: articles it gained in this batch
        gone: set[int] = set()
        for article, features, when in waiting:
            if window.clusterer.story_of(str(article.pk)) is not None:
                window.clusterer.remove(str(article.pk))  # its story was deleted from under it: decide afresh
            close_quiet_stories(window, when)
            decision = window.clusterer.decide(str(article.pk), features, when)
            key = join_story(window, article, features, when, decision, writes)
            if decision.story is None:
                started.add(key)
            joined[key] = joined.get(key, 0) + 1
            gone.update(decision.merge)
        writes.flush(window)
        # Once per story and batch, not per article: summarizing a large story costs a pass over its members.
        summarize_all(window, {key: (key in started, count) for key, count in joined.items() if key not in gone})
    return len(waiting)


def waiting_articles(limit: int) -> list[tuple[Article, Features, datetime]]:
    """The oldest articles without a story, each with its stored features (described now if it has none)."""
    # One range of the story foreign key's index: only the waiting rows are read (on SQLite already in id
    # order), their features joined to them. One query, not three: building each cost more than running it.
    wanted = {"id", "title", "published", "fetched", "source_id", "language"}
    fields = [field.attname for field in Article._meta.concrete_fields if field.attname in wanted]  # as from_db reads them
    rows = (Article.objects.filter(story__isnull=True).order_by("id")
            .values_list(*fields, "features__data", "features__when")[:limit])
    waiting = []
    for *values, data, when in rows:
        article = Article.from_db(connection.alias, fields, values)
        if data is not None:
            waiting.append((article, Features.from_json(data), when))
            continue
        # Stored by something other than ingestion (or before assignment moved off it): describe it here.
        article.refresh_from_db(fields=["text", "summary"])
        features = describe_article(article)
        store_features(article, features)
        waiting.append((article, features, arrival_time(article)))
    return waiting


def join_story(window: Window, article: Article, features: Features, when: datetime, decision: Decision,
               writes: Writes | None = None) -> int:
    """Write a decision: the article's story, its reason, the event others replay; then apply it here.

    A new story is written at once (later articles of a batch may join it); the article's story and its
    event wait in `writes`, when given, for the caller to flush. The article's features are already
    stored, and the story's summary is the caller's to bring up to date: once per article
    (`assign_story`) or once per batch (`assign_batch`)."""
    held = writes
    writes = Writes() if held is None else held
    key = decision.story
    if key is None:
        key = insert_instance(Story(headline=article.title, lead_article=article, first_seen=when, last_updated=when,
                                    article_count=1, source_count=1, language=features.language))[0]
    reason = decision.reason.as_json()
    copy_of = int(decision.reason.copy_of) if decision.reason.copy_of else None
    writes.place(article.pk, story_id=key, assignment=reason, copy_of_id=copy_of)
    article.story_id, article.assignment, article.copy_of_id = key, reason, copy_of
    window.clusterer.add(str(article.pk), features, when, key)
    writes.record(ClusterEvent(kind=ClusterEvent.Kind.ADD, article_id=article.pk, story_id=key))
    window.newest = max(window.newest or when, when)
    if decision.merge:
        writes.flush(window)  # merging reads and moves articles by story, and writes its event after this one
    for gone in decision.merge:
        if Article.objects.filter(story_id=gone, pinned=True).exists():
            continue  # a moderator placed articles there: clustering does not move them
        absorb(window, key, gone)
    review = window.clusterer.review(key)
    if review.strays or review.apart:
        writes.flush(window)  # as for merging
    for gone in review.strays:
        if not Article.objects.filter(story_id=gone, pinned=True).exists():
            absorb(window, key, gone)
    apart = [int(doc_id) for doc_id in review.apart]
    new = split_off(window, key, apart) if apart else None
    if new is not None and article.pk in apart:
        article.story_id, article.assignment = new, {"kind": "split", "from_story": key}
        key = new
    if held is None:
        writes.flush(window)
    return key


class Writes:
    """A batch's articles' stories and their ADD events, held to be written in two statements at `flush`."""

    PLACED = ("story_id", "assignment", "copy_of_id")

    def __init__(self) -> None:
        self.placed: list[tuple[int, list]] = []
        self.events: list[tuple[ClusterEvent, list]] = []

    def place(self, pk: int, story_id: int, assignment: dict, copy_of_id: int | None) -> None:
        """Hold an article's story, reason and copy."""
        self.placed.append((pk, prepare(Article, dict(zip(self.PLACED, (story_id, assignment, copy_of_id))))))

    def record(self, event: ClusterEvent) -> None:
        """Hold an event this process just applied, its columns as they are now (its time is now)."""
        self.events.append((event, instance_row(event)))

    def flush(self, window: Window) -> None:
        """Write what is held, in order, and note the last event as the newest this process's memory reflects."""
        if self.placed:
            update_rows(Article, self.PLACED, self.placed)
        if self.events:
            event, row = self.events[-1]
            event.pk = insert_rows(ClusterEvent, [row for _, row in self.events])
            event._state.adding = False
            remember(window, event)
            window.last_row = as_text((event.pk, *row))
        self.placed, self.events = [], []


def split_off(window: Window, key: int, article_ids: list[int]) -> int | None:
    """The clusterer found two events in story `key`: these of its articles start a story of their own; return its id.

    Written as a REMOVE and an ADD event per article, as a moderator's move is, and applied here as
    every worker replays them. Never of an article a moderator placed."""
    if Article.objects.filter(pk__in=article_ids, pinned=True).exists():
        return None
    stored = {row.article_id: row for row in ArticleFeatures.objects.filter(article_id__in=article_ids)}
    articles = Article.objects.only("id", "title").in_bulk(article_ids)
    first = min(article_ids, key=lambda pk: (stored[pk].when, pk))
    new = insert_instance(Story(headline=articles[first].title, lead_article_id=first, first_seen=stored[first].when,
                                last_updated=max(row.when for row in stored.values()), article_count=len(article_ids),
                                source_count=1, language=stored[first].data["language"]))[0]
    Article.objects.filter(pk__in=article_ids).update(story_id=new, assignment={"kind": "split", "from_story": key})
    for pk in article_ids:
        record_event(window, ClusterEvent(kind=ClusterEvent.Kind.REMOVE, article_id=pk, story_id=key))
        window.clusterer.remove(str(pk))
        record_event(window, ClusterEvent(kind=ClusterEvent.Kind.ADD, article_id=pk, story_id=new))
        window.clusterer.add(str(pk), Features.from_json(stored[pk].data), stored[pk].when, new)
    summarize(window, new)
    return new


def absorb(window: Window, keep: int, gone: int) -> None:
    """Story `gone` turned out to report the same event as `keep`: its articles move there."""
    Article.objects.filter(story_id=gone).update(story_id=keep)
    Story.objects.filter(pk=gone).update(merged_into_id=keep, article_count=0, source_count=0, lead_article=None,
                                         closed=True, related=[], score=0.0)
    event = ClusterEvent.objects.create(kind=ClusterEvent.Kind.MERGE, story_id=keep, other_story_id=gone)
    window.clusterer.merge(keep, gone)
    remember(window, event)


def summarize(window: Window, key: int, new: bool = False, gained: int = 1) -> None:
    """Bring a story's counts, times, headline, lead article and related stories up to date
    (new: started by the articles just assigned; gained: how many joined it since it was last summarized)."""
    summarize_all(window, {key: (new, gained)})


def summarize_all(window: Window, stories: dict[int, tuple[bool, int]]) -> None:
    """`summarize` each story (its new, gained), in one statement per set of fields written."""
    summaries = {}
    for key, (new, gained) in stories.items():
        summary = open_summary(window, key)
        if summary is None:
            summarize_closed(key)
        else:
            summaries[key] = (summary, new, gained)
    grown = {key: int(summary.headline) for key, (summary, new, _) in summaries.items()
             if not (new and len(summary.members) == 1)}
    headlines = headlines_and_comments(grown) if grown else {}
    changes: dict[tuple[str, ...], list[tuple[int, list]]] = {}
    for key, (summary, new, gained) in summaries.items():
        fields = story_fields(window, key, summary, new, gained, headlines.get(key, ("", 0)))
        changes.setdefault(tuple(fields), []).append((key, prepare(Story, fields)))
    for names, rows in changes.items():
        update_rows(Story, names, rows)


def story_fields(window: Window, key: int, summary: StorySummary, new: bool, gained: int,
                 headline_comments: tuple[str, int]) -> dict:
    """The fields `summarize` writes of an open story, by attname."""
    size = summary.articles
    # Related stories cost a pass over the story's heaviest terms; a large story's neighbours change
    # slowly, so it looks again each time it passes a multiple of RELATED_EVERY articles, not at each one.
    fields = {}
    if new or size <= RELATED_EVERY or size // RELATED_EVERY > (size - gained) // RELATED_EVERY:
        fields["related"] = [{"story": other, "score": round(score, 3)}
                             for other, score in window.clusterer.related(key, RELATED_LIMIT)]
    if new and size == 1:
        return {"score": story_score(1, 0, age_hours(summary.last, timezone.now())), **fields}
    headline, comments = headline_comments
    sources = len(summary.sources) or 1
    return dict(
        article_count=size, source_count=sources, first_seen=summary.first,
        last_updated=summary.last, closed=False, lead_article_id=int(summary.representative),
        language=summary.language, **fields, **({"headline": headline} if headline else {}),
        # Ranked at once, so a story gaining outlets rises before the next periodic rescoring.
        score=story_score(sources, comments or 0, age_hours(summary.last, timezone.now())),
    )


def headlines_and_comments(headlines: dict[int, int]) -> dict[int, tuple[str, int]]:
    """Each story's headline title and comments, given its headline article (one of its own): two plain queries."""
    article, story = Article._meta, Story._meta
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {qn(article.pk.column)}, {qn(article.get_field('title').column)} "
                       f"FROM {qn(article.db_table)} WHERE {qn(article.pk.column)} IN ({', '.join(['%s'] * len(headlines))})",
                       list(set(headlines.values())))
        titles = dict(cursor.fetchall())
        cursor.execute(f"SELECT {qn(story.pk.column)}, {qn(story.get_field('comment_count').column)} "
                       f"FROM {qn(story.db_table)} WHERE {qn(story.pk.column)} IN ({', '.join(['%s'] * len(headlines))})",
                       list(headlines))
        comments = dict(cursor.fetchall())
    # As one join of the two would: nothing of a story whose headline or row is gone.
    return {key: (titles[article_id], comments[key]) for key, article_id in headlines.items()
            if article_id in titles and key in comments}


# The live path writes a handful of rows per article: plain statements, because building an ORM
# query costs more CPU than the write itself (0.4 to 0.6 ms each, measured under assign_story).

def qn(name: str) -> str:
    return connection.ops.quote_name(name)


def insert_row(model: type[models.Model], new_id: bool = False, prepared: bool = False, **values) -> int | None:
    """INSERT one row of `model` (fields by attname), adapted for the database as the ORM would (unless `prepared`
    already); return its new id if asked."""
    fields = [model._meta.get_field(name) for name in values]
    sql = (f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    params = list(values.values()) if prepared else [f.get_db_prep_save(value, connection)
                                                      for f, value in zip(fields, values.values())]
    with connection.cursor() as cursor:
        if new_id and connection.features.can_return_columns_from_insert:
            cursor.execute(f"{sql} RETURNING {qn(model._meta.pk.column)}", params)
            return cursor.fetchone()[0]
        cursor.execute(sql, params)
        return cursor.lastrowid if new_id else None


def insert_instance(instance: models.Model) -> tuple[int, list]:
    """INSERT an unsaved instance, every field but its id as the ORM would write it; set and return its new id,
    with the values written."""
    row = dict(zip(insert_fields(type(instance)), instance_row(instance)))
    instance.pk = insert_row(type(instance), new_id=True, prepared=True, **row)
    instance._state.adding = False
    return instance.pk, list(row.values())


def insert_fields(model: type[models.Model]) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields if not field.primary_key]


def instance_row(instance: models.Model) -> list:
    """An unsaved instance's values, every field but its id (as `insert_fields`), as the ORM would write them."""
    return [field.get_db_prep_save(field.pre_save(instance, True), connection)
            for field in type(instance)._meta.concrete_fields if not field.primary_key]


def insert_rows(model: type[models.Model], rows: list[list]) -> int:
    """INSERT prepared rows of `model` (as `insert_fields`) in one statement; return the last one's id."""
    columns = [model._meta.get_field(name).column for name in insert_fields(model)]
    row = f"({', '.join(['%s'] * len(columns))})"
    sql = (f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(map(qn, columns))}) "
           f"VALUES {', '.join([row] * len(rows))}")
    params = [value for values in rows for value in values]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"{sql} RETURNING {qn(model._meta.pk.column)}", params)
            return max(pk for pk, in cursor.fetchall())
        cursor.execute(sql, params)
        return cursor.lastrowid  # SQLite's: the last row of the statement


def prepare(model: type[models.Model], values: dict) -> list:
    """Values of `model`'s fields (by attname) adapted for the database as the ORM would."""
    return [model._meta.get_field(name).get_db_prep_save(value, connection) for name, value in values.items()]


def update_rows(model: type[models.Model], names: tuple[str, ...], rows: list[tuple[int, list]]) -> None:
    """UPDATE the same fields (by attname) of many rows of `model`, each (id, prepared values): one statement,
    sent at once for all (psycopg pipelines it)."""
    columns = [model._meta.get_field(name).column for name in names]
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {qn(model._meta.db_table)} SET {', '.join(f'{qn(c)} = %s' for c in columns)} "
                           f"WHERE {qn(model._meta.pk.column)} = %s", [[*values, pk] for pk, values in rows])


def summarize_closed(key: int) -> None:
    """Counts and lead of a closed story a moderator changed, from the database alone."""
    members = Article.objects.filter(story_id=key)
    counts = members.aggregate(articles=Count("id"), sources=Count("source", distinct=True))
    lead = members.order_by("published", "fetched").first()
    fields = {"article_count": counts["articles"], "source_count": counts["sources"]}
    story = Story.objects.get(pk=key)
    if lead is not None and not members.filter(pk=story.lead_article_id).exists():
        fields |= {"lead_article": lead, "headline": lead.title}
    Story.objects.filter(pk=key).update(**fields)


def open_summary(window: Window, key: int) -> StorySummary | None:
    """The clusterer's view of a story, or None when the story is closed (out of memory)."""
    try:
        return window.clusterer.summary(key)
    except KeyError:
        return None


class locked_window:
    """Context manager: hold the membership lock, with this process's window replayed up to date."""

    def __enter__(self) -> Window:
        take_database_lock()
        self.window = current_window()
        self.window.lock.acquire()
        try:
            replay(self.window)
        except BaseException:
            self.window.lock.release()
            raise
        return self.window

    def __exit__(self, kind, error, trace) -> None:
        if error is not None:
            # The transaction rolls back, but memory already changed: start again from the database.
            drop_window()
        self.window.lock.release()  # the window this block locked, even if another has replaced it


def take_database_lock() -> None:
    """Serialize membership changes across processes and machines (inside a transaction)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK])
    # SQLite: our transactions begin IMMEDIATE, so this one already holds the database's write lock.


def current_window() -> Window:
    global _window
    with _window_lock:
        if _window is None:
            _window = load_window()
        return _window


def drop_window() -> None:
    """Forget this process's window; the next assignment rebuilds it from the database."""
    global _window
    with _window_lock:
        _window = None


def window_config() -> ClusterConfig:
    return ClusterConfig()


def load_window() -> Window:
    """Rebuild the open stories from the database: their members' features, in assignment order.

    Only the members inside the window are held; the open stories' earlier articles are counted, as
    the process that assigned them counts them, so a story open for months costs no more than its last days."""
    window = Window(Clusterer(window_config()))
    last = ClusterEvent.objects.order_by("-id").first()
    if last is not None:
        remember(window, last)
    stored = ArticleFeatures.objects.filter(article__story__closed=False)
    newest = stored.aggregate(newest=Max("when"))["newest"]
    if newest is None:
        members, earlier = stored.none(), stored.none()
    else:
        horizon = min(newest, timezone.now()) - timedelta(hours=window.clusterer.config.window_hours)
        members, earlier = stored.filter(when__gte=horizon), stored.filter(when__lt=horizon)
    for article_id, story_id, data, when in (members.values_list("article_id", "article__story_id", "data", "when")
                                             .order_by("article_id").iterator(chunk_size=2000)):
        window.clusterer.add(str(article_id), Features.from_json(data), when, story_id)
        window.newest = max(window.newest or when, when)
    for story_id, data, when in earlier.values_list("article__story_id", "data", "when").iterator(chunk_size=2000):
        window.clusterer.count_earlier(story_id, data["source"], when)
    for a, b in ClusterEvent.objects.filter(kind=ClusterEvent.Kind.FORBID).values_list("story_id", "other_story_id"):
        window.clusterer.forbid(a, b)
    return window


def rebuild(window: Window) -> None:
    fresh = load_window()
    window.clusterer, window.newest, window.closed_until = fresh.clusterer, fresh.newest, None
    window.last_event, window.last_signature = fresh.last_event, fresh.last_signature


def signature(event: ClusterEvent) -> tuple:
    return event.kind, event.article_id, event.story_id, event.other_story_id, event.created


def remember(window: Window, event: ClusterEvent) -> None:
    """Note the newest event this process's memory reflects."""
    window.last_event, window.last_signature, window.last_row = event.pk, signature(event), None


def record_event(window: Window, event: ClusterEvent) -> None:
    """Write an event this process just applied (a plain INSERT) and note it as the newest its memory reflects."""
    pk, row = insert_instance(event)
    remember(window, event)
    window.last_row = as_text((pk, *row))


def replay(window: Window) -> None:
    """Apply the events other processes wrote since this one last looked."""
    if window.last_row is not None and as_text(newest_event_row()) == window.last_row:
        return  # nothing new: the newest event is still, column for column, the one this process wrote
    events = list(ClusterEvent.objects.filter(id__gte=window.last_event).order_by("id")[:REPLAY_LIMIT + 2])
    if window.last_event:
        if not events or signature(events[0]) != window.last_signature:
            # The last event this process wrote was rolled back (or pruned): its memory is wrong.
            rebuild(window)
            return
        events = events[1:]
    if len(events) > REPLAY_LIMIT:
        rebuild(window)
        return
    # A removed article is read too: one from before the window is only counted in its story, by outlet.
    wanted = [e.article_id for e in events if e.kind in (ClusterEvent.Kind.ADD, ClusterEvent.Kind.REMOVE)]
    features = {f.article_id: f for f in ArticleFeatures.objects.filter(article_id__in=wanted)} if wanted else {}
    for event in events:
        if event.kind == ClusterEvent.Kind.ADD and event.article_id in features:
            stored = features[event.article_id]
            window.clusterer.add(str(event.article_id), Features.from_json(stored.data), stored.when, event.story_id)
            window.newest = max(window.newest or stored.when, stored.when)
        elif event.kind == ClusterEvent.Kind.REMOVE:
            stored = features.get(event.article_id)
            window.clusterer.take_out(str(event.article_id), event.story_id, stored.data["source"] if stored else None)
        elif event.kind == ClusterEvent.Kind.FORBID:
            window.clusterer.forbid(event.story_id, event.other_story_id)
        elif event.kind == ClusterEvent.Kind.MERGE:
            window.clusterer.merge(event.story_id, event.other_story_id)
        remember(window, event)


def as_text(row: tuple | None) -> tuple:
    # What we bound and what the database hands back differ in type (SQLite keeps the text, returns a
    # datetime; psycopg wraps ints), not in what they print.
    return tuple(map(str, row or ()))


def newest_event_row() -> tuple | None:
    """The newest membership event as the database holds it (a plain query: this runs before every assignment)."""
    columns = ", ".join(qn(field.column) for field in ClusterEvent._meta.concrete_fields)
    pk = qn(ClusterEvent._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {qn(ClusterEvent._meta.db_table)} ORDER BY {pk} DESC LIMIT 1")
        return cursor.fetchone()


def close_quiet_stories(window: Window, when: datetime) -> None:
    """Stories quiet for longer than the window before the newest article close: none joins them any more."""
    newest = min(max(window.newest or when, when), timezone.now())
    horizon = newest - timedelta(hours=window.clusterer.config.window_hours)
    if window.closed_until is not None and horizon - window.closed_until < CLOSE_EVERY:
        return  # closing looks at every open story: do it when the horizon has moved, not per article
    window.closed_until = horizon
    closed = window.clusterer.close_before(horizon)
    if closed:
        Story.objects.filter(pk__in=closed).update(closed=True)


def prune_events(keep: timedelta = timedelta(days=2)) -> int:
    """Forget old membership events (a process further behind rebuilds) and close quiet stories; return events removed."""
    now = timezone.now()
    Story.objects.filter(closed=False, last_updated__lt=now - timedelta(hours=window_config().window_hours)).update(closed=True)
    removed, _ = (ClusterEvent.objects.filter(created__lt=now - keep)
                  .exclude(kind=ClusterEvent.Kind.FORBID).delete())
    return removed
