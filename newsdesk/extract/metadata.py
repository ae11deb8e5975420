"""Article metadata: title, authors, publication time, image, language, canonical URL."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from dateutil import parser as date_parser
from htmldate import find_date
from lxml import etree
from lxml.html import HtmlElement

from newsdesk.extract.byline import clean_name, find_byline, split_names, unique
from newsdesk.extract.dates import dates_near, first_date_shown, month_number, read_shown_date, to_iso8601, visible_text
from newsdesk.extract.headline import choose_headline, clean, compact, shared_suffix
from newsdesk.extract.jsonld import read_jsonld
from newsdesk.extract.types import Metadata

# Meta names and properties, most trusted first.
PUBLISHED_KEYS = (
    "article:published_time", "og:article:published_time", "article:published", "datepublished",
    "parsely-pub-date", "sailthru.date", "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.date",
    "dc.date.created", "dcterms.created", "publish-date", "publish_date", "pubdate", "publishdate",
    "date", "article.published", "originalpublicationdate", "og:published_time", "cxenseparse:recs:publishtime",
    "cxenseparse:publishtime", "og:publish_date", "published", "publish_time", "publisheddate", "date-pub",
    "citation_publication_date", "citation_date", "uploaddate",
)
MODIFIED_KEYS = ("article:modified_time", "og:updated_time", "og:modified_time", "datemodified", "dcterms.modified",
                 "last-modified", "updated")
AUTHOR_KEYS = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator", "dcterms.creator",
               "byl", "citation_author", "cxenseparse:author", "og:article:author", "book:author")
TITLE_KEYS = ("og:title", "twitter:title", "parsely-title", "dc.title", "sailthru.title", "citation_title")
SITE_KEYS = ("og:site_name", "application-name", "apple-mobile-web-app-title", "twitter:site", "publisher")
IMAGE_KEYS = ("og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src")
DESCRIPTION_KEYS = ("og:description", "description", "twitter:description", "dc.description")
_DATE_IN_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")
_SKIP_DATES = re.compile(r"comment|related|recommend|sidebar|widget|footer|popular|trending|reply", re.I)
# Readers' comments carry dates of their own, the newest on the page: htmldate must not see them.
_COMMENTS = "comment|reply|respond|disqus"
_COMMENTS_XPATH = etree.XPath(
    f"//*[re:test(@class, '{_COMMENTS}', 'i') or re:test(@id, '{_COMMENTS}', 'i')]",
    namespaces={"re": "http://exslt.org/regular-expressions"})
_EARLIEST_YEAR = 1990
_URL_DAY = re.compile(r"/((?:19|20)\d\d)/(\d\d|[a-z]{3,9})/(\d\d)/", re.IGNORECASE)
# How far from the headline a printed date still belongs to it, in characters of text.
_BEFORE_HEADLINE, _AFTER_HEADLINE = 150, 800
# English-speaking places that write 03/09/2026 for 3 September; elsewhere English is month-first.
DAY_FIRST_ENGLISH = {"en-gb", "en-au", "en-nz", "en-ie", "en-in", "en-za"}


def read_meta_tags(tree: HtmlElement) -> dict[str, list[str]]:
    """Return the page's <meta> values by lowercased name, property or itemprop, in page order."""
    tags: dict[str, list[str]] = {}
    for element in tree.iter("meta"):
        content = element.get("content")
        if content is None or not content.strip():
            continue
        for attribute in ("property", "name", "itemprop", "http-equiv"):
            key = element.get(attribute)
            if key:
                # Some publishers escape their meta values twice ("&amp;#8217;").
                tags.setdefault(key.strip().lower(), []).append(html.unescape(content.strip()))
    return tags


def first(tags: dict[str, list[str]], keys: tuple[str, ...]) -> str | None:
    """Return the first value found under keys, in the order of keys."""
    for key in keys:
        if tags.get(key):
            return tags[key][0]
    return None


def parse_date(value: str | None) -> str | None:
    """Return value as ISO 8601, keeping its offset, or None when it is not a plausible date."""
    if not value or not isinstance(value, str):
        return None
    value = value.strip()
    parsed = to_iso8601(value)
    if parsed is None:
        found = _DATE_IN_TEXT.search(value)
        parsed = to_iso8601(found.group(0)) if found else None
    if parsed is None and re.search(r"[a-zA-Z]{3}|\d[/.]\d", value) and len(value) < 60:
        try:
            when = date_parser.parse(value, fuzzy=True, default=datetime(1, 1, 1))
            # "July 17, 2025" names a day, not its midnight.
            parsed = (when.isoformat() if ":" in value else when.date().isoformat()) if when.year > 1 else None
        except (ValueError, OverflowError, TypeError):
            parsed = None
    if parsed is None:
        return None
    year = int(parsed[:4])
    return parsed if _EARLIEST_YEAR <= year <= datetime.now().year + 1 else None


def find_time_element(tree: HtmlElement) -> str | None:
    """Return the publication time a <time> or itemprop element of the article shows."""
    body = tree.find("body")
    if body is None:
        return None
    for element in body.iterfind(".//*[@itemprop='datePublished']"):
        if element.tag == "meta":
            continue  # not shown: read with the meta tags, as schema.org's
        value = parse_date(element.get("datetime") or element.get("content") or element.text_content())
        if value:
            return value
    candidates = []
    for element in body.iter("time"):
        value = parse_date(element.get("datetime") or element.text_content())
        if not value or _skipped(element):
            continue
        hints = f"{element.get('class') or ''} {element.getparent().get('class') or ''}".lower()
        if "publish" in hints or "pubdate" in hints or element.get("pubdate") is not None:
            return value
        if "modif" not in hints and "updat" not in hints:
            candidates.append(value)
    return candidates[0] if candidates else None


def guess_date(tree: HtmlElement, url: str | None) -> str | None:
    """Ask htmldate, the last resort, for the date the page shows (a day, no time), readers' comments aside."""
    # The comments are taken out for the call and put back after: the body is still to be read.
    taken, outer = [], set()
    for element in _COMMENTS_XPATH(tree):
        parent = element.getparent()
        if parent is not None and element.tag not in ("html", "body") and not any(a in outer for a in element.iterancestors()):
            taken.append((element, parent, parent.index(element)))
            outer.add(element)
    for element, parent, _ in taken:
        parent.remove(element)
    try:
        # Its extensive search would load dateparser's every locale: seconds, for a few pages more.
        found = find_date(tree, url=url, original_date=True, extensive_search=False, outputformat="%Y-%m-%d")
    except (ValueError, TypeError):
        found = None
    finally:
        for element, parent, index in reversed(taken):
            parent.insert(index, element)
    return parse_date(found)


@dataclass
class Stamps:
    """The publication and modification times a page's metadata states, by where it states them."""

    schema_published: str | None = None  # schema.org datePublished, in JSON-LD or microdata
    meta_published: str | None = None  # <meta> tags: article:published_time and the like
    time_published: str | None = None  # shown in the body by a <time> or an itemprop element
    schema_created: str | None = None  # JSON-LD dateCreated
    modified: tuple[str | None, ...] = ()

    @property
    def published(self) -> list[str]:
        """The publication times, most trusted first."""
        return [stamp for stamp in (self.schema_published, self.meta_published, self.time_published, self.schema_created) if stamp]

    @property
    def modified_days(self) -> set[str]:
        return {stamp[:10] for stamp in self.modified if stamp}


def find_published(tree: HtmlElement, headline: HtmlElement | None, url: str | None, stamps: Stamps,
                   day_first: bool) -> str | None:
    """Return the publication time: the day the page prints for its readers, with the metadata's time when they agree."""
    # Readers go by the date printed by the headline, often a revision newer than the metadata's
    # publication time; only a date labelled "updated" gives way to the metadata. The URL's day beats both.
    known = [*stamps.published, *(stamp for stamp in stamps.modified if stamp)]

    def on(day: str) -> str:
        return next((stamp for stamp in known if stamp[:10] == day), day)

    for in_url in _URL_DAY.finditer(url or ""):
        year, month, day_of_month = in_url.groups()
        number = int(month) if month.isdigit() else month_number(month)  # "/2023/october/03/"
        day = parse_date(f"{year}-{number:02d}-{day_of_month}") if number else None
        if day:
            return on(day)
    body = tree.find("body")
    near = dates_near(body, headline, _BEFORE_HEADLINE, _AFTER_HEADLINE, day_first) if headline is not None and body is not None else []
    # "10/09/2024" read the page's way round, unless the metadata has the day the other way round.
    known_days = {stamp[:10] for stamp in known}
    near = [replace(shown, day=shown.swapped) if shown.swapped in known_days and shown.day not in known_days else shown
            for shown in near]
    plain = next((shown.day for shown in near if not shown.updated), None)
    revised = stamps.modified_days
    # A day printed by the headline that is the metadata's modification day, on a page whose meta tags
    # alone state an earlier publication, is the revision: the meta tags' publication is the date.
    if (plain in revised and stamps.schema_published is None and stamps.meta_published
            and stamps.meta_published[:10] not in revised):
        return stamps.meta_published
    if plain and parse_date(plain):
        return on(plain)
    # The first date printed outside the page's furniture costs a walk of the text: read once, when needed.
    first_shown: list[str | None] = []

    def shown() -> str | None:
        if not first_shown:
            first_shown.append(first_date_shown(body, day_first=day_first) if body is not None else None)
        return first_shown[0]

    # Without a publication time in its meta tags, the page's own printed update outranks
    # schema.org's datePublished, which evergreen pages keep from their first draft.
    if stamps.meta_published is None and stamps.schema_published:
        update = near[0].day if near else shown() if shown() in revised else None
        # ...unless a <time> of the body shows the publication on another day.
        time_day = stamps.time_published[:10] if stamps.time_published else None
        if update and parse_date(update) and time_day in (None, update):
            return on(update)
    if stamps.published:
        return stamps.published[0]
    if near and parse_date(near[0].day):
        return on(near[0].day)
    # With no publication time at all, a modification day the page prints anywhere is its date.
    if revised and body is not None:
        printed = {day for _, _, day in read_shown_date(visible_text(body)[0], day_first)}
        if printed & revised:
            return next(stamp for stamp in stamps.modified if stamp and stamp[:10] in printed)
    if shown() and parse_date(shown()):
        return on(shown())
    return next((stamp for stamp in stamps.modified if stamp), None) or guess_date(tree, url)


def _skipped(element: HtmlElement) -> bool:
    for ancestor in element.iterancestors():
        if ancestor.tag in {"body", "html"}:
            break
        hints = f"{ancestor.get('class') or ''} {ancestor.get('id') or ''}"
        if ancestor.tag in {"footer", "aside"} or (hints.strip() and _SKIP_DATES.search(hints)):
            return True
    return False


def find_authors(tree: HtmlElement, jsonld_names: list[str], tags: dict[str, list[str]], site_names: list[str],
                 organisations: bool = False) -> list[str]:
    """Return the authors: schema.org names, else author meta tags, else the visible byline.

    An organisation or the site itself as author gives way to a person named in the byline.
    """
    site_keys = {compact(name) for name in site_names}
    names = unique([clean_name(name) for name in jsonld_names])
    names = [name for name in names if name]
    if not names:
        for key in AUTHOR_KEYS:
            for value in tags.get(key, []):
                names.extend(split_names(value))
            if names:
                break
    if not names or organisations or all(compact(name) in site_keys for name in names):
        visible = find_byline(tree)
        if visible:
            names = visible
    return unique(names)


def find_language(tree: HtmlElement, tags: dict[str, list[str]]) -> str | None:
    """Return the page's language tag, lowercased ('en', 'pt-br')."""
    value = tree.get("lang") or tree.get("xml:lang") or first(tags, ("content-language", "og:locale", "language", "dc.language"))
    if not value:
        return None
    value = value.split(",")[0].strip().replace("_", "-").lower()
    return value if re.fullmatch(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})*", value) else None


def absolute(url: str | None, base: str | None) -> str | None:
    """Return url made absolute against base; None when it is empty or not web-like."""
    if not url or not url.strip():
        return None
    url = url.strip()
    joined = urljoin(base, url) if base else url
    return joined if urlsplit(joined).scheme in {"http", "https"} else (joined if not base else None)


def read_metadata(tree: HtmlElement, url: str | None) -> Metadata:
    """Read what the page says about itself."""
    tags = read_meta_tags(tree)
    jsonld = read_jsonld(tree)
    head_title = clean(html.unescape(tree.findtext(".//title") or ""))

    site_names = [name for name in [first(tags, SITE_KEYS), *jsonld.site_names()] if name]
    og_title = first(tags, TITLE_KEYS) or ""
    suffix = shared_suffix(head_title, og_title) if head_title and og_title and head_title != og_title else ""
    if suffix:
        site_names.append(suffix)
    meta_titles = [title for title in (jsonld.text("headline"), og_title, jsonld.text("name"), head_title) if title]
    title, headline = choose_headline(tree, meta_titles, site_names, url)

    language = find_language(tree, tags)
    stamps = Stamps(
        # schema.org in microdata (<meta itemprop="datePublished">) is schema.org all the same.
        schema_published=parse_date(jsonld.text("datePublished") or first(tags, ("datepublished",))),
        meta_published=parse_date(first(tags, tuple(key for key in PUBLISHED_KEYS if key != "datepublished"))),
        time_published=find_time_element(tree), schema_created=parse_date(jsonld.text("dateCreated")),
        modified=(parse_date(jsonld.text("dateModified")), parse_date(first(tags, MODIFIED_KEYS))),
    )
    published = find_published(
        tree, headline, url, stamps,
        day_first=bool(language) and not language.startswith("en") or language in DAY_FIRST_ENGLISH,
    )

    canonical_link = next((link.get("href") for link in tree.iter("link")
                           if "canonical" in (link.get("rel") or "").lower().split() and link.get("href")), None)
    canonical = absolute(canonical_link, url) or absolute(first(tags, ("og:url",)), url)
    image = absolute(first(tags, IMAGE_KEYS[:3]) or jsonld.image() or first(tags, IMAGE_KEYS[3:]), canonical or url)
    sitename = site_names[0] if site_names else ""
    if sitename.startswith("@"):
        sitename = sitename[1:]
    return Metadata(
        title=title,
        authors=find_authors(tree, jsonld.author_names(), tags, site_names, jsonld.authors_are_organisations()),
        published=published,
        language=language,
        image=image,
        canonical=canonical,
        sitename=sitename,
        description=clean(first(tags, DESCRIPTION_KEYS) or jsonld.text("description") or ""),
    )
