"""Scoring on the WCXB development pages, exactly as the corpus' SOURCE.md defines it.

Text: word-level F1 over lowercased `\\w+` tokens taken as multisets, averaged over pages (page 4893,
which has no main content, left out). Snippets: a `with` snippet is found, and a `without` snippet
absent, when its normalized form is (is not) a substring of the normalized text. Title and author:
normalized exact match; date: the first 10 characters. A field the ground truth leaves empty is
not scored.
"""

from __future__ import annotations

import gzip
import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

DATASET = Path("extraction-dev") / "wcxb-dev-articles"
WORDS = re.compile(r"\w+")
NO_MAIN_CONTENT = {"4893"}


@dataclass
class Page:
    """One development page and what a perfect extraction would return for it."""

    id: str
    url: str
    html: bytes
    title: str | None
    author: str | None
    date: str | None
    main_content: str | None
    with_snippets: list[str] = field(default_factory=list)
    without_snippets: list[str] = field(default_factory=list)


@dataclass
class Extraction:
    """What an extractor returned, reduced to the fields the benchmark scores."""

    text: str = ""
    title: str | None = None
    author: str | None = None
    date: str | None = None


@dataclass
class PageScore:
    """The scores of one page; None where the ground truth does not score the field."""

    id: str
    f1: float | None
    precision: float | None
    recall: float | None
    with_found: int
    with_total: int
    without_absent: int
    without_total: int
    title: bool | None
    author: bool | None
    date: bool | None


def default_corpus_dir() -> Path:
    """Return $NEWSDESK_CORPUS_DIR, else the shared corpus beside the repository."""
    configured = os.environ.get("NEWSDESK_CORPUS_DIR")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def dataset_dir(corpus_dir: Path | str | None = None) -> Path:
    """Return the folder of the WCXB article pages, given the corpus root or that folder itself."""
    root = Path(corpus_dir) if corpus_dir is not None else default_corpus_dir()
    return root if (root / "ground-truth").is_dir() else root / DATASET


def load_pages(corpus_dir: Path | str | None = None, ids: set[str] | None = None) -> list[Page]:
    """Return the development pages in file order (only those in ids when given); [] if absent."""
    folder = dataset_dir(corpus_dir)
    truth_dir = folder / "ground-truth"
    if not truth_dir.is_dir():
        return []
    pages = []
    for truth_path in sorted(truth_dir.glob("*.json")):
        page_id = truth_path.stem
        if ids is not None and page_id not in ids:
            continue
        record = json.loads(truth_path.read_text(encoding="utf-8"))
        truth = record.get("ground_truth") or {}
        with gzip.open(folder / "html" / f"{page_id}.html.gz", "rb") as stream:
            html = stream.read()
        pages.append(Page(
            id=page_id, url=record.get("url") or "", html=html,
            title=truth.get("title"), author=truth.get("author"), date=truth.get("publish_date"),
            main_content=truth.get("main_content"),
            with_snippets=list(truth.get("with") or []), without_snippets=list(truth.get("without") or []),
        ))
    return pages


def normalize(value: str | None) -> str:
    """Lowercase value and join its \\w+ tokens with single spaces."""
    return " ".join(WORDS.findall((value or "").lower()))


def score_text(extracted: str, expected: str) -> tuple[float, float, float]:
    """Return (precision, recall, F1) of the word multisets of extracted against expected."""
    got = Counter(WORDS.findall(extracted.lower()))
    want = Counter(WORDS.findall(expected.lower()))
    overlap = sum((got & want).values())
    if not overlap:
        return 0.0, 0.0, 0.0
    precision = overlap / sum(got.values())
    recall = overlap / sum(want.values())
    return precision, recall, 2 * precision * recall / (precision + recall)


def score(page: Page, extracted: Extraction | None) -> PageScore:
    """Score one extraction of page (None: the extractor returned nothing)."""
    extracted = extracted or Extraction()
    text = normalize(extracted.text)
    f1 = precision = recall = None
    if page.id not in NO_MAIN_CONTENT and page.main_content:
        precision, recall, f1 = score_text(extracted.text or "", page.main_content)
    with_found = sum(normalize(snippet) in text for snippet in page.with_snippets)
    without_absent = sum(normalize(snippet) not in text for snippet in page.without_snippets)
    return PageScore(
        id=page.id, f1=f1, precision=precision, recall=recall,
        with_found=with_found, with_total=len(page.with_snippets),
        without_absent=without_absent, without_total=len(page.without_snippets),
        title=_same(page.title, extracted.title),
        author=_same(page.author, extracted.author),
        date=(extracted.date or "")[:10] == page.date[:10] if page.date else None,
    )


def _same(expected: str | None, got: str | None) -> bool | None:
    if not normalize(expected):
        return None
    return normalize(expected) == normalize(got)


def summarize(scores: list[PageScore]) -> dict:
    """Return the corpus figures: mean F1, snippet rates and field accuracies, as fractions."""
    def rate(values: list[bool | None]) -> float | None:
        scored = [value for value in values if value is not None]
        return sum(scored) / len(scored) if scored else None

    f1s = [s.f1 for s in scores if s.f1 is not None]
    with_total = sum(s.with_total for s in scores)
    without_total = sum(s.without_total for s in scores)
    return {
        "pages": len(scores),
        "f1": sum(f1s) / len(f1s) if f1s else None,
        "precision": sum(s.precision for s in scores if s.precision is not None) / len(f1s) if f1s else None,
        "recall": sum(s.recall for s in scores if s.recall is not None) / len(f1s) if f1s else None,
        "with": sum(s.with_found for s in scores) / with_total if with_total else None,
        "without": sum(s.without_absent for s in scores) / without_total if without_total else None,
        "title": rate([s.title for s in scores]),
        "author": rate([s.author for s in scores]),
        "date": rate([s.date for s in scores]),
    }
