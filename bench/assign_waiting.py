"""The assigner on articles already stored: this tree's `assign_waiting` beside another tree's, taking turns.

    .venv/bin/python bench/assign_waiting.py --against /work/main
    .venv/bin/python bench/assign_waiting.py --against /work/main --database-url postgres://postgres@127.0.0.1:5432/newsdesk_bench

Each turn is a fresh process on a fresh database (SQLite by default; PostgreSQL's named database is
dropped and created again) that stores the same synthetic articles as ingestion does (features
described, then the article and its features in one transaction), without a story, and then times one
`assign_waiting()` over all of them: what the installation's one assigner does after a burst of
storing, in batches of up to BATCH articles. The trees take turns (this, other, other, this...) so
both see the same machine load. Printed per turn: seconds, articles per second and the load; then
each tree's median and the ratio this/other. It stops if the two trees leave different stories,
reasons, events or story rows (all but the score, which moves with the clock); --outcomes DIR keeps
each distinct one there to compare.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def turn(args: argparse.Namespace) -> None:
    """One tree's turn, in this process: store, assign, print one JSON line."""
    sys.path.insert(0, str(ROOT / "bench"))
    from cluster_scale import Stream, setup_django

    sys.path.insert(0, str(args.tree))  # before this tree, which cluster_scale put first
    setup_django("newsdesk-assign-waiting-", args.database_url)
    from django.core.management import call_command
    from django.db import transaction

    import newsdesk.stories.assign as assign
    from newsdesk.store.models import Article, ClusterEvent, Source, Story

    assert Path(assign.__file__).resolve().is_relative_to(args.tree.resolve()), assign.__file__
    call_command("migrate", verbosity=0)
    sources = [Source.objects.create(name=f"Outlet {i}", homepage=f"https://outlet{i}.example/") for i in range(args.sources)]
    stream = Stream(args.seed)
    for n in range(1, args.articles + 1):
        _, title, text, published = stream.next_article()
        source = sources[int(stream.rng.integers(0, len(sources)))]
        features = assign.describe_text(title, text, published, source.id)
        with transaction.atomic():
            article = Article.objects.create(source=source, url=f"{source.homepage}a/{n}", title=title, text=text,
                                             published=published, fetched=published, word_count=len(text.split()))
            assign.store_features(article, features)
    assign.drop_window()
    assign.current_window()  # the (empty) window is built before the clock starts, as a running assigner's is
    started = time.perf_counter()
    assigned = assign.assign_waiting()
    seconds = time.perf_counter() - started
    outcome = {
        "articles": list(Article.objects.order_by("id").values_list("id", "story_id", "assignment", "copy_of_id")),
        "events": list(ClusterEvent.objects.order_by("id").values_list("kind", "article_id", "story_id", "other_story_id")),
        "stories": list(Story.objects.order_by("id").values_list(
            "id", "headline", "lead_article_id", "article_count", "source_count", "first_seen", "last_updated",
            "closed", "merged_into_id", "related", "language")),
    }
    digest = hashlib.sha256(json.dumps(outcome, default=str, sort_keys=True).encode()).hexdigest()[:16]
    if args.outcomes:
        (args.outcomes / f"{digest}.json").write_text(json.dumps(outcome, default=str, indent=0))
    print(json.dumps({"assigned": assigned, "seconds": seconds, "stories": len(outcome["stories"]),
                      "events": len(outcome["events"]), "digest": digest}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--against", type=Path, required=True, help="the other tree (its .venv is not used: this one's is)")
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--turns", type=int, default=2, help="turns per tree")
    parser.add_argument("--sources", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default="", help="PostgreSQL URL (its database is dropped); default SQLite")
    parser.add_argument("--outcomes", type=Path, help="write each distinct outcome there, as DIGEST.json, to compare")
    parser.add_argument("--tree", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.tree:
        turn(args)
        return
    trees = {"this": ROOT, "other": args.against}
    seconds: dict[str, list[float]] = {"this": [], "other": []}
    digests = set()
    print(f"# {args.articles:,} stored articles, {'PostgreSQL' if args.database_url else 'SQLite'}: "
          f"this tree {ROOT}, other {args.against}", flush=True)
    print("turn  tree   seconds  articles/s  stories  events  load  digest", flush=True)
    order = [name for n in range(args.turns) for name in (("this", "other") if n % 2 == 0 else ("other", "this"))]
    for n, name in enumerate(order, 1):
        command = [sys.executable, __file__, "--tree", str(trees[name]), "--articles", str(args.articles),
                   "--sources", str(args.sources), "--seed", str(args.seed), "--against", str(args.against),
                   "--database-url", args.database_url, *(["--outcomes", str(args.outcomes)] if args.outcomes else [])]
        done = subprocess.run(command, capture_output=True, text=True, cwd=trees[name])
        if done.returncode:
            sys.exit(f"bench: the {name} tree's turn failed:\n{done.stderr}")
        result = json.loads(done.stdout.strip().splitlines()[-1])
        seconds[name].append(result["seconds"])
        digests.add(result["digest"])
        print(f"{n:>4}  {name:<5}  {result['seconds']:>7.2f}  {result['assigned'] / result['seconds']:>10.1f}  "
              f"{result['stories']:>7}  {result['events']:>6}  {os.getloadavg()[0]:>4.1f}  {result['digest']}", flush=True)
        if len(digests) > 1:
            sys.exit("bench: the two trees left different stories, reasons, events or story rows")
    mine, theirs = statistics.median(seconds["this"]), statistics.median(seconds["other"])
    print(f"median seconds: this {mine:.2f}, other {theirs:.2f}; this/other {mine / theirs:.3f}", flush=True)


if __name__ == "__main__":
    main()
