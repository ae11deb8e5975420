"""Is the extracted text the whole article, or only what a paywall lets through?"""

from __future__ import annotations

from lxml.html import HtmlElement


def looks_truncated(tree: HtmlElement, text: str) -> bool:
    """True when the page marks its article as paywalled or cut short (not detected yet)."""
    return False
