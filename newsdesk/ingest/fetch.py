"""HTTP for feeds and pages: conditional GET, bounded bodies and time, errors that say what to do."""

from __future__ import annotations

import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from datetime import datetime, timezone

import httpx

MAX_REDIRECTS = 5


class FetchError(Exception):
    """A request failed; status and retry_after say how the publisher answered, if it did."""

    def __init__(self, message: str, status: int | None = None, retry_after: float | None = None):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


@dataclass
class Response:
    url: str
    status: int
    content: bytes
    headers: httpx.Headers
    etag: str = ""
    last_modified: str = ""

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


@dataclass(frozen=True)
class Limits:
    timeout: float = 20.0
    max_bytes: int = 15 * 1024 * 1024
    user_agent: str = "Newsdesk/0.1"


def create_client(limits: Limits) -> httpx.Client:
    """Return a client with Newsdesk's timeouts, redirect cap and User-Agent."""
    return httpx.Client(
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        timeout=httpx.Timeout(limits.timeout, connect=min(10.0, limits.timeout)),
        headers={"User-Agent": limits.user_agent, "Accept-Encoding": "gzip, deflate"},
        limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
    )


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Return the delay a Retry-After header asks for (seconds or an HTTP date), if any."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    now = now or datetime.now(timezone.utc)
    return max(0.0, (when - now).total_seconds())


def fetch(
    client: httpx.Client,
    url: str,
    limits: Limits,
    *,
    etag: str = "",
    last_modified: str = "",
    accept: str = "*/*",
) -> Response:
    """GET url, conditionally when etag or last_modified are given; raise FetchError on failure."""
    headers = {"Accept": accept}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    deadline = time.monotonic() + limits.timeout * 2
    try:
        with client.stream("GET", url, headers=headers) as response:
            if response.status_code >= 400:
                raise FetchError(
                    f"fetch: {url} answered HTTP {response.status_code} {response.reason_phrase}",
                    status=response.status_code,
                    retry_after=retry_after_seconds(response.headers.get("retry-after")),
                )
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limits.max_bytes:
                raise FetchError(f"fetch: {url} is {int(declared)} bytes, above the {limits.max_bytes}-byte limit")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limits.max_bytes:
                    raise FetchError(f"fetch: {url} sent more than {limits.max_bytes} bytes (after decompression); cut off")
                if time.monotonic() > deadline:
                    raise FetchError(f"fetch: {url} took longer than {limits.timeout * 2:.0f} s in total; cut off")
                chunks.append(chunk)
            return Response(
                url=str(response.url),
                status=response.status_code,
                content=b"".join(chunks),
                headers=response.headers,
                etag=response.headers.get("etag", ""),
                last_modified=response.headers.get("last-modified", ""),
            )
    except FetchError:
        raise
    except httpx.TooManyRedirects:
        raise FetchError(f"fetch: {url} redirected more than {MAX_REDIRECTS} times") from None
    except httpx.TimeoutException as error:
        raise FetchError(f"fetch: {url} timed out ({type(error).__name__}); will retry later") from None
    except httpx.InvalidURL as error:
        raise FetchError(f"fetch: {url} is not a valid URL ({error})") from None
    except httpx.UnsupportedProtocol:
        raise FetchError(f"fetch: {url} is not an http(s) URL") from None
    except (httpx.DecodingError, httpx.RemoteProtocolError) as error:
        raise FetchError(f"fetch: {url} sent a broken response ({error})") from None
    except httpx.ConnectError as error:
        raise FetchError(f"fetch: cannot connect to {url} ({error})") from None
    except httpx.HTTPError as error:
        raise FetchError(f"fetch: {url} failed ({type(error).__name__}: {error})") from None
