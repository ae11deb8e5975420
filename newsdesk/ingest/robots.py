"""robots.txt for article pages (feeds are made to be polled), cached per host for a day."""

from __future__ import annotations

from functools import lru_cache
from typing import Callable
from urllib.parse import urlsplit

import httpx
from django.core.cache import cache
from protego import Protego

from newsdesk.ingest.fetch import FetchError, Limits, fetch

CACHE_SECONDS = 24 * 3600
ROBOTS_MAX_BYTES = 512 * 1024
ALLOW_ALL = ""
DISALLOW_ALL = "User-agent: *\nDisallow: /\n"


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


def load_rules(client: httpx.Client, url: str, limits: Limits, slot=None) -> str:
    """Return the robots.txt text governing url, fetched at most once a day per host.

    As RFC 9309 says: a missing file (4xx) allows everything; a server error or an
    unreachable server disallows everything until the next look.
    """
    location = robots_url(url)
    key = f"robots:{location}"
    rules = cache.get(key)
    if rules is not None:
        return rules
    small = Limits(timeout=min(limits.timeout, 10.0), max_bytes=ROBOTS_MAX_BYTES, user_agent=limits.user_agent,
                   allow_private=limits.allow_private)
    try:
        response = fetch(client, location, small, accept="text/plain", slot=slot)
        rules = response.content.decode("utf-8", "replace")
    except FetchError as error:
        rules = ALLOW_ALL if error.status and 400 <= error.status < 500 and error.status != 429 else DISALLOW_ALL
    cache.set(key, rules, CACHE_SECONDS)
    return rules


def robots_checker(client: httpx.Client, limits: Limits, slot=None) -> Callable[[str], bool]:
    """Whether the host's robots.txt lets Newsdesk fetch a url, for the pages of one poll: each host's rules
    are read from the cache once."""
    # A poll reads a few dozen pages of one host within seconds: a cache read for each costs a round trip.
    rules_at: dict[str, str] = {}

    def allow(url: str) -> bool:
        location = robots_url(url)
        if location not in rules_at:
            rules_at[location] = load_rules(client, url, limits, slot)
        return rules_allow(rules_at[location], url)

    return allow


def rules_allow(rules: str, url: str) -> bool:
    if not rules.strip():
        return True
    return parsed_rules(rules).can_fetch(url, "Newsdesk")


@lru_cache(maxsize=512)
def parsed_rules(rules: str) -> Protego:
    # Every article page asks; the rules of a host change about once a day.
    return Protego.parse(rules)
