"""WebSub: a real hub on 127.0.0.1 subscribes, verifies and pushes to the live site's callback."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape, quoteattr

import httpx
import pytest
from django.utils import timezone

from newsdesk.catalog.subscriptions import subscribe
from newsdesk.ingest.websub import (
    LEASE,
    callback_token,
    find_hub,
    hub_is_pushing,
    hub_is_quiet,
    note_hub,
    renew_leases,
)
from newsdesk.store.models import Article, Feed


class Hub:
    """A WebSub hub on 127.0.0.1: records subscription requests, and verifies and pushes on demand."""

    def __init__(self, status: int = 202, verify_before_answering: bool = False):
        self.status = status
        self.verify_before_answering = verify_before_answering
        self.requests: list[dict[str, str]] = []
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                form = dict(parse_qsl(self.rfile.read(int(self.headers["Content-Length"])).decode()))
                form["content-type"] = self.headers["Content-Type"]
                hub.requests.append(form)
                if hub.verify_before_answering:
                    hub.verify(form)
                self.send_response(hub.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hub"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def verify(self, request: dict[str, str], mode: str = "subscribe", topic: str | None = None,
               lease_seconds: int | None = None, **extra: str) -> httpx.Response:
        """Call the request's callback as a hub verifying (or denying) it."""
        params = {"hub.mode": mode, "hub.topic": topic or request["hub.topic"], **extra}
        if mode != "denied":
            params.setdefault("hub.challenge", secrets.token_urlsafe(16))
            params["hub.lease_seconds"] = str(lease_seconds or request["hub.lease_seconds"])
        return httpx.get(request["hub.callback"], params=params, timeout=30)

    def push(self, request: dict[str, str], body: bytes, secret: str | None = None, method: str = "sha256") -> httpx.Response:
        """Deliver body to the request's callback, signed with its secret (or the one given)."""
        key = (secret if secret is not None else request["hub.secret"]).encode()
        signature = f"{method}={hmac.new(key, body, getattr(hashlib, method)).hexdigest()}"
        headers = {"Content-Type": "application/atom+xml", "X-Hub-Signature": signature}
        return httpx.post(request["hub.callback"], content=body, headers=headers, timeout=60)


def atom(topic: str, hub: str, items=()) -> bytes:
    """An Atom feed advertising hub and topic, with one entry per simulator article."""
    entries = "".join(
        f"<entry><id>{escape(item.guid)}</id><title>{escape(item.title)}</title>"
        f"<link rel='alternate' href={quoteattr(item.url)}/><updated>{item.published.isoformat()}</updated></entry>"
        for item in items
    )
    return (f"<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
            f"<title>Pushed news</title><id>{escape(topic)}</id><updated>2024-01-01T00:00:00Z</updated>"
            f"<link rel='hub' href={quoteattr(hub)}/><link rel='self' href={quoteattr(topic)}/>"
            f"{entries}</feed>").encode()


@pytest.fixture
def hub():
    hub = Hub()
    yield hub
    hub.stop()


@pytest.fixture
def site(live_server, settings):
    """The live Newsdesk site, with BASE_URL pointing at it so callbacks reach it."""
    settings.NEWSDESK = {**settings.NEWSDESK, "BASE_URL": live_server.url, "ALLOW_PRIVATE_NETWORKS": True}
    return live_server


@pytest.fixture
def feed(simulator) -> Feed:
    return subscribe(simulator.feed_urls()[0])[0]


@pytest.fixture
def queue():
    """The task queue, empty; call it to run what was queued, as a worker would."""
    from huey.contrib.djhuey import HUEY

    HUEY.flush()

    def run_queued() -> int:
        ran = 0
        while (task := HUEY.dequeue()) is not None:
            HUEY.execute(task)
            ran += 1
        return ran

    return run_queued


def subscribed(feed: Feed, hub: Hub) -> dict[str, str]:
    """Poll-discover the hub, let it verify, and return the subscription request it recorded."""
    assert note_hub(feed, atom(feed.url, hub.url), feed.url)
    request = hub.requests[-1]
    assert hub.verify(request).status_code == 200
    feed.refresh_from_db()
    return request


# Discovery


def test_hub_and_self_links_are_found_in_atom_rss_and_json_feed_with_relative_urls_resolved():
    base = "https://news.example/feeds/world.xml"
    assert find_hub(atom("https://news.example/world", "https://hub.example/"), base) == (
        "https://hub.example/", "https://news.example/world")
    rss = (b"<rss version='2.0' xmlns:atom='http://www.w3.org/2005/Atom'><channel><title>T</title>"
           b"<link>https://news.example/</link><item><title>A</title><link>https://news.example/a</link>"
           b"<atom:link rel='hub' href='https://evil.example/hub'/></item>"
           b"<atom:link rel=\"hub\" href=\"/hub?x=1&amp;y=2\"/></channel></rss>")
    assert find_hub(rss, base) == ("https://news.example/hub?x=1&y=2", base)
    json_feed = b'{"version": "https://jsonfeed.org/version/1.1", "feed_url": "https://news.example/feed.json",' \
                b' "hubs": [{"type": "rssCloud", "url": "https://cloud.example/"}, {"type": "WebSub", "url": "https://hub.example/"}]}'
    assert find_hub(json_feed, base) == ("https://hub.example/", "https://news.example/feed.json")


def test_link_header_wins_over_the_document_and_a_feed_without_hub_has_none():
    document = atom("https://news.example/world", "https://hub.example/")
    header = '<https://other-hub.example/>; rel="hub", </topic.xml>; rel=self'
    assert find_hub(document, "https://news.example/feed", header) == ("https://other-hub.example/", "https://news.example/topic.xml")
    assert find_hub(b"<rss version='2.0'><channel><title>No hub</title></channel></rss>", "https://news.example/feed") is None
    assert find_hub(b"{not json", "https://news.example/feed") is None


# Subscribing and verification


@pytest.mark.django_db(transaction=True)
def test_discovered_hub_gets_a_subscription_request_with_callback_topic_secret_and_lease(site, hub, feed):
    assert note_hub(feed, atom(feed.url, hub.url), feed.url)

    [request] = hub.requests
    feed.refresh_from_db()
    assert request["content-type"] == "application/x-www-form-urlencoded"
    assert request["hub.mode"] == "subscribe"
    assert request["hub.topic"] == feed.url == feed.websub_topic
    assert request["hub.callback"] == f"{site.url}/websub/{feed.id}/{callback_token(feed.id)}/"
    assert request["hub.secret"] == feed.websub_secret and len(feed.websub_secret) >= 32
    assert int(request["hub.lease_seconds"]) == LEASE.total_seconds()
    assert (feed.websub_hub, feed.websub_state) == (hub.url, "requested")

    # The next poll waits for the verification instead of asking again.
    assert not note_hub(feed, atom(feed.url, hub.url), feed.url)
    assert len(hub.requests) == 1


@pytest.mark.django_db(transaction=True)
def test_verification_echoes_the_challenge_as_plain_text_and_activates_the_lease(site, hub, feed):
    note_hub(feed, atom(feed.url, hub.url), feed.url)
    before = timezone.now()

    response = hub.verify(hub.requests[0], lease_seconds=3600, **{"hub.challenge": "ch4llenge<script>"})

    assert response.status_code == 200 and response.text == "ch4llenge<script>"
    assert response.headers["content-type"].startswith("text/plain")
    assert response.headers["x-content-type-options"] == "nosniff"
    feed.refresh_from_db()
    assert feed.websub_state == "active"
    assert before + timedelta(seconds=3600) <= feed.websub_lease_until <= timezone.now() + timedelta(seconds=3600)


@pytest.mark.django_db(transaction=True)
def test_verification_for_another_topic_a_wrong_token_or_an_unsubscribe_is_refused(site, hub, feed):
    note_hub(feed, atom(feed.url, hub.url), feed.url)
    request = hub.requests[0]

    assert hub.verify(request, topic="http://127.0.0.1:9/elsewhere.xml").status_code == 404
    assert hub.verify(request, mode="unsubscribe").status_code == 404
    forged = {**request, "hub.callback": f"{site.url}/websub/{feed.id}/{'0' * 32}/"}
    assert hub.verify(forged).status_code == 404
    unknown = {**request, "hub.callback": f"{site.url}/websub/{feed.id + 1000}/{callback_token(feed.id + 1000)}/"}
    assert hub.verify(unknown).status_code == 404
    assert hub.push(unknown, b"<feed/>").status_code == 410

    feed.refresh_from_db()
    assert feed.websub_state == "requested"


@pytest.mark.django_db(transaction=True)
def test_a_hub_that_verifies_before_answering_leaves_the_subscription_active(site, feed):
    hub = Hub(status=204, verify_before_answering=True)
    try:
        assert note_hub(feed, atom(feed.url, hub.url), feed.url)
    finally:
        hub.stop()
    feed.refresh_from_db()
    assert feed.websub_state == "active"


@pytest.mark.django_db(transaction=True)
def test_a_hub_that_refuses_or_denies_never_breaks_the_poll_and_is_not_asked_again_at_once(site, feed):
    hub = Hub(status=500)
    try:
        assert not note_hub(feed, atom(feed.url, hub.url), feed.url)
        feed.refresh_from_db()
        assert feed.websub_state == "denied" and feed.websub_lease_until > timezone.now()
        assert not note_hub(feed, atom(feed.url, hub.url), feed.url)
        assert len(hub.requests) == 1

        hub.status = 202
        Feed.objects.filter(id=feed.id).update(websub_lease_until=timezone.now())
        feed.refresh_from_db()
        assert note_hub(feed, atom(feed.url, hub.url), feed.url)
        assert hub.verify(hub.requests[-1], mode="denied", **{"hub.reason": "not today"}).status_code == 200
        feed.refresh_from_db()
        assert feed.websub_state == "denied" and feed.websub_lease_until > timezone.now() + timedelta(days=6)
    finally:
        hub.stop()


@pytest.mark.django_db(transaction=True)
def test_a_feed_that_moves_to_another_hub_subscribes_there_with_a_new_secret(site, hub, feed):
    first = subscribed(feed, hub)
    other = Hub()
    try:
        assert note_hub(feed, atom(feed.url, other.url), feed.url)
        [request] = other.requests
    finally:
        other.stop()
    feed.refresh_from_db()
    assert feed.websub_hub == other.url
    assert request["hub.secret"] == feed.websub_secret != first["hub.secret"]


@pytest.mark.django_db(transaction=True)
def test_no_subscription_at_a_public_hub_while_the_site_is_on_loopback(site, feed):
    # A hub on the internet could never call back to localhost; asking it would only waste its time.
    assert not note_hub(feed, atom(feed.url, "http://8.8.8.8/hub"), feed.url)
    feed.refresh_from_db()
    assert feed.websub_state == "" and feed.websub_hub == ""


@pytest.mark.django_db(transaction=True)
def test_a_hub_on_a_private_address_is_not_contacted_unless_private_networks_are_allowed(site, hub, feed, settings):
    settings.NEWSDESK = {**settings.NEWSDESK, "ALLOW_PRIVATE_NETWORKS": False}
    assert not note_hub(feed, atom(feed.url, hub.url), feed.url)
    assert hub.requests == []
    feed.refresh_from_db()
    assert feed.websub_state == "denied"


# Pushes


@pytest.mark.django_db(transaction=True)
def test_signed_push_is_answered_at_once_then_a_worker_stores_its_new_articles(site, hub, feed, simulator, queue):
    request = subscribed(feed, hub)
    items = simulator.items(feed.url)[:3]

    response = hub.push(request, atom(feed.url, hub.url, items))

    assert 200 <= response.status_code < 300
    assert Article.objects.count() == 0  # the hub did not wait for the pages to be fetched
    assert queue() == 2  # the push, then the assigner's turn it asked for
    assert set(Article.objects.filter(feed=feed).values_list("url", flat=True)) == {item.url for item in items}
    assert not Article.objects.filter(story__isnull=True).exists()
    assert {a.title for a in Article.objects.all()} == {item.title for item in items}
    feed.refresh_from_db()
    assert feed.websub_last_push is not None

    # The same document pushed again (sha1 this time) adds nothing.
    assert hub.push(request, atom(feed.url, hub.url, items), method="sha1").status_code == 204
    queue()
    assert Article.objects.count() == len(items)


@pytest.mark.django_db(transaction=True)
def test_push_with_a_wrong_signature_or_none_is_acknowledged_and_dropped(site, hub, feed, simulator, queue):
    request = subscribed(feed, hub)
    document = atom(feed.url, hub.url, simulator.items(feed.url)[:2])

    assert hub.push(request, document, secret="not-the-secret", method="sha512").status_code == 204
    unsigned = httpx.post(request["hub.callback"], content=document, headers={"Content-Type": "application/atom+xml"})
    assert unsigned.status_code == 204
    signature = "sha256=" + hmac.new(request["hub.secret"].encode(), document, hashlib.sha256).hexdigest()
    tampered = document.replace(b"</feed>", b"<!-- changed on the way --></feed>")
    assert httpx.post(request["hub.callback"], content=tampered, headers={"X-Hub-Signature": signature}).status_code == 204
    assert queue() == 0
    assert Article.objects.count() == 0
    feed.refresh_from_db()
    assert feed.websub_last_push is None

    assert httpx.post(request["hub.callback"], content=document, headers={"X-Hub-Signature": signature}).status_code == 204
    assert queue() == 2  # the push, then the assigner's turn it asked for
    assert Article.objects.count() == 2


# Leases and scheduling


@pytest.mark.django_db(transaction=True)
def test_lease_near_its_end_is_renewed_with_the_same_secret_and_reactivated(site, hub, feed):
    first = subscribed(feed, hub)
    assert renew_leases() == 0  # ten days left

    Feed.objects.filter(id=feed.id).update(websub_lease_until=timezone.now() + timedelta(hours=2))
    assert renew_leases() == 1

    renewal = hub.requests[-1]
    assert len(hub.requests) == 2
    assert {k: renewal[k] for k in ("hub.mode", "hub.topic", "hub.callback", "hub.secret")} == \
        {k: first[k] for k in ("hub.mode", "hub.topic", "hub.callback", "hub.secret")}
    assert hub.verify(renewal).status_code == 200
    feed.refresh_from_db()
    assert feed.websub_state == "active" and feed.websub_lease_until > timezone.now() + timedelta(days=9)

    # A lease that ran out is marked so, and asked for again.
    Feed.objects.filter(id=feed.id).update(websub_lease_until=timezone.now() - timedelta(minutes=1))
    assert renew_leases() == 1
    feed.refresh_from_db()
    assert feed.websub_state == "requested" and len(hub.requests) == 3


@pytest.mark.django_db(transaction=True)
def test_hub_counts_as_pushing_until_it_has_been_silent_for_twice_the_longest_poll_interval(site, hub, feed, simulator, settings, queue):
    request = subscribed(feed, hub)
    now = timezone.now()
    assert hub_is_quiet(feed, now) and not hub_is_pushing(feed, now)  # it has pushed nothing yet

    hub.push(request, atom(feed.url, hub.url, simulator.items(feed.url)[:1]))
    queue()
    feed.refresh_from_db()
    now = timezone.now()
    assert hub_is_pushing(feed, now) and not hub_is_quiet(feed, now)

    later = now + 2 * timedelta(minutes=settings.NEWSDESK["MAX_POLL_MINUTES"]) + timedelta(minutes=1)
    Feed.objects.filter(id=feed.id).update(websub_lease_until=later + timedelta(days=1))
    feed.refresh_from_db()
    assert hub_is_quiet(feed, later) and not hub_is_pushing(feed, later)

    # Once the lease has ended there is no subscription to be quiet or pushing.
    ended = later + timedelta(days=2)
    assert not hub_is_quiet(feed, ended) and not hub_is_pushing(feed, ended)
