"""Plain text from extracted HTML: one block a paragraph, blank lines between them."""

from __future__ import annotations

import re

import lxml.html
from lxml.html import HtmlElement

BLOCKS = frozenset({
    "p", "div", "section", "article", "main", "header", "footer", "aside", "figure", "figcaption",
    "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "li", "dt", "dd", "pre", "blockquote",
    "table", "thead", "tbody", "tfoot", "tr", "caption", "hr", "address", "details", "summary",
})
CELLS = frozenset({"td", "th"})
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")
_LINE_ENDS = re.compile(r" *\n *")


class _Writer:
    """Collects paragraphs while the tree is walked; inline text joins the open paragraph."""

    def __init__(self) -> None:
        self.paragraphs: list[str] = []
        self.parts: list[str] = []
        self.prefix = ""

    def add(self, text: str | None) -> None:
        if text:
            self.parts.append(text)

    def close(self) -> None:
        text = _LINE_ENDS.sub("\n", _SPACES.sub(" ", "".join(self.parts))).strip()
        self.parts = []
        if text:
            self.paragraphs.append(self.prefix + text.replace("\n", "\n" + self.prefix))


def _walk(element: HtmlElement, writer: _Writer, quoted: bool) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in ("script", "style", "template", "noscript"):
        writer.add(element.tail)
        return
    block = tag in BLOCKS
    if block:
        writer.close()
    if tag == "blockquote" and not quoted:
        quoted = True
        writer.prefix = "> "
    if tag == "li":
        writer.add("- ")
    elif tag == "br":
        writer.add("\n")
    elif tag in CELLS:
        writer.add(" ")
    if tag:  # comments and processing instructions carry no text of their own, only a tail
        writer.add(element.text)
        for child in element:
            _walk(child, writer, quoted)
    if block:
        writer.close()
    if tag == "blockquote" and writer.prefix and not any(a.tag == "blockquote" for a in element.iterancestors()):
        writer.prefix = ""
    writer.add(element.tail)


def text_from_element(root: HtmlElement) -> str:
    """Return the text under root, each block a paragraph; lists keep '- ', quotes keep '> '."""
    writer = _Writer()
    quoted = root.tag == "blockquote"
    writer.prefix = "> " if quoted else ""
    writer.add(root.text)
    for child in root:
        _walk(child, writer, quoted)
    writer.close()
    return "\n\n".join(writer.paragraphs)


def text_from_html(html: str) -> str:
    """Return the text of an HTML fragment, each block on its own paragraph."""
    if not html.strip():
        return ""
    return text_from_element(lxml.html.fragment_fromstring(html, create_parent="div"))
