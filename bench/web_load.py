"""Load on the reader's site: the real server over loopback, driven by wrk at 50 connections.

    .venv/bin/python bench/web_load.py                          # 1,000,000 articles, 200,000 stories, 500 outlets
    .venv/bin/python bench/web_load.py --articles 100000        # a quick look (stories: a fifth of the articles)
    .venv/bin/python bench/web_load.py --database postgres --reseed

For each database (SQLite in a data folder of its own; PostgreSQL `newsdesk_webload` with Redis) it
seeds outlets, stories and articles straight into the tables (bulk inserts, articles in time order
as ingestion stores them, the search index filled by the search app's own rebuild), and keeps them
for the next run: `--reseed` starts again. Then, for each kind of page, it restarts `newsdesk web`
(gunicorn, as `newsdesk run` starts it on a 2-core machine) with an empty page cache and runs wrk:

- cold: one pass over distinct URLs (front page tabs and pages, story pages of random stories,
  searches for common words, outlet pages), each requested once, right after the restart;
- warm: the same URLs picked at random for `--duration` seconds, after a short unmeasured warm-up.

It prints p50, p95 and p99 latency, requests per second and the share answered from the page cache
for each, beside a static file served through the same stack in the same run (the baseline: what
the server and this machine's load allow at all), with the load average and the wrk command lines.
The issue's floors: front and story pages p99 under 100 ms and 300 requests/s warm; search p95
under 200 ms. wrk comes from Debian (`apt-get install -y wrk`). The Redis database given by
--redis-url is emptied before each cold pass: give the bench one nobody else uses.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from random import Random

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_DATABASE = "newsdesk_webload"
SPAN_DAYS = 180
BATCH = 2000
CONNECTIONS = 50
WRK_THREADS = 2
WARM_UP_SECONDS = 5
REQUEST_TIMEOUT_SECONDS = 30
CASES = {"static": "static file (baseline)", "front": "front page", "stories": "story page", "searches": "search",
         "outlets": "outlet page"}

# Each wrk thread reads the URL list; in a pass it takes every n-th URL and sends each once, then
# leaves its connections idle. It reports each answer on stdout, so that the bench knows when the
# pass is over: wrk itself always waits out its duration, and an answer lost to a closed connection
# never comes.
WRK_SCRIPT = r"""
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  local all = {}
  for line in io.lines(args[1]) do all[#all + 1] = line end
  mode, paths, sent, received, hits, misses, armed = args[2], {}, 0, 0, 0, 0, 0
  if mode == "pass" then
    for i = id, #all, tonumber(args[3]) do paths[#paths + 1] = all[i] end
  else
    paths = all
    math.randomseed(id * 7919)
    delay = nil
  end
end

function delay()
  if sent + armed >= #paths then return 3600000 end
  armed = armed + 1
  return 0
end

function request()
  local path
  if mode == "pass" then
    -- wrk calls request() once to check it before the run: only calls that delay() let through send.
    if armed > 0 then
      armed = armed - 1
      sent = sent + 1
    end
    path = paths[math.max(1, math.min(sent, #paths))]
  else
    path = paths[math.random(#paths)]
  end
  return wrk.format("GET", path)
end

function response(status, headers, body)
  received = received + 1
  local state = headers["X-Page-Cache"]
  if state == "hit" then hits = hits + 1 elseif state == "miss" then misses = misses + 1 end
  if mode == "pass" then
    io.write("ANSWER\n")
    io.flush()
  end
end

function done(summary, latency, requests)
  local hit, miss = 0, 0
  for _, thread in ipairs(threads) do
    hit = hit + (thread:get("hits") or 0)
    miss = miss + (thread:get("misses") or 0)
  end
  local errors = summary.errors
  io.write(string.format(
    'WRK-RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"connect_errors": %d, "read_errors": %d, "write_errors": %d, "timeouts": %d, "bad_status": %d, "hits": %d, "misses": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, errors.connect, errors.read, errors.write, errors.timeout, errors.status, hit, miss))
end
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--stories", type=int, default=0, help="default: a fifth of the articles")
    parser.add_argument("--outlets", type=int, default=500)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--reseed", action="store_true", help="seed again even if the kept databases match")
    parser.add_argument("--data", type=Path, default=Path("/tmp/newsdesk-web-load"), help="data folders and URL lists")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/9", help="emptied before each cold pass")
    parser.add_argument("--duration", type=int, default=20, help="seconds of each warm run")
    parser.add_argument("--story-pages", type=int, default=1000, help="distinct story pages requested")
    parser.add_argument("--searches", type=int, default=300, help="distinct searches requested")
    parser.add_argument("--cases", default=",".join(CASES), help=f"some of {','.join(CASES)}")
    parser.add_argument("--page-cache-seconds", type=int, help="NEWSDESK_PAGE_CACHE_SECONDS for the server (default: its default)")
    parser.add_argument("--prepare", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)  # the seeding child
    args = parser.parse_args()
    args.stories = args.stories or max(args.articles // 5, 1)
    sys.stdout.reconfigure(line_buffering=True)  # each figure as soon as it is measured, even into a file
    if args.prepare:
        print(json.dumps(prepare(args)))
        return
    wrk = shutil.which("wrk")
    if not wrk:
        sys.exit("bench: wrk is not installed; on Debian: apt-get install -y wrk")
    for database in (["sqlite", "postgres"] if args.database == "both" else [args.database]):
        run_database(database, args, wrk)


def environment(database: str, args) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("NEWSDESK_")}
    env.update({"NEWSDESK_DATA_DIR": str(args.data / database), "NEWSDESK_SUBSCRIBE_DEFAULTS": "false",
                "DJANGO_SETTINGS_MODULE": "newsdesk.settings", "PYTHONPATH": str(ROOT)})
    if database == "postgres":
        env["NEWSDESK_DATABASE_URL"] = PG_ADMIN.rsplit("/", 1)[0] + "/" + PG_DATABASE
        env["NEWSDESK_REDIS_URL"] = args.redis_url
    if args.page_cache_seconds is not None:
        env["NEWSDESK_PAGE_CACHE_SECONDS"] = str(args.page_cache_seconds)
    return env


def run_database(database: str, args, wrk: str) -> None:
    env = environment(database, args)
    folder = args.data / database
    wanted = {"articles": args.articles, "stories": args.stories, "outlets": args.outlets}
    marker = folder / "seeded.json"
    reseed = args.reseed or not marker.exists() or json.loads(marker.read_text()).get("sizes") != wanted
    if reseed:
        if folder.exists():
            shutil.rmtree(folder)
        if database == "postgres":
            recreate_postgres()
    folder.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, __file__, "--prepare", database, "--articles", str(args.articles), "--stories",
               str(args.stories), "--outlets", str(args.outlets), "--story-pages", str(args.story_pages),
               "--searches", str(args.searches), "--data", str(args.data)]
    prepared = json.loads(subprocess.run(command, env=env, check=True, stdout=subprocess.PIPE, text=True).stdout.splitlines()[-1])
    if prepared["seeding"]:
        marker.write_text(json.dumps({"sizes": wanted, "seeding": prepared["seeding"]}))
    title = "SQLite, file page cache" if database == "sqlite" else "PostgreSQL + Redis"
    print(f"\n## {title}: {args.articles:,} articles, {args.stories:,} stories, {args.outlets:,} outlets")
    seeding = json.loads(marker.read_text())["seeding"]
    kept = "" if prepared["seeding"] else " (kept from an earlier run; --reseed seeds again)"
    print(f"seeded in {seeding['seconds']:.0f} s: {seeding['rows_seconds']:.0f} s of rows, "
          f"{seeding['index_seconds']:.0f} s of search index{kept}")
    print(f"load average before: {load_average()}; page cache: {prepared['page_cache_seconds']} s; "
          f"server: newsdesk web ({prepared['web_workers']} gunicorn workers of 4 threads)")
    script = folder / "web_load.lua"
    script.write_text(WRK_SCRIPT)
    commands = []
    print_header()
    for name in args.cases.split(","):
        label = CASES[name]
        urls = folder / f"{name}.txt"
        count = sum(1 for _ in urls.open())
        clear_page_cache(database, folder, args.redis_url)
        with Server(env) as server:
            base = f"http://127.0.0.1:{server.port}"
            if name != "static":
                print_row(label, "cold", count, run_wrk(wrk, script, base, urls, "pass", args.duration, commands))
            run_wrk(wrk, script, base, urls, "random", WARM_UP_SECONDS, [])
            print_row(label, "warm", count, run_wrk(wrk, script, base, urls, "random", args.duration, commands))
    print(f"load average after: {load_average()}")
    print("commands (wrk threads take every 2nd URL of the list in a pass; pick at random when warm):")
    for line in dict.fromkeys(commands):
        print(f"  {line}")


def recreate_postgres() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {PG_DATABASE}")


def clear_page_cache(database: str, folder: Path, redis_url: str) -> None:
    if database == "postgres":
        import redis

        redis.Redis.from_url(redis_url).flushdb()
    else:
        shutil.rmtree(folder / "cache", ignore_errors=True)


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`newsdesk web` on a free loopback port, stopped on exit."""

    def __init__(self, env: dict[str, str]):
        self.env = env
        self.port = free_port()

    def __enter__(self) -> Server:
        self.process = subprocess.Popen([sys.executable, "-m", "newsdesk.cli", "web", "--host", "127.0.0.1",
                                         "--port", str(self.port)], env=self.env)
        deadline = time.monotonic() + 60
        ready = 0
        # A few answers in a row, so that both workers have most likely booted before the pass.
        while ready < 5:
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.__exit__()
                raise RuntimeError("bench: newsdesk web did not start; run it by hand to see why")
            try:
                ready = ready + 1 if httpx.get(f"http://127.0.0.1:{self.port}/static/newsdesk/site.css").status_code == 200 else 0
            except httpx.HTTPError:
                ready = 0
            time.sleep(0.1)
        return self

    def __exit__(self, *exc) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def run_wrk(wrk: str, script: Path, base: str, urls: Path, mode: str, seconds: int, commands: list[str]) -> dict:
    """Run wrk once; a pass is over when every URL is answered, or nothing more came for the request timeout."""
    duration = 3600 if mode == "pass" else seconds
    command = [wrk, f"-t{WRK_THREADS}", f"-c{CONNECTIONS}", f"-d{duration}s", "--latency", "--timeout", f"{REQUEST_TIMEOUT_SECONDS}s",
               "-s", str(script), base, "--", str(urls), mode, str(WRK_THREADS)]
    commands.append(" ".join(command).replace(base, "http://127.0.0.1:PORT"))
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    expected = sum(1 for _ in urls.open())
    answers, last_answer, result = 0, started, None
    watchdog = Watchdog(process, lambda: time.perf_counter() - last_answer > REQUEST_TIMEOUT_SECONDS + 1)
    if mode == "pass":
        watchdog.start()
    for line in process.stdout:
        if line.startswith("ANSWER"):
            answers += 1
            last_answer = time.perf_counter()
            if answers == expected:
                process.send_signal(signal.SIGINT)
        elif line.startswith("WRK-RESULT "):
            result = json.loads(line.split(" ", 1)[1])
    process.wait()
    watchdog.stop()
    if result is None:
        raise RuntimeError(f"bench: wrk printed no result ({' '.join(command)})")
    result["seconds"] = last_answer - started if mode == "pass" else result["duration_us"] / 1e6
    # In a pass, idle connections closed by the server's keep-alive timeout show as read errors: no request was lost.
    result["errors"] = (result["connect_errors"] + result["write_errors"] + result["timeouts"] + result["bad_status"]
                        + (expected - answers if mode == "pass" else result["read_errors"]))
    return result


class Watchdog(threading.Thread):
    """Interrupts wrk once stalled() says so."""

    def __init__(self, process: subprocess.Popen, stalled):
        super().__init__(daemon=True)
        self.process, self.stalled, self.stopped = process, stalled, threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(1):
            if self.stalled():
                self.process.send_signal(signal.SIGINT)
                return

    def stop(self) -> None:
        self.stopped.set()


def print_header() -> None:
    print(f"{'case':<24}{'cache':<7}{'URLs':>6}{'requests':>10}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
          f"{'max ms':>9}{'req/s':>9}{'cached':>8}{'errors':>8}{'load':>7}", flush=True)


def print_row(label: str, state: str, count: int, result: dict) -> None:
    answered = result["hits"] + result["misses"]
    cached = f"{100 * result['hits'] / answered:.0f}%" if answered else "-"
    print(f"{label:<24}{state:<7}{count:>6}{result['requests']:>10}{result['p50_us'] / 1000:>9.1f}"
          f"{result['p95_us'] / 1000:>9.1f}{result['p99_us'] / 1000:>9.1f}{result['max_us'] / 1000:>9.0f}"
          f"{result['requests'] / result['seconds']:>9.0f}{cached:>8}{result['errors']:>8}{load_average().split()[0]:>7}",
          flush=True)


# The seeding child: runs with the database's settings, prints one JSON line.

def prepare(args) -> dict:
    """Migrate, seed if the tables are empty, write the URL lists; say what was done."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from newsdesk.store.models import Article

    call_command("migrate", verbosity=0)
    seeding = None
    if not Article.objects.exists():
        seeding = seed(args.articles, args.stories, args.outlets)
    write_url_lists(args.data / args.prepare, args.story_pages, args.searches)
    return {"seeding": seeding, "page_cache_seconds": settings.NEWSDESK["PAGE_CACHE_SECONDS"],
            "web_workers": settings.NEWSDESK["WEB_WORKERS"]}


def seed(articles: int, stories: int, outlets: int) -> dict:
    """Outlets with a feed each, stories of 1 to a few hundred articles, and their articles, in time order."""
    import numpy as np
    from django.db import connection
    from django.utils import timezone

    from newsdesk.search import fulltext

    started = time.perf_counter()
    rng, draw = Random(1), np.random.default_rng(1)
    now = timezone.now().replace(microsecond=0)
    if connection.vendor == "sqlite":
        fulltext.suspend_sync()  # the search app's triggers would index row by row; its rebuild does it at once
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA cache_size = -500000")
    else:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")  # no row triggers: the index is rebuilt after
    insert_outlets(outlets, rng, now)
    plan = plan_stories(articles, stories, outlets, draw, now)
    insert_stories(plan, rng, now)
    insert_articles(plan, rng, draw, now)
    rows_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")
        reset_sequences(cursor)
    print(f"seeded {articles:,} articles in {rows_seconds:.0f} s; indexing them for search", file=sys.stderr)
    fulltext.rebuild()
    if connection.vendor == "sqlite":
        fulltext.resume_sync()
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    else:
        # What autovacuum would have done by the time a real site had this many articles.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows_seconds": rows_seconds, "index_seconds": seconds - rows_seconds}


NEWSPAPER_WORDS = ("Herald", "Courier", "Gazette", "Times", "Post", "Chronicle", "Observer", "Tribune", "Journal",
                   "Standard", "Review", "Record", "Sentinel", "Express", "Dispatch", "Bulletin", "Ledger", "Mirror",
                   "Press", "Echo", "Telegraph", "Examiner", "Globe", "Register", "Star", "News")


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
    Source.objects.bulk_create(sources, batch_size=BATCH)
    Feed.objects.bulk_create(feeds, batch_size=BATCH)


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
    # A few outlets carry most of the news.
    popularity = 1 / np.arange(1, outlets + 1) ** 0.9
    outlet_of = draw.choice(outlets, size=articles, p=popularity / popularity.sum()) + 1
    order = np.argsort(moments, kind="stable")
    story_of, moments, outlet_of = story_of[order], moments[order], outlet_of[order]
    lead = np.full(stories, articles, dtype=np.int64)
    np.minimum.at(lead, story_of, np.arange(articles))
    pairs = np.unique(story_of.astype(np.int64) * (outlets + 1) + outlet_of)
    return {"story_of": story_of, "moments": moments, "outlet_of": outlet_of, "sizes": sizes, "lead": lead,
            "first": np.minimum.reduceat(moments[np.argsort(story_of, kind="stable")], firsts),
            "last": np.maximum.reduceat(moments[np.argsort(story_of, kind="stable")], firsts),
            "source_counts": np.bincount(pairs // (outlets + 1), minlength=stories)}


def insert_stories(plan: dict, rng: Random, now: datetime) -> None:
    """Stories with counts and scores as clustering and ranking keep them; leads are set with the articles."""

    from newsdesk.simulator.prose import write_headline
    from newsdesk.stories.rank import age_hours, story_score
    from newsdesk.store.models import Story

    total = len(plan["sizes"])
    plan["headlines"] = [write_headline(rng) for _ in range(total)]
    batch = []
    for index in range(total):
        last = datetime.fromtimestamp(float(plan["last"][index]), UTC)
        comments = int(rng.expovariate(1 / 12)) if rng.random() < 0.2 else 0
        sources = int(plan["source_counts"][index])
        related = ([{"story": rng.randrange(total) + 1, "score": round(rng.uniform(0.2, 0.6), 3)} for _ in range(rng.randint(2, 6))]
                   if rng.random() < 0.5 else [])
        batch.append(Story(id=index + 1, headline=plan["headlines"][index], first_seen=datetime.fromtimestamp(float(plan["first"][index]), UTC),
                           last_updated=last, article_count=int(plan["sizes"][index]), source_count=sources,
                           comment_count=comments, score=story_score(sources, comments, age_hours(last, now)),
                           language="en", closed=now - last > timedelta(days=3), related=related))
        if len(batch) == BATCH:
            Story.objects.bulk_create(batch)
            batch = []
    Story.objects.bulk_create(batch)


def insert_articles(plan: dict, rng: Random, draw, now: datetime) -> None:
    """Articles of a few hundred words, ids in time order; the first of each story leads it."""
    from django.db import connection, transaction
    from django.utils.html import escape

    from newsdesk.simulator.prose import invent_name, write_paragraph
    from newsdesk.store.articles import content_hash
    from newsdesk.store.models import Article, Story

    # Pools combined at random: writing a million distinct texts would take longer than storing them.
    paragraphs = [write_paragraph(rng) for _ in range(20_000)]
    names = [invent_name(rng) for _ in range(5_000)]
    suffixes = (", officials say", ": what we know", " – live updates", ", report says", ": the reactions")
    lead_texts: dict[int, list[int]] = {}
    total = len(plan["story_of"])
    batch: list[Article] = []
    for index in range(total):
        story = int(plan["story_of"][index])
        outlet = int(plan["outlet_of"][index])
        headline = plan["headlines"][story]
        is_lead = plan["lead"][story] == index
        if is_lead or rng.random() < 0.4:
            title = headline
        elif rng.random() < 0.5:
            title = headline + rng.choice(suffixes)
        else:
            title = plan["headlines"][rng.randrange(len(plan["headlines"]))]
        # Now and then an outlet runs a syndicated copy of the lead article.
        copy = not is_lead and rng.random() < 0.03
        chosen = lead_texts[story] if copy else [rng.randrange(len(paragraphs)) for _ in range(rng.randint(4, 8))]
        if is_lead:
            lead_texts[story] = chosen
        text = "\n\n".join(paragraphs[i] for i in chosen)
        published = datetime.fromtimestamp(float(plan["moments"][index]), UTC)
        words = text.split()
        slug = "-".join(title.lower().split()[:6]).strip(",.:;")
        batch.append(Article(
            id=index + 1, source_id=outlet, feed_id=outlet, story_id=story + 1,
            url=f"https://outlet{outlet}.example/news/{index + 1}-{slug}", guid=f"outlet{outlet}-{index + 1}",
            title=title, authors=[rng.choice(names)] if rng.random() < 0.85 else [], published=published,
            fetched=published + timedelta(minutes=rng.uniform(1, 30)), summary=" ".join(words[:40]) + "…",
            text=text, html="".join(f"<p>{escape(paragraphs[i])}</p>" for i in chosen),
            image=f"https://outlet{outlet}.example/images/{index + 1}.jpg" if rng.random() < 0.7 else "",
            language="en", word_count=len(words), content_hash=content_hash(text),
            copy_of_id=int(plan["lead"][story]) + 1 if copy else None,
            assignment={"kind": "seeded"}))
        if len(batch) == BATCH or index == total - 1:
            with transaction.atomic():
                Article.objects.bulk_create(batch)
            batch = []
        if index and index % 100_000 == 0:
            print(f"seeded {index:,} of {total:,} articles", file=sys.stderr)
    # One grouped pass: a subquery per story would scan the table for each one before PostgreSQL has statistics.
    with connection.cursor() as cursor:
        cursor.execute(f"""UPDATE {Story._meta.db_table} SET lead_article_id = leads.first
            FROM (SELECT story_id, min(id) AS first FROM {Article._meta.db_table} GROUP BY story_id) AS leads
            WHERE leads.story_id = {Story._meta.db_table}.id""")


def reset_sequences(cursor) -> None:
    """Let the database hand out ids after the ones the seeding chose."""
    from django.core.management.color import no_style
    from django.db import connection

    from newsdesk.store.models import Article, Feed, Source, Story

    for statement in connection.ops.sequence_reset_sql(no_style(), [Source, Feed, Story, Article]):
        cursor.execute(statement)


def write_url_lists(folder: Path, story_pages: int, searches: int) -> None:
    """The distinct URLs of each case, one path a line, as the wrk script reads them."""
    from newsdesk.simulator.vocabulary import NOUNS, PLACES
    from newsdesk.store.models import Source, Story

    rng = Random(5)
    front = []
    for tab in ("top", "latest", "discussed"):
        for page in range(1, 21):
            query = ([f"tab={tab}"] if tab != "top" else []) + ([f"page={page}"] if page > 1 else [])
            front.append("/?" + "&".join(query) if query else "/")
    ids = list(Story.objects.values_list("id", flat=True))
    stories = [f"/stories/{story_id}/" for story_id in rng.sample(ids, min(story_pages, len(ids)))]
    words = sorted({word.lower() for word in (*NOUNS, *PLACES) if " " not in word})
    queries = [word for word in rng.sample(words, min(searches * 2 // 3, len(words)))]
    queries += [f"{rng.choice(words)} {rng.choice(words)}" for _ in range(searches - len(queries))]
    lists = {"static": ["/static/newsdesk/site.css"], "front": front, "stories": stories,
             "searches": [f"/search?q={query.replace(' ', '+')}" for query in queries],
             "outlets": [f"/sources/{source_id}/" for source_id in Source.objects.values_list("id", flat=True)]}
    for name, paths in lists.items():
        (folder / f"{name}.txt").write_text("\n".join(paths) + "\n")


if __name__ == "__main__":
    main()
