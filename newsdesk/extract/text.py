"""Plain text from extracted HTML: one block a paragraph, blank lines between them."""

from __future__ import annotations

import re

import lxml.html

BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "pre", "tr", "dt", "dd", "figcaption", "caption"}
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")


def text_from_html(html: str) -> str:
    """Return the text of html, each block on its own paragraph; quotes keep a leading '> '."""
    if not html.strip():
        return ""
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    paragraphs: list[str] = []
    for element in root.iter(*BLOCKS, "blockquote"):
        if element.tag == "blockquote":
            if any(child.tag in BLOCKS for child in element.iter()):
                continue  # its paragraphs come on their own, marked by their ancestry
        elif any(ancestor.tag in BLOCKS for ancestor in element.iterancestors()):
            continue
        text = _SPACES.sub(" ", element.text_content()).strip()
        if not text:
            continue
        if element.tag == "li":
            text = f"- {text}"
        if element.tag == "blockquote" or any(a.tag == "blockquote" for a in element.iterancestors()):
            text = f"> {text}"
        paragraphs.append(text)
    if not paragraphs:
        return _SPACES.sub(" ", root.text_content()).strip()
    return "\n\n".join(paragraphs)
