"""Feed discovery: from a site's address to the feeds it offers."""

from __future__ import annotations

from urllib.parse import urljoin

import httpx
import lxml.html

from newsdesk.ingest.fetch import FetchError, Limits, fetch
from newsdesk.ingest.parse import ParseError, parse_feed

FEED_TYPES = {"application/rss+xml", "application/atom+xml", "application/feed+json", "application/json",
              "application/rdf+xml", "application/xml", "text/xml"}
COMMON_PATHS = ["/feed", "/rss", "/feed.xml", "/rss.xml", "/atom.xml", "/index.xml", "/feed.json", "/feeds/posts/default", "/?feed=rss2"]


class DiscoveryError(ValueError):
    """No feed could be found at or from the address; reachable says whether the site answered."""

    def __init__(self, message: str, reachable: bool = True):
        super().__init__(message)
        self.reachable = reachable


def feed_links(html: bytes, base: str) -> list[str]:
    """Feed URLs a page announces with <link rel="alternate">, in page order, comment feeds last."""
    try:
        root = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return []
    found: list[str] = []
    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        href = (link.get("href") or "").strip()
        if "alternate" in rel and kind in FEED_TYPES and href:
            url = urljoin(base, href)
            if url not in found:
                found.append(url)
    return sorted(found, key=lambda u: "comment" in u.lower())


def discover_feeds(client: httpx.Client, url: str, limits: Limits, slot=None) -> list[str]:
    """Return the feeds of url: itself if it is a feed, else those its page announces or common paths hold."""
    try:
        response = fetch(client, url, limits, slot=slot)
    except FetchError as error:
        raise DiscoveryError(str(error), reachable=False) from None
    try:
        parse_feed(response.content, response.url)
        return [response.url]
    except ParseError:
        pass
    announced = feed_links(response.content, response.url)
    if announced:
        return announced
    for path in COMMON_PATHS:
        candidate = urljoin(response.url, path)
        try:
            found = fetch(client, candidate, limits, slot=slot)
            parse_feed(found.content, found.url)
        except (FetchError, ParseError):
            continue
        return [found.url]
    raise DiscoveryError(f"discover: no feed found at {url} (no <link rel=\"alternate\"> feed and none at the usual paths)")
