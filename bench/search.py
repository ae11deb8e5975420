"""Search benchmark: the search page over a large corpus, beside the latest-stories page in the same run.

    .venv/bin/python bench/search.py                         # 1,000,000 articles, 200,000 stories, 500 outlets
    .venv/bin/python bench/search.py --articles 100000       # a quick look
    .venv/bin/python bench/search.py --database postgres --reseed  # seed again even if the sizes match

For each database (SQLite; PostgreSQL) it uses the corpus of bench/seeding.py, shared with
bench/web_load.py (seeded in bulk SQL the first time, kept while the sizes match), and prints how
long the rows and the index took: the index triggers are paused while seeding and the index is
rebuilt once at the end (the tests cover the triggers). Then it
requests the search page in-process (middleware, query, grouping, snippets, template) for a mix of
queries: a very common word, a common one, a rare one, two words, a phrase, an exclusion, an outlet
filter, a date range and a word found nowhere; each with the cache emptied first (cold) and then
again (warm, served by the page cache). It prints p50, p95 and the slowest request per kind and over
all, beside the same figures for the latest-stories front page measured in the same run (the machine
is shared and noisy: compare the two). The issue's floor is search p95 under 200 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from random import Random

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import seeding  # noqa: E402

ROUNDS = 10


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--stories", type=int, default=0, help="default: a fifth of the articles")
    parser.add_argument("--outlets", type=int, default=500)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--reseed", action="store_true", help="seed again even if the kept database has these sizes")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # the child process for one database
    parser.add_argument("--seed", action="store_true", help=argparse.SUPPRESS)  # the child seeds first
    args = parser.parse_args()
    args.stories = args.stories or max(args.articles // 5, 1)
    if args.one:
        print(json.dumps(run_one(args)))
        return
    for database in (["sqlite", "postgres"] if args.database == "both" else [args.database]):
        report(database, run_child(database, args))


def run_child(database: str, args) -> dict:
    """Run one database in its own process: Django settings are read once per process."""
    sizes = {"articles": args.articles, "stories": args.stories, "outlets": args.outlets}
    must_seed = seeding.forget(database, sizes, force=args.reseed)
    command = [sys.executable, __file__, "--one", database, "--articles", str(args.articles),
               "--stories", str(args.stories), "--outlets", str(args.outlets)] + (["--seed"] if must_seed else [])
    output = subprocess.run(command, env=seeding.environment(database, os.environ), check=True,
                            stdout=subprocess.PIPE, text=True).stdout
    figures = json.loads(output.strip().splitlines()[-1])
    if must_seed:
        seeding.remember(database, sizes, figures["seed"])
    figures["seed"] = seeding.seeding_figures(database)
    figures["seed"]["kept"] = not must_seed
    return figures


def run_one(args) -> dict:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    figures = {"seed": seeding.seed(args.articles, args.stories, args.outlets) if args.seed else None}
    figures.update(measure())
    return figures


def queries() -> dict[str, list[dict]]:
    """Search requests by kind, several of each so that one lucky word does not decide a figure."""
    from django.db import connection
    from django.utils import timezone

    from newsdesk.simulator.vocabulary import NOUNS, PLACES
    from newsdesk.store.models import Source

    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM store_source")
        low, high = cursor.fetchone()
    today = timezone.localdate()
    rng = Random(5)
    nouns = list(NOUNS)
    return {
        "very common word": [{"q": word} for word in ("the", "said", "million")],
        "common word": [{"q": rng.choice(nouns)} for _ in range(4)],
        "place": [{"q": place} for place in rng.sample(list(PLACES), 3)],
        "two words": [{"q": f"{rng.choice(nouns)} {rng.choice(nouns)}"} for _ in range(4)],
        "phrase": [{"q": f'"{rng.choice(nouns)} {rng.choice(PLACES)}"'.lower()} for _ in range(3)],
        "exclusion": [{"q": f"{rng.choice(nouns)} -{rng.choice(nouns)}"} for _ in range(3)],
        "outlet filter": [{"q": rng.choice(nouns), "source": str(rng.randint(low, high))} for _ in range(4)],
        "date range": [{"q": rng.choice(nouns), "since": str(today - timedelta(days=40)), "until": str(today - timedelta(days=30))}
                       for _ in range(3)],
        "no match": [{"q": "zyxwvut"}, {"q": '"unbalanced NEAR('}],
        "page 3": [{"q": rng.choice(nouns), "page": "3"} for _ in range(2)],
    } if Source.objects.exists() else {}


def measure() -> dict:
    """Latency of each request with the cache emptied first (cold), then of the same request again (warm)."""
    from django.core.cache import cache
    from django.test import Client

    client = Client()
    timings: dict[str, dict[str, list[float]]] = {}
    kinds = queries()
    baseline = [{"tab": "latest"}, {"tab": "latest", "page": "3"}]
    for _ in range(ROUNDS):
        for kind, requests in [("front page (baseline)", baseline), *kinds.items()]:
            for params in requests:
                path = "/" if kind.startswith("front") else "/search"
                cache.clear()
                for state in ("cold", "warm"):
                    started = time.perf_counter()
                    response = client.get(path, params)
                    timings.setdefault(kind, {}).setdefault(state, []).append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200, (path, params, response.status_code)
    figures = {kind: {state: summary(values) for state, values in states.items()} for kind, states in timings.items()}
    searches = [states for kind, states in timings.items() if not kind.startswith("front")]
    figures["every search"] = {state: summary([v for states in searches for v in states[state]]) for state in ("cold", "warm")}
    return {"latency_ms": figures}


def summary(values: list[float]) -> dict:
    ordered = sorted(values)
    return {"n": len(ordered), "p50": round(statistics.median(ordered), 1),
            "p95": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 1), "max": round(ordered[-1], 1)}


def report(database: str, figures: dict) -> None:
    print(f"\n== {database}")
    seed = figures["seed"]
    kept = " (kept from an earlier run; --reseed seeds again)" if seed["kept"] else ""
    print(f"seeded {seed['articles']:,} articles in {seed['stories']:,} stories from {seed['outlets']} outlets: "
          f"rows in {seed['rows_seconds']} s, full-text index in {seed['index_seconds']} s{kept}")
    print(f"{'request':24} {'n':>4} {'cold p50':>9} {'cold p95':>9} {'cold max':>9} {'warm p50':>9} {'warm p95':>9}  (ms)")
    for kind, row in figures["latency_ms"].items():
        cold, warm = row["cold"], row["warm"]
        print(f"{kind:24} {cold['n']:>4} {cold['p50']:>9} {cold['p95']:>9} {cold['max']:>9} {warm['p50']:>9} {warm['p95']:>9}")


if __name__ == "__main__":
    main()
