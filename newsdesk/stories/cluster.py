"""Online story clustering: each article, in arrival order, joins the story it reports or starts one.

Pure Python on plain data (no Django). The live pipeline persists what this decides; every piece of
state here is rebuilt by replaying `add` for the open window's articles. An article older than the
window leaves memory even while its story stays open (the story keeps only its count, outlets and
first time), and everything of a story is dropped when it closes, so memory follows the open window,
not the history.
"""

from __future__ import annotations

import heapq
import math
from sys import intern
from itertools import islice, repeat
from operator import mul
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from newsdesk.stories.background import article_shares
from newsdesk.stories.features import Document, Features, describe

HOUR = 3600.0
NAME = "@"
RANK_ALL = 32  # a story this small ranks all its members for its lead at every change
RERANK_GROWTH = 1.25
LEADERS = 4


@dataclass(frozen=True)
class ClusterConfig:
    """How alike an article and a story must be, and how long a quiet story stays open."""

    threshold: float = 0.15  # cosine an article must reach with a story's centroid (or 0.8 x with a member)
    window_hours: float = 72.0  # a story quiet this long closes
    fresh_hours: float = 24.0  # within this gap time is no evidence against joining
    late_penalty: float = 0.3  # share of the evidence lost by a follow-up at the end of the window
    name_weight: float = 0.5  # weight of a name beside a word mentioned once
    member_weight: float = 0.8  # weight of the best single member beside the centroid
    merge_threshold: float = 0.3  # centroid cosine from which two stories are one event
    rehome_margin: float = 1.25  # a story of one article joins a grown story on this many times the join's evidence
    copy_similarity: float = 0.6  # estimated shingle Jaccard from which an article is a copy
    retrieval_terms: int = 30  # heaviest terms of an article used to find candidate stories
    candidates: int = 20  # candidate stories scored in full
    bridge_share: float = 0.5  # a story the article scores this share of the threshold with may merge with its own
    common_share: float = 0.01  # terms in more of the open stories than this find no candidates...
    postings_floor: int = 64  # ...unless in this few
    background_articles: float = 500.0  # the window's counts start as if it held this many articles of general text
    noise_pairs: float = 6.0  # ...counted as if this many more pairs had shown nothing in common
    noise_factor: float = 3.0  # a join or merge must beat this many times the mean cosine of unrelated open articles
    broad_members: int = 8  # from this many members, a story's bar is at most...
    broad_share: float = 0.25  # ...this share of the mean cosine of its own members with its centroid
    review_from: int = 8  # a story is looked at again (split? strays?) when it reaches 8, 16, 32... members
    split_cosine: float = 0.25  # two groups whose centroids are less alike than this are two events...
    split_least: int = 3  # ...when the smaller one has at least this many members
    stray_share: float = 0.2  # a story of one article goes to a broad story it is closest to from this share (as broad_share)
    stray_every: int = 8  # ...looked for at every 8th member too: one that came after the last look need not wait for the next
    minhash_bands: int = 21
    minhash_rows: int = 3


@dataclass(frozen=True)
class Reason:
    """Why an article is in its story; shown to admins."""

    kind: str  # "new" | "copy" | "similar"
    similarity: float  # the score that decided it (0 for new)
    shared_names: tuple[str, ...]
    time_gap_hours: float | None
    copy_of: str | None  # the document this one copies, when kind == "copy"

    def as_json(self) -> dict:
        return {"kind": self.kind, "similarity": round(self.similarity, 4), "shared_names": list(self.shared_names),
                "time_gap_hours": None if self.time_gap_hours is None else round(self.time_gap_hours, 2),
                "copy_of": self.copy_of}

    @classmethod
    def from_json(cls, data: dict) -> Reason:
        return cls(kind=data["kind"], similarity=data["similarity"], shared_names=tuple(data["shared_names"]),
                   time_gap_hours=data["time_gap_hours"], copy_of=data["copy_of"])


@dataclass(frozen=True)
class Decision:
    """Where an article goes: an existing story's key, or None for a new story."""

    story: int | None
    reason: Reason
    # Open stories that, with this article added, report the same event as `story`: after add(),
    # call merge(story, key) for each, in order.
    merge: tuple[int, ...] = ()


@dataclass(frozen=True)
class Review:
    """What a second look at a grown story found: members to move to a new story, or stories to merge into it."""

    apart: tuple[str, ...] = ()  # they start a story of their own
    strays: tuple[int, ...] = ()  # stories of one article: call merge(story, key) for each


@dataclass(frozen=True)
class StorySummary:
    """A story as the clusterer sees it: members in arrival order and the articles that stand for it."""

    key: int
    members: tuple[str, ...]
    representative: str  # the most central member
    headline: str  # the most central member with a title (the representative when none has one)
    sources: tuple[str, ...]
    language: str
    first: datetime
    last: datetime
    articles: int  # the members, and the earlier articles that have left the window


@dataclass
class _Member:
    story: int
    when: float
    vector: dict[str, float]  # unit length, weighted with the window's IDF as it was when added
    names: tuple[str, ...]
    minhash: tuple[int, ...]
    bands: tuple[int, ...]
    language: str
    source: str
    has_title: bool
    timed: bool


@dataclass
class _Story:
    members: dict[str, None] = field(default_factory=dict)  # ordered set
    centroid: dict[str, float] = field(default_factory=dict)  # sum of member vectors
    counts: dict[str, int] = field(default_factory=dict)  # members with each term of the centroid
    norm2: float = 0.0
    names: Counter = field(default_factory=Counter)
    languages: Counter = field(default_factory=Counter)
    sources: Counter = field(default_factory=Counter)
    last: float = -math.inf
    first: float = math.inf
    timed: bool = False
    leaders: tuple[str, ...] = ()  # the most central members at the last full ranking...
    ranked_at: int = 0  # ...when the story had this many members
    earlier: int = 0  # its articles from before the window, no longer held: counted only...
    earlier_sources: Counter = field(default_factory=Counter)  # ...with their outlets...
    earlier_first: float = math.inf  # ...and the first one's time


class Clusterer:
    """The open window's stories, and the decision for each new article."""

    def __init__(self, config: ClusterConfig = ClusterConfig()):
        self.config = config
        self._members: dict[str, _Member] = {}
        self._stories: dict[int, _Story] = {}
        self._df: Counter = Counter()  # open articles per term
        # term -> story -> its centroid's weight for the term (the same value): retrieval reads the
        # weights where it finds the stories, without a lookup of each story's centroid.
        self._term_stories: dict[str, dict[int, float]] = {}
        self._term_docs: dict[str, dict[str, float]] = {}  # term -> article -> weight
        self._name_stories: dict[str, dict[int, int]] = {}
        self._norms: dict[int, float] = {}  # each open story's |centroid| (1 when empty): what its cosines divide by
        self._bands: dict[int, dict[str, None]] = {}
        self._forbidden: set[frozenset[int]] = set()
        self._all: dict[str, float] = {}  # sum of every open article's vector: the window's average article
        self._all_norm2 = 0.0
        self._story_norm2 = 0.0  # sum over open stories of |centroid|^2
        self._story_pairs = 0  # sum over open stories of members^2
        self._changes = 0  # bumped by every add and remove: a vector weighted before is still valid while it stands
        self._weighed: tuple[Features, int, dict[str, float]] | None = None  # decide()'s vector, for add()

    # The decision ---------------------------------------------------------------------------

    def decide(self, doc_id: str, features: Features, when: datetime) -> Decision:
        """Return the story this article reports (or None for a new one), with the reason; changes nothing."""
        moment = when.timestamp()
        copy = self._find_copy(doc_id, features, moment)
        if copy is not None:
            original, _ = copy
            member = self._members[original]
            story = self._stories[member.story]
            return Decision(member.story, Reason("copy", 1.0, self._shared_names(features.names, story),
                                                 self._gap(features, story, moment), original))
        vector = self._vector(features)
        self._weighed = (features, self._changes, vector)
        best, near = self._best_story(doc_id, vector, features, moment)
        if best is None:
            return Decision(None, Reason("new", 0.0, (), None, None))
        key, score = best
        story = self._stories[key]
        return Decision(key, Reason("similar", score, self._shared_names(features.names, story),
                                    self._gap(features, story, moment), None),
                        self._converging(key, vector, near))

    def _converging(self, key: int, vector: dict[str, float], near: list[int]) -> tuple[int, ...]:
        """Stories near the article whose centroid, once the article joins `key`, is as one with its centroid.

        A story of one article is that article: it goes too, when it would now join `key` (with a
        margin, as this changes a decision already taken). Arriving before `key` had the articles that
        describe its event, it could not join it; in another order it would have.
        """
        if not near:
            return ()  # nothing to converge with: spare the copy of a possibly large centroid
        story = self._stories[key]
        grown = dict(story.centroid)
        for term, weight in vector.items():
            grown[term] = grown.get(term, 0.0) + weight
        norm = math.sqrt(_dot(grown, grown)) or 1.0
        noise = self.config.noise_factor * self._noise()
        least = max(self.config.merge_threshold, noise)
        rehome = self._bar(len(story.members) + 1, norm, noise) * self.config.rehome_margin
        merging = []
        for other in near:
            state = self._stories[other]
            if frozenset((key, other)) in self._forbidden:
                continue
            if story.languages and state.languages and not (set(story.languages) & set(state.languages)):
                continue
            small, large = (state.centroid, grown) if len(state.centroid) < len(grown) else (grown, state.centroid)
            dot = _dot(small, large)
            cosine = dot / norm / self._norms[other]
            if cosine >= least or (len(state.members) == 1 and cosine >= rehome):
                merging.append(other)
        return tuple(merging)

    def _best_story(self, doc_id: str, vector: dict[str, float], features: Features,
                    moment: float) -> tuple[tuple[int, float] | None, list[int]]:
        """The best story above the threshold, and the other stories the article is close to."""
        config = self.config
        horizon = moment - config.window_hours * HOUR
        centroid_dots, member_best = self._retrieve(doc_id, vector)
        for name in features.names:
            for key in self._name_stories.get(name, ()):
                centroid_dots.setdefault(key, 0.0)
        norms = self._norms
        # Plain tuples compare in C: cheaper than a key function called for each of a few thousand stories.
        ranked = heapq.nsmallest(config.candidates, [(-dot / norms[key], key) for key, dot in centroid_dots.items()])
        stories = self._stories
        scored = []
        for _, key in ranked:
            story = stories[key]
            if story.last < horizon or not _same_language(features.language, story):
                continue
            scored.append((self._score(vector, features, story, member_best.get(key, 0.0), moment), key))
        scored.sort(key=lambda item: (-item[0], item[1]))
        floor = config.noise_factor * self._noise()
        stories = self._stories
        best = next(((score, key) for score, key in scored
                     if score >= self._bar(len(stories[key].members), math.sqrt(stories[key].norm2), floor)), None)
        if best is None:
            return None, []
        # Only stories the article itself is near can converge with its story: it is the new evidence.
        near = [key for score, key in scored if key != best[1] and score >= config.threshold * config.bridge_share]
        return (best[1], best[0]), near

    def _bar(self, size: int, norm: float, floor: float) -> float:
        """The evidence an article needs to join a story of `size` members whose centroid has length `norm`:
        the threshold, lower for a broad story, never under `floor`."""
        config = self.config
        bar = config.threshold
        if size >= config.broad_members:
            # A broad story's centroid is far from each of its members (say a central bank's every
            # decision and speech): how close its own members come to it, on average norm / size, says what fits it.
            bar = min(bar, config.broad_share * norm / size)
        return max(bar, floor)

    def _retrieve(self, doc_id: str, vector: dict[str, float]) -> tuple[dict[int, float], dict[int, float]]:
        """Partial dot products with story centroids and the best single member, over the telling terms."""
        config = self.config
        common = max(config.postings_floor, config.common_share * len(self._stories))
        heaviest = _heaviest(vector, config.retrieval_terms)
        centroid_dots: dict[int, float] = {}
        doc_dots: dict[str, float] = {}
        term_stories, term_docs = self._term_stories, self._term_docs
        for term, weight in heaviest:
            stories = term_stories.get(term, {})
            # A term in a large share of the open stories finds everything and tells little.
            if len(stories) > common:
                continue
            for key, value in stories.items():
                centroid_dots[key] = centroid_dots.get(key, 0.0) + weight * value
            docs = term_docs.get(term, {})
            if len(docs) > common:
                continue
            for other, other_weight in docs.items():
                doc_dots[other] = doc_dots.get(other, 0.0) + weight * other_weight
        member_best: dict[int, float] = {}
        members = self._members
        doc_dots.pop(doc_id, None)
        for other, dot in doc_dots.items():
            key = members[other].story
            if dot > member_best.get(key, 0.0):
                member_best[key] = dot
        return centroid_dots, member_best

    def _score(self, vector: dict[str, float], features: Features, story: _Story, member_best: float,
               moment: float) -> float:
        config = self.config
        centroid = story.centroid
        dot = _dot(vector, centroid)
        cosine = dot / math.sqrt(story.norm2) if story.norm2 > 0 else 0.0
        evidence = max(cosine, config.member_weight * member_best)
        if story.timed and features.published is not None:
            gap = abs(moment - story.last) / HOUR
            if gap > config.fresh_hours:
                late = min(1.0, (gap - config.fresh_hours) / max(config.window_hours - config.fresh_hours, 1e-9))
                evidence *= 1.0 - config.late_penalty * late
        return evidence

    def _find_copy(self, doc_id: str, features: Features, moment: float) -> tuple[str, float] | None:
        if not features.minhash:
            return None
        horizon = moment - self.config.window_hours * HOUR
        seen: dict[str, None] = {}
        for band in self._band_keys(features.minhash):
            for other in self._bands.get(band, ()):
                if other != doc_id:
                    seen[other] = None
        best: tuple[str, float] | None = None
        for other in seen:
            member = self._members[other]
            if self._stories[member.story].last < horizon:
                continue
            same = sum(a == b for a, b in zip(features.minhash, member.minhash)) / len(features.minhash)
            if same >= self.config.copy_similarity and (best is None or same > best[1]):
                best = (other, same)
        return best

    def _band_keys(self, signature: tuple[int, ...]) -> tuple[int, ...]:
        rows = self.config.minhash_rows
        return tuple(hash((band, signature[band * rows:(band + 1) * rows])) for band in range(self.config.minhash_bands)
                     if (band + 1) * rows <= len(signature))

    def _vector(self, features: Features) -> dict[str, float]:
        """The article's terms weighted by their rarity in the open window, at unit length."""
        background = self.config.background_articles
        total = len(self._members) + background
        share = article_shares(features.language).get
        terms = [(term, weight, background * share(term, 0.0)) for term, weight in features.terms]
        # Names count as terms of their own ("@" keeps them apart from words), so a shared rare name is
        # strong evidence and a name in every article ("US") weak, by the same rarity weighting.
        # Interned: the key is kept in this article's vector while it is open, one string per name, not per article.
        terms += [(intern(NAME + name), self.config.name_weight, background * share(name, 0.0)) for name in features.names]
        # Document frequency in the window plus that of general text: a young window cannot yet tell
        # a common word from a telling one by its own counts, and every article would join the first story.
        df, log = self._df.get, math.log
        weighted = {term: weight * (log((total + 1) / (df(term, 0) + prior + 1)) + 1.0) for term, weight, prior in terms}
        norm = math.sqrt(sum(value * value for value in weighted.values())) or 1.0
        return {term: value / norm for term, value in weighted.items()}

    def _noise(self) -> float:
        """Mean cosine of two open articles in different stories: how alike unrelated reports are in this window.

        A fixed threshold alone fails where all text is alike (one outlet's house style, a young window
        whose weights cannot yet tell common words from telling ones): unrelated articles then pass
        it, and each one that joins makes the story's centroid more like every article. Sums over the
        window give the mean exactly: |sum of all vectors|^2 less each story's |centroid|^2, over the pairs.
        """
        total = len(self._members)
        pairs = total * total - self._story_pairs
        prior = self.config.noise_pairs
        if pairs > 0:
            return max(0.0, self._all_norm2 - self._story_norm2) / (pairs + prior)
        # All in one story (or none): its own pairs are the only evidence of what unrelated looks like.
        return max(0.0, self._all_norm2 - total) / (total * total - total + prior) if total > 1 else 0.0

    def _shared_names(self, names: tuple[str, ...], story: _Story) -> tuple[str, ...]:
        return tuple(name for name in names if story.names.get(name))[:5]

    def _gap(self, features: Features, story: _Story, moment: float) -> float | None:
        if features.published is None or not story.timed:
            return None
        return abs(moment - story.last) / HOUR

    # Changes --------------------------------------------------------------------------------

    def add(self, doc_id: str, features: Features, when: datetime, story: int) -> None:
        """Put the article in the given story (a key not open yet starts a new story)."""
        if doc_id in self._members:
            self.remove(doc_id)
        weighed = self._weighed
        if weighed is not None and weighed[0] is features and weighed[1] == self._changes:
            vector = weighed[2]  # decided on just now, with the window's weights unchanged since
        else:
            vector = self._vector(features)
        self._weighed = None
        minhash = features.minhash
        member = _Member(story, when.timestamp(), vector, features.names, minhash,
                         self._band_keys(minhash) if minhash else (), features.language, features.source,
                         features.has_title, features.published is not None)
        self._insert(doc_id, member, vector)

    def _insert(self, doc_id: str, member: _Member, vector: dict[str, float]) -> None:
        story = member.story
        self._changes += 1
        self._members[doc_id] = member
        target = self._stories.setdefault(story, _Story())
        target.members[doc_id] = None
        own = _dot(vector, vector)
        dot = _dot(vector, target.centroid)
        target.norm2 += 2 * dot + own
        self._norms[story] = math.sqrt(target.norm2) or 1.0
        self._story_norm2 += 2 * dot + own
        self._story_pairs += 2 * len(target.members) - 1
        self._all_norm2 += 2 * _dot(vector, self._all) + own
        centroid, counts = target.centroid, target.counts
        for term, weight in vector.items():
            self._all[term] = self._all.get(term, 0.0) + weight
            value = centroid[term] = centroid.get(term, 0.0) + weight
            counts[term] = counts.get(term, 0) + 1
            self._term_stories.setdefault(term, {})[story] = value
            self._term_docs.setdefault(term, {})[doc_id] = weight
            self._df[term] += 1
        for name in member.names:
            target.names[name] += 1
            postings = self._name_stories.setdefault(name, {})
            postings[story] = postings.get(story, 0) + 1
        if member.language:
            target.languages[member.language] += 1
        target.sources[member.source] += 1
        for band in member.bands:
            self._bands.setdefault(band, {})[doc_id] = None
        target.last = max(target.last, member.when)
        target.first = min(target.first, member.when)
        target.timed = target.timed or member.timed

    def remove(self, doc_id: str) -> None:
        """Take the article out of its story; an emptied story is dropped."""
        member = self._members.pop(doc_id, None)
        if member is None:
            return
        self._changes += 1
        story = self._stories[member.story]
        del story.members[doc_id]
        own = _dot(member.vector, member.vector)
        dot = _dot(member.vector, story.centroid)
        before = story.norm2
        story.norm2 = max(0.0, story.norm2 - 2 * dot + own)
        self._story_norm2 += story.norm2 - before
        self._story_pairs -= 2 * len(story.members) + 1
        dot = _dot(member.vector, self._all)
        self._all_norm2 = max(0.0, self._all_norm2 - 2 * dot + own)
        for term, weight in member.vector.items():
            if self._df[term] <= 1:
                del self._all[term]
            else:
                self._all[term] -= weight
        centroid, counts = story.centroid, story.counts
        for term, weight in member.vector.items():
            postings = self._term_stories[term]
            if counts[term] > 1:
                counts[term] -= 1
                left = centroid[term] = centroid[term] - weight
                postings[member.story] = left
            else:
                del counts[term], centroid[term], postings[member.story]
                if not postings:
                    del self._term_stories[term]
            docs = self._term_docs[term]
            del docs[doc_id]
            if not docs:
                del self._term_docs[term]
            self._df[term] -= 1
            if self._df[term] <= 0:
                del self._df[term]
        for name in member.names:
            story.names[name] -= 1
            if story.names[name] <= 0:
                del story.names[name]
            _decrement(self._name_stories, name, member.story)
        if member.language:
            story.languages[member.language] -= 1
            if story.languages[member.language] <= 0:
                del story.languages[member.language]
        story.sources[member.source] -= 1
        if story.sources[member.source] <= 0:
            del story.sources[member.source]
        for band in member.bands:
            bucket = self._bands[band]
            del bucket[doc_id]
            if not bucket:
                del self._bands[band]
        if not story.members:
            del self._stories[member.story]
            self._forbidden = {pair for pair in self._forbidden if member.story not in pair}
        elif member.when >= story.last or member.when <= story.first:
            times = [self._members[other].when for other in story.members]
            story.last, story.first = max(times), min(times)
            story.timed = any(self._members[other].timed for other in story.members)
        if not story.centroid:
            self._story_norm2 -= story.norm2  # rounding left over
            story.norm2 = 0.0
        if member.story in self._stories:
            self._norms[member.story] = math.sqrt(story.norm2) or 1.0
        else:
            del self._norms[member.story]
        if not self._members:
            self._all_norm2 = self._story_norm2 = 0.0

    def merge(self, keep: int, gone: int) -> None:
        """Move every article of story `gone` into story `keep`; `gone` no longer exists."""
        if keep == gone or gone not in self._stories:
            return
        source, target = self._stories[gone], self._stories.setdefault(keep, _Story())
        target.earlier += source.earlier
        target.earlier_sources.update(source.earlier_sources)
        target.earlier_first = min(target.earlier_first, source.earlier_first)
        for doc_id in list(source.members):
            member = self._members[doc_id]
            self.remove(doc_id)
            member.story = keep
            self._insert(doc_id, member, member.vector)
        self._forbidden = {frozenset(keep if key == gone else key for key in pair) for pair in self._forbidden}
        self._forbidden = {pair for pair in self._forbidden if len(pair) == 2}

    def review(self, story: int) -> Review:
        """Look at a story again as it grows, at 8, 16, 32... members (so the cost per article stays flat):
        the members to split off, else the stories of one article to take in, which are also looked for
        at every `stray_every`th member. Mostly neither."""
        state = self._stories.get(story)
        size = len(state.members) if state else 0
        if size < self.config.review_from:
            return Review()
        if size & (size - 1):
            every = self.config.stray_every
            return Review(strays=self._strays(story, state)) if every and size % every == 0 else Review()
        apart = self._apart(state)
        return Review(apart=apart) if apart else Review(strays=self._strays(story, state))

    def _apart(self, state: _Story) -> tuple[str, ...]:
        """Members of the story that form a group apart from the rest, to start a story of their own.

        Two events on one subject can mix in a story's first few articles, where no bar tells them
        apart; once each has more articles, the members fall into two groups.
        """
        config = self.config
        members = list(state.members)
        side = _two_groups([self._members[doc_id].vector for doc_id in members], state.centroid)
        if side is None:
            return ()
        groups = ([doc_id for doc_id, first in zip(members, side) if first],
                  [doc_id for doc_id, first in zip(members, side) if not first])
        smaller = min(groups, key=len)
        if len(smaller) < config.split_least:
            return ()
        centroids = [_sum(self._members[doc_id].vector for doc_id in group) for group in groups]
        cosine = _dot(*centroids) / (math.sqrt(_dot(centroids[0], centroids[0]) * _dot(centroids[1], centroids[1])) or 1.0)
        return tuple(smaller) if cosine < config.split_cosine else ()

    def _strays(self, story: int, state: _Story) -> tuple[int, ...]:
        """Stories of one article that belong in this broad story: no other comes closer to the article.

        Off-angle reports of a broad event ("bank lead housing market slows" beside the Fed's news)
        share little with any one member, and most arrive before the story is broad; its members'
        own spread then says what fits it. The article's best story must be this one, which is
        what lets the bar be below the join's.
        """
        config = self.config
        size = len(state.members)
        norm = math.sqrt(state.norm2) or 1.0
        bar = max(config.noise_factor * self._noise(), min(config.threshold, config.stray_share * norm / size))
        common = max(config.postings_floor, config.common_share * len(self._stories))
        loners: dict[int, None] = {}
        for term, _ in _heaviest(state.centroid, config.retrieval_terms * 2):
            postings = self._term_stories.get(term, {})
            if len(postings) <= common:
                loners.update((key, None) for key in postings if key != story and len(self._stories[key].members) == 1)
        moving = []
        for key in loners:
            doc_id = next(iter(self._stories[key].members))
            member = self._members[doc_id]
            if frozenset((key, story)) in self._forbidden or not _same_language(member.language, state):
                continue
            cosine = _dot(member.vector, state.centroid) / norm
            if cosine < bar:
                continue
            dots, _ = self._retrieve(doc_id, member.vector)
            if all(dot / (math.sqrt(self._stories[other].norm2) or 1.0) < cosine
                   for other, dot in dots.items() if other not in (key, story)):
                moving.append(key)
        return tuple(moving)

    def forbid(self, story_a: int, story_b: int) -> None:
        """Record a moderator's split: the two stories are different events (they stay related, never merged)."""
        if story_a != story_b:
            self._forbidden.add(frozenset((story_a, story_b)))

    def close_before(self, when: datetime) -> list[int]:
        """Close the stories quiet since `when`: drop them from memory and return their keys.
        The open stories' articles from before `when` leave memory too, counted in their story."""
        cutoff = when.timestamp()
        closing = [key for key, story in self._stories.items() if story.last < cutoff]
        for key in closing:
            for doc_id in list(self._stories[key].members):
                self.remove(doc_id)
        # A story that keeps receiving articles never goes quiet: holding all its members would make
        # memory follow its whole history. Its last article is newer than `when`, so it stays open.
        for story in [story for story in self._stories.values() if story.first < cutoff]:
            for doc_id in [doc_id for doc_id in story.members if self._members[doc_id].when < cutoff]:
                member = self._members[doc_id]
                _count_earlier(story, member.source, member.when)
                self.remove(doc_id)
        return closing

    def count_earlier(self, story: int, source: str, when: datetime) -> None:
        """Count an article of an open story from before the window without holding it, as `close_before` leaves one."""
        if story in self._stories:
            _count_earlier(self._stories[story], source, when.timestamp())

    def take_out(self, doc_id: str, story: int, source: str | None) -> None:
        """Remove an article from its story `story`: a held one as `remove`, one from before the window from its
        counts (source: its outlet; None for an article without features, which was never counted)."""
        if doc_id in self._members or source is None:
            self.remove(doc_id)
            return
        state = self._stories.get(story)
        if state is None or state.earlier_sources.get(source, 0) <= 0:
            return
        state.earlier -= 1
        state.earlier_sources[source] -= 1
        if state.earlier_sources[source] <= 0:
            del state.earlier_sources[source]

    # Questions ------------------------------------------------------------------------------

    def story_of(self, doc_id: str) -> int | None:
        """Return the open story the article is in, or None."""
        member = self._members.get(doc_id)
        return member.story if member else None

    def summary(self, story: int) -> StorySummary:
        """Return the story's members, its most central article, its headline article, outlets and language."""
        state = self._stories[story]
        norm = math.sqrt(state.norm2) or 1.0

        def centrality(doc_id: str) -> float:
            return _dot(self._members[doc_id].vector, state.centroid) / norm

        size = len(state.members)
        if size <= RANK_ALL or size >= RERANK_GROWTH * state.ranked_at or not all(
                doc_id in state.members for doc_id in state.leaders):
            candidates = list(state.members)  # arrival order, so ties go to the earlier
            state.ranked_at = size
        else:
            # A large story's centre moves slowly: rank the last leaders and the members added since,
            # and rank everyone again once the story has grown by a quarter.
            recent = list(islice(reversed(state.members), size - state.ranked_at + 1))[::-1]
            candidates = list(dict.fromkeys([*state.leaders, *recent]))
        ranked = sorted(candidates, key=lambda doc_id: -centrality(doc_id))  # stable
        titled = [doc_id for doc_id in ranked if self._members[doc_id].has_title]
        state.leaders = tuple(ranked[:LEADERS]) + tuple(doc_id for doc_id in titled[:1] if doc_id not in ranked[:LEADERS])
        sources = sorted((set(state.sources) | set(state.earlier_sources)) - {""})
        language = max(sorted(state.languages), key=state.languages.get) if state.languages else ""
        return StorySummary(story, tuple(state.members), ranked[0], titled[0] if titled else ranked[0], tuple(sources),
                            language, datetime.fromtimestamp(min(state.first, state.earlier_first), timezone.utc),
                            datetime.fromtimestamp(state.last, timezone.utc), size + state.earlier)

    def related(self, story: int, limit: int = 5) -> list[tuple[int, float]]:
        """Return the closest other open stories with their similarity, closest first."""
        state = self._stories[story]
        norm, norms = self._norms[story], self._norms
        common = max(self.config.postings_floor, self.config.common_share * len(self._stories))
        heaviest = _heaviest(state.centroid, self.config.retrieval_terms * 2)
        dots: dict[int, float] = {}
        for term, weight in heaviest:
            postings = self._term_stories.get(term, {})
            if len(postings) > common:
                continue
            for key, value in postings.items():
                if key != story:
                    dots[key] = dots.get(key, 0.0) + weight * value
        languages = set(state.languages)
        stories = self._stories
        # Only the closest `limit` are ordered, and plain tuples compare in C: a full sort with a key
        # function cost more than finding the stories.
        closest = heapq.nsmallest(limit, [(-(dot / norm / norms[key]), key) for key, dot in dots.items()
                                          if not languages or not stories[key].languages
                                          or not languages.isdisjoint(stories[key].languages)])
        return [(key, round(-score, 4)) for score, key in closest if -score > 0]

    def sizes(self) -> dict[str, int]:
        """Return how many articles, stories, terms and index entries are held (memory follows these)."""
        return {"articles": len(self._members), "stories": len(self._stories), "terms": len(self._df),
                "term_postings": sum(len(p) for p in self._term_stories.values()),
                "name_postings": sum(len(p) for p in self._name_stories.values()),
                "bands": len(self._bands), "forbidden": len(self._forbidden), "norms": len(self._norms)}


def _dot(vector: dict[str, float], other: dict[str, float]) -> float:
    """The dot product of two sparse vectors, summed in `vector`'s order (so always to the same bits)."""
    return sum(map(mul, vector.values(), map(other.get, vector, repeat(0.0))))


def _sum(vectors: Iterable[dict[str, float]]) -> dict[str, float]:
    total: dict[str, float] = {}
    for vector in vectors:
        for term, weight in vector.items():
            total[term] = total.get(term, 0.0) + weight
    return total


def _two_groups(vectors: list[dict[str, float]], centroid: dict[str, float], rounds: int = 8) -> list[bool] | None:
    """Two-means on unit vectors, seeded by the member least like the centroid and the member least like that one:
    for each vector, whether it is in the first group; None when all fall in one."""
    first = min(range(len(vectors)), key=lambda i: _dot(vectors[i], centroid))
    second = min(range(len(vectors)), key=lambda i: _dot(vectors[i], vectors[first]))
    if first == second:
        return None
    centres = [dict(vectors[first]), dict(vectors[second])]
    side: list[bool] | None = None
    for _ in range(rounds):
        norms = [math.sqrt(_dot(centre, centre)) or 1.0 for centre in centres]
        sides = [_dot(vector, centres[0]) / norms[0] >= _dot(vector, centres[1]) / norms[1] for vector in vectors]
        if all(sides) or not any(sides):
            return None
        if sides == side:
            break
        side = sides
        centres = [_sum(v for v, s in zip(vectors, side) if s), _sum(v for v, s in zip(vectors, side) if not s)]
    return side


def _heaviest(vector: dict[str, float], count: int) -> list[tuple[str, float]]:
    """The `count` heaviest terms, heaviest first, ties by term; the C sort finds the cut, Python sorts only the top."""
    if len(vector) > count:
        least = sorted(vector.values(), reverse=True)[count - 1]
        return sorted([item for item in vector.items() if item[1] >= least], key=_by_weight)[:count]
    return sorted(vector.items(), key=_by_weight)


def _by_weight(item: tuple[str, float]) -> tuple[float, str]:
    return -item[1], item[0]


def _same_language(language: str, story: _Story) -> bool:
    return not language or not story.languages or language in story.languages


def _count_earlier(story: _Story, source: str, when: float) -> None:
    story.earlier += 1
    story.earlier_sources[source] += 1
    story.earlier_first = min(story.earlier_first, when)


def _decrement(postings: dict[str, dict[int, int]], key: str, story: int) -> None:
    stories = postings[key]
    stories[story] -= 1
    if stories[story] <= 0:
        del stories[story]
        if not stories:
            del postings[key]


def cluster_stream(docs: Iterable[Document], config: ClusterConfig = ClusterConfig()) -> Iterator[tuple[str, int]]:
    """Cluster articles in stream order as the live pipeline would; yield (article id, final story key) in input order."""
    clusterer = Clusterer(config)
    window = timedelta(hours=config.window_hours)
    order: list[tuple[str, int]] = []
    merged_into: dict[int, int] = {}
    moved_to: dict[str, int] = {}
    held: dict[str, tuple[Features, datetime]] = {}  # the open articles, should their story split
    next_key = 1
    for count, (doc, when) in enumerate(_arrival_times(docs)):
        if count % 64 == 0:
            clusterer.close_before(when - window)
            held = {doc_id: item for doc_id, item in held.items() if clusterer.story_of(doc_id) is not None}
        features = describe(doc)
        held[doc.id] = (features, when)
        decision = clusterer.decide(doc.id, features, when)
        story = decision.story
        if story is None:
            story, next_key = next_key, next_key + 1
        clusterer.add(doc.id, features, when, story)
        for other in decision.merge:
            clusterer.merge(story, other)
            merged_into[other] = story
        order.append((doc.id, story))
        review = clusterer.review(story)
        for doc_id in review.apart:
            clusterer.add(doc_id, *held[doc_id], next_key)
            moved_to[doc_id] = next_key
        next_key += bool(review.apart)
        for other in review.strays:
            clusterer.merge(story, other)
            merged_into[other] = story
    # Stories can merge and split until the stream ends, so an article's key is final only then.
    for doc_id, story in order:
        story = moved_to.get(doc_id, story)
        while story in merged_into:
            story = merged_into[story]
        yield doc_id, story


def _arrival_times(docs: Iterable[Document]) -> Iterator[tuple[Document, datetime]]:
    """Pair each article with its time; an article without one arrives at the latest time seen so far."""
    clock: datetime | None = None
    waiting: list[Document] = []  # untimed articles before the first time: they arrive with it
    for doc in docs:
        if doc.published is None and clock is None:
            waiting.append(doc)
            continue
        if doc.published is not None:
            clock = doc.published if clock is None else max(clock, doc.published)
        for early in waiting:
            yield early, clock
        waiting = []
        yield doc, doc.published or clock
    for early in waiting:
        yield early, datetime(1970, 1, 1, tzinfo=timezone.utc)
