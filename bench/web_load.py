"""Load on the reader's site: the real server over loopback, driven by wrk at 50 connections.

    .venv/bin/python bench/web_load.py                          # 1,000,000 articles, 200,000 stories, 500 outlets
    .venv/bin/python bench/web_load.py --articles 100000        # a quick look (stories: a fifth of the articles)
    .venv/bin/python bench/web_load.py --database postgres --reseed

For each database (SQLite; PostgreSQL with Redis) it uses the corpus of bench/seeding.py, shared
with bench/search.py: seeded in bulk SQL the first time, kept for later runs of either bench while
the sizes match (`--reseed` starts again). Then, for each kind of page, it restarts `newsdesk web`
(gunicorn, as `newsdesk run` starts it on a 2-core machine) with an empty page cache and runs wrk:

- cold: one pass over distinct URLs (front page tabs and pages, story pages of random stories,
  searches for common words, outlet pages), each requested once, right after the restart;
- warm: the same URLs picked at random for `--duration` seconds, after a short unmeasured warm-up.

It prints p50, p95 and p99 latency, requests per second, the share answered from the page cache,
the server's CPU time per request (`CPU ms`: gunicorn's processes, and PostgreSQL's backends serving
the bench database; the machine's other load disturbs it far less than latency) and the busiest web
process's share of that work (`top wkr`: 50% is an even split between two) for each, beside a static
file served through the same stack in the same run (the baseline: what the server and this machine's
load allow at all), with the load average and the wrk command lines.
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
from pathlib import Path
from random import Random

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import seeding  # noqa: E402

CONNECTIONS = 50
WRK_THREADS = 2
WARM_UP_SECONDS = 5
REQUEST_TIMEOUT_SECONDS = 30
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
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
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/9", help="emptied before each cold pass")
    parser.add_argument("--duration", type=int, default=20, help="seconds of each warm run")
    parser.add_argument("--story-pages", type=int, default=1000, help="distinct story pages requested")
    parser.add_argument("--searches", type=int, default=300, help="distinct searches requested")
    parser.add_argument("--cases", default=",".join(CASES), help=f"some of {','.join(CASES)}")
    parser.add_argument("--page-cache-seconds", type=int, help="NEWSDESK_PAGE_CACHE_SECONDS for the server (default: its default)")
    parser.add_argument("--prepare", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)  # the child
    parser.add_argument("--seed", action="store_true", help=argparse.SUPPRESS)  # the child seeds first
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
    env = {**seeding.environment(database, os.environ), "PYTHONPATH": str(ROOT)}
    if database == "postgres":
        env["NEWSDESK_REDIS_URL"] = args.redis_url
    if args.page_cache_seconds is not None:
        env["NEWSDESK_PAGE_CACHE_SECONDS"] = str(args.page_cache_seconds)
    return env


def run_database(database: str, args, wrk: str) -> None:
    env = environment(database, args)
    folder = seeding.DATA / database
    sizes = {"articles": args.articles, "stories": args.stories, "outlets": args.outlets}
    must_seed = seeding.forget(database, sizes, force=args.reseed)
    command = [sys.executable, __file__, "--prepare", database, "--articles", str(args.articles), "--stories",
               str(args.stories), "--outlets", str(args.outlets), "--story-pages", str(args.story_pages),
               "--searches", str(args.searches)] + (["--seed"] if must_seed else [])
    prepared = json.loads(subprocess.run(command, env=env, check=True, stdout=subprocess.PIPE, text=True).stdout.splitlines()[-1])
    if prepared["seeding"]:
        seeding.remember(database, sizes, prepared["seeding"])
    title = "SQLite, file page cache" if database == "sqlite" else "PostgreSQL + Redis"
    print(f"\n## {title}: {args.articles:,} articles, {args.stories:,} stories, {args.outlets:,} outlets")
    seeded = seeding.seeding_figures(database)
    kept = "" if prepared["seeding"] else " (kept from an earlier run; --reseed seeds again)"
    print(f"seeded in {seeded['seconds']:.0f} s: {seeded['rows_seconds']:.0f} s of rows, "
          f"{seeded['index_seconds']:.0f} s of search index{kept}")
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
                print_row(label, "cold", count, server.timed(lambda: run_wrk(wrk, script, base, urls, "pass", args.duration, commands)))
            run_wrk(wrk, script, base, urls, "random", WARM_UP_SECONDS, [])
            print_row(label, "warm", count, server.timed(lambda: run_wrk(wrk, script, base, urls, "random", args.duration, commands)))
    print(f"load average after: {load_average()}")
    print("commands (wrk threads take every 2nd URL of the list in a pass; pick at random when warm):")
    for line in dict.fromkeys(commands):
        print(f"  {line}")


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
        # From this tree's folder: `python -m` and gunicorn put the current folder first on sys.path, so a
        # copy of main run from elsewhere would serve that folder's code instead of its own.
        self.process = subprocess.Popen([sys.executable, "-m", "newsdesk.cli", "web", "--host", "127.0.0.1",
                                         "--port", str(self.port)], env=self.env, cwd=ROOT)
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

    def timed(self, run) -> dict:
        """run()'s result with cpu_seconds: what the server's processes (and database backends) spent meanwhile."""
        before = self.cpu_seconds()
        result = run()
        after = self.cpu_seconds()
        spent = {pid: after.get(pid, 0.0) - before.get(pid, 0.0) for pid in {*before, *after}}
        result["cpu_seconds"] = sum(spent.values())
        workers = [spent.get(pid, 0.0) for pid in children(self.process.pid)]
        # How evenly the web processes shared the work: the busiest one's share of their CPU time.
        result["busiest_worker"] = max(workers) / sum(workers) if sum(workers) > 0 else None
        return result

    def cpu_seconds(self) -> dict[int, float]:
        """CPU seconds so far of gunicorn's master and workers, and of PostgreSQL backends on the bench database."""
        pids = [self.process.pid, *children(self.process.pid)]
        database = self.env.get("NEWSDESK_DATABASE_URL", "").rsplit("/", 1)[-1]
        if database:
            for folder in Path("/proc").iterdir():
                if folder.name.isdigit():
                    try:
                        title = (folder / "cmdline").read_bytes()
                    except OSError:
                        continue
                    if title.startswith(b"postgres:") and f" {database} ".encode() in title:
                        pids.append(int(folder.name))
        spent = {}
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            spent[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        return spent

    def __exit__(self, *exc) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found.extend(int(child) for child in (task / "children").read_text().split())
        except OSError:
            continue
    return found


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
          f"{'max ms':>9}{'req/s':>9}{'CPU ms':>8}{'top wkr':>8}{'cached':>8}{'errors':>8}{'load':>7}", flush=True)


def print_row(label: str, state: str, count: int, result: dict) -> None:
    answered = result["hits"] + result["misses"]
    cached = f"{100 * result['hits'] / answered:.0f}%" if answered else "-"
    busiest = f"{100 * result['busiest_worker']:.0f}%" if result.get("busiest_worker") is not None else "-"
    cpu_ms = 1000 * result["cpu_seconds"] / max(result["requests"], 1)
    print(f"{label:<24}{state:<7}{count:>6}{result['requests']:>10}{result['p50_us'] / 1000:>9.1f}"
          f"{result['p95_us'] / 1000:>9.1f}{result['p99_us'] / 1000:>9.1f}{result['max_us'] / 1000:>9.0f}"
          f"{result['requests'] / result['seconds']:>9.0f}{cpu_ms:>8.1f}{busiest:>8}{cached:>8}{result['errors']:>8}"
          f"{load_average().split()[0]:>7}", flush=True)


# The child: runs with the database's settings, prints one JSON line.

def prepare(args) -> dict:
    """Migrate, seed when asked, write the URL lists; say what was done."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    seeded = seeding.seed(args.articles, args.stories, args.outlets) if args.seed else None
    write_url_lists(seeding.DATA / args.prepare, args.story_pages, args.searches)
    return {"seeding": seeded, "page_cache_seconds": settings.NEWSDESK["PAGE_CACHE_SECONDS"],
            "web_workers": settings.NEWSDESK["WEB_WORKERS"]}


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
