"""The article body: the main text of a page, as sanitizable HTML and as plain text."""

from __future__ import annotations

from dataclasses import dataclass

import lxml.html
from lxml import etree
import trafilatura
from lxml.html import HtmlElement
from trafilatura.htmlprocessing import convert_to_html

from newsdesk.extract.boilerplate import drop_element, is_furniture_line, is_huge, remove_furniture
from newsdesk.extract.text import text_from_html


@dataclass
class Body:
    html: str
    text: str


def extract_body(tree: HtmlElement, url: str | None) -> Body | None:
    """Return the main text of the page, or None when there is none."""
    if is_huge(tree):
        return None  # trafilatura would take minutes on such a tree; no real article is this big
    remove_furniture(tree)
    document = trafilatura.bare_extraction(
        tree, url=url, with_metadata=False, include_comments=False, include_tables=True,
        include_formatting=True, include_images=False, include_links=False,
    )
    if document is None or document.body is None or not len(document.body):
        return None
    converted = convert_to_html(document.body)
    container = converted.find("body")
    container = container if container is not None else converted
    for block in list(container):
        if isinstance(block.tag, str) and is_furniture_line("".join(block.itertext())):
            drop_element(block)
    html = "".join(lxml.html.tostring(child, encoding="unicode") for child in container)
    text = text_from_html(html)
    return Body(html=html, text=text) if text else None
