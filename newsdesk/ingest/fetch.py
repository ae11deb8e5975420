"""HTTP for feeds and pages: conditional GET, bounded bodies and time, errors that say what to do."""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
import time
from contextlib import nullcontext
from functools import lru_cache
from typing import Callable, ContextManager
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

import httpcore
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

    @property
    def charset(self) -> str | None:
        for part in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = part.strip().partition("=")
            if name.lower() == "charset" and value:
                return value.strip().strip('"')
        return None


@dataclass(frozen=True)
class Limits:
    timeout: float = 20.0
    max_bytes: int = 15 * 1024 * 1024
    user_agent: str = "Newsdesk/0.1"
    allow_private: bool | tuple = False  # True, or the private networks that are allowed


class PrivateAddressError(httpcore.ConnectError):
    """The host resolves to an address that is not on the public internet."""


def is_allowed_address(address: str, allowed_networks: tuple = ()) -> bool:
    """True for a public unicast address, or one inside an explicitly allowed network."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if any(ip in network for network in allowed_networks if network.version == ip.version):
        return True
    return ip.is_global and not ip.is_multicast


class GuardedBackend(httpcore.SyncBackend):
    """Connects only to public addresses, checked after DNS resolution on every connection.

    Checking the address we actually connect to (not a separate look-up beforehand) closes
    the DNS-rebinding gap, and every redirect hop to a new host passes through here too.
    """

    def __init__(self, allow_private: bool | tuple):
        self.allow_all = allow_private is True
        self.allowed_networks = allow_private if isinstance(allow_private, tuple) else ()

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        if self.allow_all:
            return super().connect_tcp(host, port, timeout, local_address, socket_options)
        try:
            candidates = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as error:
            raise httpcore.ConnectError(f"cannot resolve {host}: {error}") from None
        public = [c for c in candidates if is_allowed_address(c[4][0], self.allowed_networks)]
        if not public:
            raise PrivateAddressError(
                f"{host} resolves to {candidates[0][4][0]}, a private, loopback or link-local address; "
                "set NEWSDESK_ALLOW_PRIVATE_NETWORKS=true to allow it"
            )
        last_error: OSError | None = None
        for family, kind, proto, _, address in public:
            sock = socket.socket(family, kind, proto)
            try:
                sock.settimeout(timeout)
                if local_address:
                    sock.bind((local_address, 0))
                sock.connect(address)
            except OSError as error:
                sock.close()
                last_error = error
                continue
            for option in socket_options or []:
                sock.setsockopt(*option)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return httpcore._backends.sync.SyncStream(sock)
        if isinstance(last_error, socket.timeout):
            raise httpcore.ConnectTimeout(str(last_error))
        raise httpcore.ConnectError(str(last_error))


@lru_cache(maxsize=1)
def tls_context() -> ssl.SSLContext:
    """The process's one TLS context, with httpx's default certificates."""
    # Loading the certificate bundle costs about 40 ms of CPU, and each worker thread has its own client.
    return httpx.create_ssl_context()


def create_client(limits: Limits) -> httpx.Client:
    """Return a client with Newsdesk's timeouts, redirect cap, User-Agent and address guard."""
    pool_limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)
    transport = httpx.HTTPTransport(verify=tls_context(), limits=pool_limits)
    # httpx has no public hook for the network backend; the SSRF tests fail if this stops working.
    transport._pool._network_backend = GuardedBackend(limits.allow_private)
    return httpx.Client(
        transport=transport,
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        timeout=httpx.Timeout(limits.timeout, connect=min(10.0, limits.timeout)),
        headers={"User-Agent": limits.user_agent, "Accept-Encoding": "gzip, deflate"},
        trust_env=False,  # a proxy from the environment would bypass the address guard
    )


_per_thread = threading.local()


def thread_client(limits: Limits) -> httpx.Client:
    """This thread's client for these limits, kept for reuse: connections and TLS setup are costly."""
    clients = getattr(_per_thread, "clients", None)
    if clients is None:
        clients = _per_thread.clients = {}
    client = clients.get(limits)
    if client is None or client.is_closed:
        client = clients[limits] = create_client(limits)
    return client


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
    slot: Callable[[str], ContextManager] | None = None,
) -> Response:
    """GET url, conditionally when etag or last_modified are given; raise FetchError on failure.

    slot(url), when given, is held around the request: the per-host politeness budget.
    """
    with (slot or _no_slot)(url):
        return _get(client, url, limits, etag, last_modified, accept)


def _no_slot(url: str) -> ContextManager:
    return nullcontext()


def _get(client: httpx.Client, url: str, limits: Limits, etag: str, last_modified: str, accept: str) -> Response:
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
        if isinstance(error.__context__, PrivateAddressError) or "private, loopback" in str(error):
            raise FetchError(f"fetch: {url} refused: {error}") from None
        raise FetchError(f"fetch: cannot connect to {url} ({error})") from None
    except httpx.HTTPError as error:
        raise FetchError(f"fetch: {url} failed ({type(error).__name__}: {error})") from None
