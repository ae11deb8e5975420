"""Whole reader pages kept in the cache for anonymous readers, and revalidated by browsers with ETag.

A page is stored once it has been through every inner middleware, so it keeps the headers a reader
would have got (Content-Type, Content-Security-Policy, Vary). Readers with a session (signed in, or
holding any session cookie) never see a cached page, and a response that sets a cookie is never
stored: what is cached is the same for every anonymous reader of that URL.
"""

from __future__ import annotations

import hashlib
import pickle
import random
import time
import zlib
from typing import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import cc_delim_re, get_conditional_response, patch_cache_control, set_response_etag
from django.utils.http import http_date, parse_http_date_safe

# The reader's pages, by URL name; the admin, the API, images and static files are not cached here.
CACHED_PAGES = {"web:front", "web:story", "web:source", "web:search", "web:feed-top", "web:feed-source",
                "web:feed-search"}
KEY_PREFIX = "page"
STATUS_HEADER = "X-Page-Cache"
# Each process remembers which headers a page varies on, so that a hit costs one cache round trip,
# not two. A list found stale only costs a miss: the page is rendered and stored again.
VARIED_MEMORY = 20_000
_varied: dict[str, tuple[float, list[str]]] = {}


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
        cache.set_many({vary_key(address): varied,
                        variant_key(address, varied, request): (response.status_code, headers, response.content)},
                       self.seconds)
        remember_varied(address, varied, self.seconds)


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
    remembered = _varied.get(address)
    if remembered is not None and remembered[0] > time.monotonic():
        varied = remembered[1]
    else:
        varied = cache.get(vary_key(address))
        if varied is None:
            return None
        remember_varied(address, varied, settings.NEWSDESK["PAGE_CACHE_SECONDS"])
    return cache.get(variant_key(address, varied, request))


def remember_varied(address: str, varied: list[str], seconds: float) -> None:
    if len(_varied) >= VARIED_MEMORY:
        _varied.clear()  # cheaper than tracking age; the lists come back with the next lookups
    _varied[address] = (time.monotonic() + seconds, varied)


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
    of pages that listing takes tens of milliseconds, more than rendering most pages. It also
    compresses at zlib's default level, a millisecond of a cold search.
    """

    CULL_EVERY = 200
    # zlib's fastest level: a 40 KB search page compresses in a quarter of the default level's time, for
    # files about a fifth larger; get() reads either.
    COMPRESSION = 1

    def _cull(self) -> None:
        if random.random() * self.CULL_EVERY < 1:
            super()._cull()

    def _write_content(self, file, timeout, value) -> None:
        # The stock layout (the expiry, then the compressed value), written at COMPRESSION.
        file.write(pickle.dumps(self.get_backend_timeout(timeout), self.pickle_protocol))
        file.write(zlib.compress(pickle.dumps(value, self.pickle_protocol), self.COMPRESSION))


class RedisClient(RedisCacheClient):
    """Django's Redis client, keeping one redis.Redis per connection pool.

    The stock client builds a redis.Redis, with its table of some 170 reply callbacks, for every
    command: on a page served from the cache that cost more than the round trip to Redis.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    """Django's Redis cache with RedisClient (a redis.Redis is thread-safe, so one per pool serves every thread)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisClient
