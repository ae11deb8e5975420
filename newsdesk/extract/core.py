"""extract_article: the recipe that turns one publisher page into an ExtractedArticle.

decode -> parse -> metadata -> take out embeds -> take out promo cards -> body -> truncation.
Metadata is read first because body extraction prunes the tree in place.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from newsdesk.extract.body import extract_body
from newsdesk.extract.embeds import take_embeds
from newsdesk.extract.encoding import decode_html, repair_mojibake
from newsdesk.extract.metadata import read_metadata
from newsdesk.extract.paywall import looks_truncated
from newsdesk.extract.promos import take_promos
from newsdesk.extract.types import Embed, ExtractedArticle, Metadata, Related


class ExtractError(ValueError):
    """The page cannot be read as an article (not HTML, or no text found)."""


# Real article pages stay well under this; past it a page is broken or hostile, and parsing it
# whole would take minutes. The article sits near the top, so the rest is dropped unread.
MAX_PAGE_BYTES = 4 * 1024 * 1024

_MARKUP = re.compile(rb"<\s*(html|head|body|p|div|article|title|meta)\b", re.IGNORECASE)
# libxml2 drops whatever follows a </body> or </html>, and some templates close both early, before
# the article; browsers keep reading into the body, and so do we by parsing without them.
_DOCUMENT_ENDS = re.compile(r"</\s*(?:body|html)\s*>", re.IGNORECASE)


def decode_page(content: bytes | str, charset: str | None = None) -> str:
    """Return the page as text, refusing content that is not HTML."""
    raw = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
    if len(raw) > MAX_PAGE_BYTES:
        # Cut before a "<": never inside a tag or a multi-byte character.
        raw = content = raw[:MAX_PAGE_BYTES].rpartition(b"<")[0] or raw[:MAX_PAGE_BYTES]
    head = raw[:65536]
    if not head.strip():
        raise ExtractError("extract: the page is empty")
    if b"\x00" in head or not _MARKUP.search(head):
        raise ExtractError("extract: the content is not an HTML page")
    return repair_mojibake(content) if isinstance(content, str) else decode_html(raw, charset)


def parse_page(page: str) -> lxml.html.HtmlElement:
    """Parse HTML leniently into a tree; raise ExtractError when nothing can be made of it."""
    try:
        # lxml refuses str input that declares its own encoding; bytes in UTF-8 always work.
        tree = lxml.html.document_fromstring(_DOCUMENT_ENDS.sub("", page).encode("utf-8", "replace"),
                                             parser=lxml.html.HTMLParser(encoding="utf-8", huge_tree=False))
    except (etree.ParserError, ValueError) as error:
        raise ExtractError(f"extract: the page cannot be parsed as HTML ({error})") from None
    return tree


def extract_article(content: bytes | str, url: str | None = None, charset: str | None = None) -> ExtractedArticle:
    """Extract the article body and metadata of one HTML page (charset: what its server declared)."""
    tree = parse_page(decode_page(content, charset))
    meta: Metadata = read_metadata(tree, url)
    embeds: list[Embed] = take_embeds(tree, url)
    related: list[Related] = take_promos(tree, url)
    body = extract_body(tree, url)
    if body is None:
        raise ExtractError("extract: no article text found on the page")
    return ExtractedArticle(
        url=meta.canonical or url,
        title=meta.title,
        authors=meta.authors,
        published=meta.published,
        language=meta.language,
        image=meta.image,
        text=body.text,
        html=body.html,
        description=meta.description,
        sitename=meta.sitename,
        related=related,
        embeds=embeds,
        truncated=looks_truncated(tree, body.text),
    )
