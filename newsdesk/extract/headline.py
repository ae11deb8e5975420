"""The headline: what the page shows as its title, without the site's name."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from newsdesk.extract.dates import read_shown_date

# Separators publishers put between a headline and their name, spaced on both sides.
_SEPARATED = re.compile(r"\s+[|\-–—•·»:/~]+\s+|\s*\|\s*|\s+::\s+")
_WORDS = re.compile(r"\w+")
_LEADING_DOMAIN = re.compile(r"([\w-]+(?:\.[\w-]+)+)\s+(?=\w)")
_SPACES = re.compile(r"\s+")
_CHROME = {"header", "nav", "footer", "aside", "form", "menu"}
_CHROME_HINTS = re.compile(r"\b(logo|brand|site-?title|site-?name|masthead|navbar|menu|modal|popup|newsletter|sidebar|widget|footer|cookie)\b", re.I)
_HEADLINE_HINTS = re.compile(r"(headline|entry-title|post-title|article-title|article__title|story-title|page-title|title)", re.I)
_MAX_WORDS = 40
# An h1 sharing less than this share of its words with each of the page's own titles is a section
# heading, a label or a slogan ("Discord", "Webcams"), not the headline those titles name.
_MIN_TITLE_OVERLAP = 0.1


def words_of(text: str | None) -> list[str]:
    """Return the lowercased word tokens of text."""
    return _WORDS.findall((text or "").lower())


def compact(text: str | None) -> str:
    """Return text lowercased with everything but letters and digits removed."""
    return "".join(words_of(text)).replace("_", "")


def host_names(url: str | None) -> list[str]:
    """Return the compact names a host suggests: 'www.motleyfool.co.uk' gives ['motleyfool']."""
    host = urlsplit(url or "").hostname or ""
    labels = [label for label in host.split(".") if label not in {"www", "m", "amp", "blog", "news"}]
    # Drop the public suffix (one label, or two for co.uk-like domains).
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in {"co", "com", "org", "net", "ac", "gov", "edu"}:
        labels = labels[:-2]
    elif len(labels) >= 2:
        labels = labels[:-1]
    return [compact(label) for label in labels if compact(label)]


def is_site_name(part: str, site_names: list[str], hosts: list[str]) -> bool:
    """Say whether part of a title is the site's name rather than headline words."""
    key = compact(part)
    if not key:
        return True
    for name in site_names:
        other = compact(name)
        if other and (key == other or (len(key) >= 4 and (key in other or other in key))):
            return True
    for host in hosts:
        if len(host) >= 3 and (key == host or (len(key) >= 4 and (host in key or key in host))):
            return True
        # Initials of the site ("Massachusetts Institute of Technology" on mit.edu).
        if len(key) >= 2 and "".join(w[0] for w in words_of(part)) == host and len(words_of(part)) >= 2:
            return True
    return False


def strip_site_name(title: str, site_names: list[str], hosts: list[str]) -> str:
    """Remove the site's name from either end of title ("Headline | Site", "Site: Headline")."""
    title = clean(title)
    # "davidbau.com Vibe Coding": the site's domain set before the headline without a separator.
    domain = _LEADING_DOMAIN.match(title)
    if domain and is_site_name(domain.group(1), site_names, hosts) and len(words_of(title[domain.end():])) >= 2:
        title = title[domain.end():]
    for _ in range(3):
        parts = _SEPARATED.split(title)
        if len(parts) < 2:
            break
        matches = list(_SEPARATED.finditer(title))
        if is_site_name(parts[-1], site_names, hosts):
            title = title[: matches[-1].start()].strip()
        elif is_site_name(parts[0], site_names, hosts):
            title = title[matches[0].end():].strip()
        else:
            break
    return title


def shared_suffix(first: str, second: str) -> str:
    """Return the separated tail two titles share ("A | Site" and "B | Site" give "Site")."""
    tail_a = _SEPARATED.split(first)
    tail_b = _SEPARATED.split(second)
    if len(tail_a) > 1 and len(tail_b) > 1 and compact(tail_a[-1]) == compact(tail_b[-1]):
        return tail_a[-1]
    return ""


_TAGLINE = re.compile(r"\s+\|\s+")


_DASHED = re.compile(r"\s+[-–—]\s+")
# A dashed tail that reads as a label ("Personally Tested", "Part 1", "Infographic"), not a clause.
_MAX_LABEL_WORDS = 5


def drop_tagline(headline: str) -> str:
    """Cut what follows a ' | ' in a visible headline, or a short dashed label: a tagline, never part of the sentence."""
    parts = _TAGLINE.split(headline)
    if len(parts) > 1 and len(words_of(parts[0])) >= 3:
        return parts[0]
    parts = _DASHED.split(headline)
    if len(parts) == 2 and len(words_of(parts[0])) >= 3 and _is_label(parts[1]):
        return parts[0]
    return headline


def _is_label(tail: str) -> bool:
    """A capitalised phrase of a few words without a comma or a sentence's punctuation."""
    words = tail.split()
    if not words or len(words_of(tail)) > _MAX_LABEL_WORDS or re.search(r"[,!?.:;]", tail):
        return False
    return words[0][:1].isupper() or words[0][:1].isdigit()


_DATE_LABEL = re.compile(r"(?:\b(?:posted|published|updated|last updated)(?: on)?|[|•·–—-])\W*$", re.I)


def drop_dateline(headline: str) -> str:
    """Remove a date set inside the h1 before the headline, or after it with its label and byline."""
    found = read_shown_date(headline)
    if not found:
        return headline
    start, end, _ = found[0]
    if start == 0 and len(words_of(headline[end:])) >= 3:
        return clean(headline[end:].lstrip(" ,:|•·–—-"))
    label = _DATE_LABEL.search(headline[:start])
    if label and len(words_of(headline[:label.start()])) >= 3:
        return clean(headline[:label.start()].rstrip(" ,:|•·–—-"))
    return headline


def clean(text: str | None) -> str:
    """Collapse whitespace and trim."""
    return _SPACES.sub(" ", text or "").strip()


def _in_chrome(element: HtmlElement) -> bool:
    for ancestor in element.iterancestors():
        if ancestor.tag in _CHROME:
            return True
        if ancestor.tag in {"article", "main", "body"}:
            return False
        hints = f"{ancestor.get('class') or ''} {ancestor.get('id') or ''}"
        if hints.strip() and _CHROME_HINTS.search(hints):
            return True
    return False


def _similarity(a: str, b: str) -> float:
    """Share of the words of the shorter of a and b found in the other."""
    words_a, words_b = set(words_of(a)), set(words_of(b))
    if not words_a or not words_b:
        return 0.0
    return len(words_a & words_b) / min(len(words_a), len(words_b))


def _overlap(a: str, b: str) -> float:
    """Words a and b share, over the words either has (Jaccard)."""
    words_a, words_b = set(words_of(a)), set(words_of(b))
    return len(words_a & words_b) / len(words_a | words_b) if words_a and words_b else 0.0


def heading_text(element: HtmlElement) -> str:
    """Return the text of a heading, with a space where a line break or a new block starts a word."""
    pieces: list[str] = []

    def add(text: str | None, boundary: bool) -> None:
        if not text:
            return
        # "WEEKEND<br>CODING", "Alternatives<span>Top picks</span>": words that only markup separates.
        if boundary and pieces and pieces[-1][-1:].isalnum() and (text[:1].isupper() or text[:1].isdigit()):
            pieces.append(" ")
        pieces.append(text)

    def walk(node: HtmlElement) -> None:
        add(node.text, True)
        for child in node:
            if isinstance(child.tag, str) and child.tag not in {"script", "style", "noscript"}:
                if child.tag == "br":
                    pieces.append(" ")
                else:
                    walk(child)
            add(child.tail, True)

    walk(element)
    return clean("".join(pieces))


def find_headings(tree: HtmlElement) -> list[tuple[HtmlElement, str]]:
    """Return the page's h1 elements that could be the headline, with their text, in page order."""
    found = []
    for element in tree.iter("h1"):
        text = heading_text(element)
        if not text or len(words_of(text)) > _MAX_WORDS:
            continue
        found.append((element, text))
    return found


def choose_headline(tree: HtmlElement, meta_titles: list[str], site_names: list[str],
                    url: str | None) -> tuple[str, HtmlElement | None]:
    """Return the headline (the visible h1 that agrees with the page's own titles, else its cleanest title) and its h1."""
    hosts = host_names(url)
    titles = [strip_site_name(title, site_names, hosts) for title in meta_titles if clean(title)]
    headings = find_headings(tree)
    candidates = []
    for position, (element, text) in enumerate(headings):
        if is_site_name(text, site_names, hosts) and len(words_of(text)) <= 4:
            continue  # the logo set in an h1
        agreement = max((_similarity(text, title) for title in titles), default=0.0)
        hints = f"{element.get('class') or ''} {element.get('id') or ''} {element.get('itemprop') or ''}"
        score = agreement * 2
        score += 0.5 if _HEADLINE_HINTS.search(hints) else 0.0
        score -= 1.0 if _in_chrome(element) else 0.0
        score -= 0.1 * position
        candidates.append((score, text, element))
    if candidates:
        score, text, element = max(candidates, key=lambda candidate: candidate[0])
        unrelated = titles and max(_overlap(text, title) for title in titles) < _MIN_TITLE_OVERLAP
        if unrelated and not is_site_name(titles[0], site_names, hosts):
            return drop_tagline(titles[0]), None
        if score > -0.5 or not titles:
            if _cut_short(text):
                return _whole(text, titles), element
            dated = drop_dateline(text)
            # A date the page's own titles also carry is part of the headline ("March 3, 2025: a day...").
            if dated != text and any(compact(dated) in compact(title) and compact(text) in compact(title) for title in titles):
                dated = text
            return drop_tagline(strip_site_name(dated, site_names, hosts)), element
    if titles and _cut_short(titles[0]):
        return _whole(titles[0], titles), None
    return (drop_tagline(titles[0]) if titles else ""), None


def _cut_short(title: str) -> bool:
    """A parenthesis left open: the title was cut (schema.org headlines are, at 110 characters)."""
    return title.count("(") > title.count(")")


def _whole(title: str, titles: list[str]) -> str:
    """The shortest of the page's titles that goes on from title and closes its parenthesis, else title."""
    longer = [other for other in titles if len(other) > len(title) and compact(other).startswith(compact(title))
              and not _cut_short(other)]
    return min(longer, key=len) if longer else title
