"""gofeed's own test feeds: each one parses, and what maps to our fields matches gofeed's expectation.

The corpus (feeds-dev/gofeed-testdata, see its SOURCE.md) pairs each input feed with the JSON gofeed
produces for it, in one of four shapes: parser/atom and parser/rss use gofeed's per-format models,
parser/json the JSON Feed document itself, translator/ and extensions/ gofeed's universal model.
Each shape is read into the same flat fields ("title", "entry 0 link"...) that ParsedFeed gives,
and only the fields an expectation states are compared.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pytest

from newsdesk.ingest.feedparse_fields import clean_line
from newsdesk.ingest.parse import ParsedFeed, ParseError, parse_feed


def locate_gofeed_corpus() -> Path | None:
    """Return the gofeed-testdata folder, from NEWSDESK_CORPUS_DIR or the shared corpus next to the repo."""
    base = Path(os.environ.get("NEWSDESK_CORPUS_DIR") or Path(__file__).resolve().parents[3] / "shared" / "corpus")
    for folder in (base / "feeds-dev" / "gofeed-testdata", base / "gofeed-testdata", base):
        if (folder / "parser").is_dir() and (folder / "translator").is_dir():
            return folder
    return None


CORPUS = locate_gofeed_corpus()
if CORPUS is None:
    pytest.skip("no gofeed corpus: set NEWSDESK_CORPUS_DIR", allow_module_level=True)


@dataclass(frozen=True)
class Case:
    feed: Path
    expected: Path | None

    @property
    def name(self) -> str:
        return self.feed.relative_to(CORPUS).as_posix()


def collect_cases() -> list[Case]:
    """Every input feed of the corpus, with its expectation file when it has one."""
    cases = []
    for path in sorted(CORPUS.rglob("*")):
        if path.suffix == ".xml":
            expected = path.with_suffix(".json")
        elif path.suffix == ".json" and not path.stem.endswith("_expected") and not path.with_suffix(".xml").exists():
            expected = path.with_name(f"{path.stem}_expected.json")
        else:
            continue
        cases.append(Case(path, expected if expected.exists() else None))
    return cases


CASES = collect_cases()
COMPARED = [case for case in CASES if case.expected is not None]
INVALID = [case for case in CASES if case.name.startswith("parser/json/invalid/")]

# parser/universal has no expectation files: gofeed tests there that it detects the right format
# or refuses the document. Same here, in our format names.
DETECTION = {
    "atom03_feed.xml": "atom03",
    "atom10_feed.xml": "atom10",
    "rdf_feed.xml": "rss10",
    "rss_feed.xml": "rss20",
    "rss_feed_bom.xml": "rss20",
    "rss_feed_leading_spaces.xml": "rss20",
    "json10_feed.json": "json10",
    "json11_feed.json": "json11",
    "sample.json": "json10",
    "empty_feed.xml": ParseError("is empty"),
    "invalid.json": ParseError("is not valid JSON"),
    "unknown_feed.xml": ParseError("is not a feed"),
}

# Where we knowingly differ from gofeed, by case and field, with the reason. A listed field that
# starts to match fails the test too, so the list cannot outlive the disagreement.
KNOWN_DISAGREEMENTS = {
    # Ours is the better reading: an item with two dc:creator elements has two authors;
    # gofeed's translator keeps the first.
    ("extensions/dublincore/dublincore_item_multiple_values.xml", "entry 0 author"):
        "both dc:creator values are authors",
    # JSON Feed read strictly, as the spec says: the feed has no title and its one item no id.
    # gofeed accepts it; we refuse it with that reason (see test_parse.py).
    ("translator/json/json10_simple.json", "parse"): "the spec requires a feed title and item ids",
    # Not well-formed XML, and feedparser's recovery loses the element that gofeed's keeps:
    # <title type="xhtml"> closed by </subtitle>...
    ("parser/atom/atom10_feed_title_xhtml_escaped_markup.xml", "title"): "title closed by </subtitle>",
    ("parser/atom/atom10_feed_title_xhtml_inline_markup.xml", "title"): "title closed by </subtitle>",
    # ...and <language> closed by </langauge>.
    ("parser/rss/rss_channel_language.xml", "language"): "language closed by </langauge>",
    # Raw <p> inside RSS elements that hold text: feedparser reads it as an element of its own
    # and leaves the author and guid empty. The entry still gets an id, a fingerprint.
    ("parser/rss/rss_channel_item_author_naked_markup.xml", "entry 0 author"): "feedparser drops unescaped markup",
    ("parser/rss/rss_channel_item_guid_naked_markup.xml", "entry 0 id"): "feedparser drops unescaped markup",
    # feedparser prefers a uri="" attribute on an RSS <link> to its text, so the item's link is
    # the at:// URI; the caller skips entries without an http(s) link.
    ("parser/rss/rss_channel_item_uri_at_protocol.xml", "entry 0 link"): "feedparser reads <link uri> over its text",
    # RSS 1.0 keeps the feed image in an <image> element beside <channel>, which feedparser does
    # not read. Only the feed's logo is lost; entries are unaffected.
    ("parser/rss/rdf_image_url.xml", "image"): "feedparser ignores RSS 1.0 <image>",
    ("parser/rss/rdf_image_mixed_content.xml", "image"): "feedparser ignores RSS 1.0 <image>",
    ("translator/rss/feed_image_-_rdf_image.xml", "image"): "feedparser ignores RSS 1.0 <image>",
}


# -- gofeed's shapes, read into our fields ------------------------------------------------------


def expected_fields(case: Case) -> dict[str, object]:
    """Read the case's expectation into our flat field names, normalized like ours."""
    document = json.loads(case.expected.read_text(encoding="utf-8"))
    if "feedType" in document:
        return universal_fields(document)
    shape = case.name.split("/")[1]
    return {"atom": atom_fields, "rss": rss_fields, "json": json_feed_fields}[shape](document)


def universal_fields(feed: dict) -> dict[str, object]:
    fields = feed_fields(feed.get("title"), feed.get("link"), feed.get("language"), (feed.get("image") or {}).get("url"))
    fields["entries"] = len(feed.get("items") or [])
    for index, item in enumerate(feed.get("items") or []):
        fields |= entry_fields(
            index,
            title=item.get("title"),
            link=item.get("link"),
            id=item.get("guid"),
            published=item.get("publishedParsed") or item.get("updatedParsed"),
            authors=[person.get("name") for person in item.get("authors") or [item.get("author") or {}]],
            image=(item.get("image") or {}).get("url"),
            enclosures=[(e.get("url"), e.get("type"), e.get("length")) for e in item.get("enclosures") or []],
        )
    return fields


def atom_fields(feed: dict) -> dict[str, object]:
    fields = feed_fields(feed.get("title"), alternate(feed.get("links")), feed.get("language"), feed.get("logo") or feed.get("icon"))
    fields["entries"] = len(feed.get("entries") or [])
    for index, entry in enumerate(feed.get("entries") or []):
        links = entry.get("links") or []
        fields |= entry_fields(
            index,
            title=entry.get("title"),
            link=alternate(links),
            id=entry.get("id"),
            published=entry.get("publishedParsed") or entry.get("updatedParsed"),
            authors=[person.get("name") for person in entry.get("authors") or []],
            enclosures=[(e.get("href"), e.get("type"), e.get("length")) for e in links if e.get("rel") == "enclosure"],
        )
    return fields


def rss_fields(feed: dict) -> dict[str, object]:
    fields = feed_fields(feed.get("title"), feed.get("link"), feed.get("language"), (feed.get("image") or {}).get("url"))
    if feed.get("ttl"):
        fields["ttl"] = int(feed["ttl"])
    fields["entries"] = len(feed.get("items") or [])
    for index, item in enumerate(feed.get("items") or []):
        fields |= entry_fields(
            index,
            title=item.get("title"),
            link=item.get("link"),
            id=(item.get("guid") or {}).get("value"),
            published=item.get("pubDateParsed"),
            authors=[item.get("author")],
            enclosures=[(e.get("url"), e.get("type"), e.get("length")) for e in item.get("enclosures") or []],
        )
    return fields


def json_feed_fields(feed: dict) -> dict[str, object]:
    fields = feed_fields(feed.get("title"), feed.get("home_page_url"), feed.get("language"), feed.get("icon"))
    fields["entries"] = len(feed.get("items") or [])
    for index, item in enumerate(feed.get("items") or []):
        fields |= entry_fields(
            index,
            title=item.get("title"),
            link=item.get("url") or item.get("external_url"),
            id=item.get("id"),
            published=item.get("date_published") or item.get("date_modified"),
            authors=[person.get("name") for person in item.get("authors") or [item.get("author") or {}]],
            image=item.get("image") or item.get("banner_image"),
            enclosures=[(a.get("url"), a.get("mime_type"), a.get("size_in_bytes")) for a in item.get("attachments") or []],
        )
    return fields


def alternate(links: list[dict] | None) -> str | None:
    """The href of an Atom links list that is the page, as gofeed's translator picks it."""
    for link in links or []:
        if link.get("href") and link.get("rel", "alternate") in ("alternate", ""):
            return link["href"]
    return None


def feed_fields(title, link, language, image) -> dict[str, object]:
    # gofeed keeps titles as the publisher wrote them, markup and all; ours went through
    # clean_line once, so the expectation goes through it once too.
    values = {"title": clean_line(title or ""), "link": (link or "").strip(),
              "language": (language or "").strip(), "image": (image or "").strip()}
    return {name: value for name, value in values.items() if value}


def entry_fields(index: int, *, title, link, id, published, authors, image=None, enclosures=()) -> dict[str, object]:
    names = [clean_line(name) for name in authors if name]
    values = {
        "title": clean_line(title or ""),
        "link": (link or "").strip(),
        "id": (id or "").strip(),
        # gofeed writes times as RFC 3339 in the feed's own zone; ours are UTC datetimes.
        "published": datetime.fromisoformat(published).astimezone(timezone.utc) if published else None,
        "author": ", ".join(name for name in names if name),
        "image": (image or "").strip(),
        "enclosures": [(url, kind or "", str(length) if length not in (None, "") else "") for url, kind, length in enclosures],
    }
    return {f"entry {index} {name}": value for name, value in values.items() if value}


def our_fields(feed: ParsedFeed) -> dict[str, object]:
    """The same flat fields, from what parse_feed returned."""
    fields: dict[str, object] = {"title": feed.title, "link": feed.link, "language": feed.language,
                                 "image": feed.image, "ttl": feed.ttl_minutes, "entries": len(feed.entries)}
    for index, entry in enumerate(feed.entries):
        fields |= {
            f"entry {index} title": entry.title,
            f"entry {index} link": entry.link,
            f"entry {index} id": entry.id,
            f"entry {index} published": entry.published,
            f"entry {index} author": entry.author,
            f"entry {index} image": entry.image,
            f"entry {index} enclosures": [(e.url, e.type, "" if e.length is None else str(e.length)) for e in entry.enclosures],
        }
    return fields


def compare(case: Case) -> tuple[dict[str, tuple[object, object]], int]:
    """Return the fields where we differ from the expectation, as (expected, ours), and how many matched."""
    expected = expected_fields(case)
    try:
        ours = our_fields(parse_feed(case.feed.read_bytes(), ""))
    except ParseError as error:
        return {"parse": ("a feed", str(error))}, 0
    mismatches = {name: (value, ours.get(name)) for name, value in expected.items() if ours.get(name) != value}
    return mismatches, len(expected) - len(mismatches)


# -- the tests ----------------------------------------------------------------------------------


def test_the_whole_corpus_is_here():
    assert len(CASES) == 552 and len(COMPARED) == 539 and len(INVALID) == 1


@pytest.mark.parametrize("case", COMPARED, ids=lambda case: case.name)
def test_feed_reads_as_gofeed_expects(case: Case):
    mismatches, _ = compare(case)
    allowed = {field for (name, field) in KNOWN_DISAGREEMENTS if name == case.name}
    unexpected = {field: values for field, values in mismatches.items() if field not in allowed}
    assert not unexpected, "\n".join(f"{field}: gofeed {want!r}, we {got!r}" for field, (want, got) in unexpected.items())
    assert not allowed - mismatches.keys(), "a known disagreement no longer happens: take it off KNOWN_DISAGREEMENTS"


@pytest.mark.parametrize("case", INVALID, ids=lambda case: case.name)
def test_invalid_json_feed_is_refused_with_the_reason(case: Case):
    with pytest.raises(ParseError, match=r"^parse: .*invalid\.json is not (valid JSON|a JSON Feed|a valid JSON Feed)"):
        parse_feed(case.feed.read_bytes(), case.feed.as_uri())


@pytest.mark.parametrize("name", sorted(DETECTION))
def test_format_is_detected_or_the_document_refused(name: str):
    content = (CORPUS / "parser" / "universal" / name).read_bytes()
    outcome = DETECTION[name]
    if isinstance(outcome, ParseError):
        with pytest.raises(ParseError, match=str(outcome)):
            parse_feed(content, f"https://x.example/{name}")
    else:
        assert parse_feed(content, f"https://x.example/{name}").format == outcome
