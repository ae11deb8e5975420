"""extract_article: the recipe that turns one publisher page into an ExtractedArticle."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.html
import trafilatura
from trafilatura.htmlprocessing import convert_to_html

from newsdesk.extract.dates import to_iso8601
from newsdesk.extract.encoding import decode_html
from newsdesk.extract.text import text_from_html


class ExtractError(ValueError):
    """The page cannot be read as an article (not HTML, or no text found)."""


@dataclass
class ExtractedArticle:
    url: str | None
    title: str
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    language: str | None = None
    image: str | None = None
    text: str = ""
    html: str = ""
    description: str = ""
    sitename: str = ""


_MARKUP = re.compile(rb"<\s*(html|head|body|p|div|article|title|meta)\b", re.IGNORECASE)


def decode_page(content: bytes | str, charset: str | None = None) -> str:
    """Return the page as text, refusing content that is not HTML."""
    if isinstance(content, str):
        raw = content.encode("utf-8", "surrogatepass")
        text = content
    else:
        raw = content
        text = None
    head = raw[:65536]
    if not head.strip():
        raise ExtractError("extract: the page is empty")
    if b"\x00" in head or not _MARKUP.search(head):
        raise ExtractError("extract: the content is not an HTML page")
    if text is None:
        text = decode_html(raw, charset)
    return text


def extract_article(content: bytes | str, url: str | None = None, charset: str | None = None) -> ExtractedArticle:
    """Extract the article body and metadata of one HTML page (charset: what its server declared)."""
    page = decode_page(content, charset)
    document = trafilatura.bare_extraction(
        page,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_formatting=True,
        include_images=False,
        include_links=False,
    )
    if document is None or document.body is None or not len(document.body):
        raise ExtractError("extract: no article text found on the page")
    converted = convert_to_html(document.body)
    body = converted.find("body")
    html = "".join(lxml.html.tostring(child, encoding="unicode") for child in (body if body is not None else converted))
    text = text_from_html(html)
    if not text:
        raise ExtractError("extract: no article text found on the page")
    authors = [a.strip() for a in re.split(r";|\band\b", document.author or "") if a.strip()]
    return ExtractedArticle(
        url=document.url or url,
        title=(document.title or "").strip(),
        authors=authors,
        published=to_iso8601(document.date),
        language=document.language or _page_language(page),
        image=document.image,
        text=text,
        html=html,
        description=(document.description or "").strip(),
        sitename=(document.sitename or "").strip(),
    )


_LANG = re.compile(r"<html[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})?)", re.IGNORECASE)


def _page_language(page: str) -> str | None:
    match = _LANG.search(page[:20000])
    return match.group(1).lower() if match else None
