"""Story clustering at scale: synthetic articles streamed through the live assignment path.

    .venv/bin/python bench/cluster_scale.py                         # 1,000,000 articles on SQLite
    .venv/bin/python bench/cluster_scale.py --articles 100000       # a quicker look
    .venv/bin/python bench/cluster_scale.py --history 960000        # the last 40,000 of a million, live
    .venv/bin/python bench/cluster_scale.py --database-url postgres://postgres@127.0.0.1:5432/newsdesk_bench
    .venv/bin/python bench/cluster_scale.py --articles 40000 --against /tmp/old-tree   # clusterer alone, two trees
    .venv/bin/python bench/cluster_scale.py --articles 150000 --per-day 2000 --alone   # clusterer alone: its memory

Each article is stored as the ingestion pipeline stores it (its features described, then the Article
row and its features in one transaction) and then assigned by `assign_batch`, what the installation's
one assigner runs: the membership lock, replay, decision, story update. Here each batch holds the one
article just stored, the assigner's worst case (live batches hold up to 25). The stream has realistic length (lognormal around 550 words), a Zipf vocabulary of
40,000 words plus function words, and many concurrent stories (about 2,000 new ones a day, each
open for hours to days, 10,000 articles a day). Printed for every checkpoint: p50 and p99 of the
time per article (storing excluded, then included), the open stories, and the process's resident
memory, which must level off: it depends on the open window, not on the history.

`--against TREE` leaves the database out: the same articles, described once, go through this tree's
`Clusterer` and TREE's (its newsdesk/stories/cluster.py) with the calls `assign_batch` makes, the two
taking turns at each article so both see the same machine load. It stops at the first decision,
summary or related-story list that differs, and prints both trees' time per article and their ratio.
`--alone [TREE]` runs one tree's clusterer (this one's by default) the same way, by itself, and prints
its memory and what it holds: one process per tree, so each one's memory is its own.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import resource
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FUNCTION_WORDS = ("the of and to a in that is was he for it with as his on be at by i this had not are but from or have "
                  "an they which one you were her all she there would their we him been has when who will more no if "
                  "out so said what up its about into than them can only other new some could time these two may then "
                  "do first any my now such like our over man me even most made after also did many before must through "
                  "back years where much your way well down should because each just those people how too little state "
                  "good very make world still own see men work long get here between both life being under never day same "
                  "another know while last might us great old year off come since against go came right used take three").split()
SYLLABLES = ("ka ro mi ten sal vor pel an ist ur bri cal do fen gar hol in jur lem mon nar op pra quin ras sol tur "
             "ven wil xan yor zen ber cor dan el fir gol hen ik jon kel lor mar nel or pin qua rit sen tol un vel").split()
ARTICLES_PER_DAY = 10_000
NEW_STORIES_PER_DAY = 2_000


class Stream:
    """Synthetic news: stories start, draw articles for a while, and go quiet."""

    def __init__(self, seed: int, per_day: int = ARTICLES_PER_DAY):
        self.rng = np.random.default_rng(seed)
        self.per_day = per_day  # articles a day; a fifth as many new stories, as in ARTICLES_PER_DAY's ratio
        self.vocabulary = self.make_words(40_000, 2, 4)
        self.rng.shuffle(self.vocabulary)
        ranks = np.arange(1, len(self.vocabulary) + 1)
        self.cdf = np.cumsum((1 / ranks) / (1 / ranks).sum())
        self.surnames = [w.capitalize() for w in self.make_words(8_000, 2, 3)]
        self.places = [w.capitalize() for w in self.make_words(2_000, 2, 3)]
        self.open: list[dict] = []
        self.clock = datetime(2026, 1, 1, tzinfo=timezone.utc)
        self.story_count = 0

    def make_words(self, count: int, shortest: int, longest: int) -> list[str]:
        words: set[str] = set()
        while len(words) < count:
            size = int(self.rng.integers(shortest, longest + 1))
            words.add("".join(SYLLABLES[i] for i in self.rng.integers(0, len(SYLLABLES), size)))
        return sorted(words)

    def zipf_draw(self, size: int) -> np.ndarray:
        return np.minimum(np.searchsorted(self.cdf, self.rng.random(size)), len(self.vocabulary) - 1)

    def new_story(self) -> dict:
        self.story_count += 1
        topic = self.rng.integers(300, 20_000, 40)  # mid-frequency words: the most common say nothing
        people = [f"{self.surnames[i].capitalize()}" for i in self.rng.integers(0, len(self.surnames), 3)]
        place = self.places[int(self.rng.integers(0, len(self.places)))]
        hours = float(self.rng.exponential(18)) + 1
        return {"id": self.story_count, "topic": [self.vocabulary[i] for i in topic], "names": [*people, place],
                "until": self.clock + timedelta(hours=hours)}

    def next_article(self, full: bool = True) -> tuple[int, str, str, datetime]:
        """(true story, title, text, published) of the next article in arrival order; a stub text unless `full`."""
        self.clock += timedelta(seconds=86_400 / self.per_day)
        if self.rng.random() < 0.01:
            self.open = [s for s in self.open if s["until"] > self.clock]
        if not self.open or self.rng.random() < NEW_STORIES_PER_DAY / ARTICLES_PER_DAY:
            self.open.append(self.new_story())
        story = self.open[int(self.rng.integers(0, len(self.open)))]
        title = " ".join([*self.rng.choice(story["topic"], 6), story["names"][0], story["names"][-1]]).capitalize()
        return story["id"], title, self.body(story) if full else " ".join(story["names"]), self.clock

    def body(self, story: dict) -> str:
        size = int(min(2_000, max(80, self.rng.lognormal(math.log(550), 0.5))))
        kinds = self.rng.random(size)
        general = self.zipf_draw(size)
        function = self.rng.integers(0, len(FUNCTION_WORDS), size)
        topical = self.rng.integers(0, len(story["topic"]), size)
        named = self.rng.integers(0, len(story["names"]), size)
        words, sentence = [], 0
        for i in range(size):
            if kinds[i] < 0.45:
                word = FUNCTION_WORDS[function[i]]
            elif kinds[i] < 0.70:
                word = self.vocabulary[general[i]]
            elif kinds[i] < 0.97:
                word = story["topic"][topical[i]]
            else:
                word = story["names"][named[i]]
            words.append(word.capitalize() if sentence == 0 else word)
            sentence += 1
            if sentence > 8 and kinds[i] > 0.9:
                words[-1] += "."
                sentence = 0
        return " ".join(words) + "."


def resident_mib(kind: str = "VmRSS") -> float:
    """Resident memory in MiB: all of it (VmRSS), or the process's own heap and stacks only (RssAnon)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{kind}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q)) if values else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--checkpoint", type=int, default=100_000, help="print figures every N articles")
    parser.add_argument("--sources", type=int, default=500)
    parser.add_argument("--database-url", default="", help="PostgreSQL URL (its database is emptied); default SQLite")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--per-day", type=int, default=ARTICLES_PER_DAY,
                        help="articles a day: fewer make a smaller open window, so a run covers more windows of history")
    parser.add_argument("--against", type=Path,
                        help="another tree whose clusterer to run beside this one's, without a database")
    parser.add_argument("--history", type=int, default=0,
                        help="bulk-load this many earlier articles as closed stories first (stub texts, no clustering), "
                             "then stream the rest through the live path")
    parser.add_argument("--alone", type=Path, nargs="?", const=ROOT,
                        help="run one tree's clusterer (this one's when no TREE is given) by itself, without a database")
    args = parser.parse_args()

    data_dir = setup_django("newsdesk-cluster-scale-", args.database_url)
    if args.against:
        compare_clusterers(args)
        return
    if args.alone:
        run_clusterer_alone(args)
        return
    from django.core.management import call_command
    from django.db import connection, transaction

    from newsdesk.stories.assign import assign_batch, current_window, describe_text, store_features
    from newsdesk.store.models import Article, Source

    call_command("migrate", verbosity=0)
    sources = [Source.objects.create(name=f"Outlet {i}", homepage=f"https://outlet{i}.example/") for i in range(args.sources)]
    stream = Stream(args.seed, args.per_day)
    if args.history:
        load_history(stream, sources, args.history)
    assign_times: list[float] = []
    total_times: list[float] = []
    print(f"# {args.articles:,} articles on {connection.vendor}, data in {data_dir}", flush=True)
    # On SQLite, RSS also counts the pages of the database file read through its memory map (2 GB):
    # they grow with the history read, not with the window. The anonymous part is the process's own.
    print("articles  assign p50 ms  assign p99 ms  with store p50 ms  with store p99 ms  open stories  open articles  RSS MiB  "
          "peak RSS MiB  anon MiB  elapsed s", flush=True)
    started = time.perf_counter()
    for n in range(args.history + 1, args.articles + 1):
        truth, title, text, published = stream.next_article()
        source = sources[int(stream.rng.integers(0, len(sources)))]
        t0 = time.perf_counter()
        features = describe_text(title, text, published, source.id)
        with transaction.atomic():  # as the ingestion pipeline does: the article and its features together
            article = Article.objects.create(source=source, url=f"{source.homepage}a/{n}", title=title, text=text,
                                             published=published, fetched=published, word_count=len(text.split()))
            store_features(article, features)
        t1 = time.perf_counter()
        assign_batch()
        t2 = time.perf_counter()
        assign_times.append((t2 - t1) * 1000)
        total_times.append((t2 - t0) * 1000)
        if n % args.checkpoint == 0 or n == args.articles:
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            sizes = current_window().clusterer.sizes()
            print(f"{n:>8,}  {percentile(assign_times, 50):>13.2f}  {percentile(assign_times, 99):>13.2f}  "
                  f"{percentile(total_times, 50):>17.2f}  {percentile(total_times, 99):>17.2f}  {sizes['stories']:>12,}  "
                  f"{sizes['articles']:>13,}  "
                  f"{resident_mib():>7.0f}  {peak:>12.0f}  {resident_mib('RssAnon'):>8.0f}  "
                  f"{time.perf_counter() - started:>9.0f}", flush=True)
            assign_times.clear()
            total_times.clear()


class Assigner:
    """What `assign_batch` asks of the clusterer for an article in a batch of one, without the rows it writes."""

    def __init__(self, clusterer):
        from newsdesk.stories.assign import CLOSE_EVERY, RELATED_EVERY, RELATED_LIMIT

        self.clusterer, self.close_every, self.related_every, self.related_limit = (
            clusterer, CLOSE_EVERY, RELATED_EVERY, RELATED_LIMIT)
        self.newest: datetime | None = None
        self.closed_until: datetime | None = None
        self.next_key = 1

    def assign(self, doc_id: str, features, when: datetime) -> tuple:
        """Everything the database would be told about this article: closed stories, decision, summary, related."""
        clusterer = self.clusterer
        horizon = max(self.newest or when, when) - timedelta(hours=clusterer.config.window_hours)
        closed = ()
        if self.closed_until is None or horizon - self.closed_until >= self.close_every:
            self.closed_until = horizon
            closed = tuple(clusterer.close_before(horizon))
        decision = clusterer.decide(doc_id, features, when)
        key = decision.story
        if key is None:
            key, self.next_key = self.next_key, self.next_key + 1
        clusterer.add(doc_id, features, when, key)
        self.newest = max(self.newest or when, when)
        for gone in decision.merge:
            clusterer.merge(key, gone)
        summary = clusterer.summary(key)
        size = getattr(summary, "articles", len(summary.members))  # a tree from before articles left the window
        related = None
        if decision.story is None or size <= self.related_every or size // self.related_every > (size - 1) // self.related_every:
            related = clusterer.related(key, self.related_limit)
        return closed, decision, summary, related


def compare_clusterers(args: argparse.Namespace) -> None:
    """Time this tree's clusterer and another's on the same articles, alternately; stop at the first difference."""
    from newsdesk.stories.cluster import Clusterer
    from newsdesk.stories.features import Document, describe

    # The other tree's module imports features and background from this tree: the comparison is of
    # the clusterer alone.
    theirs = tree_clusterer(args.against)
    # A tree from before articles left the window counts no `articles` in its summaries: compare the rest.
    uncounted = "articles" not in theirs.StorySummary.__dataclass_fields__
    assigners = [Assigner(Clusterer()), Assigner(theirs.Clusterer())]
    stream = Stream(args.seed, args.per_day)
    times: list[list[float]] = [[], []]
    print(f"# {args.articles:,} articles, clusterer only: this tree, then {args.against}", flush=True)
    print("articles  this p50 ms  this p99 ms  other p50 ms  other p99 ms  this/other mean  open stories  open articles  "
          "load", flush=True)
    for n in range(1, args.articles + 1):
        _, title, text, published = stream.next_article()
        source = str(int(stream.rng.integers(0, args.sources)))
        features = describe(Document(id="", title=title, text=text, published=published, source=source))
        outcomes = [None, None]
        for side in ((0, 1) if n % 2 else (1, 0)):  # the second to run finds warmer caches
            started = time.perf_counter()
            outcomes[side] = assigners[side].assign(str(n), features, published)
            times[side].append((time.perf_counter() - started) * 1000)
        # Both modules' dataclasses print their fields the same way, floats to the last bit.
        printed = [repr(outcome).replace("cluster_against.", "") for outcome in outcomes]
        if uncounted:
            printed[0] = re.sub(r", articles=\d+\)", ")", printed[0])
        if printed[0] != printed[1]:
            sys.exit(f"bench: article {n:,} assigned differently:\n  this tree: {outcomes[0]!r}\n  other: {outcomes[1]!r}")
        if n % args.checkpoint == 0 or n == args.articles:
            sizes = assigners[0].clusterer.sizes()
            print(f"{n:>8,}  {percentile(times[0], 50):>11.2f}  {percentile(times[0], 99):>11.2f}  "
                  f"{percentile(times[1], 50):>12.2f}  {percentile(times[1], 99):>12.2f}  "
                  f"{sum(times[0]) / sum(times[1]):>15.3f}  {sizes['stories']:>12,}  {sizes['articles']:>13,}  "
                  f"{os.getloadavg()[0]:>4.1f}", flush=True)
            times = [[], []]


def tree_clusterer(tree: Path):
    """The cluster module of another tree (it imports features and background from this one)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("cluster_against", tree / "newsdesk/stories/cluster.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


def run_clusterer_alone(args: argparse.Namespace) -> None:
    """Stream the articles through one tree's clusterer, with `assign_batch`'s calls; print its memory and what it holds."""
    from newsdesk.stories.features import Document, describe

    module = tree_clusterer(args.alone)
    assigner = Assigner(module.Clusterer())
    stream = Stream(args.seed, args.per_day)
    times: list[float] = []
    print(f"# {args.articles:,} articles, {args.alone}'s clusterer alone, {args.per_day:,} a day", flush=True)
    print("articles  p50 ms  p99 ms  open stories  open articles  older than window  largest story  anon MiB  load",
          flush=True)
    for n in range(1, args.articles + 1):
        _, title, text, published = stream.next_article()
        source = str(int(stream.rng.integers(0, args.sources)))
        features = describe(Document(id="", title=title, text=text, published=published, source=source))
        started = time.perf_counter()
        assigner.assign(str(n), features, published)
        times.append((time.perf_counter() - started) * 1000)
        if n % args.checkpoint == 0 or n == args.articles:
            clusterer = assigner.clusterer
            horizon = (published - timedelta(hours=clusterer.config.window_hours)).timestamp()
            held = clusterer._members.values()
            largest = max((len(story.members) for story in clusterer._stories.values()), default=0)
            print(f"{n:>8,}  {percentile(times, 50):>6.2f}  {percentile(times, 99):>6.2f}  "
                  f"{len(clusterer._stories):>12,}  {len(held):>13,}  {sum(m.when < horizon for m in held):>16,}  "
                  f"{largest:>13,}  {resident_mib('RssAnon'):>8.0f}  {os.getloadavg()[0]:>4.1f}", flush=True)
            times.clear()


def load_history(stream: Stream, sources: list, count: int, batch: int = 5000) -> None:
    """Store the stream's first `count` articles as the past: in closed stories, as the database would hold them.

    The live path never reads them (a closed story's articles are not in the window), but they fill the
    tables and indexes the live path writes to, as a million-article history would. Their texts are
    stubs, to spare hours of text generation and gigabytes of disk; nothing is clustered.
    """
    from django.db import connection, transaction

    from newsdesk.store.models import Article, Story

    # Plain INSERTs from a template row (every column at its model default): bulk_create's model
    # instances would make loading a million rows take most of an hour.
    fields = [field for field in Article._meta.concrete_fields if not field.primary_key]
    template = Article(source=sources[0], url="", title="", text="", published=None, fetched=None)
    varying = ("source_id", "url", "title", "text", "published", "fetched", "word_count", "story_id")
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    insert = (f"INSERT INTO {connection.ops.quote_name(Article._meta.db_table)} ({columns}) "
              f"VALUES ({', '.join(['%s'] * len(fields))})")
    constant = {field.attname: field.get_db_prep_save(getattr(template, field.attname), connection) for field in fields}
    date_field = Article._meta.get_field("published")
    started = time.perf_counter()
    story_ids: dict[int, int] = {}
    done = 0
    while done < count:
        rows = []
        for _ in range(min(batch, count - done)):
            done += 1
            truth, title, text, published = stream.next_article(full=False)
            rows.append((done, truth, title, text, published, sources[int(stream.rng.integers(0, len(sources)))]))
        with transaction.atomic():
            fresh = {}
            for _, truth, title, _, published, _ in rows:
                if truth not in story_ids and truth not in fresh:
                    fresh[truth] = Story(headline=title, first_seen=published, last_updated=published, closed=True)
            for truth, story in zip(fresh, Story.objects.bulk_create(fresh.values())):
                story_ids[truth] = story.pk
            values = []
            for n, truth, title, text, published, source in rows:
                when = date_field.get_db_prep_save(published, connection)
                row = constant | dict(zip(varying, (source.pk, f"{source.homepage}a/{n}", title, text, when, when,
                                                    len(text.split()), story_ids[truth])))
                values.append([row[field.attname] for field in fields])
            with connection.cursor() as cursor:
                cursor.executemany(insert, values)
        open_ids = {story["id"] for story in stream.open}
        story_ids = {truth: pk for truth, pk in story_ids.items() if truth in open_ids}  # the rest never return
        if done % 100_000 == 0 or done == count:
            print(f"# history: {done:,} articles stored in {time.perf_counter() - started:.0f} s", flush=True)
    # The live path starts with an empty window: stories still running at the switch start afresh there.


def setup_django(prefix: str, database_url: str) -> str:
    """Django on a fresh data folder (returned) and, given a PostgreSQL URL, on that database emptied."""
    data_dir = tempfile.mkdtemp(prefix=prefix)
    os.environ["NEWSDESK_DATA_DIR"] = data_dir
    os.environ["NEWSDESK_SUBSCRIBE_DEFAULTS"] = "false"
    if database_url:
        os.environ["NEWSDESK_DATABASE_URL"] = database_url
        reset_postgres(database_url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
    import django

    django.setup()
    return data_dir


def reset_postgres(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    main()
