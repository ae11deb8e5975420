"""Ingestion benchmark: the whole pipeline against simulated publishers, beside extraction alone.

    .venv/bin/python bench/ingest.py                       # 2,000 feeds on 50 hosts, 20 articles each
    .venv/bin/python bench/ingest.py --feeds 200 --hosts 10  # a quick look

For each configuration (SQLite with the embedded queue; PostgreSQL with Redis), each with two
worker processes as `newsdesk run` starts on a 2-core machine (each with the assigner process it
starts beside it), it prints: the end-to-end ingestion
rate (fetch, parse, extract, store, cluster) in articles per second, counted until the last
article has its story (and the lag from an article's storing to its story: p50, p95, max), beside
the rate of extraction alone on pages of the same kind, measured just before and just after, in
one process and in as many processes as the workers; the workers' CPU time per article beside extraction's CPU time per
page (the figure other jobs on the machine move least; counting the assigner processes); the time to re-poll every feed once
unchanged (all must be answered 304) and the workers' CPU per re-polled feed; the most concurrent
requests any host saw (against the setting); and the peak memory of the worker processes.
Ratios are what to compare: the machines are noisy. --without-stories is a diagnostic that skips
story clustering, to show what the rest of the pipeline costs.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from multiprocessing import Pool
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsdesk.catalog.opml import Outline, write_opml  # noqa: E402
from newsdesk.extract import extract_article  # noqa: E402
from newsdesk.simulator import Simulator  # noqa: E402

PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_BENCH = "postgres://postgres@127.0.0.1:5432/newsdesk_ingest_bench"
REDIS_BENCH = "redis://127.0.0.1:6379/13"
NEWSDESK = [sys.executable, "-m", "newsdesk.cli"]
# A diagnostic, not a configuration: the same worker with story clustering (issue 5's cost, and a
# lock every article waits for) replaced by nothing, to show what the rest of the pipeline costs.
WORKER_WITHOUT_STORIES = """
import subprocess, sys
import newsdesk.cli as cli
cli.setup_django()
import newsdesk.ingest.refresh as refresh
import newsdesk.tasks as tasks
refresh.describe_text = lambda *args, **kwargs: None
refresh.store_features = lambda article, features: None
tasks.ask_for_assignment = lambda: None
cli.start_assigner = lambda: subprocess.Popen([sys.executable, "-c", "import time; time.sleep(10**6)"])  # an assigner that does nothing
cli.main(["worker"])
"""


def extract_pages(pages: list[tuple[str, bytes]]) -> int:
    for url, content in pages:
        extract_article(content, url)
    return len(pages)


def extraction_rate(pages: list[tuple[str, bytes]], processes: int) -> tuple[float, float]:
    """Pages per second of extract_article alone on pages already in memory, and CPU ms per page."""
    chunks = [pages[i::processes] for i in range(processes)]
    started, cpu = time.perf_counter(), time.process_time()
    if processes == 1:
        extract_pages(pages)
        cpu = time.process_time() - cpu
    else:
        with Pool(processes) as pool:
            cpu = sum(pool.map(extract_pages_cpu, chunks))
    return len(pages) / (time.perf_counter() - started), cpu / len(pages) * 1000


def extract_pages_cpu(pages: list[tuple[str, bytes]]) -> float:
    started = time.process_time()
    extract_pages(pages)
    return time.process_time() - started


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time these (still running) processes and their descendants have used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in process_tree(pids):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def sample_pages(simulator: Simulator, count: int) -> list[tuple[str, bytes]]:
    urls = [item.url for feed in simulator.feed_urls() for item in simulator.items(feed)]
    step = max(1, len(urls) // count)
    with httpx.Client() as client:
        return [(url, client.get(url).content) for url in urls[::step][:count]]


def process_tree(pids: list[int]) -> list[int]:
    """These processes and all their descendants (a worker's assigner process among them)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    tree, stack = [], list(pids)
    while stack:
        pid = stack.pop()
        tree.append(pid)
        stack.extend(children.get(pid, []))
    return tree


def rss_of_tree(pids: list[int]) -> int:
    """Resident memory in bytes of these processes and all their descendants."""
    total = 0
    for pid in process_tree(pids):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


class Database:
    """The benchmark's own database, reached with plain SQL from this process."""

    def __init__(self, url: str, path: Path | None = None):
        self.url, self.path = url, path

    def query(self, sql: str) -> list[tuple]:
        if self.path is not None:
            with sqlite3.connect(self.path, timeout=30) as connection:
                return connection.execute(sql).fetchall()
        import psycopg

        with psycopg.connect(self.url.replace("postgres://", "postgresql://"), autocommit=True) as connection:
            cursor = connection.execute(sql)
            return cursor.fetchall() if cursor.description else []

    def count(self, table: str) -> int:
        return self.query(f"SELECT count(*) FROM {table}")[0][0]


def prepare(kind: str, data_dir: Path, pg_url: str = PG_BENCH, redis_url: str = REDIS_BENCH) -> tuple[dict, Database]:
    environment = {**os.environ, "NEWSDESK_DATA_DIR": str(data_dir), "NEWSDESK_ALLOW_PRIVATE_NETWORKS": "true",
                   "NEWSDESK_SUBSCRIBE_DEFAULTS": "false", "NEWSDESK_ARTICLES_PER_POLL": "100",
                   "NEWSDESK_DATABASE_URL": "", "NEWSDESK_REDIS_URL": ""}
    if kind == "sqlite":
        return environment, Database("", data_dir / "newsdesk.sqlite3")
    import psycopg
    import redis

    name = pg_url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN.replace("postgres://", "postgresql://"), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    redis.Redis.from_url(redis_url).flushdb()
    environment.update(NEWSDESK_DATABASE_URL=pg_url, NEWSDESK_REDIS_URL=redis_url)
    return environment, Database(pg_url)


def run_configuration(kind: str, workers: int, simulator: Simulator, expected: int, concurrency: int,
                      stories: bool = True, pg_url: str = PG_BENCH, redis_url: str = REDIS_BENCH) -> dict:
    data_dir = Path(tempfile.mkdtemp(prefix=f"newsdesk-bench-{kind}-"))
    environment, database = prepare(kind, data_dir, pg_url, redis_url)
    opml = data_dir / "feeds.opml"
    opml.write_text(write_opml([Outline(url=u) for u in simulator.feed_urls()]))
    subprocess.run([*NEWSDESK, "import-opml", str(opml)], env=environment, check=True, stdout=subprocess.DEVNULL)
    simulator.reset_stats()

    started = time.perf_counter()
    command = [*NEWSDESK, "worker"] if stories else [sys.executable, "-c", WORKER_WITHOUT_STORIES]
    processes = [subprocess.Popen(command, env=environment, stderr=subprocess.DEVNULL) for _ in range(workers)]
    peak_memory, stored, done, last_change, last_count = 0, 0, 0, started, (-1, -1)
    # Done when every article has its story: assignment runs after storing, and the rate must pay for it.
    finished = (lambda: done) if stories else (lambda: stored)
    try:
        while finished() < expected and time.perf_counter() - last_change < 120:
            time.sleep(1.0)
            peak_memory = max(peak_memory, rss_of_tree([p.pid for p in processes]))
            stored = database.count("store_article")
            done = database.query("SELECT count(*) FROM store_article WHERE story_id IS NOT NULL")[0][0]
            if (stored, done) != last_count:
                last_change, last_count = time.perf_counter(), (stored, done)
        ingest_seconds = last_change - started
        lags = assignment_lags(kind, database) if stories else []
        ingest_cpu = cpu_seconds([p.pid for p in processes])
        ingest_stats = simulator.stats()

        # Re-poll every feed once: mark all due and queue one refresh each, as the scheduler does.
        simulator.reset_stats()
        database.query("UPDATE store_feed SET next_fetch = '2000-01-01 00:00:00', last_fetched = NULL")
        # The scheduler is started first and told when to go: Python's start-up is not the re-poll.
        scheduler = subprocess.Popen([sys.executable, "-c", ENQUEUE], env=environment, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        assert scheduler.stdout.readline().strip() == "ready"
        repoll_cpu = cpu_seconds([p.pid for p in processes])
        repoll_started = time.perf_counter()
        scheduler.communicate("go\n", timeout=600)
        assert scheduler.returncode == 0, "the re-poll's scheduler failed"
        polled = 0
        while polled < simulator_feed_count(simulator) and time.perf_counter() - repoll_started < 600:
            time.sleep(0.2)
            polled = database.query("SELECT count(*) FROM store_feed WHERE last_fetched IS NOT NULL")[0][0]
            peak_memory = max(peak_memory, rss_of_tree([p.pid for p in processes]))
        repoll_seconds = time.perf_counter() - repoll_started
        repoll_cpu = cpu_seconds([p.pid for p in processes]) - repoll_cpu
        repoll_stats = simulator.stats()
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)
    feeds_ok = database.query("SELECT count(*) FROM store_feed WHERE status = 'ok'")[0][0]
    return {
        "configuration": kind if stories else f"{kind}, without story clustering", "worker_processes": workers, "articles": stored, "expected": expected,
        "with_story": done if stories else None,
        "ingest_seconds": round(ingest_seconds, 1), "ingest_rate": round(finished() / ingest_seconds, 1),
        "story_lag_seconds": {"p50": percentile(lags, 0.5), "p95": percentile(lags, 0.95), "max": percentile(lags, 1.0)},
        "worker_cpu_ms_per_article": round(ingest_cpu / max(1, stored) * 1000, 1),
        "repoll_seconds": round(repoll_seconds, 1), "repoll_304": repoll_stats["statuses"].get(304, 0),
        "repoll_requests": repoll_stats["requests"],
        "repoll_worker_cpu_ms_per_feed": round(repoll_cpu / max(1, repoll_stats["requests"]) * 1000, 1), "feeds_ok": feeds_ok,
        "peak_host_concurrency": max(max(h["peak_in_flight"] for h in s["hosts"].values()) for s in (ingest_stats, repoll_stats)),
        "host_concurrency_setting": concurrency, "peak_worker_memory_mb": round(peak_memory / 2**20),
    }


def assignment_lags(kind: str, database: Database) -> list[float]:
    """Seconds from each article's fetch (just before it was stored) to its story's first assignment event."""
    seconds = ("(julianday(e.created) - julianday(a.fetched)) * 86400.0" if kind == "sqlite"
               else "EXTRACT(EPOCH FROM e.created - a.fetched)")
    rows = database.query(f"SELECT min({seconds}) FROM store_article a JOIN store_clusterevent e "
                          "ON e.article_id = a.id AND e.kind = 'add' GROUP BY a.id")
    return sorted(float(row[0]) for row in rows)


def percentile(values: list[float], share: float) -> float | None:
    return round(values[min(len(values) - 1, int(share * len(values)))], 1) if values else None


ENQUEUE = """
import sys
from newsdesk.cli import setup_django
setup_django()
from newsdesk.ingest.schedule import claim_due_feeds
from newsdesk.tasks import refresh_feed_task
from newsdesk.store.models import Feed
Feed.objects.exists()  # connect before the clock starts
print("ready", flush=True)
sys.stdin.readline()
for feed_id in claim_due_feeds(limit=1_000_000):
    refresh_feed_task(feed_id)
"""


def simulator_feed_count(simulator: Simulator) -> int:
    return len(simulator.feed_urls())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--feeds", type=int, default=2000)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--articles", type=int, default=20, help="articles per feed")
    parser.add_argument("--sample", type=int, default=1000, help="pages timed for extraction alone")
    parser.add_argument("--only", choices=["sqlite", "postgres"], help="run one configuration")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (what `newsdesk run` starts on 2 cores)")
    parser.add_argument("--without-stories", action="store_true",
                        help="diagnostic: workers skip story clustering, to measure the rest of the pipeline")
    parser.add_argument("--database-url", default=PG_BENCH, help="PostgreSQL database to drop and recreate for the bench")
    parser.add_argument("--redis-url", default=REDIS_BENCH, help="Redis database to empty for the bench")
    options = parser.parse_args()

    feeds_per_host = max(1, options.feeds // options.hosts)
    concurrency = int(os.environ.get("NEWSDESK_HOST_CONCURRENCY", "2"))
    with Simulator(hosts=options.hosts, feeds_per_host=feeds_per_host, articles_per_feed=options.articles,
                   seed=11, real_articles=False) as simulator:
        expected = len(simulator.feed_urls()) * options.articles
        pages = sample_pages(simulator, options.sample)
        print(json.dumps({"feeds": len(simulator.feed_urls()), "hosts": options.hosts, "articles_expected": expected,
                          "mean_page_kb": round(sum(len(p) for _, p in pages) / len(pages) / 1024, 1)}), flush=True)
        for kind in ("sqlite", "postgres"):
            if options.only and options.only != kind:
                continue
            # Extraction alone before and after: the machine's load can change while ingestion runs.
            before, before_cpu = extraction_rate(pages, 1)
            parallel_before, _ = extraction_rate(pages, options.workers)
            result = run_configuration(kind, options.workers, simulator, expected, concurrency, not options.without_stories,
                                       options.database_url, options.redis_url)
            after, after_cpu = extraction_rate(pages, 1)
            parallel_after, _ = extraction_rate(pages, options.workers)
            alone, alone_parallel = (before + after) / 2, (parallel_before + parallel_after) / 2
            result["extraction_alone_rate"] = [round(before, 1), round(after, 1)]
            result["ingest_vs_extraction"] = round(result["ingest_rate"] / alone, 2)
            result[f"extraction_alone_rate_{options.workers}_processes"] = [round(parallel_before, 1), round(parallel_after, 1)]
            result[f"ingest_vs_extraction_{options.workers}_processes"] = round(result["ingest_rate"] / alone_parallel, 2)
            # CPU per article against CPU per page of extraction alone: what the pipeline adds,
            # and the figure least moved by other jobs on the machine.
            result["extraction_cpu_ms_per_page"] = round((before_cpu + after_cpu) / 2, 1)
            result["extraction_share_of_worker_cpu"] = round(result["extraction_cpu_ms_per_page"] / result["worker_cpu_ms_per_article"], 2)
            print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
