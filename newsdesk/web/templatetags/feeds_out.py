"""The <link rel="alternate"> tags that point feed readers at a page's feeds out."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from newsdesk.web.feeds import FORMATS
from newsdesk.web.templatetags.newsdesk import site_url

register = template.Library()
NAMES = {"rss": "RSS", "atom": "Atom", "json": "JSON Feed"}


@register.simple_tag
def feed_links(kind: str, source=None, query: str = "", title: str = "") -> SafeString:
    """Links to the RSS, Atom and JSON feeds of the top stories ("top"), an outlet ("source", its Source or id)
    or a search ("search", query: the page's query string, "?q=..." or "q=...")."""
    if kind == "top":
        urls = {fmt: site_url("web:feed-top", fmt) for fmt in FORMATS}
        title = title or "Newsdesk: top stories"
    elif kind == "source":
        source_id = getattr(source, "pk", source)
        urls = {fmt: reverse("web:feed-source", args=[source_id, fmt]) for fmt in FORMATS}
        title = title or f"Newsdesk: {getattr(source, 'name', 'outlet')}"
    elif kind == "search":
        suffix = "?" + query.lstrip("?") if query.lstrip("?") else ""
        urls = {fmt: site_url("web:feed-search", fmt) + suffix for fmt in FORMATS}
        title = title or "Newsdesk: this search"
    else:
        raise template.TemplateSyntaxError(f"feed_links: unknown feed {kind!r}; use top, source or search")
    return format_html_join("\n", '<link rel="alternate" type="{}" title="{} ({})" href="{}">',
                            ((FORMATS[fmt], title, NAMES[fmt], url) for fmt, url in urls.items()))
