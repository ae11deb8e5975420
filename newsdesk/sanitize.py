"""The one HTML sanitizer: everything shown to a reader passes through clean_html last."""

from __future__ import annotations

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


def clean_text(text: str) -> str:
    """Return text with every tag removed, for titles and names taken from publishers."""
    return nh3.clean(text, tags=set()).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&#39;", "'").strip()
