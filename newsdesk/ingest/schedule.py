"""When to poll a feed next: after a success, after a failure, and which feeds are due."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from email.utils import parsedate_to_datetime
from itertools import zip_longest
from typing import Mapping
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from newsdesk.store.articles import write_turn
from newsdesk.store.models import Feed



def poll_bounds() -> tuple[timedelta, timedelta]:
    options = settings.NEWSDESK
    return timedelta(minutes=options["MIN_POLL_MINUTES"]), timedelta(minutes=options["MAX_POLL_MINUTES"])


def publishing_gap(published: list[datetime], now: datetime) -> timedelta | None:
    """The feed's typical time between two items, stretched when it has gone quiet."""
    times = sorted({p for p in published if p and p <= now}, reverse=True)[:20]
    if not times:
        return None
    since_newest = now - times[0]
    if len(times) < 2:
        return since_newest
    gaps = sorted(a - b for a, b in zip(times, times[1:]))
    return max(gaps[len(gaps) // 2], since_newest / 2)


def cache_lifetime(headers: Mapping[str, str], now: datetime) -> timedelta | None:
    """How long the publisher says the document stays fresh (Cache-Control max-age, Expires)."""
    control = headers.get("cache-control", "")
    for part in control.split(","):
        name, _, value = part.strip().partition("=")
        if name.lower() in {"max-age", "s-maxage"} and value.strip().isdigit():
            return timedelta(seconds=int(value))
    if headers.get("expires"):
        try:
            expires = parsedate_to_datetime(headers["expires"])
        except (TypeError, ValueError):
            return None
        if expires.tzinfo is not None:
            return max(timedelta(0), expires - now)
    return None


def skip_to_open_hour(moment: datetime, skip_hours: set[int]) -> datetime:
    """Move moment past the hours (UTC) in which the feed says it is not worth polling."""
    if not skip_hours or len(skip_hours) >= 24:
        return moment
    while moment.astimezone(dt_timezone.utc).hour in skip_hours:
        moment = (moment + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    return moment


def next_poll_after_success(
    now: datetime,
    *,
    published: list[datetime] = (),
    previous: timedelta | None = None,
    ttl_minutes: int | None = None,
    headers: Mapping[str, str] | None = None,
    skip_hours: set[int] | None = None,
    pushed: bool = False,
) -> tuple[datetime, timedelta]:
    """Return when to poll next and the interval chosen.

    Busy feeds are polled about twice per publishing gap, quiet ones rarely, always within the
    minimum and maximum settings; the publisher's ttl and cache lifetime are floors, and a feed
    whose hub pushes updates (WebSub) is polled at the maximum interval as a safety net.
    """
    shortest, longest = poll_bounds()
    if pushed:
        interval = longest
    else:
        gap = publishing_gap(list(published), now) if published else None
        if gap is not None:
            interval = gap / 2
        elif previous is not None:
            interval = previous * 1.25  # unchanged (304): back off gently
        else:
            interval = shortest
        hints = [timedelta(minutes=ttl_minutes) if ttl_minutes else None, cache_lifetime(headers or {}, now)]
        interval = max([interval, *[h for h in hints if h]])
    interval = max(shortest, min(longest, interval))
    return skip_to_open_hour(now + interval, skip_hours or set()), interval


def next_poll_after_failure(now: datetime, failures: int, retry_after: float | None = None) -> datetime:
    """Back off exponentially with jitter, and never sooner than the publisher asked."""
    shortest, longest = poll_bounds()
    delay = min(longest, shortest * (2 ** max(0, failures - 1)))
    delay = delay * random.uniform(0.8, 1.2)
    if retry_after:
        delay = max(delay, timedelta(seconds=retry_after))
    return now + delay


def claim_due_feeds(limit: int = 500) -> list[int]:
    """Return ids of feeds due now, each leased so no other scheduler hands it out too.

    The ids alternate between hosts, so the workers that take them in order spread over many
    publishers at once instead of queueing behind one publisher's politeness budget.
    """
    now = timezone.now()
    # A claimed feed is not handed out again until the lease ends, so a worker that dies
    # mid-poll only delays that feed: the next scheduler pass picks it up.
    lease = timedelta(seconds=settings.NEWSDESK["JOB_LEASE_SECONDS"])
    by_host: dict[str, list[int]] = {}
    due = Feed.objects.filter(next_fetch__lte=now).order_by("next_fetch").values_list("id", "next_fetch", "url")[:limit]
    # One transaction for the whole batch: one commit, and on SQLite one turn of the write lock.
    with write_turn(), transaction.atomic():
        for feed_id, due_at, url in due:
            # Conditional update: only one scheduler can move next_fetch from the value it read.
            if Feed.objects.filter(id=feed_id, next_fetch=due_at).update(next_fetch=now + lease):
                by_host.setdefault(urlsplit(url).hostname or "", []).append(feed_id)
    return interleave(list(by_host.values()))


def interleave(groups: list[list[int]]) -> list[int]:
    """Round-robin over groups: the first of each, then the second of each, and so on."""
    return [item for round_ in zip_longest(*groups) for item in round_ if item is not None]


def refresh_soon(feed_ids: list[int]) -> int:
    """Make feeds due now (the admin's "Refresh now")."""
    return Feed.objects.filter(id__in=feed_ids).update(next_fetch=timezone.now() - timedelta(seconds=1))
