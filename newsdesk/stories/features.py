"""What the story clusterer keeps of an article: weighted terms, names, a MinHash signature, language, time.

Pure Python on plain data (no Django): the CLI, the benchmarks and the live pipeline share it.
"""

from __future__ import annotations

import hashlib
import math
import re
import sys
from functools import lru_cache
from operator import itemgetter
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import numpy as np

TOP_TERMS = 80
TOP_NAMES = 24
TITLE_WEIGHT = 2  # a title word counts as two body words: the headline states the event
MINHASH_SIZE = 64
SHINGLE_WORDS = 3
MIN_SHINGLES = 8  # below this a text is too short to call anything a copy of it

# Short profiles of each language's most frequent function words: enough to tell languages apart
# on a news text, and to keep such words out of the terms.
STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset("""a about above after again against all also am an and any are as at be because been before
        being below between both but by can could did do does doing down during each few for from further had has
        have having he her here hers him his how i if in into is it its itself just me more most my no nor not now
        of off on once only or other our out over own same she should so some such than that the their them then
        there these they this those through to too under until up very was we were what when where which while who
        whom why will with would you your said says say told according year years new one two first last week
        monday tuesday wednesday thursday friday saturday sunday time people may many made make like get got""".split()),
    "de": frozenset("""aber alle als also am an auch auf aus bei bin bis bist da damit dann das dass dem den denn der
        des die dies diese dieser doch dort du durch ein eine einem einen einer eines er es für gegen hat hatte haben
        hier ich ihr im in ist ja jetzt kann kein keine mit nach nicht noch nun nur ob oder ohne sein seine sich sie
        sind so soll über um und uns unter vom von vor war waren was weil wenn werden wie wir wird wurde zu zum zur
        zwischen sagte heute jahr jahre""".split()),
    "fr": frozenset("""au aux avec ce ces cette dans de des du elle elles en est et être eu il ils je la le les leur
        lui mais me même mes moi mon ne nos notre nous on ont ou où par pas pour qu que qui sa se ses son sont sur ta
        te tes toi ton tu un une vos votre vous à été était sans sous après avant aussi plus leurs selon entre dont
        a""".split()),
    "es": frozenset("""a al algo como con contra cual cuando de del desde donde el ella ellos en entre era es esa ese
        esta este esto fue ha han hasta la las le les lo los más me mi muy no nos o para pero por que quien se sin
        sobre su sus también tiene un una uno y ya según dijo año""".split()),
    "it": frozenset("""a ad al alla alle anche che chi con cui da dal dalla dei del della delle di e è gli ha hanno
        il in la le lo ma nel nella non per più quando questo questa se si sono su sua suo tra un una uno sulla
        degli anni""".split()),
    "nl": frozenset("""aan al als bij dat de den der deze die dit door een en er had heeft het hij hun in is je kan
        maar met na naar niet nog nu of om onder ons ook op over te tot uit van voor was wat werd wij worden wordt
        zal ze zich zijn zo""".split()),
    "pt": frozenset("""a ao aos as com como da das de do dos e ela ele eles em entre era essa esse esta este foi há
        isso já mais mas na nas não no nos o os ou para pela pelo por que se sem seu sua são também um uma
        disse""".split()),
}
ALL_STOPWORDS = frozenset().union(*STOPWORDS.values())
_LANGUAGES_OF = {word: tuple(language for language, words in STOPWORDS.items() if word in words) for word in ALL_STOPWORDS}
MIN_LANGUAGE_HITS = 4
_SHARES = math.lcm(*range(1, len(STOPWORDS) + 1))  # a word's one mention, split evenly among up to all languages

_WORD = re.compile(r"[^\W\d_](?:[\w'’-]*[^\W_])?", re.UNICODE)
_SENTENCE_BREAK = re.compile(r"[.!?:;\"“”«»()\[\]\n]")
# One pass finds both: a word is the group, a sentence break an empty match of it. No word can
# contain a break, so the words are those _WORD finds in the whole text.
_TOKEN = re.compile(f"({_WORD.pattern})|{_SENTENCE_BREAK.pattern}", re.UNICODE)
_MINHASH_PRIME = (1 << 61) - 1
_rng = np.random.default_rng(20261125)
_MINHASH_A = _rng.integers(1, _MINHASH_PRIME, MINHASH_SIZE, dtype=np.uint64)
_MINHASH_B = _rng.integers(0, _MINHASH_PRIME, MINHASH_SIZE, dtype=np.uint64)
# One odd multiplier (no bits lost) for each word of a shingle but its last.
_SHINGLE_MIX = _rng.integers(1 << 32, 1 << 63, SHINGLE_WORDS - 1, dtype=np.uint64) | np.uint64(1)


@dataclass(frozen=True)
class Document:
    """One article as the clusterer sees it."""

    id: str
    title: str
    text: str  # lead and body, plain text
    published: datetime | None  # aware datetime, or None: arrival order only
    source: str = ""
    language: str = ""  # ISO code if known; else detected from function words, or ""


@dataclass(frozen=True)
class Features:
    """What the clusterer keeps of a document; round-trips through JSON for storage."""

    terms: tuple[tuple[str, float], ...]  # top terms by weight, heaviest first
    names: tuple[str, ...]  # people, places, organisations, lowercased, most mentioned first
    minhash: tuple[int, ...]  # empty when the text is too short to recognise a copy
    language: str
    published: float | None  # POSIX seconds
    source: str = ""
    has_title: bool = False

    def as_json(self) -> dict:
        return {"terms": [[term, weight] for term, weight in self.terms], "names": list(self.names),
                "minhash": list(self.minhash), "language": self.language, "published": self.published,
                "source": self.source, "has_title": self.has_title}

    @classmethod
    def from_json(cls, data: dict) -> Features:
        # Decoded JSON gives every article its own copy of each word, and the clusterer keeps every
        # open article's: interned, the window holds one string per distinct word, not per mention.
        intern = sys.intern
        return cls(terms=tuple((intern(term), float(weight)) for term, weight in data["terms"]),
                   names=tuple(map(intern, data["names"])),
                   minhash=tuple(int(value) for value in data["minhash"]), language=intern(data["language"]),
                   published=data["published"], source=intern(data.get("source", "")),
                   has_title=data.get("has_title", False))


def describe(doc: Document) -> Features:
    """Return the features of one article; the same document always gives the same features."""
    tokens = _TOKEN.findall(doc.text)  # the body's words, and "" at each sentence break
    title_counts = Counter(map(str.lower, _WORD.findall(doc.title)))
    body = list(map(str.lower, filter(None, tokens)))
    body_counts = Counter(body)
    language = _primary_language(doc.language) or _language_of(title_counts, body_counts)
    term_of = _term_maker(language)
    counts: dict[str, int] = {}
    # Each distinct word is filtered and stemmed once, not at each of its mentions.
    for words, weight in ((title_counts, TITLE_WEIGHT), (body_counts, 1)):
        for word, mentions in words.items():
            term = term_of(word)
            if term is not None:
                counts[term] = counts.get(term, 0) + weight * mentions
    # Heaviest first, ties by term: two C-keyed sorts (the second is stable) instead of a Python key.
    ranked = sorted(counts.items())
    ranked.sort(key=itemgetter(1), reverse=True)
    return Features(
        # Sublinear term frequency: the tenth mention of a word says less than the second.
        terms=tuple((term, round(1.0 + math.log(count), 4)) for term, count in ranked[:TOP_TERMS]),
        names=_names_in(tokens),
        minhash=minhash(body),
        language=language,
        published=doc.published.timestamp() if doc.published else None,
        source=doc.source,
        has_title=bool(doc.title.strip()),
    )


def detect_language(words: list[str]) -> str:
    """Return the language whose function words the text uses most, or "" when the evidence is thin."""
    return _language_of(Counter(words))


def _language_of(*word_counts: Counter[str]) -> str:
    hits: Counter[str] = Counter()
    for counts in word_counts:
        for word in filter(_LANGUAGES_OF.__contains__, counts):
            # A word several languages share ("de", "in") is split between them, in whole shares
            # of _SHARES so that sums are exact whatever the order of the words.
            languages = _LANGUAGES_OF[word]
            for language in languages:
                hits[language] += counts[word] * (_SHARES // len(languages))
    if not hits:
        return ""
    (best, count), *rest = sorted(hits.items(), key=lambda item: (-item[1], item[0]))
    runner_up = rest[0][1] if rest else 0
    return best if count >= MIN_LANGUAGE_HITS * _SHARES and count >= 2 * runner_up else ""


@lru_cache(maxsize=32)
def _term_maker(language: str) -> Callable[[str], str | None]:
    """Return a cached word -> term function for one language: None for a function word or a letter."""

    # One argument, so the cache looks the word up as it is, without building a key.
    @lru_cache(maxsize=1 << 16)
    def term_of(word: str) -> str | None:
        return stem(word, language) if word not in ALL_STOPWORDS and len(word) >= 2 else None

    return term_of


@lru_cache(maxsize=1 << 16)
def stem(word: str, language: str) -> str:
    """Return a light stem: English plurals, possessives and -ing/-ed forms folded; other languages as written."""
    word = word.replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    if language not in ("en", ""):
        return word
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "'s")):
        return word[:-1]
    if len(word) > 6 and word.endswith("ing"):
        return _restore_e(word[:-3])
    if len(word) > 5 and word.endswith("ed") and not word.endswith("eed"):
        return _restore_e(word[:-2])
    return word


def _restore_e(base: str) -> str:
    # "approved" and "approves" meet at "approve", "created" and "creates" at "create".
    return base + "e" if base.endswith(("v", "c", "g", "z", "at", "iz", "ur")) else base


def find_names(text: str) -> tuple[str, ...]:
    """Return the names a text mentions (capitalised runs not opening a sentence, and acronyms), most frequent first."""
    return _names_in(_TOKEN.findall(text))


def _names_in(tokens: list[str]) -> tuple[str, ...]:
    counts: Counter[str] = Counter()
    run: list[str] = []
    index = 0  # the word's place in its sentence
    for word in tokens:
        # An acronym is a name even where its letters spell a common word ("US", "UN").
        if word and not word.islower() and (_is_acronym(word) or (index > 0 and word[0].isupper()
                                                                  and word.lower() not in ALL_STOPWORDS)):
            run.append(word)
        elif run:
            counts[_name_key(run)] += 1
            run = []
        index = index + 1 if word else 0
    if run:
        counts[_name_key(run)] += 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return tuple(name for name, _ in ranked[:TOP_NAMES])


def _is_acronym(word: str) -> bool:
    return 2 <= len(word) <= 6 and word.isupper()


def _name_key(words: list[str]) -> str:
    key = " ".join(words).lower().replace("’", "'")
    return key[:-2] if key.endswith("'s") else key


def minhash(words: list[str]) -> tuple[int, ...]:
    """Return the MinHash signature of the text's word shingles, or () for a text too short to judge."""
    if len(words) < SHINGLE_WORDS + MIN_SHINGLES - 1:
        return ()
    # A shingle's hash combines its words' hashes with numpy, not one Python hash call per shingle:
    # a fifth of the cost. Products wrap modulo 2**64 identically on every machine, so a signature
    # stored today matches one computed next year.
    hashed = np.fromiter(map(_word_hash, words), dtype=np.uint64, count=len(words))
    count = len(words) - SHINGLE_WORDS + 1
    shingles = hashed[SHINGLE_WORDS - 1:].copy()
    for offset, mix in enumerate(_SHINGLE_MIX):
        shingles += hashed[offset:offset + count] * mix
    shingles >>= np.uint64(3)  # repeated shingles stay: they cannot change a minimum
    permuted = np.multiply.outer(shingles, _MINHASH_A)
    permuted += _MINHASH_B
    # x mod (2**61 - 1) by shifts, as 2**61 is 1 modulo that prime: the same values as %, faster.
    prime = np.uint64(_MINHASH_PRIME)
    low = permuted & prime
    permuted >>= np.uint64(61)
    permuted += low
    # Below the prime, x - prime wraps to above it, so the smaller of the two is x mod prime.
    np.subtract(permuted, prime, out=low)
    np.minimum(permuted, low, out=permuted)
    return tuple(permuted.min(axis=0).tolist())


@lru_cache(maxsize=1 << 17)
def _word_hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")


def _primary_language(code: str | None) -> str:
    return (code or "").split("-")[0].split("_")[0].strip().lower()
