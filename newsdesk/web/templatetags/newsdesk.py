"""Template filters for the reader's pages."""

from __future__ import annotations

from django import template

from newsdesk.web import images

register = template.Library()


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
