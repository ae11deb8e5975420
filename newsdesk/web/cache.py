"""Whole reader pages kept in the cache for anonymous readers, and revalidated by browsers with ETag.

A page is stored once it has been through every inner middleware, so it keeps the headers a reader
would have got (Content-Type, Content-Security-Policy, Vary). Readers with a session (signed in, or
holding any session cookie) never see a cached page, and a response that sets a cookie is never
stored: what is cached is the same for every anonymous reader of that URL.
"""

from __future__ import annotations

import hashlib
import random
from typing import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.filebased import FileBasedCache
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import cc_delim_re, get_conditional_response, patch_cache_control, set_response_etag
from django.utils.http import http_date, parse_http_date_safe

# The reader's pages, by URL name; the admin, the API, images and static files are not cached here.
CACHED_PAGES = {"web:front", "web:story", "web:source", "web:search", "web:feed-top", "web:feed-source",
                "web:feed-search"}
KEY_PREFIX = "page"
STATUS_HEADER = "X-Page-Cache"


class PageCache:
    """Serves anonymous GETs of reader pages from the cache for NEWSDESK_PAGE_CACHE_SECONDS, answering 304 when it can."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.seconds = settings.NEWSDESK["PAGE_CACHE_SECONDS"]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.cacheable_request(request):
            return self.get_response(request)
        address = page_address(request)
        stored = lookup(request, address)
        if stored is not None:
            response = stored_response(stored)
            response[STATUS_HEADER] = "hit"
        else:
            response = self.get_response(request)
            if cacheable_response(response):
                self.store(request, address, response)
                response[STATUS_HEADER] = "miss"
        if response.status_code != 200 or not response.has_header("ETag"):
            return response
        modified = parse_http_date_safe(response.get("Last-Modified", ""))
        return get_conditional_response(request, etag=response["ETag"], last_modified=modified, response=response)

    def cacheable_request(self, request: HttpRequest) -> bool:
        if self.seconds <= 0 or request.method != "GET":
            return False
        # Checked on the cookie alone: reading the session would cost a query on every request.
        if settings.SESSION_COOKIE_NAME in request.COOKIES or "Authorization" in request.headers:
            return False
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.view_name in CACHED_PAGES

    def store(self, request: HttpRequest, address: str, response: HttpResponse) -> None:
        if not response.has_header("ETag"):
            set_response_etag(response)
        if not response.has_header("Last-Modified"):
            response["Last-Modified"] = http_date()
        if not response.has_header("Cache-Control"):
            # Browsers may keep the page but ask each time; the ETag makes the answer a 304.
            patch_cache_control(response, max_age=0, must_revalidate=True)
        varied = sorted(header.lower() for header in cc_delim_re.split(response.get("Vary", "")) if header.strip())
        if "*" in varied:
            return
        headers = [(name, value) for name, value in response.items() if name.lower() != STATUS_HEADER.lower()]
        # The list of varied headers is kept under the URL alone, as the first step of every lookup.
        cache.set(vary_key(address), varied, self.seconds)
        cache.set(variant_key(address, varied, request), (response.status_code, headers, response.content), self.seconds)


def page_address(request: HttpRequest) -> str:
    """The whole URL, host and query included: pages carry absolute links built from the host."""
    return request.build_absolute_uri()


def vary_key(address: str) -> str:
    return f"{KEY_PREFIX}:{hashlib.sha256(address.encode()).hexdigest()}:vary"


def variant_key(address: str, varied: list[str], request: HttpRequest) -> str:
    """The key of this request's copy of a page: its URL, Accept-Encoding and every header the page varies on."""
    values = [request.headers.get("Accept-Encoding", "")]
    values.extend(f"{name}={request.headers.get(name, '')}" for name in varied)
    digest = hashlib.sha256("\n".join([address, *values]).encode()).hexdigest()
    return f"{KEY_PREFIX}:{digest}"


def lookup(request: HttpRequest, address: str) -> tuple | None:
    varied = cache.get(vary_key(address))
    if varied is None:
        return None
    return cache.get(variant_key(address, varied, request))


def cacheable_response(response: HttpResponse) -> bool:
    """Only complete 200 pages that set no cookie and that no one marked private or uncacheable."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    control = response.get("Cache-Control", "").lower()
    return not any(word in control for word in ("private", "no-store", "no-cache"))


def stored_response(stored: tuple) -> HttpResponse:
    status, headers, content = stored
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    return response


class FileCache(FileBasedCache):
    """Django's file cache, shared by every process on the machine, that counts its files once in a while.

    The stock backend lists its whole folder on every write to decide whether to cull; with thousands
    of pages that listing takes tens of milliseconds, more than rendering most pages.
    """

    CULL_EVERY = 200

    def _cull(self) -> None:
        if random.random() * self.CULL_EVERY < 1:
            super()._cull()
