"""When to poll a feed next: after a success, after a failure, and which feeds are due."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from newsdesk.store.models import Feed

# A claimed feed is not handed out again for this long, so a worker that dies mid-poll
# only delays that feed; the next scheduler pass picks it up once the lease runs out.
CLAIM_LEASE = timedelta(minutes=15)


def poll_bounds() -> tuple[timedelta, timedelta]:
    options = settings.NEWSDESK
    return timedelta(minutes=options["MIN_POLL_MINUTES"]), timedelta(minutes=options["MAX_POLL_MINUTES"])


def next_poll_after_success(now: datetime, ttl_minutes: int | None = None) -> datetime:
    shortest, longest = poll_bounds()
    interval = shortest
    if ttl_minutes:
        interval = max(shortest, min(longest, timedelta(minutes=ttl_minutes)))
    return now + interval


def next_poll_after_failure(now: datetime, failures: int, retry_after: float | None = None) -> datetime:
    """Back off exponentially with jitter, and never sooner than the publisher asked."""
    shortest, longest = poll_bounds()
    delay = min(longest, shortest * (2 ** max(0, failures - 1)))
    delay = delay * random.uniform(0.8, 1.2)
    if retry_after:
        delay = max(delay, timedelta(seconds=retry_after))
    return now + delay


def claim_due_feeds(limit: int = 500) -> list[int]:
    """Return ids of feeds due now, each leased so no other scheduler hands it out too."""
    now = timezone.now()
    claimed = []
    for feed_id, due in Feed.objects.filter(next_fetch__lte=now).order_by("next_fetch").values_list("id", "next_fetch")[:limit]:
        # Conditional update: only one scheduler can move next_fetch from the value it read.
        if Feed.objects.filter(id=feed_id, next_fetch=due).update(next_fetch=now + CLAIM_LEASE):
            claimed.append(feed_id)
    return claimed


def refresh_soon(feed_ids: list[int]) -> int:
    """Make feeds due now (the admin's "Refresh now")."""
    return Feed.objects.filter(id__in=feed_ids).update(next_fetch=timezone.now() - timedelta(seconds=1))


__all__ = ["claim_due_feeds", "next_poll_after_failure", "next_poll_after_success", "refresh_soon"]
