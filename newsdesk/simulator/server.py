"""The simulator: an asyncio HTTP server playing many publishers, one loopback address each."""

import asyncio
import signal
import socket
import struct
import sys
import threading
import time
import traceback
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO
from urllib.parse import unquote, urlsplit

from newsdesk.simulator.content import ArticleInfo, Host, Site
from newsdesk.simulator.faults import FaultTable, make_fault
from newsdesk.simulator.protocol import (
    KEEP_ALIVE_SECONDS,
    MAX_HEAD_BYTES,
    ProtocolError,
    Request,
    Response,
    read_request,
    write_response,
)
from newsdesk.simulator.routes import FEED_ROUTE, Router, plain_page
from newsdesk.simulator.stats import RequestRecord, RequestStats

BACKLOG = 1024
STOP_GRACE_SECONDS = 2.0
FLUSH_SECONDS = 30.0
BIND_ATTEMPTS = 20

FaultKey = tuple[str, ...]


class Simulator:
    """Fake publishers on 127.0.0.2, 127.0.0.3, ... sharing one port, with switchable faults."""

    def __init__(
        self,
        hosts: int = 3,
        feeds_per_host: int = 2,
        articles_per_feed: int = 10,
        seed: int = 1,
        port: int = 0,
        real_articles: bool = True,
        *,
        corpus_dir: str | None = None,
        now: datetime | None = None,
        compress: bool = True,
        latency: float = 0.0,
        verbose: bool = False,
    ) -> None:
        self._site = Site(hosts, feeds_per_host, articles_per_feed, seed, real_articles, corpus_dir, now)
        self._router = Router(self._site, compress)
        self._requested_port = port
        self._verbose = verbose
        self._latency: dict[str | None, float] = {None: latency}
        self._faults = FaultTable()
        self._stats = RequestStats()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._servers: list[asyncio.Server] = []
        self._tasks: set[asyncio.Task[Any]] = set()
        self._stopping = False

    # Life cycle

    @property
    def port(self) -> int:
        """The port every host listens on (0 until started when a free port was asked for)."""
        return self._site.port or self._requested_port

    @property
    def addresses(self) -> list[str]:
        """The loopback address of every host, in host order."""
        return [host.address for host in self._site.hosts]

    @property
    def clock_start(self) -> datetime:
        """The moment item dates are spread back from."""
        return self._site.clock_start

    @property
    def corpus_folder(self) -> Path | None:
        """The folder real pages are read from, or None when every page is generated."""
        return self._site.corpus.folder if self._site.corpus is not None else None

    def start(self) -> "Simulator":
        """Start serving in a background thread and return once every host accepts connections."""
        if self._thread is not None:
            raise RuntimeError("simulator: already started")
        sockets, port = self._bind()
        self._site.set_port(port)
        self._stopping = False
        self._loop = asyncio.new_event_loop()
        ready = threading.Event()
        failure: list[BaseException] = []
        self._thread = threading.Thread(
            target=self._run, args=(sockets, ready, failure), name="newsdesk-simulator", daemon=True
        )
        self._thread.start()
        ready.wait()
        if failure:
            self._thread.join()
            self._thread = None
            raise failure[0]
        return self

    def stop(self) -> None:
        """Stop serving, cutting off open connections, hanging and streaming ones included."""
        if self._thread is None or self._loop is None:
            return
        loop, thread = self._loop, self._thread
        try:
            future = asyncio.run_coroutine_threadsafe(self._shut_down(), loop)
            future.result(timeout=STOP_GRACE_SECONDS + 3)
        except Exception:
            pass  # the loop is gone or stuck; the daemon thread dies with the process
        thread.join(timeout=STOP_GRACE_SECONDS + 3)
        self._thread = None
        self._loop = None

    def __enter__(self) -> "Simulator":
        return self.start() if self._thread is None else self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _bind(self) -> tuple[list[socket.socket], int]:
        attempts = BIND_ATTEMPTS if self._requested_port == 0 else 1
        for attempt in range(attempts):
            port = self._requested_port
            sockets: list[socket.socket] = []
            try:
                for host in self._site.hosts:
                    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                    sockets.append(listener)
                    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    listener.bind((host.address, port))
                    port = listener.getsockname()[1]
                    listener.listen(BACKLOG)
                    listener.setblocking(False)
                return sockets, port
            except OSError as error:
                for listener in sockets:
                    listener.close()
                # A free port on the first address may be taken on another; pick again.
                if attempt == attempts - 1:
                    raise OSError(
                        error.errno,
                        f"simulator: cannot listen on {host.address}:{port} ({error.strerror}); "
                        "every host needs its own 127.0.0.N address on one port (Linux routes "
                        "all of 127/8 to lo; macOS needs `ifconfig lo0 alias 127.0.0.N`)",
                    ) from error
        raise AssertionError("unreachable")

    def _run(
        self, sockets: list[socket.socket], ready: threading.Event, failure: list[BaseException]
    ) -> None:
        loop = self._loop
        assert loop is not None
        asyncio.set_event_loop(loop)
        # Clients vanishing mid-response are expected here; nothing goes to stderr.
        loop.set_exception_handler(lambda _loop, _context: None)

        async def open_servers() -> None:
            for listener in sockets:
                server = await asyncio.start_server(
                    self._serve_connection, sock=listener, backlog=BACKLOG, limit=MAX_HEAD_BYTES
                )
                self._servers.append(server)

        try:
            loop.run_until_complete(open_servers())
        except BaseException as error:
            failure.append(error)
            for listener in sockets:
                listener.close()
            loop.close()
            ready.set()
            return
        ready.set()
        try:
            loop.run_forever()
            leftovers = asyncio.all_tasks(loop)
            for task in leftovers:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*leftovers, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
        finally:
            loop.close()

    async def _shut_down(self) -> None:
        self._stopping = True
        for server in self._servers:
            server.close()
        self._servers.clear()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=STOP_GRACE_SECONDS)
        asyncio.get_running_loop().call_soon(asyncio.get_running_loop().stop)

    # Content

    def _require_port(self) -> None:
        if not self.port:
            raise RuntimeError("simulator: the port is chosen by start(); call it first")

    def feed_ids(self) -> list[str]:
        """Return every feed id, host by host."""
        return list(self._site.feeds)

    def feed_urls(self) -> list[str]:
        """Return the URL of every feed in the format its homepage advertises, host by host."""
        self._require_port()
        return [self._site.feed_url(feed) for feed in self._site.feeds.values()]

    def host_urls(self) -> list[str]:
        """Return every host's homepage URL."""
        self._require_port()
        return [self._site.base_url(host) + "/" for host in self._site.hosts]

    def items(self, feed: str) -> list[ArticleInfo]:
        """Return what a feed (id or URL) currently lists, newest first, as ground truth."""
        self._require_port()
        found = self._site.find_feed(feed)
        return [self._site.article_info(found, item) for item in self._site.window(found)]

    def article(self, url: str) -> ArticleInfo:
        """Return the ground truth of an article page URL; raise KeyError for unknown URLs."""
        self._require_port()
        feed, item = self._site.find_article(url)
        return self._site.article_info(feed, item)

    def publish(self, feed: str, n: int = 1) -> list[ArticleInfo]:
        """Add n new generated items at the top of a feed (id or URL) and return them."""
        self._require_port()
        found = self._site.find_feed(feed)
        return [self._site.article_info(found, item) for item in self._site.publish(found, n)]

    def set_latency(self, seconds: float, host: str | None = None) -> None:
        """Make responses (of one host, or by default of all) wait this long before being sent."""
        key = None if host is None else self._find_host(host).address
        if key is None:
            self._latency = {None: seconds}
        else:
            self._latency[key] = seconds

    def set_robots_txt(self, host: str, text: str) -> None:
        """Make a host (homepage URL or address) serve this robots.txt."""
        self._site.set_robots_txt(self._find_host(host), text)

    # Faults

    def set_fault(self, target: str, name: str, *, times: int | None = None, **params: Any) -> None:
        """Make a feed (id or URL) or any page URL misbehave; see faults.FAULTS for names."""
        self._faults.set(self._fault_key_for(target), make_fault(name, times, **params))

    def set_host_fault(self, host: str, name: str, *, times: int | None = None, **params: Any) -> None:
        """Make every path of a host (homepage URL or address) misbehave."""
        self._faults.set(("host", self._find_host(host).address), make_fault(name, times, **params))

    def clear_fault(self, target: str) -> None:
        """Remove the fault of one feed or page; a homepage URL or address also clears its host's."""
        keys = [self._fault_key_for(target)]
        if ("://" in target and urlsplit(target).path in ("", "/")) or target in self.addresses:
            keys.append(("host", self._find_host(target).address))
        self._faults.clear(*keys)

    def clear_faults(self) -> None:
        """Remove every fault."""
        self._faults.clear_all()

    def _find_host(self, host: str) -> Host:
        address = urlsplit(host).hostname if "://" in host else host
        if address not in self._site.by_address:
            raise ValueError(f"simulator: no host at {host!r}; hosts are {', '.join(self.addresses)}")
        return self._site.by_address[address]

    def _fault_key_for(self, target: str) -> FaultKey:
        if "://" not in target:
            if target in self._site.feeds:
                return ("feed", target)
            if target in self._site.by_address:
                return ("path", target, "/")
            raise ValueError(f"simulator: {target!r} is neither a feed id nor a URL")
        host = self._find_host(target)
        return self._fault_key(host.address, unquote(urlsplit(target).path) or "/")

    def _fault_key(self, address: str, path: str) -> FaultKey:
        match = FEED_ROUTE.fullmatch(path)
        if match and match["feed_id"] in self._site.feeds:
            return ("feed", match["feed_id"])
        return ("path", address, path)

    # Statistics

    def stats(self) -> dict[str, Any]:
        """Return request counts per host, per URL and per status, and peak concurrency per host.

        Shape: {"requests": int, "in_flight": int, "peak_in_flight": int,
        "hosts": {address: {"requests", "in_flight", "peak_in_flight", "connections",
        "open_connections", "peak_connections", "bytes_sent"}}, "paths": {url: int},
        "statuses": {status: int}}. A request is in flight from its head arriving to its
        last byte sent (status 0: hung up without answering); `connections` counts accepts.
        """
        return self._stats.snapshot(self.addresses)

    def reset_stats(self) -> None:
        """Zero every counter and the request log; peaks restart from what is open right now."""
        self._stats.reset()

    def request_log(self) -> list[RequestRecord]:
        """Return the most recent requests (up to 100,000), oldest first, with their headers."""
        return self._stats.records()

    # Serving

    async def _serve_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        address = writer.get_extra_info("sockname")[0]
        host = self._site.by_address[address]
        self._stats.open_connection(address)
        graceful = False
        try:
            while not self._stopping:
                try:
                    request = await asyncio.wait_for(read_request(reader), KEEP_ALIVE_SECONDS)
                except ProtocolError as error:
                    response = Response(error.status, [("Content-Type", "text/plain")], str(error).encode())
                    await write_response(writer, response, head_only=False, keep_alive=False)
                    graceful = True
                    break
                except (TimeoutError, ConnectionError, asyncio.IncompleteReadError):
                    break
                if request is None or not await self._answer(host, request, reader, writer):
                    graceful = True
                    break
        except (ConnectionError, OSError):
            pass
        finally:
            self._tasks.discard(task)
            self._stats.close_connection(address)
            if not graceful or self._stopping:
                self._cut(writer)
        if graceful and not self._stopping:
            await self._close(writer)

    def _cut(self, writer: asyncio.StreamWriter) -> None:
        """Drop a connection at once; when stopping, with a reset so clients notice immediately."""
        if self._stopping:
            connection = writer.get_extra_info("socket")
            try:
                connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            except (OSError, AttributeError):
                pass
        writer.transport.abort()

    async def _close(self, writer: asyncio.StreamWriter) -> None:
        """Close after flushing what is still buffered, unless the client will not take it."""
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        writer.close()
        try:
            await asyncio.wait_for(writer.wait_closed(), FLUSH_SECONDS)
        except (TimeoutError, ConnectionError, OSError):
            writer.transport.abort()
        except asyncio.CancelledError:
            self._cut(writer)
            raise
        finally:
            self._tasks.discard(task)

    async def _respond(self, host: Host, request: Request, reader: asyncio.StreamReader) -> Response | None:
        if request.method not in ("GET", "HEAD"):
            return plain_page(405, "Only GET and HEAD are served here.", [("Allow", "GET, HEAD")])
        fault = self._faults.take(("host", host.address), self._fault_key(host.address, request.path))
        if fault is None:
            return self._router.respond(host, request)
        return await self._router.misbehave(fault, host, request, reader)

    async def _answer(
        self, host: Host, request: Request, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        """Answer one request and return whether the connection stays open."""
        started_at, started = time.time(), time.monotonic()
        url = f"{self._site.base_url(host)}{request.path}"
        self._stats.begin_request(host.address, url)
        status = sent = 0
        try:
            # Think time makes overlapping requests overlap on the server too, so peaks show them.
            latency = self._latency.get(host.address, self._latency[None])
            if latency > 0:
                await asyncio.sleep(latency)
            try:
                response = await self._respond(host, request, reader)
            except Exception as error:
                # A bug in the simulator, not a simulated fault: say so loudly, even when quiet.
                traceback.print_exc()
                response = plain_page(500, f"simulator: internal error: {error!r}")
            if response is None:
                return False
            keep_alive = request.wants_keep_alive() and not response.close and not self._stopping
            status = response.status
            self._stats.count_status(status)
            sent = await write_response(
                writer, response, request.method == "HEAD", keep_alive, chunked=request.version != "HTTP/1.0"
            )
            return keep_alive
        finally:
            record = RequestRecord(
                at=started_at,
                host=host.address,
                method=request.method,
                path=request.path,
                status=status,
                bytes_sent=sent,
                duration=time.monotonic() - started,
                headers=request.headers,
            )
            self._stats.end_request(record, status_counted=status != 0)
            if self._verbose:
                print(
                    f"{record.host} {record.method} {record.path} {record.status} "
                    f"{record.bytes_sent}B {record.duration * 1000:.0f}ms",
                    file=sys.stderr,
                )


def serve_forever(
    hosts: int = 3,
    feeds_per_host: int = 4,
    articles_per_feed: int = 20,
    port: int = 8100,
    seed: int = 1,
    real_articles: bool = True,
    out: TextIO | None = None,
    verbose: bool = False,
) -> None:
    """Serve until Ctrl-C or SIGTERM, after writing every feed URL to `out` (stdout), one per line.

    All hosts share `port` (0 picks a free one); `real_articles` uses the corpus when found;
    `verbose` logs each request to stderr.
    """
    out = out or sys.stdout
    simulator = Simulator(
        hosts, feeds_per_host, articles_per_feed, seed, port, real_articles, verbose=verbose
    )
    previous = None
    if threading.current_thread() is threading.main_thread():

        def interrupt(_signum: int, _frame: object) -> None:
            raise KeyboardInterrupt

        previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        with simulator:
            for url in simulator.feed_urls():
                print(url, file=out)
            out.flush()
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
