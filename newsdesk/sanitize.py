"""The one HTML sanitizer: everything shown to a reader passes through clean_html last."""

from __future__ import annotations

import html
import re

import nh3

ARTICLE_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "q", "cite",
    "pre", "code", "em", "strong", "b", "i", "u", "s", "sub", "sup", "small", "mark", "a", "img",
    "figure", "figcaption", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
    "dl", "dt", "dd", "abbr", "time",
}
ARTICLE_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "abbr": {"title"},
    "time": {"datetime"},
    "ol": {"start"},
}


def clean_html(html: str) -> str:
    """Return html with only article markup kept: no scripts, styles, handlers or foreign URLs."""
    return nh3.clean(
        html,
        tags=ARTICLE_TAGS,
        attributes=ARTICLE_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow ugc",
        strip_comments=True,
    )


_BLOCK_END = re.compile(r"</(p|div|li|h[1-6]|blockquote|tr|td|th|dd|dt)\s*>|<br\s*/?>", re.IGNORECASE)


def clean_text(text: str) -> str:
    """Return text with every tag removed and entities decoded, for titles, names and summaries."""
    spaced = _BLOCK_END.sub(lambda m: m.group(0) + " ", text)
    return " ".join(html.unescape(nh3.clean(spaced, tags=set())).split())
