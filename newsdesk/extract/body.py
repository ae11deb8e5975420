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
# The container's own text replaces trafilatura's only when it has this many times the words...
WHOLE_CONTAINER_GAIN = 3
# ...and is not mostly links (a page-wide "main-content" full of cards and menus).
MAX_CONTAINER_LINK_DENSITY = 0.5
LINE_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "div", "blockquote", "dt", "dd")
# What a page holds besides its text: never part of the article's words.
UNREAD_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "form", "button", "select", "input", "textarea")
# Trafilatura's recall mode keeps the lists, tables and short sections its balanced mode prunes,
# but on a page it misreads it stops at a fragment, where the balanced mode's fallbacks
# (readability, jusText) find the article. Under this many characters the balanced mode is asked
# too and the longer text kept: trafilatura's own bound for a short extraction (ESCALATION_MAX_LENGTH).
SECOND_OPINION_CHARS = 3000
# ...and so is it when recall keeps under this share of the page's text (trafilatura's ESCALATION_PAGE_SHARE).
SECOND_OPINION_SHARE = 0.2
# A block this long printed twice is the layout repeating itself; a short one ("Pros", "Price") is not.
MIN_REPEAT_WORDS = 10
# A box named "embed" holding this many words of paragraphs, items or cells is the article's.
MIN_EMBED_BOX_WORDS = 25
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
    _unmask_embed_boxes(tree)
    body = _extract(tree, url)
    container = find_container(tree)
    if container is not None:
        kept = len(body.text.split()) if body else 0
        marked = _visible_words(container)
        if kept < RESCUE_SHARE * marked:
            alone = _extract(_page_of(container), url)
            if alone is not None and len(alone.text.split()) > kept:
                body, kept = alone, len(alone.text.split())
        if kept < RESCUE_SHARE * marked:
            body = _whole_container(container, body) or body
    return body


def _unmask_embed_boxes(tree: HtmlElement) -> None:
    """Take "embed" out of the class of boxes that hold a table or prose, so that trafilatura reads them.

    Trafilatura drops every box whose class says "embed" as a social post; the posts are already taken
    out by take_embeds, and what is left is the publisher's own custom-code box ("w-embed").
    """
    for element in tree.xpath("//body//*[contains(@class, 'embed')]"):
        prose = sum(len(block.text_content().split()) for block in element.iter("p", "li", "td", "th"))
        if element.find(".//table") is not None or prose >= MIN_EMBED_BOX_WORDS:
            element.set("class", " ".join(name for name in element.get("class", "").split() if "embed" not in name.lower()))


def _whole_container(container: HtmlElement, found: Body | None) -> Body | None:
    """The container, cleaned of furniture, when trafilatura stopped at a box inside it even on its own.

    Only when it holds what trafilatura found, several times over, and is prose rather than a list of links.
    """
    if found is None or _link_density(container) >= MAX_CONTAINER_LINK_DENSITY:
        return None
    whole = _finish(deepcopy(container))
    if whole is None:
        return None
    words, found_words = whole.text.split(), found.text.split()
    if len(words) < WHOLE_CONTAINER_GAIN * len(found_words):
        return None
    return whole if " ".join(found_words[:12]) in " ".join(words) else None


def _visible_words(element: HtmlElement) -> int:
    """Words of element's text, scripts and styles aside (counted in C: this runs on every page)."""
    hidden = sum(len(child.text_content().split()) for child in element.iter("script", "style", "noscript", "template"))
    return len(element.text_content().split()) - hidden


def _link_density(element: HtmlElement) -> float:
    text = element.text_content()
    return sum(len(link.text_content()) for link in element.iter("a")) / max(len(text), 1)


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
    """Trafilatura in recall mode, or in its balanced mode where recall comes back short."""
    body = _run_trafilatura(tree, url, recall=True)
    if body is None or len(body.text) < SECOND_OPINION_CHARS or len(body.text) < SECOND_OPINION_SHARE * _page_chars(tree):
        balanced = _run_trafilatura(tree, url, recall=False)
        if balanced is not None and (body is None or len(balanced.text) > len(body.text)):
            body = balanced
    return body


def _page_chars(tree: HtmlElement) -> int:
    """Characters of the page's text, scripts and styles aside."""
    body = tree.find("body")
    root = body if body is not None else tree
    hidden = sum(len(child.text_content()) for child in root.iter("script", "style", "noscript", "template"))
    return len(root.text_content()) - hidden


def _run_trafilatura(tree: HtmlElement, url: str | None, recall: bool) -> Body | None:
    document = trafilatura.bare_extraction(
        tree, url=url, with_metadata=False, include_comments=False, include_tables=True,
        include_formatting=True, include_images=False, include_links=False, favor_recall=recall,
    )
    if document is None or document.body is None or not len(document.body):
        return None
    converted = convert_to_html(document.body)
    container = converted.find("body")
    return _finish(container if container is not None else converted)


def _drop_repeats(container: HtmlElement) -> None:
    """Drop the second and later copies of a block of prose: layouts print some twice (tabs, mobile and desktop)."""
    seen: set[str] = set()
    for block in list(container.iter(*LINE_TAGS)):
        if block is container or next(block.iterdescendants(*LINE_TAGS), None) is not None:
            continue
        words = " ".join("".join(block.itertext()).split()).lower()
        if words.count(" ") + 1 < MIN_REPEAT_WORDS:
            continue
        if words in seen:
            drop_element(block)
        seen.add(words)


def _finish(container: HtmlElement) -> Body | None:
    """Drop the furniture lines left in container and return its HTML and text."""
    for element in list(container.iter(*UNREAD_TAGS)):
        if element is not container:
            drop_element(element)
    # Furniture lines also hide one level down: a list item, a paragraph inside a quote or a cell.
    lines = [block for block in container.iter(*LINE_TAGS)
             if block is not container and is_furniture_line("".join(block.itertext()))]
    for block in lines:
        if not any(ancestor in lines for ancestor in block.iterancestors()):
            drop_element(block)
    _drop_repeats(container)
    html = "".join(lxml.html.tostring(child, encoding="unicode") for child in container)
    # Links and spans set side by side in a box ("Book a demo") become paragraphs of their own only now;
    # a date alone there is an item of a list (an event's day), not the page's dateline.
    paragraphs = text_from_html(html).split("\n\n")
    text = "\n\n".join(paragraph for paragraph in paragraphs if not is_furniture_line(paragraph, dates=False))
    return Body(html=html, text=text) if text else None
