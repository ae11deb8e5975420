"""The image proxy: publisher images served from our own origin, so a reader's browser talks only to us.

Only URLs that Newsdesk itself signed are fetched (an HMAC of the URL keyed by SECRET_KEY), so the
proxy cannot be used to fetch anything else. Fetching goes through the ingestion fetcher, with its
address guard and size limits; what comes back is served only if its bytes are a raster image.
Images are kept on disk in the data folder; failures are remembered for a while in the cache.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
from html import escape, unescape
from pathlib import Path
from urllib.parse import urlencode, urljoin

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import constant_time_compare, salted_hmac

from newsdesk.ingest.fetch import FetchError, Limits, fetch, thread_client

log = logging.getLogger("newsdesk.web")

SIGNATURE_SALT = "newsdesk.web.images"
MAX_IMAGE_BYTES = 5 * 1024 * 1024
FETCH_TIMEOUT = 10.0
FAILURE_SECONDS = 3600
BROWSER_CACHE_SECONDS = 7 * 24 * 3600
ACCEPT = "image/avif,image/webp,image/png,image/jpeg,image/gif;q=0.9"


def signature(url: str) -> str:
    return salted_hmac(SIGNATURE_SALT, url, algorithm="sha256").hexdigest()[:32]


def proxied(url: str) -> str:
    """The path under which the reader's browser loads url, or "" for anything but http(s)."""
    if not url or not url.startswith(("http://", "https://")):
        return ""
    return "/img/?" + urlencode({"url": url, "sig": signature(url)})


def image_type(data: bytes) -> str | None:
    """The raster image type the bytes really are (never SVG, which can carry script)."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:12] in (b"ftypavif", b"ftypavis"):
        return "image/avif"
    return None


def cache_path(url: str) -> Path:
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()
    return Path(settings.DATA_DIR) / "images" / digest[:2] / digest


def image(request: HttpRequest) -> HttpResponse:
    """GET /img/?url=...&sig=...: the image at url, from the disk cache or fetched once."""
    url = request.GET.get("url", "")
    if not url or not constant_time_compare(request.GET.get("sig", ""), signature(url)):
        return _refuse(403, "images: this URL was not signed by this Newsdesk")
    path = cache_path(url)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        data = _fetch_image(url, path)
    kind = image_type(data) if data else None
    if kind is None:
        return _refuse(404, "images: no image at this URL")
    response = HttpResponse(data, content_type=kind)
    response["Cache-Control"] = f"public, max-age={BROWSER_CACHE_SECONDS}, immutable"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _fetch_image(url: str, path: Path) -> bytes:
    failed_key = "images:failed:" + path.name
    if cache.get(failed_key):
        return b""
    options = settings.NEWSDESK
    limits = Limits(timeout=min(FETCH_TIMEOUT, float(options["FETCH_TIMEOUT"])), max_bytes=MAX_IMAGE_BYTES,
                    user_agent=options["USER_AGENT"], allow_private=options["ALLOW_PRIVATE_NETWORKS"])
    try:
        response = fetch(thread_client(limits), url, limits, accept=ACCEPT)
    except FetchError as error:
        log.info("images: %s", error)
        cache.set(failed_key, True, FAILURE_SECONDS)
        return b""
    if not response.content_type.startswith("image/") or image_type(response.content) is None:
        log.info("images: %s is %s, not a raster image; not served", url, response.content_type or "untyped")
        cache.set(failed_key, True, FAILURE_SECONDS)
        return b""
    _store(path, response.content)
    return response.content


def _store(path: Path, data: bytes) -> None:
    # Written aside and renamed, so a concurrent reader never sees half an image.
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".part-")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.replace(temporary, path)


def _refuse(status: int, message: str) -> HttpResponse:
    response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response



_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_SRC = re.compile(r'\ssrc="([^"]*)"', re.IGNORECASE)


def proxy_images(html: str, base: str) -> str:
    """Sanitized article HTML with every image loaded through the proxy; images without a URL dropped."""

    def rewrite(match: re.Match) -> str:
        tag = match.group(0)
        found = _SRC.search(tag)
        target = proxied(urljoin(base, unescape(found.group(1)))) if found else ""
        if not target:
            return ""
        start, end = found.span(1)
        return f'{tag[:start]}{escape(target)}{tag[end:-1].rstrip("/ ")} loading="lazy">'

    return _IMG.sub(rewrite, html)
