"""Just enough HTTP/1.1 over asyncio streams for a server that only serves GET and HEAD."""

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http import HTTPStatus
from urllib.parse import urlsplit

MAX_HEAD_BYTES = 64 * 1024
MAX_BODY_BYTES = 1024 * 1024
SERVER_NAME = "newsdesk-simulator"
# Long, because a client reusing a pooled connection just as the server drops it gets an
# error most clients do not retry; loaded benchmark clients leave connections idle a while.
KEEP_ALIVE_SECONDS = 120
NO_BODY_STATUSES = frozenset({204, 304})


class ProtocolError(Exception):
    """A request the server cannot understand; the connection is answered and closed."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(slots=True)
class Request:
    """A parsed request head."""

    method: str
    target: str
    path: str
    query: str
    version: str
    headers: dict[str, str]

    def wants_keep_alive(self) -> bool:
        """Return whether the client expects the connection to stay open."""
        tokens = {token.strip().lower() for token in self.headers.get("connection", "").split(",")}
        if self.version == "HTTP/1.0":
            return "keep-alive" in tokens
        return "close" not in tokens

    def accepts_gzip(self) -> bool:
        """Return whether Accept-Encoding allows gzip."""
        for part in self.headers.get("accept-encoding", "").split(","):
            coding, _, params = part.strip().partition(";")
            if coding.strip().lower() in ("gzip", "x-gzip", "*"):
                quality = params.strip().lower().removeprefix("q=")
                try:
                    return not params or float(quality) > 0
                except ValueError:
                    return True
        return False


@dataclass(slots=True)
class Response:
    """A response to send; `stream`, when set, replaces `body` and is sent piece by piece."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    stream: AsyncIterator[bytes] | None = None
    close: bool = False


async def read_request(reader: asyncio.StreamReader) -> Request | None:
    """Return the next request on a connection, or None when the client closed it cleanly."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as error:
        if not error.partial.strip():
            return None
        raise ProtocolError(400, "incomplete request head") from None
    except asyncio.LimitOverrunError:
        raise ProtocolError(431, "request head too large") from None
    lines = head.decode("latin-1").lstrip("\r\n").split("\r\n")
    try:
        method, target, version = lines[0].split(" ")
    except ValueError:
        raise ProtocolError(400, "malformed request line") from None
    if not version.startswith("HTTP/1."):
        raise ProtocolError(505, "only HTTP/1.x is supported")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if not line:
            continue
        name, colon, value = line.partition(":")
        if not colon or not name or name != name.strip():
            raise ProtocolError(400, "malformed header line")
        name = name.lower()
        value = value.strip()
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    if "transfer-encoding" in headers:
        raise ProtocolError(501, "request bodies with Transfer-Encoding are not supported")
    length = headers.get("content-length", "0")
    if not length.isdigit():
        raise ProtocolError(400, "bad Content-Length")
    if int(length) > MAX_BODY_BYTES:
        raise ProtocolError(413, "request body too large")
    if int(length):
        # Nothing here takes a body, but it must be consumed to keep the connection usable.
        await reader.readexactly(int(length))
    if "://" in target:
        parts = urlsplit(target)
        path, query = parts.path, parts.query
    else:
        path, _, query = target.partition("?")
    return Request(method, target, path or "/", query, version, headers)


_date_cache: tuple[int, str] = (0, "")


def http_date() -> str:
    """Return the current time as an HTTP date, recomputed at most once a second."""
    global _date_cache
    now = int(time.time())
    if _date_cache[0] != now:
        _date_cache = (now, formatdate(now, usegmt=True))
    return _date_cache[1]


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def encode_head(response: Response, keep_alive: bool, content_length: int | None) -> bytes:
    """Return the status line and headers, with Date, Server, Connection and length added."""
    lines = [
        f"HTTP/1.1 {response.status} {_reason(response.status)}",
        f"Date: {http_date()}",
        f"Server: {SERVER_NAME}",
    ]
    lines.extend(f"{name}: {value}" for name, value in response.headers)
    if content_length is not None:
        lines.append(f"Content-Length: {content_length}")
    if keep_alive:
        lines.append("Connection: keep-alive")
        lines.append(f"Keep-Alive: timeout={KEEP_ALIVE_SECONDS}")
    else:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def write_response(
    writer: asyncio.StreamWriter,
    response: Response,
    head_only: bool,
    keep_alive: bool,
    chunked: bool = True,
) -> int:
    """Send a response and return the number of bytes written.

    A stream without Content-Length goes out chunked when `chunked` (HTTP/1.1 clients), so a
    cut-off body is detectable; otherwise it is delimited by closing the connection.
    """
    if response.status in NO_BODY_STATUSES:
        head = encode_head(response, keep_alive, None)
        writer.write(head)
        await writer.drain()
        return len(head)
    if response.stream is None:
        head = encode_head(response, keep_alive, len(response.body))
        payload = head if head_only else head + response.body
        writer.write(payload)
        await writer.drain()
        return len(payload)
    sized = any(name.lower() == "content-length" for name, _ in response.headers)
    framed = chunked and not sized
    if not sized and not framed and keep_alive:
        raise ValueError("simulator: a stream without Content-Length must close the connection")
    if framed:
        response.headers.append(("Transfer-Encoding", "chunked"))
    head = encode_head(response, keep_alive, None)
    writer.write(head)
    sent = len(head)
    if head_only:
        await writer.drain()
        return sent
    async for chunk in response.stream:
        if not chunk:
            continue
        piece = b"%x\r\n%b\r\n" % (len(chunk), chunk) if framed else chunk
        writer.write(piece)
        sent += len(piece)
        await writer.drain()
    if framed:
        writer.write(b"0\r\n\r\n")
        sent += 5
        await writer.drain()
    return sent
