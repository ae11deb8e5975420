"""The HTTP layer against misbehaving publishers: limits, redirects, address guard."""

from __future__ import annotations

import ipaddress
import time

import pytest

from newsdesk.ingest.fetch import FetchError, Limits, create_client, fetch, retry_after_seconds

OPEN = Limits(timeout=3.0, max_bytes=2 * 1024 * 1024, allow_private=True)


def get(url: str, limits: Limits = OPEN, **options):
    with create_client(limits) as client:
        return fetch(client, url, limits, **options)


def test_conditional_get_answers_not_modified_with_no_body(simulator):
    url = simulator.feed_urls()[0]
    first = get(url)
    again = get(url, etag=first.etag, last_modified=first.last_modified)
    assert first.status == 200 and first.etag
    assert again.not_modified and again.content == b""


def test_gzip_bomb_is_cut_off_after_the_limit_counted_after_decompression(simulator):
    url = simulator.feed_urls()[0]
    simulator.set_fault(url, "gzip_bomb", inflated_size=64 * 1024 * 1024)
    with pytest.raises(FetchError, match="more than 2097152 bytes \\(after decompression\\); cut off"):
        get(url)


def test_endless_body_is_cut_off(simulator):
    url = simulator.feed_urls()[0]
    simulator.set_fault(url, "huge_body")
    with pytest.raises(FetchError, match="cut off"):
        get(url)


def test_silent_server_times_out_with_a_clear_error(simulator):
    url = simulator.feed_urls()[0]
    simulator.set_fault(url, "timeout", seconds=30)
    started = time.monotonic()
    with pytest.raises(FetchError, match="timed out"):
        get(url, Limits(timeout=1.0, allow_private=True))
    assert time.monotonic() - started < 10


def test_body_trickling_in_is_abandoned_at_the_total_deadline(simulator):
    url = simulator.feed_urls()[0]
    simulator.set_fault(url, "slow_body", chunk_size=64, delay=0.3)
    with pytest.raises(FetchError, match="in total; cut off"):
        get(url, Limits(timeout=1.0, allow_private=True))


def test_redirects_are_followed_up_to_five_and_loops_refused(simulator):
    url = simulator.feed_urls()[0]
    simulator.set_fault(url, "redirect", hops=3)
    response = get(url)
    assert response.status == 200 and response.url != url and b"<rss" in response.content
    simulator.set_fault(url, "redirect", hops=6)
    with pytest.raises(FetchError, match="redirected more than 5 times"):
        get(url)
    simulator.set_fault(url, "redirect_loop")
    with pytest.raises(FetchError, match="redirected more than 5 times"):
        get(url)


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:9/feed", "http://localhost:9/feed", "http://169.254.169.254/latest/meta-data/",
    "http://[::1]:9/", "http://10.0.0.1/feed", "http://192.168.1.1/", "http://[::ffff:127.0.0.1]:9/",
])
def test_private_loopback_and_metadata_addresses_are_refused(url):
    with pytest.raises(FetchError, match="refused: .* private, loopback or link-local"):
        get(url, Limits(timeout=2.0))


def test_a_redirect_to_a_private_address_is_refused_at_that_hop(simulator):
    first, second = simulator.addresses[:2]
    url = next(u for u in simulator.feed_urls() if f"//{first}:" in u)
    target = next(u for u in simulator.feed_urls() if f"//{second}:" in u)
    only_first = Limits(timeout=3.0, allow_private=(ipaddress.ip_network(f"{first}/32"),))
    assert get(url, only_first).status == 200
    simulator.set_fault(url, "redirect", location=target)
    with pytest.raises(FetchError, match=f"refused: {second} resolves to {second}"):
        get(url, only_first)


def test_retry_after_reads_seconds_and_http_dates():
    assert retry_after_seconds("120") == 120
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert retry_after_seconds("soon") is None
