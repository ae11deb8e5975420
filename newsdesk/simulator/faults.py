"""The faults a simulated publisher can be told to show, and the junk bodies they serve.

What each fault does (parameters and defaults in FAULTS; every fault also takes `times`,
to apply to the next n requests only):

- http_500, not_found (404), gone (410), http_status (any `status`): that status, small HTML body.
- http_429, http_503: that status with Retry-After (`retry_after` seconds, or a datetime).
- timeout: read the request, answer nothing for `seconds`, then hang up.
- slow_body: the normal response, its body sent `chunk_size` bytes at a time, `delay` s apart.
- redirect: `hops` redirects with `status`, ending at /moved/<same path> (which serves the same
  document) or at `location`.
- redirect_loop: path -> /loop/<status>/path -> path -> ... forever.
- malformed_xml: the normal body, cut off, with a stray ampersand and an unclosed tag.
- not_xml: 200 with an HTML page, random bytes or JSON (`variant`; `content_type` overrides).
- huge_body: 200 with RSS-looking items streamed forever (chunked), or exactly `size` bytes.
- gzip_bomb: about inflated_size/1000 bytes of gzip that inflate to `inflated_size` bytes.
- not_html: 200 with a PDF-like binary, JSON or random bytes, meant for article pages.
"""

import asyncio
import json
import struct
import threading
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from functools import cache
from random import Random
from typing import Any

FAULTS: dict[str, dict[str, Any]] = {
    "http_500": {},
    "http_429": {"retry_after": 120},
    "http_503": {"retry_after": 120},
    "http_status": {"status": 403, "retry_after": None},
    "timeout": {"seconds": 60.0},
    "slow_body": {"chunk_size": 256, "delay": 0.5},
    "redirect": {"hops": 1, "status": 301, "location": None},
    "redirect_loop": {"status": 301},
    "malformed_xml": {},
    "not_xml": {"variant": "html", "content_type": None},
    "huge_body": {"size": None},
    "gzip_bomb": {"inflated_size": 256 * 1024 * 1024},
    "not_found": {},
    "gone": {},
    "not_html": {"variant": "pdf", "content_type": None},
}

VARIANTS: dict[str, tuple[str, ...]] = {
    "not_xml": ("html", "binary", "json"),
    "not_html": ("pdf", "json", "binary"),
}

BOMB_UNIT = 1024 * 1024
BOMB_PREFIX = b'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>'
ENDLESS_HEAD = b'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Endless</title>\n'
ENDLESS_ITEM = (
    b"<item><title>More news</title><link>http://127.0.0.1/never</link>"
    b"<description>This feed never ends.</description></item>\n"
)
STREAM_CHUNK = 64 * 1024


@dataclass(slots=True)
class Fault:
    """A fault switched on for one target, with its parameters resolved."""

    name: str
    params: dict[str, Any]
    remaining: int | None = None  # None: until cleared


def make_fault(name: str, times: int | None = None, **params: Any) -> Fault:
    """Return a validated fault, its unspecified parameters filled with defaults."""
    if name not in FAULTS:
        raise ValueError(f"simulator: unknown fault {name!r}; known: {', '.join(FAULTS)}")
    unknown = set(params) - set(FAULTS[name])
    if unknown:
        accepted = ", ".join([*FAULTS[name], "times"])
        raise TypeError(f"simulator: fault {name!r} takes {accepted}; got {', '.join(sorted(unknown))}")
    if times is not None and times < 1:
        raise ValueError("simulator: times must be at least 1 (or None for until cleared)")
    if name == "redirect" and params.get("hops", 1) < 1:
        raise ValueError("simulator: a redirect needs at least one hop")
    variant = params.get("variant")
    if variant is not None and variant not in VARIANTS[name]:
        raise ValueError(f"simulator: {name} variants are {', '.join(VARIANTS[name])}; got {variant!r}")
    return Fault(name=name, params={**FAULTS[name], **params}, remaining=times)


class FaultTable:
    """The faults switched on, by target; safe to use from several threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: dict[tuple[str, ...], Fault] = {}

    def set(self, key: tuple[str, ...], fault: Fault) -> None:
        """Switch a fault on for a target, replacing any it had."""
        with self._lock:
            self._faults[key] = fault

    def clear(self, *keys: tuple[str, ...]) -> None:
        """Switch off the faults of these targets."""
        with self._lock:
            for key in keys:
                self._faults.pop(key, None)

    def clear_all(self) -> None:
        """Switch off every fault."""
        with self._lock:
            self._faults.clear()

    def take(self, *keys: tuple[str, ...]) -> Fault | None:
        """Return the fault of the first key that has one, counting this use against `times`."""
        if not self._faults:  # the common case, without taking the lock
            return None
        with self._lock:
            for key in keys:
                fault = self._faults.get(key)
                if fault is None:
                    continue
                if fault.remaining is not None:
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        del self._faults[key]
                return fault
        return None


@cache
def build_gzip_bomb(inflated_size: int) -> bytes:
    """Return a gzip stream of ~inflated_size/1000 bytes that inflates to inflated_size bytes."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    unit = b" " * BOMB_UNIT
    prefix = BOMB_PREFIX[: max(0, inflated_size)]
    units, tail = divmod(inflated_size - len(prefix), BOMB_UNIT)
    head = compressor.compress(prefix) + compressor.flush(zlib.Z_FULL_FLUSH)
    # A full flush forgets the history, so every unit compresses to the same bytes
    # and the stream can be spliced instead of compressing hundreds of megabytes.
    first = compressor.compress(unit) + compressor.flush(zlib.Z_FULL_FLUSH)
    second = compressor.compress(unit) + compressor.flush(zlib.Z_FULL_FLUSH)
    if units >= 2 and first != second:
        raise RuntimeError("simulator: zlib does not repeat full-flushed blocks; cannot build bomb")
    middle = [first] * units
    end = compressor.compress(b" " * tail) + compressor.flush(zlib.Z_FINISH)
    crc = zlib.crc32(prefix)
    for _ in range(units):
        crc = zlib.crc32(unit, crc)
    crc = zlib.crc32(b" " * tail, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = struct.pack("<II", crc & 0xFFFFFFFF, inflated_size & 0xFFFFFFFF)
    return header + head + b"".join(middle) + end + trailer


def break_markup(body: bytes) -> bytes:
    """Return a document cut off mid-way with a stray ampersand and an unclosed tag."""
    cut = max(1, len(body) * 2 // 3)
    return body[:cut] + b"\n<item><title>Fish & chips <b>unclosed</title>\n<desc"


def junk_html(publisher: str) -> bytes:
    """Return an ordinary HTML page, the kind served where a feed was expected."""
    return (
        "<!DOCTYPE html><html><head><title>Welcome</title></head><body>"
        f"<h1>Welcome to {publisher}</h1><p>Our website has a new look! "
        "Find the latest news on our homepage.</p></body></html>"
    ).encode("utf-8")


def junk_binary(seed: str, size: int = 4096) -> bytes:
    """Return deterministic random bytes."""
    return Random(seed).randbytes(size)


def junk_pdf(seed: str) -> bytes:
    """Return something that starts like a PDF and is otherwise noise."""
    return (
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Length 4096 /Filter /FlateDecode >>\nstream\n"
        + junk_binary(seed)
        + b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


def junk_json(url: str) -> bytes:
    """Return a small JSON document where an HTML page was expected."""
    return json.dumps({"error": None, "url": url, "data": {"blocks": []}}).encode("utf-8")


async def stream_endless_feed(size: int | None) -> AsyncIterator[bytes]:
    """Yield an RSS-looking body that never ends, or ends after exactly `size` bytes."""
    block = ENDLESS_HEAD + ENDLESS_ITEM * (STREAM_CHUNK // len(ENDLESS_ITEM))
    first = True
    remaining = size
    while remaining is None or remaining > 0:
        piece = block if first else block[len(ENDLESS_HEAD) :]
        first = False
        if remaining is not None:
            piece = piece[:remaining]
            remaining -= len(piece)
        yield piece


async def trickle(body: bytes, chunk_size: int, delay: float) -> AsyncIterator[bytes]:
    """Yield a body in pieces of `chunk_size` bytes, `delay` seconds apart."""
    for start in range(0, len(body), chunk_size):
        if start:
            await asyncio.sleep(delay)
        yield body[start : start + chunk_size]
