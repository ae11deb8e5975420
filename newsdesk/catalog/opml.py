"""OPML subscription lists, read tolerantly and written plainly; no database."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

from lxml import etree


class OpmlError(ValueError):
    """The file holds no feed Newsdesk can read."""


@dataclass(frozen=True)
class Outline:
    url: str
    title: str = ""
    homepage: str = ""
    category: str = ""


def read_opml(content: bytes) -> list[Outline]:
    """Return every feed outline of an OPML document, in order, each URL once."""
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as error:
        raise OpmlError(f"opml: cannot read the file ({error})") from None
    if root is None:
        raise OpmlError("opml: the file is empty or not XML")
    outlines: list[Outline] = []
    seen: set[str] = set()
    for element in root.iter("outline"):
        url = (element.get("xmlUrl") or element.get("xmlurl") or "").strip()
        if not url or url in seen:
            continue
        seen.add(url)
        parent = element.getparent()
        category = parent.get("text", "") if parent is not None and parent.tag == "outline" else ""
        outlines.append(Outline(
            url=url,
            title=(element.get("title") or element.get("text") or "").strip(),
            homepage=(element.get("htmlUrl") or "").strip(),
            category=category,
        ))
    return outlines


def write_opml(outlines: list[Outline], title: str = "Newsdesk subscriptions") -> str:
    """Return an OPML 2.0 document listing outlines."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<opml version="2.0">',
             f"  <head><title>{title}</title></head>", "  <body>"]
    for o in outlines:
        attributes = f'type="rss" text={quoteattr(o.title or o.url)} title={quoteattr(o.title or o.url)} xmlUrl={quoteattr(o.url)}'
        if o.homepage:
            attributes += f" htmlUrl={quoteattr(o.homepage)}"
        lines.append(f"    <outline {attributes}/>")
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)
