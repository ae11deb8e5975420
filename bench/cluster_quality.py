"""Story clustering quality on the clustering development sets, beside the single-pass TF-IDF baseline.

Streams each set in five seeded orders through `cluster_stream` (the code the live pipeline runs) and
through the baseline of the corpus' SOURCE.md (TF-IDF cosine to cluster centroids, threshold 0.075),
and prints BCubed precision, recall and F1, ARI and NMI: the mean and the spread (max - min) over orders.
Each googlenews half by cluster id (the 25 lowest ids, the 25 highest) is also streamed alone: a rule
fitted on one half should hold on the other.

    .venv/bin/python bench/cluster_quality.py [--corpus DIR] [--orders 5] [--against OLD/newsdesk/stories/features.py]

`--against` also times `describe` of another features.py (say from `git archive` of an older commit)
alternately with this tree's on the same synthetic articles, so both see the same machine load.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import random
import statistics
import sys
import time
from datetime import datetime, timezone
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.wcxb import default_corpus_dir  # noqa: E402
from newsdesk.stories.cluster import Clusterer, cluster_stream  # noqa: E402
from newsdesk.stories.features import Document, Features, describe  # noqa: E402

BASELINE_THRESHOLD = 0.075
BASELINE_FIGURES = {"googlenews": 0.950, "wikiref220": 0.869}  # as SOURCE.md reports them


def load_googlenews(folder: Path) -> tuple[list[Document], dict[str, str]]:
    """The Google News dev clusters: stemmed text, no titles, no times."""
    docs, truth = [], {}
    with open(folder / "googlenews-ts-dev.jsonl", encoding="utf-8") as lines:
        for line in lines:
            item = json.loads(line)
            docs.append(Document(id=item["id"], title=item["title"], text=item["text"], published=None))
            truth[item["id"]] = str(item["cluster"])
    return docs, truth


def load_wikiref(folder: Path) -> tuple[list[Document], dict[str, str]]:
    """WikiRef220: title on the first line, then the body; labelled by the 16 topics of the file names."""
    root = folder / "wikiref220"
    docs, truth = [], {}
    with open(root / "labels.csv", encoding="utf-8", newline="") as table:
        for row in csv.DictReader(table):
            raw = (root / "articles" / row["file"]).read_bytes()
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                text = raw.decode("cp1252", errors="replace")
            lines = text.replace("\r\n", "\n").replace("\r", "\n").strip().split("\n")
            docs.append(Document(id=row["file"], title=lines[0].strip(), text="\n".join(lines[1:]).strip(), published=None))
            truth[row["file"]] = row["topic_from_filename"]
    return docs, truth


def halves(docs: list[Document], truth: dict[str, str]) -> list[tuple[str, list[Document], dict[str, str]]]:
    """The set cut in two by cluster id, lowest ids first: (label, articles, labels) of each half."""
    ids = sorted(set(truth.values()), key=int)
    cut = len(ids) // 2
    out = []
    for label, kept in ((f"ids {ids[0]}-{ids[cut - 1]}", set(ids[:cut])), (f"ids {ids[cut]}-{ids[-1]}", set(ids[cut:]))):
        half = [doc for doc in docs if truth[doc.id] in kept]
        out.append((label, half, {doc.id: truth[doc.id] for doc in half}))
    return out


def baseline_stream(docs: Sequence[Document], threshold: float = BASELINE_THRESHOLD) -> list[tuple[str, int]]:
    """SOURCE.md's single pass: each article joins the closest cluster centroid by TF-IDF cosine, or starts one."""
    # English stop words removed: with them kept, every WikiRef article passes 0.075 with every other
    # and the baseline is far below the 0.869 SOURCE.md reports; without them it reproduces it.
    # On googlenews this gives 0.901, not SOURCE.md's 0.950, and no reading of "TF-IDF cosine to
    # cluster centroids" tried reaches it (means over 2 to 5 orders): stop words kept 0.901;
    # sublinear tf 0.904 and 0.908; min_df=2 0.874; max_df=0.5 0.890; binary tf 0.887; no idf 0.831;
    # unnormalised vectors 0.207; dot with the mean instead of cosine 0.777; centroid renormalised
    # after each join 0.819; leader clustering 0.692; single link 0.786; thresholds 0.05 to 0.2 at
    # most 0.886; the file's own order 0.900. Fifth session, five orders: whitespace tokens 0.901;
    # smooth_idf=False 0.896; and other averagings of the same runs: BCubed precision averaged per story and
    # recall per class 0.918, the class-weighted best-match F-measure 0.908, purity against inverse purity
    # 0.930 (wikiref220 under these three: 0.930, 0.840, 0.904). So the error cut is reported
    # against SOURCE.md's figures (the reference) and against this run's baseline.
    vectors = TfidfVectorizer(stop_words="english").fit_transform([f"{doc.title}\n{doc.text}" for doc in docs])
    vectors = vectors.toarray().astype(np.float32)
    centroids = np.zeros_like(vectors)
    count = 0
    out = []
    for doc, vector in zip(docs, vectors):
        if count:
            norms = np.linalg.norm(centroids[:count], axis=1)
            scores = centroids[:count] @ vector / np.where(norms > 0, norms, 1.0)
            best = int(np.argmax(scores))
            if scores[best] >= threshold:
                centroids[best] += vector
                out.append((doc.id, best))
                continue
        centroids[count] = vector
        out.append((doc.id, count))
        count += 1
    return out


def measure_speed(stories: int = 5000, per_story: int = 3, probes: int = 2000, seed: int = 1) -> tuple[float, float, int]:
    """decide+add times (p50, p99 in ms) with about `stories` open stories of synthetic 150-word articles."""
    rng = random.Random(seed)
    vocabulary = [f"w{rng.randrange(10**6):06d}" for _ in range(20000)]
    common = vocabulary[:300]
    clusterer = Clusterer()
    start = datetime(2026, 11, 24, tzinfo=timezone.utc)

    def article(topic: list[str], index: int) -> Features:
        words = [rng.choice(topic) if rng.random() < 0.4 else rng.choice(common) if rng.random() < 0.7
                 else rng.choice(vocabulary) for _ in range(150)]
        return describe(Document(str(index), " ".join(words[:8]), " ".join(words), None))

    topics = [rng.sample(vocabulary, 25) for _ in range(stories)]
    index = 0
    for key, topic in enumerate(topics):
        for _ in range(per_story):
            clusterer.add(str(index), article(topic, index), start, key)
            index += 1
    timings = []
    for _ in range(probes):
        features = article(rng.choice(topics), index)
        began = time.perf_counter()
        decision = clusterer.decide(str(index), features, start)
        clusterer.add(str(index), features, start, decision.story if decision.story is not None else stories + index)
        timings.append((time.perf_counter() - began) * 1000)
        index += 1
    timings.sort()
    return timings[len(timings) // 2], timings[int(len(timings) * 0.99)], clusterer.sizes()["stories"]


def measure_describe(against: Path | None, articles: int = 400, rounds: int = 5) -> list[tuple[str, float, float]]:
    """describe times (label, p50, p99 in ms) on synthetic ~550-word articles: this tree's, and `against`'s if given."""
    from bench.cluster_scale import Stream
    from newsdesk.stories import features as ours

    versions = [("this tree", ours)]
    if against is not None:
        spec = importlib.util.spec_from_file_location("features_against", against)
        theirs = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = theirs  # dataclasses look their module up while it loads
        spec.loader.exec_module(theirs)
        versions.append((str(against), theirs))
    stream = Stream(seed=7)
    texts = [stream.next_article()[1:] for _ in range(articles)]
    docs = [[module.Document(str(i), title, text, when) for i, (title, text, when) in enumerate(texts)]
            for _, module in versions]
    timings: list[list[float]] = [[] for _ in versions]
    for round_ in range(rounds + 1):
        for i in range(articles):
            # Alternate who goes first: the second call of a pair runs on warmer caches.
            for v in (range(len(versions)) if (i + round_) % 2 else reversed(range(len(versions)))):
                began = time.perf_counter()
                versions[v][1].describe(docs[v][i])
                if round_:  # the first round fills the word caches
                    timings[v].append((time.perf_counter() - began) * 1000)
    out = []
    for (label, _), times in zip(versions, timings):
        times.sort()
        out.append((label, times[len(times) // 2], times[int(len(times) * 0.99)]))
    return out


def bcubed(assigned: dict[str, object], truth: dict[str, str]) -> tuple[float, float, float]:
    """BCubed precision, recall and F1 over articles."""
    clusters: dict[object, list[str]] = defaultdict(list)
    for doc_id, cluster in assigned.items():
        clusters[cluster].append(doc_id)
    class_sizes = Counter(truth.values())
    precision = recall = 0.0
    for members in clusters.values():
        labels = Counter(truth[doc_id] for doc_id in members)
        for label, count in labels.items():
            precision += count * count / len(members)
            recall += count * count / class_sizes[label]
    precision /= len(assigned)
    recall /= len(assigned)
    return precision, recall, 2 * precision * recall / (precision + recall)


def score_run(run: Callable[[Sequence[Document]], list[tuple[str, int]]], docs: list[Document],
              truth: dict[str, str], orders: int) -> tuple[dict[str, list[float]], float]:
    figures: dict[str, list[float]] = defaultdict(list)
    started = time.perf_counter()
    for seed in range(orders):
        stream = list(docs)
        random.Random(seed).shuffle(stream)
        assigned = dict(run(stream))
        precision, recall, f1 = bcubed(assigned, truth)
        ids = sorted(assigned)
        figures["P"].append(precision)
        figures["R"].append(recall)
        figures["F1"].append(f1)
        figures["ARI"].append(adjusted_rand_score([truth[i] for i in ids], [assigned[i] for i in ids]))
        figures["NMI"].append(normalized_mutual_info_score([truth[i] for i in ids], [assigned[i] for i in ids]))
        figures["stories"].append(len(set(assigned.values())))
    return figures, (time.perf_counter() - started) / orders


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, help="corpus root (default: $NEWSDESK_CORPUS_DIR or ../shared/corpus)")
    parser.add_argument("--orders", type=int, default=5, help="seeded stream orders per set")
    parser.add_argument("--against", type=Path, help="another features.py whose describe to time beside this tree's")
    args = parser.parse_args()
    folder = (args.corpus or default_corpus_dir()) / "clustering-dev"
    if not folder.is_dir():
        sys.exit(f"bench: no clustering development data in {folder}; set NEWSDESK_CORPUS_DIR to the shared corpus")
    print(f"orders: seeds 0..{args.orders - 1}; figures are the mean over orders, ± the spread (max - min)")
    print(f"{'set':<11} {'clusterer':<24} {'BCubed P':>9} {'BCubed R':>9} {'BCubed F1':>15} {'ARI':>6} {'NMI':>6} {'stories':>8} {'s/order':>8}")
    for name, loader in (("googlenews", load_googlenews), ("wikiref220", load_wikiref)):
        docs, truth = loader(folder)
        results = {}
        for label, run in (("baseline single pass", baseline_stream), ("newsdesk", lambda stream: list(cluster_stream(stream)))):
            figures, seconds = score_run(run, docs, truth, args.orders)
            results[label] = figures
            f1 = figures["F1"]
            print(f"{name:<11} {label:<24} {statistics.mean(figures['P']):>9.3f} {statistics.mean(figures['R']):>9.3f} "
                  f"{statistics.mean(f1):>7.3f} ± {max(f1) - min(f1):.3f} {statistics.mean(figures['ARI']):>6.3f} "
                  f"{statistics.mean(figures['NMI']):>6.3f} {statistics.mean(figures['stories']):>8.1f} {seconds:>8.2f}")
        base = 1 - statistics.mean(results["baseline single pass"]["F1"])
        ours = 1 - statistics.mean(results["newsdesk"]["F1"])
        reference = 1 - BASELINE_FIGURES[name]
        print(f"{name:<11} error cut (target ≥ 40%): {1 - ours / reference:.0%} vs SOURCE.md's baseline F1 "
              f"{BASELINE_FIGURES[name]:.3f} (the reference), {1 - ours / base:.0%} vs the baseline run here")
        for label, half, labels in (halves(docs, truth) if name == "googlenews" else ()):
            figures, _ = score_run(lambda stream: list(cluster_stream(stream)), half, labels, args.orders)
            f1 = figures["F1"]
            print(f"{name:<11} newsdesk on the half of {label}: BCubed F1 {statistics.mean(f1):.3f} ± {max(f1) - min(f1):.3f} "
                  f"(P {statistics.mean(figures['P']):.3f}, R {statistics.mean(figures['R']):.3f})")
    p50, p99, open_stories = measure_speed()
    print(f"speed: decide+add with {open_stories} open stories: p50 {p50:.2f} ms, p99 {p99:.2f} ms")
    described = measure_describe(args.against)
    for label, p50, p99 in described:
        print(f"speed: describe of a ~550-word article ({label}): p50 {p50:.2f} ms, p99 {p99:.2f} ms")
    if len(described) == 2:
        print(f"speed: describe p50 this tree / {described[1][0]}: {described[0][1] / described[1][1]:.2f}")


if __name__ == "__main__":
    main()
