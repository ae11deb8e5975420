"""Inline promo cards ("related article" boxes inside the body), taken out of the text."""

from __future__ import annotations

from lxml.html import HtmlElement

from newsdesk.extract.types import Related


def take_promos(tree: HtmlElement, url: str | None) -> list[Related]:
    """Remove promo cards from tree and return them (none are recognised yet)."""
    return []
