"""The local publisher simulator: feeds, pages, HTTP caching, faults, statistics, shutdown."""

import gzip
import socket
import struct
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ElementTree
import zlib
from collections.abc import Iterator
from datetime import datetime, timezone
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import feedparser
import httpx
import pytest
from lxml import html as lxml_html

from newsdesk.simulator import Simulator

REPO_ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2025, 11, 3, 9, 30, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def sim() -> Iterator[Simulator]:
    with Simulator(hosts=3, feeds_per_host=2, articles_per_feed=10, seed=1) as simulator:
        yield simulator


@pytest.fixture(autouse=True)
def no_faults(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "sim" in request.fixturenames:
        request.getfixturevalue("sim").clear_faults()


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as http:
        yield http


def test_every_feed_parses_with_the_items_the_simulator_reports(sim: Simulator, client: httpx.Client) -> None:
    urls = sim.feed_urls()
    assert len(urls) == 6
    assert {url.rsplit(".", 1)[1] for url in urls} == {"xml", "atom"}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200
        expected_type = "application/rss+xml" if url.endswith(".xml") else "application/atom+xml"
        assert response.headers["content-type"].startswith(expected_type)
        parsed = feedparser.parse(response.content)
        assert not parsed.bozo, parsed.get("bozo_exception")
        items = sim.items(url)
        assert len(parsed.entries) == len(items) == 10
        assert [entry.title for entry in parsed.entries] == [item.title for item in items]
        assert [entry.link for entry in parsed.entries] == [item.url for item in items]
        assert [entry.id for entry in parsed.entries] == [item.guid for item in items]
        published = [item.published for item in items]
        assert published == sorted(published, reverse=True)


def test_both_formats_of_a_feed_list_the_same_items(sim: Simulator, client: httpx.Client) -> None:
    url = sim.feed_urls()[0]
    rss = feedparser.parse(client.get(url).content)
    atom = feedparser.parse(client.get(url.replace(".xml", ".atom")).content)
    assert rss.version == "rss20" and atom.version == "atom10"
    assert [entry.id for entry in rss.entries] == [entry.id for entry in atom.entries]


def test_real_article_page_is_the_saved_corpus_page(sim: Simulator, client: httpx.Client) -> None:
    folder = sim.corpus_folder
    if folder is None:
        pytest.skip("no corpus: set NEWSDESK_CORPUS_DIR")
    item = sim.items(sim.feed_urls()[0])[0]
    assert item.real and item.corpus_id
    response = client.get(item.url)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    with gzip.open(folder / "html" / f"{item.corpus_id}.html.gz") as saved:
        assert response.content == saved.read()
    assert sim.article(item.url) == item
    assert item.text and item.summary and item.summary.split()[0] in item.text


def test_generated_pages_are_realistic_and_deterministic(client: httpx.Client) -> None:
    with Simulator(
        hosts=1, feeds_per_host=1, articles_per_feed=5, seed=9, real_articles=False, now=NOW
    ) as first:
        items = first.items(first.feed_urls()[0])
        pages = [client.get(item.url).content for item in items]
        first_port = first.port
        assert not any(item.real for item in items)
    for item, page in zip(items, pages):
        assert 30_000 <= len(page) <= 125_000
        tree = lxml_html.fromstring(page)
        assert tree.findtext(".//h1") == item.title
        assert tree.xpath("//time/@datetime") == [item.page_date]
        assert tree.xpath("//meta[@property='og:title']/@content") == [item.title]
        assert tree.xpath("//script[@type='application/ld+json']")
        paragraphs = tree.xpath("//div[@class='story-body']/p/text()")
        assert 6 <= len(paragraphs) <= 20
        assert "\n\n".join(paragraphs) == item.text
        if item.author:
            assert tree.xpath("//a[@rel='author']/text()") == [item.author]
    with Simulator(
        hosts=1, feeds_per_host=1, articles_per_feed=5, seed=9, real_articles=False, now=NOW
    ) as second:
        again = second.items(second.feed_urls()[0])
        assert [item.title for item in again] == [item.title for item in items]
        # Same content; only the port in absolute links differs.
        page = client.get(again[0].url).content.replace(f":{second.port}/".encode(), b":PORT/")
        assert page == pages[0].replace(f":{first_port}/".encode(), b":PORT/")


def test_homepage_advertises_its_feeds_and_links_its_articles(sim: Simulator, client: httpx.Client) -> None:
    home = sim.host_urls()[1]
    tree = lxml_html.fromstring(client.get(home).content)
    advertised = tree.xpath("//link[@rel='alternate']/@href")
    assert advertised == [url for url in sim.feed_urls() if url.startswith(home)]
    assert tree.xpath("//link[@rel='alternate']/@type") == ["application/rss+xml", "application/atom+xml"]
    links = {home.rstrip("/") + href for href in tree.xpath("//a/@href") if href.startswith("/articles/")}
    assert {item.url for url in advertised for item in sim.items(url)} <= links


def test_unchanged_feed_answers_conditional_requests_with_304(sim: Simulator, client: httpx.Client) -> None:
    for url in (sim.feed_urls()[2], sim.items(sim.feed_urls()[2])[0].url):
        first = client.get(url)
        assert first.headers["etag"] and first.headers["last-modified"]
        by_etag = client.get(url, headers={"If-None-Match": first.headers["etag"]})
        assert by_etag.status_code == 304 and by_etag.content == b""
        by_date = client.get(url, headers={"If-Modified-Since": first.headers["last-modified"]})
        assert by_date.status_code == 304
        stale = client.get(url, headers={"If-None-Match": '"something-else"'})
        assert stale.status_code == 200


def test_publishing_puts_a_new_item_on_top_and_changes_validators(
    sim: Simulator, client: httpx.Client
) -> None:
    url = sim.feed_urls()[3]
    before = client.get(url)
    old_top = sim.items(url)[0]
    [new] = sim.publish(url)
    items = sim.items(url)
    assert items[0] == new and items[1] == old_top and len(items) == 10
    assert new.published > old_top.published and not new.real
    after = client.get(url, headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert feedparser.parse(after.content).entries[0].title == new.title
    assert client.get(new.url).status_code == 200
    assert client.get(old_top.url).status_code == 200


def test_gzip_only_when_the_client_accepts_it(sim: Simulator) -> None:
    url = sim.feed_urls()[0]
    with httpx.Client(headers={"Accept-Encoding": "gzip"}) as http:
        with http.stream("GET", url) as response:
            raw = b"".join(response.iter_raw())
        assert response.headers["content-encoding"] == "gzip"
        assert int(response.headers["content-length"]) == len(raw)
    with httpx.Client(headers={"Accept-Encoding": "identity"}) as http:
        plain = http.get(url)
        assert "content-encoding" not in plain.headers
    assert gzip.decompress(raw) == plain.content


def test_head_returns_headers_without_a_body(sim: Simulator, client: httpx.Client) -> None:
    response = client.head(sim.feed_urls()[0], headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200 and response.content == b""
    assert int(response.headers["content-length"]) == len(client.get(sim.feed_urls()[0]).content)


@pytest.mark.parametrize(
    ("fault", "status", "retry_after"),
    [
        ("http_500", 500, None),
        ("http_429", 429, "120"),
        ("http_503", 503, "30"),
        ("not_found", 404, None),
        ("gone", 410, None),
        ("http_status", 403, None),
    ],
)
def test_status_faults(
    sim: Simulator, client: httpx.Client, fault: str, status: int, retry_after: str | None
) -> None:
    url = sim.feed_urls()[0]
    params = {"retry_after": 30} if fault == "http_503" else {}
    sim.set_fault(url, fault, **params)
    response = client.get(url)
    assert response.status_code == status
    assert response.headers.get("retry-after") == retry_after
    sim.clear_faults()
    assert client.get(url).status_code == 200


def test_robots_txt_can_be_replaced_per_host(sim: Simulator, client: httpx.Client) -> None:
    home = sim.host_urls()[0]
    default = client.get(home + "robots.txt").text
    assert default == "User-agent: *\nAllow: /\n"
    sim.set_robots_txt(home, "User-agent: *\nDisallow: /articles/\n")
    try:
        assert "Disallow: /articles/" in client.get(home + "robots.txt").text
        assert client.get(sim.host_urls()[1] + "robots.txt").text == default
    finally:
        sim.set_robots_txt(home, default)


def test_fault_can_be_limited_to_the_next_requests(sim: Simulator, client: httpx.Client) -> None:
    feed_id = sim.feed_ids()[1]
    url = sim.feed_urls()[1]
    sim.set_fault(feed_id, "http_503", times=2, retry_after=5)
    assert [client.get(url).status_code for _ in range(3)] == [503, 503, 200]


def test_unknown_faults_and_parameters_are_refused(sim: Simulator) -> None:
    with pytest.raises(ValueError, match="unknown fault"):
        sim.set_fault(sim.feed_ids()[0], "explode")
    with pytest.raises(TypeError, match="retry_after"):
        sim.set_fault(sim.feed_ids()[0], "http_429", retry=5)
    with pytest.raises(ValueError):
        sim.set_fault("no-such-feed", "http_500")


def test_redirect_lands_on_a_url_serving_the_same_feed(sim: Simulator, client: httpx.Client) -> None:
    url = sim.feed_urls()[0]
    expected = [item.title for item in sim.items(url)]
    sim.set_fault(url, "redirect")
    moved = client.get(url)
    assert moved.status_code == 301 and "/moved/" in moved.headers["location"]
    landed = client.get(url, follow_redirects=True)
    assert landed.status_code == 200 and len(landed.history) == 1
    assert [entry.title for entry in feedparser.parse(landed.content).entries] == expected
    assert sim.items(moved.headers["location"]) == sim.items(url)

    sim.set_fault(url, "redirect", hops=3, status=302)
    chained = client.get(url, follow_redirects=True)
    assert [step.status_code for step in chained.history] == [302, 302, 302]
    assert chained.status_code == 200

    elsewhere = sim.feed_urls()[4]
    sim.set_fault(url, "redirect", hops=2, location=elsewhere)
    across = client.get(url, follow_redirects=True)
    assert str(across.url) == elsewhere and len(across.history) == 2


def test_redirect_loop_never_lands(sim: Simulator, client: httpx.Client) -> None:
    url = sim.feed_urls()[0]
    sim.set_fault(url, "redirect_loop")
    with pytest.raises(httpx.TooManyRedirects):
        client.get(url, follow_redirects=True)


def test_malformed_xml_is_not_well_formed(sim: Simulator, client: httpx.Client) -> None:
    url = sim.feed_urls()[1]
    sim.set_fault(url, "malformed_xml")
    response = client.get(url)
    assert response.status_code == 200
    with pytest.raises(ElementTree.ParseError):
        ElementTree.fromstring(response.content)
    assert feedparser.parse(response.content).bozo


def test_not_xml_serves_html_or_binary_with_200(sim: Simulator, client: httpx.Client) -> None:
    url = sim.feed_urls()[0]
    sim.set_fault(url, "not_xml")
    page = client.get(url)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert b"<html" in page.content and not feedparser.parse(page.content).entries
    sim.set_fault(url, "not_xml", variant="binary", content_type="application/rss+xml")
    junk = client.get(url)
    assert junk.status_code == 200 and junk.headers["content-type"] == "application/rss+xml"
    assert not feedparser.parse(junk.content).entries


def test_article_page_can_be_not_html(sim: Simulator, client: httpx.Client) -> None:
    article = sim.items(sim.feed_urls()[0])[2]
    sim.set_fault(article.url, "not_html")
    pdf = client.get(article.url)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    sim.set_fault(article.url, "not_html", variant="json")
    assert client.get(article.url).headers["content-type"] == "application/json"
    assert client.get(sim.feed_urls()[0]).status_code == 200


def test_timeout_hangs_without_blocking_other_requests(sim: Simulator, client: httpx.Client) -> None:
    url = sim.feed_urls()[0]
    sim.set_fault(url, "timeout")
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(url, timeout=httpx.Timeout(10, read=0.5))
    assert time.monotonic() - started < 3
    assert client.get(sim.host_urls()[0]).status_code == 200


def test_slow_body_arrives_in_small_delayed_chunks(sim: Simulator) -> None:
    url = sim.feed_urls()[2]
    sim.set_fault(url, "slow_body", chunk_size=500, delay=0.05)
    started = time.monotonic()
    with httpx.Client(headers={"Accept-Encoding": "identity"}) as http:
        with http.stream("GET", url) as response:
            chunks = list(response.iter_raw())
    elapsed = time.monotonic() - started
    body = b"".join(chunks)
    assert len(body) == int(response.headers["content-length"])
    assert elapsed >= (len(body) // 500) * 0.05 * 0.8
    assert max(len(chunk) for chunk in chunks) <= 500 * 2
    assert len(feedparser.parse(body).entries) == 10


def test_huge_body_streams_until_the_client_gives_up(sim: Simulator) -> None:
    url = sim.feed_urls()[2]
    sim.set_fault(url, "huge_body")
    received = 0
    with httpx.Client() as http, http.stream("GET", url) as response:
        assert response.status_code == 200 and "content-length" not in response.headers
        assert response.headers["transfer-encoding"] == "chunked"
        for chunk in response.iter_raw():
            received += len(chunk)
            if received > 5_000_000:
                break
    assert received > 5_000_000
    sim.clear_faults()
    assert httpx.get(url).status_code == 200


def test_gzip_bomb_is_small_on_the_wire_and_huge_inflated(sim: Simulator) -> None:
    url = sim.feed_urls()[0]
    sim.set_fault(url, "gzip_bomb")
    # httpx's default 5 s read timeout: a loaded machine has been seen to take longer to send the bomb.
    with httpx.Client(timeout=60) as http, http.stream("GET", url) as response:
        raw = b"".join(response.iter_raw())
    assert response.headers["content-encoding"] == "gzip"
    assert len(raw) < 1_000_000
    (inflated_size,) = struct.unpack("<I", raw[-4:])
    assert inflated_size >= 200 * 1024 * 1024
    head = zlib.decompressobj(31).decompress(raw, 1_000_000)
    assert head.startswith(b"<?xml") and len(head) == 1_000_000


def test_host_fault_affects_every_path_of_that_host_only(sim: Simulator, client: httpx.Client) -> None:
    home = sim.host_urls()[2]
    sim.set_host_fault(home, "http_503", retry_after=60)
    own = [url for url in sim.feed_urls() if url.startswith(home)]
    assert {client.get(url).status_code for url in [home, *own]} == {503}
    assert client.get(sim.feed_urls()[0]).status_code == 200
    sim.clear_fault(home)
    assert client.get(home).status_code == 200


def test_hosts_are_distinct_loopback_addresses_on_one_port(sim: Simulator, client: httpx.Client) -> None:
    assert sim.addresses == ["127.0.0.2", "127.0.0.3", "127.0.0.4"]
    for address, home in zip(sim.addresses, sim.host_urls()):
        with socket.create_connection((address, sim.port), timeout=5) as connection:
            assert connection.getpeername() == (address, sim.port)
        assert home == f"http://{address}:{sim.port}/"
    foreign = sim.feed_urls()[0].replace("127.0.0.2", "127.0.0.3")
    assert client.get(foreign).status_code == 404


def settled(sim: Simulator) -> None:
    """Wait until no request is in flight: the server logs a request after its last write drains, a moment
    after the client has the answer (an earlier test's last request could land in the log after a reset)."""
    deadline = time.monotonic() + 10
    while sim.stats()["in_flight"] and time.monotonic() < deadline:
        time.sleep(0.01)


def test_stats_count_requests_per_host_and_path(sim: Simulator, client: httpx.Client) -> None:
    settled(sim)
    sim.reset_stats()
    first, second = sim.feed_urls()[0], sim.feed_urls()[2]
    for _ in range(3):
        client.get(first)
    client.get(second)
    settled(sim)
    stats = sim.stats()
    assert stats["requests"] == 4
    assert stats["hosts"]["127.0.0.2"]["requests"] == 3
    assert stats["hosts"]["127.0.0.3"]["requests"] == 1
    assert stats["hosts"]["127.0.0.4"]["requests"] == 0
    assert stats["paths"] == {first: 3, second: 1}
    assert stats["statuses"] == {200: 4}
    assert stats["hosts"]["127.0.0.2"]["connections"] == 1  # keep-alive reused the connection
    assert [record.path for record in sim.request_log()] == ["/feeds/h2-world.xml"] * 3 + [
        "/feeds/h3-world.xml"
    ]


def test_peak_concurrency_is_measured_per_host(sim: Simulator) -> None:
    sim.reset_stats()
    url = sim.feed_urls()[0]
    # Long enough that the four requests overlap even when a loaded machine starts the threads slowly.
    sim.set_latency(1.5, host=url)

    def fetch(_: int) -> int:
        status: int = httpx.get(url).status_code
        return status

    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            assert list(pool.map(fetch, range(4))) == [200] * 4
    finally:
        sim.set_latency(0)
    stats = sim.stats()
    assert stats["hosts"]["127.0.0.2"]["peak_in_flight"] == 4
    assert stats["hosts"]["127.0.0.2"]["peak_connections"] == 4
    assert stats["hosts"]["127.0.0.3"]["peak_in_flight"] == 0
    settled(sim)
    assert sim.stats()["hosts"]["127.0.0.2"]["in_flight"] == 0
    sim.reset_stats()
    assert sim.stats()["hosts"]["127.0.0.2"]["peak_in_flight"] == 0


def test_slow_responses_count_as_in_flight_until_their_last_byte(sim: Simulator) -> None:
    sim.reset_stats()
    url = sim.feed_urls()[2]
    # Slow enough that the three answers overlap even when a loaded machine starts the threads slowly.
    sim.set_fault(url, "slow_body", chunk_size=4000, delay=0.6)
    with ThreadPoolExecutor(max_workers=3) as pool:
        assert list(pool.map(lambda _: httpx.get(url).status_code, range(3))) == [200] * 3
    assert sim.stats()["hosts"]["127.0.0.3"]["peak_in_flight"] == 3


def test_stop_returns_promptly_with_hanging_and_streaming_clients() -> None:
    simulator = Simulator(hosts=2, feeds_per_host=1, articles_per_feed=3, real_articles=False).start()
    hanging, endless = simulator.feed_urls()
    simulator.set_fault(hanging, "timeout", seconds=60)
    simulator.set_fault(endless, "huge_body")
    outcomes: list[str] = []

    def hang() -> None:
        try:
            httpx.get(hanging, timeout=30)
        except httpx.HTTPError as error:
            outcomes.append(type(error).__name__)

    def stream() -> None:
        try:
            with httpx.stream("GET", endless, timeout=30) as response:
                for _ in response.iter_raw(1024):
                    time.sleep(0.001)  # a slow reader keeps the server's buffers full
        except httpx.HTTPError as error:
            outcomes.append(type(error).__name__)

    clients = [threading.Thread(target=hang), threading.Thread(target=stream)]
    for thread in clients:
        thread.start()
    deadline = time.monotonic() + 5
    while simulator.stats()["in_flight"] < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert simulator.stats()["in_flight"] == 2
    started = time.monotonic()
    simulator.stop()
    assert time.monotonic() - started < 3
    for thread in clients:
        thread.join(timeout=5)
        assert not thread.is_alive()
    assert len(outcomes) == 2
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.2", simulator.port), timeout=1)


def test_module_entry_prints_feed_urls_and_serves_until_interrupted() -> None:
    with Simulator(hosts=1, feeds_per_host=1, articles_per_feed=1, real_articles=False) as probe:
        port = probe.port  # free on 127.0.0.2 and .3 a moment ago
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "newsdesk.simulator",
            "--hosts",
            "2",
            "--feeds-per-host",
            "2",
            "--port",
            str(port),
        ],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        urls = [process.stdout.readline().strip() for _ in range(4)]
        assert urls[0] == f"http://127.0.0.2:{port}/feeds/h2-world.xml"
        assert urls[3] == f"http://127.0.0.3:{port}/feeds/h3-politics.atom"
        assert all(httpx.get(url, timeout=30).status_code == 200 for url in urls)
        process.send_signal(2)  # SIGINT, as Ctrl-C sends
        # Generous: on a loaded machine a child at the suite's niceness took over 30 s to exit.
        assert process.wait(timeout=120) == 0
    finally:
        process.kill()


def test_connection_close_still_delivers_whole_bodies(sim: Simulator) -> None:
    article = sim.items(sim.feed_urls()[0])[0]
    host, port = article.url.split("/")[2].split(":")
    path = "/" + article.url.split("/", 3)[3]
    with socket.create_connection((host, int(port)), timeout=5) as connection:
        connection.sendall(f"GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n".encode())
        time.sleep(0.2)  # let the server fill its buffers before anyone reads
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    assert b"Connection: close" in head
    length = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
    assert len(body) == length and length > 0
