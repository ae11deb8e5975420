"""Article metadata: title, authors, publication time, image, language, canonical URL."""

from __future__ import annotations

import re

from lxml.html import HtmlElement
from trafilatura.metadata import extract_metadata

from newsdesk.extract.dates import to_iso8601
from newsdesk.extract.types import Metadata


def read_metadata(tree: HtmlElement, url: str | None) -> Metadata:
    """Read what the page says about itself."""
    found = extract_metadata(tree, default_url=url)
    authors = [a.strip() for a in re.split(r";|\band\b", found.author or "") if a.strip()]
    language = tree.get("lang") or None
    return Metadata(
        title=(found.title or "").strip(),
        authors=authors,
        published=to_iso8601(found.date),
        language=language.lower() if language else None,
        image=found.image,
        canonical=found.url,
        sitename=(found.sitename or "").strip(),
        description=(found.description or "").strip(),
    )
