"""Read-only, lazy access to the saved real article pages and their ground truth."""

import gzip
import json
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

ARTICLES_SUBDIR = Path("extraction-dev") / "wcxb-dev-articles"
PAGE_CACHE_SIZE = 32


@dataclass(frozen=True, slots=True)
class RealArticle:
    """The ground truth of one saved page, as its benchmark recorded it."""

    corpus_id: str
    source_url: str
    title: str
    author: str | None
    publish_date: str | None
    main_content: str


def locate_corpus(corpus_dir: str | os.PathLike[str] | None = None) -> Path | None:
    """Return the folder holding `html/` and `ground-truth/`, or None when there is none."""
    candidates: list[Path] = []
    if corpus_dir is not None:
        candidates.append(Path(corpus_dir))
    elif os.environ.get("NEWSDESK_CORPUS_DIR"):
        candidates.append(Path(os.environ["NEWSDESK_CORPUS_DIR"]))
    else:
        repo_root = Path(__file__).resolve().parents[2]
        candidates.append(repo_root.parent / "shared" / "corpus")
    for base in candidates:
        # Accept both the corpus root and the articles folder itself.
        for folder in (base / ARTICLES_SUBDIR, base):
            if (folder / "ground-truth").is_dir() and (folder / "html").is_dir():
                return folder
    return None


class Corpus:
    """The saved pages in one folder; files are only read when a page is asked for."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        pages = {name.removesuffix(".html.gz") for name in os.listdir(folder / "html")}
        truths = {name.removesuffix(".json") for name in os.listdir(folder / "ground-truth")}
        self.ids: list[str] = sorted(pages & truths)
        self._lock = threading.Lock()
        self._truths: dict[str, RealArticle | None] = {}
        self._pages: OrderedDict[str, bytes] = OrderedDict()

    def article(self, corpus_id: str) -> RealArticle | None:
        """Return the ground truth of a page, or None when it lacks a title or main text."""
        with self._lock:
            if corpus_id in self._truths:
                return self._truths[corpus_id]
        with open(self.folder / "ground-truth" / f"{corpus_id}.json", encoding="utf-8") as handle:
            record = json.load(handle)
        truth = record.get("ground_truth") or {}
        article = None
        if truth.get("title") and truth.get("main_content"):
            article = RealArticle(
                corpus_id=corpus_id,
                source_url=record.get("url", ""),
                title=" ".join(truth["title"].split()),
                author=(truth.get("author") or "").strip() or None,
                publish_date=truth.get("publish_date") or None,
                main_content=truth["main_content"],
            )
        with self._lock:
            self._truths[corpus_id] = article
        return article

    def page(self, corpus_id: str) -> bytes:
        """Return the saved HTML of a page, byte for byte."""
        with self._lock:
            if corpus_id in self._pages:
                self._pages.move_to_end(corpus_id)
                return self._pages[corpus_id]
        with gzip.open(self.folder / "html" / f"{corpus_id}.html.gz", "rb") as handle:
            body = handle.read()
        with self._lock:
            self._pages[corpus_id] = body
            while len(self._pages) > PAGE_CACHE_SIZE:
                self._pages.popitem(last=False)
        return body
