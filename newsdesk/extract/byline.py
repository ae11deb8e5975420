"""Author names, from metadata strings and from the byline a reader sees."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

_SPACES = re.compile(r"\s+")
_PREFIX = re.compile(
    r"^\s*(?:(?:written|posted|published|article|story|words|text|recipe|reporting|created|authored|"
    r"photos?|blog post|post|guest post|this post was written|this article was written|articles?|insights)\s+)?(?:by|from)\s*:?\s+|^\s*(?:authors?|writers?|byline|posted in)\s*[:\-–]\s*",
    re.I)
# What follows a name in a byline and is not part of it.
_TAIL = re.compile(
    r"\s*(?:\||•|·|⋅|—|–|\s-\s|\bon\s+(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|,\s*\d{4}\b|\s+at\s*,|\bview\s+in\b|\s+at\s*[,\d]|\bon\s+(?=\w+\s+\d)|\b(?:updated|published|posted|last\s+updated|modified|reviewed|"
    r"medically\s+reviewed|fact[\s-]checked|edited)\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d|"
    r"\b\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)|\b\d{4}-\d{2}-\d{2}|\b\d{1,2}/\d{1,2}/\d{2,4}|"
    r"\b\d+\s+(?:min|minutes?|hours?|days?)\b|\bread(?:ing)?\s+time\b|\bfollow\b|@\w).*$",
    re.I | re.S)
_SPLIT = re.compile(r"\s*(?:;|&|\band\b|\bund\b|\bet\b|\by\b|\bwith\b)\s*", re.I)
_NOT_NAMES = re.compile(
    r"\b(?:comments?|share|subscribe|sign in|log ?in|newsletter|privacy|cookies?|read more|view all|posts by|"
    r"menu|search|home|advertis\w*|contact|follow us|click|loading|facebook|twitter|instagram|linkedin|"
    r"about the author|more from|all posts|see all|the author|contributors?|authors|staff writers?|insights from|"
    r"articles by|by clicking|by continuing|by using|by signing|updated|published|create account|sign up|register)\b|^\w+(?:\.\w+){2,}$", re.I)
_CREDENTIAL = re.compile(r"^(?:[A-Z][A-Za-z]{0,5}\.?(?:[A-Z]\.?)*|Ph\.?D\.?|M\.?D\.?|Jr\.?|Sr\.?|III?|IV)$")
_URL = re.compile(r"^(?:https?:)?//|^www\.|\.(?:com|org|net)/", re.I)
_AUTHOR_HINTS = re.compile(r"author|byline|by-line|writer|contributor", re.I)
_SKIP_HINTS = re.compile(r"comment|related|recommend|sidebar|widget|footer|popular|trending|newsletter|more-from|more_from", re.I)
_PROFILE_LINK = re.compile(r"/(?:author|authors|profile|profiles|people|staff|contributors?|writers?|team|by|user|members?)/", re.I)
_LEAD_ONLY = re.compile(r"^(?:(?:written|posted|published|article|story|words|recipe|reporting|authored)\s+)?by:?$|^(?:authors?|writers?|byline|posted in)\s*:?$", re.I)
_CONNECTOR = re.compile(r"^(?:,|,?\s*and|&|\band\b|;)$", re.I)
_BY_LINE = re.compile(r"^\s*(?:written\s+|posted\s+|words\s+)?by:?\s+(?:(?:dr|prof)\.?\s+)?[A-Z\u00c0-\u017f][\w'.-]*(?:\s+[A-Z\u00c0-\u017f][\w'.-]*){0,3}(?:\s*$|\s*[,|•·\-–—]|\s+(?:and|on|in|at)\b)", re.I)
MAX_NAME_WORDS = 7


def clean_name(text: str | None) -> str:
    """Return text as a name: without 'By', dates, roles after a separator, or '' if it is not one."""
    text = _SPACES.sub(" ", text or "").strip(" ,:;-–—|·•\u200b")
    if not text or _URL.search(text):
        return ""
    text = _PREFIX.sub("", text)
    text = _TAIL.sub("", text).strip(" ,:;-–—|·•")
    text = _PREFIX.sub("", text).strip(" ,:;-–—|·•")
    if not text or len(text.split()) > MAX_NAME_WORDS or _NOT_NAMES.search(text) or not re.search(r"[^\W\d]", text):
        return ""
    return text


def split_names(text: str | None) -> list[str]:
    """Split 'A, B and C' into names, keeping 'Jane Roe, MD' and 'Roe, Jane' whole."""
    text = _SPACES.sub(" ", text or "").strip()
    if not text or _URL.search(text):
        return []
    # Cut the date or role trailing the whole byline first, so its commas do not read as more names.
    text = _TAIL.sub("", _PREFIX.sub("", text)).strip(" ,")
    names = []
    for chunk in _SPLIT.split(text):
        pieces = [piece.strip() for piece in chunk.split(",") if piece.strip()]
        # A comma separates people only when every piece looks like a full name.
        if len(pieces) > 1 and all(len(piece.split()) >= 2 and not _CREDENTIAL.match(piece) for piece in pieces):
            names.extend(pieces)
        else:
            names.append(chunk.strip(" ,"))
    cleaned = [clean_name(name) for name in names]
    return unique([name for name in cleaned if name])


def unique(names: list[str]) -> list[str]:
    """Drop repeated names, keeping the first spelling."""
    seen, kept = set(), []
    for name in names:
        key = name.lower()
        if key not in seen:
            seen.add(key)
            kept.append(name)
    return kept


def _skipped(element: HtmlElement) -> bool:
    for ancestor in element.iterancestors():
        if ancestor.tag in {"body", "html"}:
            break  # page-wide classes ("has-sidebar") say nothing about the byline
        hints = f"{ancestor.get('class') or ''} {ancestor.get('id') or ''}"
        if ancestor.tag in {"footer", "aside", "nav"} or (hints.strip() and _SKIP_HINTS.search(hints)):
            return True
    return False


def _text(element: HtmlElement) -> str:
    return _SPACES.sub(" ", " ".join(element.itertext())).strip()


def byline_text(element: HtmlElement) -> str:
    """Return the names a byline element shows: its first text pieces after 'By', joined by 'and'."""
    pieces = [_SPACES.sub(" ", piece).strip() for piece in element.itertext()]
    pieces = [piece for piece in pieces if piece.strip(" ,:|·•-–—")]
    while pieces and _LEAD_ONLY.match(pieces[0]):
        pieces.pop(0)
    if not pieces:
        return ""
    # Names set in separate links are kept together when only 'and', '&' or a comma stands between.
    kept = [pieces[0]]
    index = 1
    while index + 1 < len(pieces) and _CONNECTOR.match(pieces[index]):
        kept += [pieces[index], pieces[index + 1]]
        index += 2
    if index < len(pieces) and _CONNECTOR.match(kept[-1].split()[-1] if kept[-1].split() else ""):
        kept.append(pieces[index])
    return " ".join(kept)


def find_byline(tree: HtmlElement) -> list[str]:
    """Return the author names of the visible byline, [] when none is recognisable."""
    body = tree.find("body")
    if body is None:
        return []
    # Microdata first: it names the author exactly.
    for element in body.iterfind(".//*[@itemprop='author']"):
        if _skipped(element):
            continue
        named = element.find(".//*[@itemprop='name']")
        source = named if named is not None else element
        value = source.get("content") if source.tag == "meta" else byline_text(source)
        names = split_names(value)
        if names:
            return names
    for element in body.iterfind(".//a[@rel='author']"):
        if not _skipped(element):
            names = split_names(byline_text(element))
            if names:
                return unique(names + [n for other in body.iterfind(".//a[@rel='author']")
                                       if other is not element and not _skipped(other)
                                       for n in split_names(byline_text(other))])
    for element in body.iter():
        if not isinstance(element.tag, str) or element.tag in {"script", "style", "img", "svg", "meta", "link"}:
            continue
        hints = f"{element.get('class') or ''} {element.get('id') or ''}"
        if not hints.strip() or not _AUTHOR_HINTS.search(hints) or _SKIP_HINTS.search(hints):
            continue
        if _skipped(element):
            continue
        links = [byline_text(a) for a in element.iter("a") if _PROFILE_LINK.search(a.get("href") or "")]
        names = unique([name for text in links for name in split_names(text)])
        if not names:
            if len(_text(element)) > 160:
                continue
            names = split_names(byline_text(element))
        if names:
            return names
    # A short line that reads "By Jane Roe".
    for element in body.iter("p", "span", "div", "li", "strong", "em", "small", "h2", "h3", "h4", "h5", "h6"):
        text = _text(element)
        if len(text) < 80 and _BY_LINE.match(text) and not _skipped(element):
            names = split_names(text)
            if names:
                return names
    # A label ("Written by", "Author") followed by the name in its own element.
    for element in body.iter("p", "span", "div", "dt", "strong", "small", "label", "h2", "h3", "h4", "h5", "h6"):
        if element.text and _LEAD_ONLY.match(element.text.strip()) and not len(element) and not _skipped(element):
            following = element.getnext()
            if following is not None and len(_text(following)) < 80:
                names = split_names(byline_text(following))
                if names:
                    return names
    # Last, a link to an author page, as blogs set their bylines.
    for element in body.iter("a"):
        if _PROFILE_LINK.search(element.get("href") or "") and not _skipped(element):
            names = split_names(byline_text(element))
            if names:
                return names
    return []
