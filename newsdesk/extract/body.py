"""The article body: the main text of a page, as sanitizable HTML and as plain text."""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass

import lxml.html
import trafilatura
from lxml.html import HtmlElement
from trafilatura.htmlprocessing import convert_to_html

from newsdesk.extract.boilerplate import ARTICLE_NAMES, drop_element, is_furniture_line, is_huge, remove_furniture
from newsdesk.extract.text import text_from_html

# When trafilatura keeps less than this share of the words of the container the page itself marks
# as its article, it has usually stopped at a box inside it: the container is extracted on its own.
RESCUE_SHARE = 0.5
LINE_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "div", "blockquote", "dt", "dd")
NAMED_XPATH = "//*[(self::div or self::section or self::main or self::article) and (@class or @id)]"


@dataclass
class Body:
    html: str
    text: str


def extract_body(tree: HtmlElement, url: str | None) -> Body | None:
    """Return the main text of the page, or None when there is none."""
    if is_huge(tree):
        return None  # trafilatura would take minutes on such a tree; no real article is this big
    remove_furniture(tree)
    body = _extract(tree, url)
    container = find_container(tree)
    if container is not None:
        kept = len(body.text.split()) if body else 0
        if kept < RESCUE_SHARE * len(container.text_content().split()):
            alone = _extract(_page_of(container), url)
            if alone is not None and len(alone.text.split()) > kept:
                body = alone
    return body


def find_container(tree: HtmlElement) -> HtmlElement | None:
    """Return the element the page marks as its article: articleBody, a body-named box, its only <article> or <main>."""
    marked = tree.xpath("//*[@itemprop='articleBody']")
    if not marked:
        marked = [element for element in tree.xpath(NAMED_XPATH)
                  if any(ARTICLE_NAMES.search(name) for name in f"{element.get('class', '')} {element.get('id', '')}".lower().split())]
    if marked:
        return max(marked, key=lambda element: len(element.text_content()))
    for tag in ("article", "main"):
        found = tree.xpath(f"//{tag}")
        if len(found) == 1:
            return found[0]
    return None


def _page_of(container: HtmlElement) -> HtmlElement:
    """A page whose body holds a copy of container alone."""
    page = lxml.html.Element("html")
    body = lxml.html.Element("body")
    body.append(deepcopy(container))
    body[0].tail = None
    page.append(body)
    return page


def _extract(tree: HtmlElement, url: str | None) -> Body | None:
    document = trafilatura.bare_extraction(
        tree, url=url, with_metadata=False, include_comments=False, include_tables=True,
        include_formatting=True, include_images=False, include_links=False,
    )
    if document is None or document.body is None or not len(document.body):
        return None
    converted = convert_to_html(document.body)
    container = converted.find("body")
    container = container if container is not None else converted
    # Furniture lines also hide one level down: a list item, a paragraph inside a quote or a cell.
    lines = [block for block in container.iter(*LINE_TAGS)
             if block is not container and is_furniture_line("".join(block.itertext()))]
    for block in lines:
        if not any(ancestor in lines for ancestor in block.iterancestors()):
            drop_element(block)
    html = "".join(lxml.html.tostring(child, encoding="unicode") for child in container)
    text = text_from_html(html)
    return Body(html=html, text=text) if text else None
