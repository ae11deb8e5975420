"""The benchmarks' corpus: outlets, stories and articles of simulator prose, written in bulk SQL.

Shared by bench/search.py and bench/web_load.py, which keep one seeded database per engine
(PostgreSQL `newsdesk_bench`, SQLite in /tmp/newsdesk-bench/sqlite) and seed it again only when
the sizes asked for change. Python plans who covers what and when (numpy: a few stories of
hundreds of articles, most of one or two, a few outlets carrying most of the news), loads that plan
and a pool of prose into the database, and one INSERT ... SELECT writes the articles: composing a
million texts in Python would take longer than the database takes to store them. The search
index's row triggers are paused while seeding; its own rebuild indexes everything at once after.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from random import Random

PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_DATABASE = "newsdesk_bench"
DATA = Path("/tmp/newsdesk-bench")
SPAN_DAYS = 180
POOL = 20_000  # paragraphs; each article is three of them, about 180 words
NAMES = 5_000
PARAGRAPHS_PER_ARTICLE = 3
NEWSPAPER_WORDS = ("Herald", "Courier", "Gazette", "Times", "Post", "Chronicle", "Observer", "Tribune", "Journal",
                   "Standard", "Review", "Record", "Sentinel", "Express", "Dispatch", "Bulletin", "Ledger", "Mirror",
                   "Press", "Echo", "Telegraph", "Examiner", "Globe", "Register", "Star", "News")
SUFFIXES = (", officials say", ": what we know", " – live updates", ", report says", ": the reactions")


def environment(database: str, base: dict[str, str]) -> dict[str, str]:
    """The environment of a child process using the bench database of this engine (no NEWSDESK_* of the caller's)."""
    env = {name: value for name, value in base.items() if not name.startswith("NEWSDESK_")}
    env.update({"NEWSDESK_DATA_DIR": str(DATA / database), "NEWSDESK_SUBSCRIBE_DEFAULTS": "false",
                "DJANGO_SETTINGS_MODULE": "newsdesk.settings"})
    if database == "postgres":
        env["NEWSDESK_DATABASE_URL"] = PG_ADMIN.rsplit("/", 1)[0] + "/" + PG_DATABASE
    return env


def forget(database: str, sizes: dict, force: bool = False) -> bool:
    """Drop the kept database unless it was seeded with these sizes (or force); True when it must be seeded."""
    import shutil

    marker = DATA / database / "seeded.json"
    if not force and marker.exists() and json.loads(marker.read_text()).get("sizes") == sizes:
        return False
    shutil.rmtree(DATA / database, ignore_errors=True)
    if database == "postgres":
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
            connection.execute(f"CREATE DATABASE {PG_DATABASE}")
    (DATA / database).mkdir(parents=True, exist_ok=True)
    return True


def remember(database: str, sizes: dict, figures: dict) -> None:
    (DATA / database / "seeded.json").write_text(json.dumps({"sizes": sizes, "seeding": figures}))


def seeding_figures(database: str) -> dict:
    return json.loads((DATA / database / "seeded.json").read_text())["seeding"]


def seed(articles: int, stories: int, outlets: int) -> dict:
    """Fill the empty tables of the configured database (Django set up); return how long rows and index took."""
    import numpy as np
    from django.db import connection, transaction
    from django.utils import timezone

    from newsdesk.search import fulltext

    started = time.perf_counter()
    rng, draw = Random(1), np.random.default_rng(1)
    now = timezone.now().replace(microsecond=0)
    sqlite = connection.vendor == "sqlite"
    fulltext.suspend_sync()  # SQLite: drops the row triggers; PostgreSQL's are skipped by the replica role below
    if sqlite:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys = OFF")  # the plan is consistent by construction; checks cost a third
    with transaction.atomic(), connection.cursor() as cursor:
        if sqlite:
            cursor.execute("PRAGMA cache_size = -1000000")
        else:
            cursor.execute("SET LOCAL session_replication_role = replica")  # no row triggers, no foreign-key checks
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        insert_outlets(outlets, rng, now)
        plan = plan_stories(articles, stories, outlets, draw, now)
        insert_stories(cursor, plan, rng, now)
        progress(f"{stories:,} stories", started)
        insert_articles(cursor, plan, rng, draw, started)
        reset_sequences(cursor)
    if sqlite:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys = ON")
    rows_seconds = time.perf_counter() - started
    print(f"seeding: {articles:,} articles stored in {rows_seconds:.0f} s; indexing them for search", file=sys.stderr)
    fulltext.rebuild()
    fulltext.resume_sync()
    with connection.cursor() as cursor:
        if sqlite:
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # a running site checkpoints as it goes
        else:
            cursor.execute("VACUUM ANALYZE")  # what autovacuum would have done by the time a site had this many
    seconds = time.perf_counter() - started
    return {"articles": articles, "stories": stories, "outlets": outlets, "seconds": round(seconds, 1),
            "rows_seconds": round(rows_seconds, 1), "index_seconds": round(seconds - rows_seconds, 1)}


def insert_outlets(outlets: int, rng: Random, now: datetime) -> None:
    from newsdesk.simulator.vocabulary import PLACES
    from newsdesk.store.models import Feed, Source

    sources, feeds = [], []
    for number in range(1, outlets + 1):
        name = f"The {rng.choice(PLACES)} {rng.choice(NEWSPAPER_WORDS)}"
        # A few outlets allow only excerpts, as some publishers ask.
        sources.append(Source(id=number, name=name, homepage=f"https://outlet{number}.example/", language="en",
                              excerpt_words=60 if rng.random() < 0.03 else 0, created=now - timedelta(days=SPAN_DAYS)))
        feeds.append(Feed(id=number, url=f"https://outlet{number}.example/rss", source_id=number, title=name,
                          status=Feed.Status.OK, last_fetched=now, last_success=now, poll_minutes=30,
                          next_fetch=now + timedelta(minutes=30), created=now - timedelta(days=SPAN_DAYS)))
    Source.objects.bulk_create(sources, batch_size=500)
    Feed.objects.bulk_create(feeds, batch_size=500)


def plan_stories(articles: int, stories: int, outlets: int, draw, now: datetime) -> dict:
    """Which story and outlet each article has and when it was published, articles numbered in time order."""
    import numpy as np

    # Most stories have one or two articles; a few big ones draw a few hundred.
    weights = np.minimum(draw.pareto(1.2, stories) + 0.2, 80.0)
    sizes = 1 + draw.multinomial(articles - stories, weights / weights.sum())
    story_of = np.repeat(np.arange(stories), sizes)
    starts = now.timestamp() - draw.uniform(0, SPAN_DAYS * 86400, stories)
    offsets = np.minimum(draw.exponential(8 * 3600, articles), 10 * 86400)
    firsts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    offsets[firsts] = 0  # each story starts with its first article
    moments = np.minimum(starts[story_of] + offsets, now.timestamp() - draw.uniform(0, 600, articles))
    popularity = 1 / np.arange(1, outlets + 1) ** 0.9
    outlet_of = draw.choice(outlets, size=articles, p=popularity / popularity.sum()) + 1
    order = np.argsort(moments, kind="stable")
    story_of, moments, outlet_of = story_of[order], moments[order], outlet_of[order]
    lead = np.full(stories, articles, dtype=np.int64)
    np.minimum.at(lead, story_of, np.arange(articles))
    first = np.full(stories, np.inf)
    np.minimum.at(first, story_of, moments)
    last = np.zeros(stories)
    np.maximum.at(last, story_of, moments)
    pairs = np.unique(story_of.astype(np.int64) * (outlets + 1) + outlet_of)
    return {"story_of": story_of, "moments": moments, "outlet_of": outlet_of, "sizes": sizes, "lead": lead,
            "first": first, "last": last, "source_counts": np.bincount(pairs // (outlets + 1), minlength=stories)}


def insert_stories(cursor, plan: dict, rng: Random, now: datetime) -> None:
    """Stories with counts, scores and leads as clustering and ranking keep them."""
    from django.db import connection

    from newsdesk.simulator.prose import write_headline
    from newsdesk.stories.rank import age_hours, story_score

    total = len(plan["sizes"])
    headlines = [write_headline(rng) for _ in range(total)]
    rows = []
    for index in range(total):
        last = datetime.fromtimestamp(float(plan["last"][index]), UTC)
        comments = int(rng.expovariate(1 / 12)) if rng.random() < 0.2 else 0
        sources = int(plan["source_counts"][index])
        related = ([{"story": rng.randrange(total) + 1, "score": round(rng.uniform(0.2, 0.6), 3)} for _ in range(rng.randint(2, 6))]
                   if rng.random() < 0.5 else [])
        rows.append((index + 1, headlines[index], int(plan["lead"][index]) + 1,
                     moment_value(connection, float(plan["first"][index])), moment_value(connection, float(plan["last"][index])),
                     int(plan["sizes"][index]), sources, comments, story_score(sources, comments, age_hours(last, now)),
                     "en", now - last > timedelta(days=3), json.dumps(related)))
    load_rows(cursor, "store_story", ["id", "headline", "lead_article_id", "first_seen", "last_updated", "article_count",
                                      "source_count", "comment_count", "score", "language", "closed", "related"], rows)


def progress(what: str, started: float) -> None:
    print(f"seeding: {what} after {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)


def insert_articles(cursor, plan: dict, rng: Random, draw, started: float) -> None:
    """Articles of three pooled paragraphs, ids in time order; the first of each story leads it, a few copy it."""
    import numpy as np
    from django.db import connection
    from django.utils.html import escape

    from newsdesk.simulator.prose import invent_name, write_paragraph
    from newsdesk.store.models import Article

    sqlite = connection.vendor == "sqlite"
    paragraphs = [write_paragraph(rng) for _ in range(POOL)]
    cursor.execute("CREATE TEMP TABLE bench_paragraph (id integer PRIMARY KEY, body text, html text, words integer)")
    load_rows(cursor, "bench_paragraph", ["id", "body", "html", "words"],
              [(n, text, f"<p>{escape(text)}</p>", len(text.split())) for n, text in enumerate(paragraphs)])
    cursor.execute("CREATE TEMP TABLE bench_name (id integer PRIMARY KEY, name text)")
    load_rows(cursor, "bench_name", ["id", "name"], [(n, invent_name(rng)) for n in range(NAMES)])
    cursor.execute("CREATE TEMP TABLE bench_suffix (id integer PRIMARY KEY, suffix text)")
    load_rows(cursor, "bench_suffix", ["id", "suffix"], list(enumerate(SUFFIXES)))

    total = len(plan["story_of"])
    stories = len(plan["sizes"])
    number = np.arange(total)
    is_lead = plan["lead"][plan["story_of"]] == number
    # Now and then an outlet runs a syndicated copy of the lead article: same text, copy_of set.
    copy = ~is_lead & (draw.random(total) < 0.03)
    text_of = np.where(copy, plan["lead"][plan["story_of"]], number)
    # Title: the story's headline (the lead, and 40% of the rest), it with a suffix, or another story's.
    roll = draw.random(total)
    title_kind = np.where(is_lead | (roll < 0.4), 0, np.where(roll < 0.7, 1, 2))
    title_story = np.where(title_kind == 2, draw.integers(0, stories, total), plan["story_of"])
    author = np.where(draw.random(total) < 0.85, draw.integers(0, NAMES, total), -1)
    image = draw.random(total) < 0.7
    cursor.execute("""CREATE TEMP TABLE bench_plan (n bigint PRIMARY KEY, story bigint, outlet bigint, moment float,
                      fetched float, text_of bigint, copy_of bigint, title_kind integer, title_story bigint,
                      author integer, image integer)""")
    columns = ["n", "story", "outlet", "moment", "fetched", "text_of", "copy_of", "title_kind", "title_story", "author", "image"]
    fetched = plan["moments"] + draw.uniform(60, 1800, total)
    for low in range(0, total, 100_000):
        part = slice(low, low + 100_000)
        rows = zip((number[part] + 1).tolist(), (plan["story_of"][part] + 1).tolist(), plan["outlet_of"][part].tolist(),
                   plan["moments"][part].tolist(), fetched[part].tolist(), text_of[part].tolist(),
                   [int(text + 1) if is_copy else None for text, is_copy in zip(text_of[part], copy[part])],
                   title_kind[part].tolist(), (title_story[part] + 1).tolist(), author[part].tolist(), image[part].astype(int).tolist())
        load_rows(cursor, "bench_plan", columns, list(rows))

    progress(f"the plan of {total:,} articles", started)
    # Three paragraphs per text, picked by the text's number so that a copy repeats its lead exactly.
    picks = [f"(p{k}.id = (p.text_of * {prime} + {k}) %% {POOL})" for k, prime in enumerate((7, 7919, 104729))]
    joins = " ".join(f"JOIN bench_paragraph p{k} ON {pick}" for k, pick in enumerate(picks))
    concat = " || ".join
    newline = "char(10) || char(10)" if sqlite else "E'\\n\\n'"
    moment = "datetime({}, 'unixepoch')" if sqlite else "to_timestamp({})"
    authors = "json_array(author.name)" if sqlite else "jsonb_build_array(author.name)"
    computed = {
        "source_id": "p.outlet", "feed_id": "p.outlet", "story_id": "p.story",
        "url": "'https://outlet' || p.outlet || '.example/news/' || p.n",
        "guid": "'outlet' || p.outlet || '-' || p.n",
        "title": "CASE p.title_kind WHEN 1 THEN s.headline || x.suffix WHEN 2 THEN t.headline ELSE s.headline END",
        "authors": f"CASE WHEN author.name IS NULL THEN '[]' ELSE {authors} END",
        "published": moment.format("p.moment"), "fetched": moment.format("p.fetched"),
        "summary": "substr(p0.body, 1, 240) || '…'",
        "text": concat(["p0.body", newline, "p1.body", newline, "p2.body"]),
        "html": concat(["p0.html", "p1.html", "p2.html"]),
        "image": "CASE WHEN p.image = 1 THEN 'https://outlet' || p.outlet || '.example/images/' || p.n || '.jpg' ELSE '' END",
        "language": "'en'", "word_count": "p0.words + p1.words + p2.words",
        "content_hash": "'bench-' || p.text_of", "copy_of_id": "p.copy_of",
        "assignment": "'{\"kind\": \"seeded\"}'",
    }
    if not sqlite:
        computed["authors"] = f"CASE WHEN author.name IS NULL THEN '[]'::jsonb ELSE {authors} END"
        computed["assignment"] += "::jsonb"
    names, values, params = ["id"], ["p.n"], []
    for field in Article._meta.concrete_fields:
        if field.primary_key:
            continue
        names.append(field.column)
        if field.column in computed:
            values.append(computed[field.column])
        else:
            values.append("%s")
            params.append(field.get_db_prep_save(field.get_default(), connection))
    cursor.execute(f"""INSERT INTO {Article._meta.db_table} ({', '.join(names)})
        SELECT {', '.join(values)} FROM bench_plan p {joins}
        JOIN store_story s ON s.id = p.story JOIN store_story t ON t.id = p.title_story
        JOIN bench_suffix x ON x.id = p.n %% {len(SUFFIXES)}
        LEFT JOIN bench_name author ON author.id = p.author
        ORDER BY p.n""", params)
    progress(f"{total:,} articles", started)
    for table in ("bench_plan", "bench_paragraph", "bench_name", "bench_suffix"):
        cursor.execute(f"DROP TABLE {table}")


def moment_value(connection, timestamp: float):
    return connection.ops.adapt_datetimefield_value(datetime.fromtimestamp(timestamp, UTC))


def load_rows(cursor, table: str, columns: list[str], rows: list[tuple]) -> None:
    """Rows into table at full speed: COPY on PostgreSQL, one prepared statement on SQLite."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def reset_sequences(cursor) -> None:
    """Let the database hand out ids after the ones the seeding chose."""
    from django.core.management.color import no_style
    from django.db import connection

    from newsdesk.store.models import Article, Feed, Source, Story

    for statement in connection.ops.sequence_reset_sql(no_style(), [Source, Feed, Story, Article]):
        cursor.execute(statement)
