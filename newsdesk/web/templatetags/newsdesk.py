"""Template filters for the reader's pages."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe

from newsdesk.web import images

register = template.Library()

MONTHS = ("", "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
UNITS = ("year", "month", "week", "day", "hour", "minute")
CHUNKS = (7 * 86400, 86400, 3600, 60)
MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_site_urls: dict[tuple, str] = {}


@register.simple_tag
def site_url(name: str, *args) -> str:
    """reverse(name, args): the URL of one of the site's own pages whose arguments never vary (a static file, a tab)."""
    # Remembered per process: every page links the same dozen, and each reverse() cost 40 to 60 us.
    key = (get_script_prefix(), get_urlconf(), name, args)
    url = _site_urls.get(key)
    if url is None:
        url = _site_urls[key] = reverse(name, args=args)
    return url


@register.simple_tag
def age(when: datetime | None, now: datetime | None = None) -> SafeString | str:
    """<time> with the age in words ("7 hours ago") and the exact local time on hover."""
    if when is None:
        return ""
    local = timezone.localtime(when)
    exact = f"{local.day} {MONTHS[local.month]} {local.year}, {local:%H:%M} {local.tzname()}"
    # Digits, English month names and a zone abbreviation: nothing here needs escaping.
    return mark_safe(f'<time datetime="{local.isoformat()}" title="{escape(exact)}">{words_ago(when, now)}</time>')


@register.simple_tag
def search_results(items: list[dict]) -> SafeString:
    """The <li> of each search result (items as the search view prepares them), every value escaped but the
    marked title and snippet, which come escaped."""
    # Built here rather than by a loop in the template: twenty results took the template half of the page's time.
    now = timezone.now()
    html = []
    for item in items:
        link = f'<a class="story-link" href="{escape(item["href"])}">'
        heading = (f'{link}{escape(item["headline"])}</a>\n      <p class="hit-title">{conditional_escape(item["title"])}</p>'
                   if item["headline"] else f'{link}{conditional_escape(item["title"])}</a>')
        sources = f' · <span class="count">{int(item["sources"])} sources</span>' if item["sources"] > 1 else ""
        html.append(f"""<li class="story-item">
      {heading}
      <p class="snippet">{conditional_escape(item["snippet"])}</p>
      <div class="meta">
        <span class="outlet">{escape(item["outlet"])}</span> · {age(item["when"], now)}{sources}
      </div>
    </li>""")
    return mark_safe("\n    ".join(html))  # noqa: S308 - every value escaped above


def words_ago(when: datetime, now: datetime | None = None) -> str:
    """What Django's naturaltime says of a past moment, in English, without the cost of its lazy
    translations (a story's timeline shows hundreds). The future is left to naturaltime."""
    now = now or timezone.now()
    delta = now - when
    if delta.days < 0:
        return naturaltime(when)
    if delta.days > 0:
        return f"{time_since(when, now)} ago"
    seconds = delta.seconds
    for size, unit in ((3600, "hour"), (60, "minute"), (1, "second")):
        if seconds >= size:
            count = seconds // size
            return ("an hour ago" if unit == "hour" else f"a {unit} ago") if count == 1 else f"{count}\xa0{unit}s ago"
    return "now"


def time_since(when: datetime, now: datetime) -> str:
    """Django's timesince (two adjacent units of calendar years and months, weeks, days, hours, minutes)."""
    now = now.astimezone(when.tzinfo) if when.tzinfo and now.tzinfo else now
    months = (now.year - when.year) * 12 + (now.month - when.month)
    if when.day > now.day or (when.day == now.day and when.time() > now.time()):
        months -= 1
    years, months = divmod(months, 12)
    pivot = when
    if years or months:
        year, month = when.year + years, when.month + months
        if month > 12:
            year, month = year + 1, month - 12
        pivot = datetime(year, month, min(MONTH_DAYS[month - 1], when.day), when.hour, when.minute, when.second,
                         tzinfo=when.tzinfo)
    remaining = (now - pivot).total_seconds()
    parts = [years, months]
    for chunk in CHUNKS:
        parts.append(int(remaining // chunk))
        remaining -= chunk * parts[-1]
    first = next((i for i, value in enumerate(parts) if value), None)
    if first is None:
        return "0\xa0minutes"
    words = []
    for unit, value in zip(UNITS[first:first + 2], parts[first:first + 2]):
        if not value:
            break
        words.append(f"{value}\xa0{unit}{'s' if value != 1 else ''}")
    return ", ".join(words)


@register.filter
def excerpt(text: str, limit: int = 160) -> str:
    """text cut at the last whole word within limit characters, ending with "…" when cut."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0].rstrip(" ,;:.-–—…")
    return f"{cut}…"


NETWORK_NAMES = {"twitter": "X (Twitter)", "x": "X (Twitter)", "bluesky": "Bluesky", "mastodon": "Mastodon",
                 "threads": "Threads", "instagram": "Instagram", "youtube": "YouTube", "vimeo": "Vimeo",
                 "reddit": "Reddit", "hackernews": "Hacker News", "tiktok": "TikTok", "facebook": "Facebook"}


@register.filter
def network_name(network: str) -> str:
    return NETWORK_NAMES.get((network or "").lower(), (network or "").title())


@register.filter
def proxied(url: str) -> str:
    """The path of url's image through our proxy ("" for no or a non-http URL)."""
    return images.proxied(url or "")
