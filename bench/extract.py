"""Extraction benchmark: plain trafilatura 2.3.1 beside Newsdesk on the WCXB development pages.

    nice -n 19 .venv/bin/python bench/extract.py                      # both, all 711 pages
    .venv/bin/python bench/extract.py --only newsdesk --limit 100       # a quick look
    .venv/bin/python bench/extract.py --only newsdesk --show-failures title
    .venv/bin/python bench/extract.py --json                            # one JSON line per extractor

Both run in one process on one core, page after page in turn, so that the machine's noise falls
on both alike; pages per second count only the extraction call. The scoring is bench/wcxb.py's.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

from bench.wcxb import Extraction, Page, PageScore, load_pages, normalize, score, summarize  # noqa: E402
from newsdesk.extract import ExtractError, extract_article  # noqa: E402

FIELDS = ("text", "with", "without", "title", "author", "date")


def run_trafilatura(page: Page) -> Extraction | None:
    """Plain trafilatura with its defaults, its text as it returns it."""
    document = trafilatura.bare_extraction(page.html, url=page.url, with_metadata=True)
    if document is None:
        return None
    return Extraction(text=document.text or "", title=document.title, author=document.author, date=document.date)


def run_newsdesk(page: Page) -> Extraction | None:
    """Newsdesk's extract_article, authors joined as `newsdesk extract` prints them."""
    try:
        article = extract_article(page.html, page.url)
    except ExtractError:
        return None
    return Extraction(text=article.text, title=article.title, author=", ".join(article.authors) or None,
                      date=article.published)


EXTRACTORS: dict[str, Callable[[Page], Extraction | None]] = {
    "trafilatura": run_trafilatura,
    "newsdesk": run_newsdesk,
}


def pin_to_one_core() -> None:
    """Run on a single core, as the speed figures claim."""
    if hasattr(os, "sched_setaffinity"):
        cores = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cores[-1]})


def measure(pages: list[Page], names: list[str]) -> dict[str, dict]:
    """Run each extractor on every page in turn; return per extractor its outputs, scores and seconds."""
    results = {name: {"outputs": {}, "scores": [], "seconds": 0.0} for name in names}
    for page in pages:
        for name in names:
            started = time.perf_counter()
            output = EXTRACTORS[name](page)
            results[name]["seconds"] += time.perf_counter() - started
            results[name]["outputs"][page.id] = output
            results[name]["scores"].append(score(page, output))
    return results


def describe_failure(page: Page, output: Extraction | None, page_score: PageScore, field: str) -> str | None:
    """Return a few lines on why page failed field, or None when it did not."""
    output = output or Extraction()
    if field in ("title", "author", "date"):
        if getattr(page_score, field) is not False:
            return None
        expected = {"title": page.title, "author": page.author, "date": page.date}[field]
        return f"{page.id} {page.url}\n  expected: {expected!r}\n  got:      {getattr(output, field)!r}"
    text = normalize(output.text)
    if field == "text":
        if page_score.f1 is None or page_score.f1 >= 0.9:
            return None
        return (f"{page.id} {page.url}\n  F1 {page_score.f1:.3f} precision {page_score.precision:.3f} "
                f"recall {page_score.recall:.3f}")
    snippets = page.with_snippets if field == "with" else page.without_snippets
    wrong = [s for s in snippets if (normalize(s) in text) != (field == "with")]
    if not wrong:
        return None
    return f"{page.id} {page.url}\n" + "\n".join(f"  {'missing' if field == 'with' else 'kept'}: {s[:160]!r}" for s in wrong)


def format_table(figures: dict[str, dict]) -> str:
    """Return the figures as an aligned table, one column per extractor."""
    names = list(figures)
    rows = [("", *names)]
    rows.append(("pages", *(str(figures[n]["pages"]) for n in names)))
    rows.append(("text F1", *(f"{figures[n]['f1']:.3f}" for n in names)))
    for key, label in (("precision", "  precision"), ("recall", "  recall")):
        rows.append((label, *(f"{figures[n][key]:.3f}" for n in names)))
    for key, label in (("with", "with found"), ("without", "without absent"), ("title", "title"),
                       ("author", "author"), ("date", "date")):
        rows.append((label, *(f"{100 * figures[n][key]:.1f}%" for n in names)))
    rows.append(("pages/s (1 core)", *(f"{figures[n]['pages_per_second']:.2f}" for n in names)))
    if "speed_ratio" in figures.get("newsdesk", {}):
        rows.append(("speed vs trafilatura", "", f"{figures['newsdesk']['speed_ratio']:.2f}x"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
                               for i, cell in enumerate(row)) for row in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="only the first N pages")
    parser.add_argument("--only", choices=sorted(EXTRACTORS), help="run one extractor")
    parser.add_argument("--show-failures", choices=FIELDS, metavar="FIELD",
                        help=f"print the pages where FIELD is wrong ({', '.join(FIELDS)})")
    parser.add_argument("--json", action="store_true", help="print JSON lines instead of a table")
    parser.add_argument("--corpus", help="corpus folder (default: $NEWSDESK_CORPUS_DIR or ../shared/corpus)")
    args = parser.parse_args(argv)

    pages = load_pages(args.corpus)
    if not pages:
        print("bench: no WCXB pages found; set NEWSDESK_CORPUS_DIR to the shared corpus", file=sys.stderr)
        return 1
    pages = pages[: args.limit] if args.limit else pages
    names = [args.only] if args.only else ["trafilatura", "newsdesk"]
    pin_to_one_core()
    results = measure(pages, names)

    figures = {}
    for name in names:
        figures[name] = {"extractor": name, **summarize(results[name]["scores"]),
                         "pages_per_second": len(pages) / results[name]["seconds"]}
    if len(names) == 2:
        figures["newsdesk"]["speed_ratio"] = (figures["newsdesk"]["pages_per_second"]
                                              / figures["trafilatura"]["pages_per_second"])

    if args.show_failures:
        for name in names:
            print(f"== {name}: pages where {args.show_failures} is wrong")
            for page, page_score in zip(pages, results[name]["scores"]):
                failure = describe_failure(page, results[name]["outputs"][page.id], page_score, args.show_failures)
                if failure:
                    print(failure)
        print()
    if args.json:
        for name in names:
            print(json.dumps(figures[name]))
    else:
        print(format_table(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
