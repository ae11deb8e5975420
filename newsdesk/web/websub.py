"""The WebSub callback: where a hub verifies our subscriptions and pushes feed documents."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from newsdesk.ingest import websub
from newsdesk.store.models import Feed

log = logging.getLogger("newsdesk.web")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def callback(request: HttpRequest, feed_id: int, token: str) -> HttpResponse:
    """GET: answer the hub's verification of intent. POST: take a push; 2xx for any known feed."""
    if not websub.token_matches(feed_id, token):
        return _plain(404, "")
    feed = Feed.objects.select_related("source").filter(id=feed_id).first()
    if request.method == "GET":
        return _plain(*websub.verify_intent(feed, request.GET))
    if feed is None:
        # The token is ours, so the feed was deleted: 410 lets the hub end the subscription.
        return _plain(410, "")
    limit = settings.NEWSDESK["MAX_BODY_BYTES"]
    body = request.read(limit + 1)
    if len(body) > limit:
        log.warning("websub: push for %s dropped: larger than %d bytes", feed.url, limit)
    else:
        websub.accept_push(feed, body, request.headers.get("X-Hub-Signature"))
    # 2xx even for a dropped push: the spec allows it, and it tells a forger nothing.
    return _plain(204, "")


def _plain(status: int, body: str) -> HttpResponse:
    # Challenges are hub-chosen text echoed back: a plain, unsniffable type keeps them inert.
    response = HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    return response
