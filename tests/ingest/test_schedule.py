"""When feeds are polled: publishing rate, publisher hints, back-off."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from newsdesk.ingest.schedule import cache_lifetime, next_poll_after_failure, next_poll_after_success

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
pytestmark = pytest.mark.usefixtures("poll_bounds")


@pytest.fixture
def poll_bounds(settings):
    settings.NEWSDESK = {**settings.NEWSDESK, "MIN_POLL_MINUTES": 10, "MAX_POLL_MINUTES": 360}


def every(minutes: int, count: int = 10, newest_age: int = 0) -> list[datetime]:
    return [NOW - timedelta(minutes=newest_age + i * minutes) for i in range(count)]


def test_busy_feeds_are_polled_often_and_quiet_feeds_rarely():
    _, busy = next_poll_after_success(NOW, published=every(30))
    _, daily = next_poll_after_success(NOW, published=every(24 * 60))
    _, flood = next_poll_after_success(NOW, published=every(1))
    assert busy == timedelta(minutes=15)
    assert daily == timedelta(minutes=360)  # capped at the maximum
    assert flood == timedelta(minutes=10)  # floored at the minimum


def test_a_feed_that_has_gone_silent_is_polled_less_even_if_it_used_to_be_busy():
    _, silent = next_poll_after_success(NOW, published=every(20, newest_age=8 * 60))
    assert silent == timedelta(hours=2)  # half of the 4 h a gap now seems to be, not 10 min


def test_ttl_and_cache_lifetime_are_floors():
    _, with_ttl = next_poll_after_success(NOW, published=every(20), ttl_minutes=60)
    _, with_max_age = next_poll_after_success(NOW, published=every(20), headers={"cache-control": "public, max-age=5400"})
    assert with_ttl == timedelta(minutes=60) and with_max_age == timedelta(minutes=90)
    expires = {"expires": "Wed, 25 Nov 2026 14:00:00 GMT"}
    assert cache_lifetime(expires, NOW) == timedelta(hours=2)


def test_unchanged_feed_backs_off_gently_and_skip_hours_are_honoured():
    _, later = next_poll_after_success(NOW, previous=timedelta(minutes=40))
    assert later == timedelta(minutes=50)
    when, _ = next_poll_after_success(NOW, published=every(30), skip_hours={12, 13})
    assert when == datetime(2026, 11, 25, 14, 0, tzinfo=timezone.utc)


def test_failures_back_off_exponentially_within_bounds_and_obey_retry_after():
    delays = [(next_poll_after_failure(NOW, n) - NOW) for n in range(1, 8)]
    assert timedelta(minutes=8) <= delays[0] <= timedelta(minutes=12)
    assert timedelta(minutes=32) <= delays[2] <= timedelta(minutes=48)
    assert all(d <= timedelta(minutes=360 * 1.2) for d in delays)
    assert next_poll_after_failure(NOW, 1, retry_after=7200) - NOW >= timedelta(hours=2)


def test_pushed_feeds_are_polled_at_the_maximum_interval_as_a_safety_net():
    _, interval = next_poll_after_success(NOW, published=every(5), pushed=True)
    assert interval == timedelta(minutes=360)


@pytest.mark.django_db
def test_due_feeds_are_handed_out_alternating_between_hosts(settings):
    from newsdesk.catalog.subscriptions import subscribe
    from newsdesk.ingest.schedule import claim_due_feeds

    settings.NEWSDESK = {**settings.NEWSDESK, "JOB_LEASE_SECONDS": 900}
    urls = [f"https://{host}.example/feed{n}" for host in "abc" for n in range(3)]
    ids = {subscribe(url)[0].id: url.split("/")[2] for url in urls}
    claimed = claim_due_feeds()
    assert sorted(claimed) == sorted(ids)
    assert [ids[i] for i in claimed[:3]] == ["a.example", "b.example", "c.example"]
    assert claim_due_feeds() == []  # leased: nobody else gets them
