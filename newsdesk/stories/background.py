"""How common a word is in general text: the document frequencies a new, still small window starts from.

Early in a fresh window the window's own counts cannot tell a common word from a telling one (every
word is in one of one articles), so the clusterer blends them with these. The table ships with the
package (`background.txt`, derived from wordfreq's lists); nothing is learned from our own data.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

WORDS_PER_ARTICLE = 400  # a typical article's length, to turn a word's frequency into a share of articles
TABLE = Path(__file__).with_name("background.txt")
FALLBACK_LANGUAGE = "en"  # an article whose language is not detected is most likely English


@lru_cache(maxsize=1)
def _tables() -> dict[str, dict[str, float]]:
    tables: dict[str, dict[str, float]] = {}
    current: dict[str, float] = {}
    with open(TABLE, encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#") or not line.strip():
                continue
            if line.startswith("["):
                current = tables.setdefault(line.strip().strip("[]"), {})
                continue
            zipf, *words = line.split()
            frequency = 10 ** (float(zipf) - 9)
            # The chance that an article of typical length uses the word at least once.
            share = 1.0 - math.exp(-WORDS_PER_ARTICLE * frequency)
            for word in words:
                current[word] = share
    return tables


def article_shares(language: str) -> dict[str, float]:
    """Return the share of general-text articles in `language` that use each (stemmed) term; a rare term is
    missing (its share is 0)."""
    tables = _tables()
    return tables.get(language) or tables[FALLBACK_LANGUAGE]
