"""What each path of a simulated host answers, normally and under a fault."""

import asyncio
import re
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from html import escape
from urllib.parse import parse_qs, quote

from newsdesk.simulator.content import Document, Host, Site
from newsdesk.simulator.faults import (
    Fault,
    break_markup,
    build_gzip_bomb,
    junk_binary,
    junk_html,
    junk_json,
    junk_pdf,
    stream_endless_feed,
    trickle,
)
from newsdesk.simulator.feeds import RSS_TYPE
from newsdesk.simulator.images import draw_image
from newsdesk.simulator.protocol import Request, Response

HTML_TYPE = "text/html; charset=utf-8"
STATUS_FAULTS = {"http_500": 500, "http_429": 429, "http_503": 503, "not_found": 404, "gone": 410}

FEED_ROUTE = re.compile(r"/feeds/(?P<feed_id>[^/]+)\.(?P<ext>xml|atom)")
ARTICLE_ROUTE = re.compile(r"/articles/(?P<slug>[^/]+)\.html")
IMAGE_ROUTE = re.compile(r"/images/(?P<slug>[^/]+)\.png")
# Redirect chains and loops are stateless: the path itself says where to go next.
HOP_ROUTE = re.compile(r"/r/(?P<status>\d{3})/(?P<hops>\d+)(?P<rest>/.*)")
LOOP_ROUTE = re.compile(r"/loop/(?P<status>\d{3})(?P<rest>/.*)")
MOVED_PREFIX = "/moved"


def http_date(moment: datetime) -> str:
    """Return a datetime as an HTTP date."""
    return format_datetime(moment.astimezone(timezone.utc), usegmt=True)


def gzip_etag(etag: str) -> str:
    """Return the entity tag of the gzip-encoded variant of a document."""
    return etag[:-1] + '-gz"'


def is_not_modified(request: Request, document: Document) -> bool:
    """Apply RFC 9110's rules: If-None-Match wins, If-Modified-Since only counts without it."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or document.etag in tags or gzip_etag(document.etag) in tags
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError, IndexError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=timezone.utc)
        return document.last_modified <= since
    return False


def plain_page(status: int, message: str, headers: list[tuple[str, str]] | None = None) -> Response:
    """Return a small HTML error or notice page."""
    body = (
        f"<html><head><title>{status}</title></head><body><h1>{status}</h1>"
        f"<p>{escape(message)}</p></body></html>"
    )
    return Response(status, [("Content-Type", HTML_TYPE), *(headers or [])], body.encode())


def redirect_to(status: int, location: str) -> Response:
    """Return a redirect to an absolute URL."""
    body = f'<html><body>Moved to <a href="{escape(location)}">{escape(location)}</a></body></html>'
    return Response(status, [("Location", location), ("Content-Type", HTML_TYPE)], body.encode())


def _without_moved(path: str) -> str:
    return path.removeprefix(MOVED_PREFIX) if path.startswith(MOVED_PREFIX + "/") else path


class Router:
    """Turns requests to the simulated hosts into responses."""

    def __init__(self, site: Site, compress: bool) -> None:
        self.site = site
        self.compress = compress

    def respond(self, host: Host, request: Request, plain: bool = False) -> Response:
        """Serve a path of a host; `plain` skips compression and conditional requests."""
        document = self._find(host, request, request.path)
        if isinstance(document, Response):
            return document
        if document is None:
            return plain_page(404, "No such page.")
        compress = self.compress and not plain and request.accepts_gzip()
        headers = [
            ("Content-Type", document.content_type),
            ("ETag", gzip_etag(document.etag) if compress else document.etag),
            ("Last-Modified", http_date(document.last_modified)),
            ("Vary", "Accept-Encoding"),
        ]
        if not plain and is_not_modified(request, document):
            return Response(304, headers)
        if compress:
            headers.append(("Content-Encoding", "gzip"))
            return Response(200, headers, document.gzipped())
        return Response(200, headers, document.body)

    def _find(self, host: Host, request: Request, path: str) -> Document | Response | None:
        if path == "/":
            return self.site.homepage_document(host)
        if path == "/robots.txt":
            return self.site.robots_document(host)
        if path.startswith(MOVED_PREFIX + "/"):
            return self._find(host, request, _without_moved(path))
        match = FEED_ROUTE.fullmatch(path)
        if match:
            feed = self.site.feeds.get(match["feed_id"])
            if feed is None or feed.host is not host:
                return None
            return self.site.feed_document(feed, "rss" if match["ext"] == "xml" else "atom")
        match = ARTICLE_ROUTE.fullmatch(path)
        if match:
            found = self.site.find_item(match["slug"])
            if found is None or found[0].host is not host:
                return None
            return self.site.article_document(*found)
        match = IMAGE_ROUTE.fullmatch(path)
        if match:
            found = self.site.find_item(match["slug"])
            if found is None or found[0].host is not host:
                return None
            return Document(draw_image(match["slug"]), "image/png", found[1].published)
        match = HOP_ROUTE.fullmatch(path)
        if match:
            final = parse_qs(request.query).get("to", [None])[0]
            return self._hop(host, int(match["status"]), int(match["hops"]), match["rest"], final)
        match = LOOP_ROUTE.fullmatch(path)
        if match:
            return redirect_to(int(match["status"]), self.site.base_url(host) + quote(match["rest"]))
        return None

    def _hop(self, host: Host, status: int, hops: int, rest: str, final: str | None) -> Response:
        """Redirect to the next hop of a chain, or to where the chain ends."""
        base = self.site.base_url(host)
        if hops > 1:
            location = f"{base}/r/{status}/{hops - 1}{quote(rest)}"
            if final:
                location += "?to=" + quote(final, safe="")
        else:
            location = final or f"{base}{MOVED_PREFIX}{quote(rest)}"
        return redirect_to(status, location)

    async def misbehave(
        self, fault: Fault, host: Host, request: Request, reader: asyncio.StreamReader
    ) -> Response | None:
        """Return the response a fault calls for, or None to hang up without one."""
        name, params = fault.name, fault.params
        if name in STATUS_FAULTS or name == "http_status":
            status = STATUS_FAULTS.get(name) or int(params["status"])
            headers = []
            retry_after = params.get("retry_after")
            if isinstance(retry_after, datetime):
                headers.append(("Retry-After", http_date(retry_after)))
            elif retry_after is not None:
                headers.append(("Retry-After", str(retry_after)))
            return plain_page(status, "The simulated publisher is failing on purpose.", headers)
        if name == "timeout":
            await self._hang(reader, float(params["seconds"]))
            return None
        if name == "redirect":
            rest = _without_moved(request.path)
            return self._hop(host, int(params["status"]), int(params["hops"]), rest, params["location"])
        if name == "redirect_loop":
            status, rest = int(params["status"]), _without_moved(request.path)
            return redirect_to(status, f"{self.site.base_url(host)}/loop/{status}{quote(rest)}")
        if name == "slow_body":
            response = self.respond(host, request, plain=True)
            response.headers.append(("Content-Length", str(len(response.body))))
            response.stream = trickle(response.body, int(params["chunk_size"]), float(params["delay"]))
            return response
        if name == "malformed_xml":
            response = self.respond(host, request, plain=True)
            response.body = break_markup(response.body)
            return response
        if name in ("not_xml", "not_html"):
            body, content_type = self._junk(host, request, params["variant"])
            return Response(200, [("Content-Type", params["content_type"] or content_type)], body)
        if name == "huge_body":
            size = params["size"]
            headers = [("Content-Type", f"{RSS_TYPE}; charset=utf-8")]
            if size is not None:
                headers.append(("Content-Length", str(size)))
            return Response(200, headers, stream=stream_endless_feed(size), close=size is None)
        if name == "gzip_bomb":
            # Built once per size and off the loop: the first build takes a noticeable moment.
            loop = asyncio.get_running_loop()
            body = await loop.run_in_executor(None, build_gzip_bomb, int(params["inflated_size"]))
            headers = [("Content-Type", f"{RSS_TYPE}; charset=utf-8"), ("Content-Encoding", "gzip")]
            return Response(200, headers, body)
        raise AssertionError(f"simulator: fault {name!r} has no behaviour")

    def _junk(self, host: Host, request: Request, variant: str) -> tuple[bytes, str]:
        if variant == "binary":
            return junk_binary(request.path), "application/octet-stream"
        if variant == "json":
            return junk_json(request.path), "application/json"
        if variant == "pdf":
            return junk_pdf(request.path), "application/pdf"
        return junk_html(host.name), HTML_TYPE

    async def _hang(self, reader: asyncio.StreamReader, seconds: float) -> None:
        """Wait without answering until the time is up or the client goes away."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while (remaining := deadline - loop.time()) > 0:
            try:
                data = await asyncio.wait_for(reader.read(65536), remaining)
            except (TimeoutError, ConnectionError):
                return
            if not data:
                return
