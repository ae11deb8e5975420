"""Dates as pages and feeds write them, turned into ISO 8601."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from lxml import etree
from lxml.html import HtmlElement


def to_iso8601(value: str | None) -> str | None:
    """Return value as ISO 8601 if it reads as a date, else None."""
    if not value:
        return None
    value = value.strip()
    if len(value) == 10:  # a day without a time stays a day
        try:
            return datetime.strptime(value, "%Y-%m-%d").date().isoformat()
        except ValueError:
            return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).isoformat()
    except ValueError:
        return None


_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
# (pattern, which groups hold year, month, day); month groups may be names.
_SHOWN_DATES = (
    (re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I), (3, 1, 2)),
    (re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(\d{{4}})\b", re.I), (3, 2, 1)),
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), (1, 2, 3)),
    (re.compile(r"\b(\d{4})/(\d{2})/(\d{2})\b"), (1, 2, 3)),
    (re.compile(r"\b(\d{4})\.(\d{2})\.(\d{2})\b"), (1, 2, 3)),
    # 03/09/2026 is March 9 in the United States, 3 September elsewhere: the page's language decides.
    (re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b"), (3, 1, 2)),
    (re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b"), (3, 2, 1)),
)
# A numeric date that is a calendar date both ways round ("10/09/2024", "09.10.2024").
_EITHER_WAY = re.compile(r"(\d{1,2})([/.])(\d{1,2})\2(\d{4})")
_UPDATED = re.compile(r"(updated|modified|revised|reviewed|edited|refreshed)\W*(on\W*)?$", re.I)


@dataclass
class ShownDate:
    """A date written out in the page's text, with where it stands relative to the headline."""

    day: str  # YYYY-MM-DD
    distance: int  # characters between it and the headline; negative above it
    updated: bool  # labelled as an update rather than the publication
    swapped: str | None = None  # the same digits read the other way round, when that is a date too


def read_shown_date(text: str, day_first: bool = False) -> list[tuple[int, int, str]]:
    """Return (start, end, YYYY-MM-DD) for every plausible calendar date written in text, in order."""
    found = []
    for pattern, (year_at, month_at, day_at) in _SHOWN_DATES:
        for match in pattern.finditer(text):
            month_text, day_text = match.group(month_at), match.group(day_at)
            if day_first and pattern.pattern.startswith(r"\b(\d{1,2})/"):
                month_text, day_text = day_text, month_text
            month = _MONTHS.get(month_text[:3].lower()) if month_text[:1].isalpha() else int(month_text)
            try:
                day = date(int(match.group(year_at)), month or 0, int(day_text))
            except ValueError:
                continue
            found.append((match.start(), match.end(), day.isoformat()))
    return sorted(found)


def visible_text(root: HtmlElement, anchor: HtmlElement | None = None, after: int = 20_000,
                 unseen: frozenset[str] = frozenset()) -> tuple[str, int | None, int | None]:
    """Return root's text as a reader sees it, and where anchor's text starts and ends in it.

    The walk stops after characters past anchor (past the start without an anchor), so a long
    page costs no more than its top; elements of the unseen tags are left out with their text.
    """
    skipped = _UNSEEN | unseen
    pieces: list[str] = []
    length = 0
    start = end = None
    walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    for event, element in walker:
        if event == "start":
            if element is anchor:
                start = length
            if element.tag in skipped:
                walker.skip_subtree()  # its "end" still comes, with the tail
            elif element.text:
                pieces.append(element.text)
                length += len(element.text)
            continue
        if element is anchor:
            end = length
        if event == "end":
            pieces.append(" ")  # "<span>May</span><span>3</span>" reads as two words
            length += 1
        if element.tail and element is not root:
            pieces.append(element.tail)
            length += len(element.tail)
        if anchor is None and length > after or end is not None and length > end + after:
            break
    return "".join(pieces), start, end


def dates_near(root: HtmlElement, anchor: HtmlElement, before: int, after: int, day_first: bool = False) -> list[ShownDate]:
    """Return the dates written within before characters above anchor and after characters below it."""
    text, start, end = visible_text(root, anchor, after)
    if start is None or end is None:
        return []
    window_start = max(0, start - before)
    window = text[window_start:end + after]
    shown = []
    for begin, finish, day in read_shown_date(window, day_first):
        position = window_start + begin
        if start <= position < end:
            continue  # a date inside the headline is its subject, not its time
        distance = position - end if position >= end else position - start
        label = window[max(0, begin - 30):begin]
        shown.append(ShownDate(day=day, distance=distance, updated=_UPDATED.search(label) is not None,
                               swapped=_read_swapped(window[begin:finish], day)))
    return shown


def month_number(name: str) -> int | None:
    """Return 1-12 for an English month name or its abbreviation, else None."""
    return _MONTHS.get(name[:3].lower()) if re.fullmatch(_MONTH, name, re.I) else None


def _read_swapped(written: str, day: str) -> str | None:
    matched = _EITHER_WAY.fullmatch(written)
    if matched is None:
        return None
    first, second, year = int(matched.group(1)), int(matched.group(3)), int(matched.group(4))
    if first > 12 or second > 12 or first == second:
        return None
    other = date(year, second, first).isoformat()
    return date(year, first, second).isoformat() if other == day else other


def first_date_shown(root: HtmlElement, limit: int = 20_000, day_first: bool = False) -> str | None:
    """Return the first date written in root's text outside page furniture, within limit characters."""
    text, _, _ = visible_text(root, None, limit, unseen=_FURNITURE)
    found = read_shown_date(text[:limit], day_first)
    return found[0][2] if found else None


_UNSEEN = frozenset({"script", "style", "noscript", "template", "svg", "head", "select", "option"})
_FURNITURE = frozenset({"nav", "footer", "aside", "form", "header"})
