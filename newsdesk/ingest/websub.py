"""WebSub subscriber: find a feed's hub, subscribe to it, verify its calls, accept its pushes.

Feed.websub_state and what Feed.websub_lease_until means in each state:

- ""          never asked; lease_until unused.
- "requested" the hub took our request and has not verified it yet; lease_until is when we stop
              waiting and ask again.
- "active"    the hub verified; lease_until is when its lease ends.
- "denied"    the hub refused (it said "denied", or answered the request with an error); lease_until
              is when we may ask again.
- "expired"   the lease ran out without a renewal; lease_until is when it did.

Polling never stops: a feed whose hub is pushing is polled at the longest interval instead
(see hub_is_pushing), and at the normal pace again once the hub goes quiet.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import logging
import re
import secrets
import socket
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import unquote, urljoin, urlsplit

import httpx
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from newsdesk.ingest.fetch import create_client, is_allowed_address
from newsdesk.store.models import Feed

if TYPE_CHECKING:
    from newsdesk.ingest.refresh import RefreshResult

log = logging.getLogger("newsdesk.ingest")

LEASE = timedelta(days=10)
MAX_LEASE = timedelta(days=365)
RENEW_BEFORE = timedelta(days=1)
# Hubs verify within seconds; one that has not after this long lost our request (or cannot reach us).
REQUEST_PATIENCE = timedelta(hours=6)
RETRY_AFTER_ERROR = timedelta(hours=6)
# The spec says a denied subscriber should consider the subscription impossible; we ask rarely.
RETRY_AFTER_DENIAL = timedelta(days=7)
# A hub silent for this many longest-poll intervals is presumed broken; polling takes over again.
QUIET_AFTER_INTERVALS = 2
CALLBACK_PATH = "/websub/{feed_id}/{token}/"  # must match the route in newsdesk/web/urls.py
TOKEN_SALT = "newsdesk.ingest.websub.callback"
SIGNATURE_METHODS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha384": hashlib.sha384, "sha512": hashlib.sha512}

_NAME = rb"(?:[A-Za-z_][\w.-]*:)?"
# Comments and CDATA are matched only to be skipped; entry/item tags track depth so that links
# inside entries (which may carry third-party content) never choose our hub.
_TAG = re.compile(
    rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>"
    rb"|<(/?)" + _NAME + rb"(?:entry|item)(?=[\s/>])[^>]*?(/?)>"
    rb"|<" + _NAME + rb"link(?=[\s/>])([^>]*)>",
    re.S | re.I,
)
_ATTRIBUTE = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_HEADER_LINK = re.compile(r"<([^>]*)>((?:\s*;\s*[^;,]*)*)")
_HEADER_REL = re.compile(r"""\brel\s*=\s*(?:"([^"]*)"|([^\s;,"]+))""", re.I)


# Discovery


def find_hub(content: bytes, url: str, link_header: str = "") -> tuple[str, str] | None:
    """Return the (hub, topic) a feed advertises, absolute; None when it names no http(s) hub."""
    header = _links_from_header(link_header)
    document: dict[str, str] = {}
    # Most feeds name no hub: a byte search spares them the scan.
    if b"hub" in content.lower():
        document = _links_from_json(content) if _is_json(content) else _links_from_xml(content)
    hub = header.get("hub") or document.get("hub")
    if not hub:
        return None
    hub, topic = urljoin(url, hub), urljoin(url, header.get("self") or document.get("self") or url)
    if urlsplit(hub).scheme not in {"http", "https"} or urlsplit(topic).scheme not in {"http", "https"}:
        return None
    return hub, topic


def _is_json(content: bytes) -> bool:
    return content.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def _links_from_xml(content: bytes) -> dict[str, str]:
    links: dict[str, str] = {}
    depth = 0
    for match in _TAG.finditer(content):
        closing, self_closing, attributes = match.group(1), match.group(2), match.group(3)
        if attributes is not None:
            if depth == 0:
                _note_link(links, attributes)
                if "hub" in links and "self" in links:
                    break
        elif closing is not None and not self_closing:
            depth = max(0, depth - 1) if closing else depth + 1
    return links


def _note_link(links: dict[str, str], attributes: bytes) -> None:
    values = {m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3) for m in _ATTRIBUTE.finditer(attributes)}
    href = html.unescape(values.get(b"href", b"").decode("utf-8", "replace")).strip()
    if not href:
        return
    for rel in values.get(b"rel", b"").decode("ascii", "replace").lower().split():
        if rel in {"hub", "self"}:
            links.setdefault(rel, href)


def _links_from_json(content: bytes) -> dict[str, str]:
    try:
        document = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return {}
    if not isinstance(document, dict):
        return {}
    links: dict[str, str] = {}
    if isinstance(document.get("feed_url"), str):
        links["self"] = document["feed_url"].strip()
    for hub in document.get("hubs") or []:
        if isinstance(hub, dict) and str(hub.get("type", "")).lower() == "websub" and isinstance(hub.get("url"), str):
            links["hub"] = hub["url"].strip()
            break
    return links


def _links_from_header(value: str) -> dict[str, str]:
    links: dict[str, str] = {}
    for match in _HEADER_LINK.finditer(value or ""):
        rel = _HEADER_REL.search(match.group(2))
        for name in (rel.group(1) or rel.group(2)).lower().split() if rel else []:
            if name in {"hub", "self"}:
                links.setdefault(name, match.group(1).strip())
    return links


# Subscribing


def callback_token(feed_id: int) -> str:
    """Return the unguessable path token that proves a callback request is about this feed."""
    return salted_hmac(TOKEN_SALT, str(feed_id), algorithm="sha256").hexdigest()[:32]


def token_matches(feed_id: int, token: str) -> bool:
    """True when token is this feed's callback token (compared in constant time)."""
    return constant_time_compare(callback_token(feed_id), token)


def callback_url(feed_id: int) -> str:
    """Return the public URL the hub calls for this feed."""
    path = CALLBACK_PATH.format(feed_id=feed_id, token=callback_token(feed_id))
    return settings.NEWSDESK["BASE_URL"].rstrip("/") + path


def note_hub(feed: Feed, content: bytes, url: str, link_header: str = "", client: httpx.Client | None = None) -> bool:
    """After a poll, subscribe to the feed's hub if that is due; True when a hub accepted a request.

    Never raises for a hub's failure: it is logged and the feed asks again later.
    """
    found = find_hub(content, url, link_header)
    if found is None:
        return False
    hub, topic = found
    now = timezone.now()
    if not _request_due(feed, hub, topic, now):
        return False
    unreachable = callback_unreachable(hub)
    if unreachable:
        log.debug("%s (not subscribing %s)", unreachable, feed.url)
        return False
    if (hub, topic) != (feed.websub_hub, feed.websub_topic) or not feed.websub_secret:
        # A new hub gets a new secret, so the one we shared with the old hub signs nothing of ours.
        _save(feed, websub_hub=hub, websub_topic=topic, websub_secret=secrets.token_urlsafe(32),
              websub_state="", websub_lease_until=None)
    return request_subscription(feed, client)


def _request_due(feed: Feed, hub: str, topic: str, now: datetime) -> bool:
    if (hub, topic) != (feed.websub_hub, feed.websub_topic):
        return True
    until = feed.websub_lease_until
    if feed.websub_state == "active":
        return until is None or until - now <= RENEW_BEFORE
    if feed.websub_state in {"requested", "denied"}:
        return until is None or until <= now
    return True


def request_subscription(feed: Feed, client: httpx.Client | None = None) -> bool:
    """POST a subscribe request for the feed's stored hub and topic; True when the hub accepted it."""
    # The same secret is sent again on renewal, so pushes signed under the current lease, or a late
    # verification of an earlier request, still check out.
    before = (feed.websub_state, feed.websub_lease_until)
    form = {
        "hub.mode": "subscribe",
        "hub.topic": feed.websub_topic,
        "hub.callback": callback_url(feed.id),
        "hub.secret": feed.websub_secret,
        "hub.lease_seconds": str(int(LEASE.total_seconds())),
    }
    own_client = client is None
    client = client or _client()
    try:
        with client.stream("POST", feed.websub_hub, data=form) as response:
            status = response.status_code
            excerpt = b""
            for chunk in response.iter_bytes():
                excerpt += chunk
                if len(excerpt) >= 300:
                    break
    except (httpx.HTTPError, httpx.InvalidURL) as error:
        _record_refusal(feed, f"websub: cannot reach hub {feed.websub_hub} for {feed.url} ({error})", RETRY_AFTER_ERROR)
        return False
    finally:
        if own_client:
            client.close()
    if status not in {202, 204}:
        reason = " ".join(excerpt[:300].decode("utf-8", "replace").split())
        _record_refusal(feed, f"websub: hub {feed.websub_hub} refused the subscription for {feed.url} "
                              f"with HTTP {status}: {reason or '(no reason given)'}", RETRY_AFTER_ERROR)
        return False
    # A hub may verify before it answers; only move to "requested" if no verification got there first.
    pending = {"websub_state": "requested", "websub_lease_until": timezone.now() + REQUEST_PATIENCE}
    if Feed.objects.filter(id=feed.id, websub_state=before[0], websub_lease_until=before[1]).update(**pending):
        for name, value in pending.items():
            setattr(feed, name, value)
    else:
        feed.refresh_from_db(fields=["websub_state", "websub_lease_until"])
    log.info("websub: asked hub %s to push %s", feed.websub_hub, feed.websub_topic)
    return True


def _record_refusal(feed: Feed, message: str, retry_after: timedelta) -> None:
    now = timezone.now()
    if subscription_is_active(feed, now):
        log.warning("%s; the current lease holds until %s, so the next poll asks again", message,
                    feed.websub_lease_until.isoformat(timespec="minutes"))
        return
    log.warning("%s; polling as usual, asking again in %s", message, retry_after)
    _save(feed, websub_state="denied", websub_lease_until=now + retry_after)


def renew_leases() -> int:
    """Re-subscribe feeds whose lease ends within a day or has ended; return how many hubs accepted."""
    now = timezone.now()
    Feed.objects.filter(websub_state="active", websub_lease_until__lte=now).update(websub_state="expired")
    due = (Feed.objects.exclude(websub_hub="").exclude(websub_secret="")
           .filter(Q(websub_state="expired") | Q(websub_state="active", websub_lease_until__lte=now + RENEW_BEFORE)
                   | Q(websub_state="active", websub_lease_until__isnull=True)))
    accepted = 0
    with _client() as client:
        for feed in due.iterator():
            if not callback_unreachable(feed.websub_hub) and request_subscription(feed, client):
                accepted += 1
    return accepted


def callback_unreachable(hub: str) -> str | None:
    """Say why this hub could not reach our callback (a private BASE_URL, a public hub), or None."""
    base = urlsplit(settings.NEWSDESK["BASE_URL"]).hostname or ""
    if not _is_private_host(base) or _is_private_host(urlsplit(hub).hostname or ""):
        return None
    return (f"websub: NEWSDESK_BASE_URL is on {base}, which hub {hub} cannot reach; "
            "set it to the site's public address to receive pushes")


def _is_private_host(host: str) -> bool:
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)} if host else set()
    except (OSError, UnicodeError):
        return False
    return bool(addresses) and not any(is_allowed_address(a) for a in addresses)


def _client() -> httpx.Client:
    # Imported here because refresh imports this module to call note_hub after each poll.
    from newsdesk.ingest.refresh import limits_from_settings

    # The client refuses private addresses unless allowed, so an advertised hub cannot aim our
    # subscription requests at the local network.
    return create_client(limits_from_settings())


def _save(feed: Feed, **fields) -> None:
    """Write only these fields, so a poll finishing at the same time keeps its own."""
    Feed.objects.filter(id=feed.id).update(**fields)
    for name, value in fields.items():
        setattr(feed, name, value)


# The hub's calls to our callback


def verify_intent(feed: Feed | None, params: Mapping[str, str]) -> tuple[int, str]:
    """Answer the hub's verification GET: (HTTP status, body), the body being the challenge on success."""
    mode = params.get("hub.mode", "")
    topic = params.get("hub.topic", "")
    if feed is None or not feed.websub_hub or not _same_topic(topic, feed.websub_topic):
        return 404, ""
    now = timezone.now()
    if mode == "subscribe":
        challenge = params.get("hub.challenge", "")
        if not challenge:
            return 400, "websub: hub.challenge is missing"
        lease = _lease(params.get("hub.lease_seconds", ""))
        _save(feed, websub_state="active", websub_lease_until=now + lease)
        log.info("websub: hub %s verified %s for %s", feed.websub_hub, topic, lease)
        return 200, challenge
    if mode == "denied":
        reason = params.get("hub.reason", "") or "no reason given"
        _save(feed, websub_state="denied", websub_lease_until=now + RETRY_AFTER_DENIAL)
        log.warning("websub: hub %s denied the subscription to %s: %s", feed.websub_hub, topic, reason[:300])
        return 200, ""
    if mode == "unsubscribe":
        # We never ask to unsubscribe (an unwanted subscription just lapses), so this is not our intent.
        return 404, ""
    return 400, "websub: hub.mode must be subscribe, unsubscribe or denied"


def _same_topic(given: str, ours: str) -> bool:
    # Hubs may percent-decode what we sent them, so compare the decoded forms.
    return bool(given) and unquote(given.strip()) == unquote(ours)


def _lease(raw: str) -> timedelta:
    """The lease the hub granted; the one we asked for if it sent none (the spec requires it)."""
    if not raw.strip().isdigit():
        return LEASE
    return min(MAX_LEASE, timedelta(seconds=int(raw.strip())))


def accept_push(feed: Feed, body: bytes, signature_header: str | None) -> bool:
    """Queue a pushed feed document for storing if its signature checks out; False when it was dropped.

    The hub waits for our answer, and some give up after a few seconds: the entries' pages are
    fetched and extracted by a worker afterwards, not while the hub holds the connection.
    """
    if not feed.websub_secret:
        log.warning("websub: push for %s dropped: no subscription with a secret was made for it", feed.url)
        return False
    if not signature_matches(feed.websub_secret, body, signature_header):
        log.warning("websub: push for %s dropped: %s X-Hub-Signature", feed.url,
                    "a wrong" if signature_header else "no")
        return False
    _save(feed, websub_last_push=timezone.now())
    # Imported here: the queue's tasks module imports ingestion, not the other way round.
    from newsdesk.tasks import store_push_task

    store_push_task(feed.id, body)
    return True


def store_push(feed_id: int, body: bytes) -> RefreshResult | None:
    """Store the new entries of a pushed document that accept_push queued; None if the feed is gone."""
    # Imported here because refresh imports this module to call note_hub after each poll.
    from newsdesk.ingest.refresh import ingest_document

    feed = Feed.objects.select_related("source").filter(id=feed_id).first()
    if feed is None:
        return None
    result = ingest_document(feed, body, feed.websub_topic or feed.url)
    if result.status == "failed":
        log.warning("websub: push for %s could not be read: %s", feed.url, result.error)
    return result


def signature_matches(secret: str, body: bytes, header: str | None) -> bool:
    """True when header is "method=hexdigest", an HMAC of body keyed with secret."""
    method, _, signature = (header or "").strip().partition("=")
    digest = SIGNATURE_METHODS.get(method.strip().lower())
    if digest is None or not signature:
        return False
    expected = hmac.new(secret.encode(), body, digest).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.strip().lower().encode("utf-8", "replace"))


# Scheduling


def subscription_is_active(feed: Feed, now: datetime) -> bool:
    """True when a hub verified the feed's subscription and the lease has not ended."""
    return feed.websub_state == "active" and feed.websub_lease_until is not None and feed.websub_lease_until > now


def hub_is_quiet(feed: Feed, now: datetime) -> bool:
    """True when the subscription is active but no push came for QUIET_AFTER_INTERVALS longest intervals.

    A subscription that has not pushed yet counts as quiet: the hub earns the slower polling.
    """
    if not subscription_is_active(feed, now):
        return False
    return feed.websub_last_push is None or now - feed.websub_last_push > QUIET_AFTER_INTERVALS * _longest_interval()


def hub_is_pushing(feed: Feed, now: datetime) -> bool:
    """True while the hub delivers the feed's updates, so polling can drop to the longest interval."""
    return subscription_is_active(feed, now) and not hub_is_quiet(feed, now)


def _longest_interval() -> timedelta:
    return timedelta(minutes=settings.NEWSDESK["MAX_POLL_MINUTES"])
