"""Template filters for the reader's pages."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from newsdesk.web import images

register = template.Library()

MONTHS = ("", "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
# Under a day, in the words of Django's naturaltime (and its no-break spaces), without its cost.
UNITS = ((3600, "an hour ago", "hour"), (60, "a minute ago", "minute"), (1, "a second ago", "second"))


@register.simple_tag
def age(when: datetime | None, now: datetime | None = None) -> SafeString | str:
    """<time> with the age in words ("7 hours ago") and the exact local time on hover."""
    if when is None:
        return ""
    local = timezone.localtime(when)
    exact = f"{local.day} {MONTHS[local.month]} {local.year}, {local:%H:%M} {local.tzname()}"
    return format_html('<time datetime="{}" title="{}">{}</time>', local.isoformat(), exact, words_ago(when, now))


def words_ago(when: datetime, now: datetime | None = None) -> str:
    seconds = ((now or timezone.now()) - when).total_seconds()
    if seconds < 0 or seconds >= 86400:
        return naturaltime(when)  # days, months and the future: rare on a news site's lists
    if seconds < 1:
        return "now"
    for size, one, unit in UNITS:
        if seconds >= size:
            count = int(seconds // size)
            return one if count == 1 else f"{count}\xa0{unit}s ago"
    return "now"


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
