"""Dates as publishers write them (RFC 3339, RFC 822 and their many local variants) into UTC."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

# Named zones seen in real feeds. RFC 822 defines only the US ones; the rest are what publishers
# write anyway. IST is ambiguous (India, Israel, Ireland); India is by far the most common in feeds.
ZONE_HOURS = {
    "ut": 0, "utc": 0, "gmt": 0, "z": 0, "wet": 0,
    "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7,
    "akst": -9, "akdt": -8, "hst": -10, "ast": -4, "adt": -3, "nst": -3.5, "ndt": -2.5,
    "brt": -3, "art": -3, "clt": -4,
    "bst": 1, "ist": 5.5, "west": 1, "cet": 1, "cest": 2, "met": 1, "mest": 2, "eet": 2, "eest": 3,
    "mez": 1, "mesz": 2, "msk": 3, "sast": 2, "cat": 2, "eat": 3, "wat": 1, "pkt": 5, "npt": 5.75, "ict": 7, "wib": 7,
    "sgt": 8, "hkt": 8, "pht": 8, "awst": 8, "jst": 9, "kst": 9,
    "acst": 9.5, "acdt": 10.5, "aest": 10, "aedt": 11, "nzst": 12, "nzdt": 13,
}

# Month names and abbreviations in the languages of the feeds we carry (English, German, French,
# Spanish, Italian, Portuguese, Dutch, Russian, Ukrainian); a word is looked up whole, then by its
# first four and first three letters, so "septiembre", "ноября" and "листопада" are found too.
MONTH_NAMES = [
    ("jan", "ene", "gen", "janv", "янв", "січ"),
    ("feb", "fev", "fév", "févr", "fevr", "фев", "лют"),
    ("mar", "mär", "mrz", "maa", "mrt", "мар", "бер"),
    ("apr", "abr", "avr", "avri", "апр", "кві"),
    ("may", "mai", "mag", "mei", "мая", "май", "тра"),
    ("jun", "juin", "giu", "июн", "чер"),
    ("jul", "juil", "lug", "июл", "лип"),
    ("aug", "ago", "aoû", "aou", "авг", "сер"),
    ("sep", "set", "sept", "сен", "вер"),
    ("oct", "okt", "ott", "out", "окт", "жов"),
    ("nov", "ноя", "лис"),
    ("dec", "dez", "dic", "déc", "дек", "гру"),
]
MONTHS = {name: number for number, names in enumerate(MONTH_NAMES, start=1) for name in names}

ISO = re.compile(
    r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"
    r"(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?"
    r"\s*(Z|[+-]\d{2}(?::?\d{2})?|[A-Za-z]{1,5})?",
    re.IGNORECASE,
)
COMPACT_ISO = re.compile(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})?(Z|[+-]\d{4})?", re.IGNORECASE)
CLOCK = re.compile(r"(\d{1,2})[:.h](\d{2})(?:[:.](\d{2})(?:[.,]\d+)?)?(z|[+-]\d{2}:?\d{2})?")
OFFSET = re.compile(r"(?:(?:gmt|utc|ut)?([+-])(\d{1,2})(?::?(\d{2}))?)", re.IGNORECASE)
NUMERIC_DATE = re.compile(r"(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})")
MERIDIEM = {"am": 0, "a.m.": 0, "pm": 12, "p.m.": 12}


def parse_date(text: str | None) -> datetime | None:
    """Return the moment text names, in UTC, or None if it names no unambiguous moment."""
    if not text or not isinstance(text, str):
        return None
    # A trailing "(Central European Standard Time)" is what JavaScript's Date.toString() adds.
    text = re.sub(r"\([^)]*\)\s*$", "", text).strip()
    if not text:
        return None
    for reader in (_read_iso, _read_timestamp, _read_written):
        try:
            when = reader(text)
        except (ValueError, OverflowError):
            when = None
        if when is not None:
            return when.astimezone(timezone.utc)
    return None


def _read_iso(text: str) -> datetime | None:
    match = ISO.fullmatch(text) or COMPACT_ISO.fullmatch(text)
    if match is None:
        return None
    if match.re is COMPACT_ISO:
        year, month, day, hour, minute, second, zone = match.groups()
        fraction = None
    else:
        year, month, day, hour, minute, second, fraction, zone = match.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    local = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0), micro)
    offset = _zone(zone) if zone else timedelta(0)
    if offset is None:
        return None
    return local.replace(tzinfo=timezone(offset))


def _read_timestamp(text: str) -> datetime | None:
    # Seconds (or milliseconds) since 1970: nine to thirteen digits is never anything else in a feed.
    if not text.isdigit() or not 9 <= len(text) <= 13:
        return None
    seconds = int(text) / 1000 if len(text) > 10 else int(text)
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


def _read_written(text: str) -> datetime | None:
    """Read RFC 822 and the free forms around it: "Tue, 24 Nov 2026 10:00 CEST", "Nov 24, 2026 10 am"."""
    year = month = day = None
    hour = minute = second = 0
    offset = timedelta(0)
    meridiem = None
    clock_seen = False
    numbers: list[int] = []
    for token in re.split(r"[\s,]+", text.strip().lower()):
        if not token:
            continue
        clock = CLOCK.fullmatch(token)
        numeric = NUMERIC_DATE.fullmatch(token)
        if clock:
            clock_seen = True
            hour, minute, second = int(clock[1]), int(clock[2]), int(clock[3] or 0)
            if clock[4]:
                if (zone := _zone(clock[4])) is None:
                    return None
                offset = zone
        elif numeric:
            day, month, year = _numeric_date(numeric)
            if day is None:
                return None
        elif token in MERIDIEM:
            meridiem = MERIDIEM[token]
        elif token.isdigit():
            numbers.append(int(token))
        elif (found := _month(token)) is not None:
            # The last month name wins: a leading weekday can look like one ("mar." is Tuesday in Spanish).
            month = found
        elif (zone := _zone(token)) is not None:
            offset = zone
        elif re.fullmatch(r"\d{1,2}(st|nd|rd|th|\.)", token):
            numbers.append(int(re.match(r"\d+", token)[0]))
        elif any(character.isdigit() for character in token):
            return None  # a number in a shape we do not know: guessing could misplace it
        # Anything else is a weekday, a preposition ("de", "um") or noise, in any language.
    for number in numbers:
        if number > 31 and year is None:
            year = number
        elif day is None:
            day = number
        elif year is None:
            year = number + (2000 if number < 70 else 1900) if number < 100 else number
        elif meridiem is not None and not clock_seen and number <= 12:
            hour = number  # "10 am"
        else:
            return None
    if year is None or month is None or day is None:
        return None
    if meridiem is not None:
        hour = hour % 12 + meridiem
    return datetime(year, month, day, hour, minute, second, tzinfo=timezone(offset))


def _numeric_date(match: re.Match) -> tuple[int | None, int | None, int | None]:
    first, separator, second, year = int(match[1]), match[2], int(match[3]), int(match[4])
    year = year + 2000 if year < 100 else year
    if separator == "/":
        # Slashes are month-first in the US and day-first elsewhere: only trust an order the
        # numbers prove, since a date wrong by months is worse than no date.
        if first > 12 >= second:
            return first, second, year
        if second > 12 >= first:
            return second, first, year
        return (first, second, year) if first == second else (None, None, None)
    return first, second, year


def _month(token: str) -> int | None:
    token = token.rstrip(".")
    for key in (token, token[:4], token[:3]):
        if key in MONTHS and key.isalpha():
            return MONTHS[key]
    return None


def _zone(token: str) -> timedelta | None:
    token = token.strip().lower()
    if token in ZONE_HOURS:
        return timedelta(hours=ZONE_HOURS[token])
    match = OFFSET.fullmatch(token)
    if match is None:
        return None
    sign = -1 if match[1] == "-" else 1
    hours, minutes = int(match[2]), int(match[3] or 0)
    if hours > 14 or minutes > 59:
        return None
    return sign * timedelta(hours=hours, minutes=minutes)
