"""Queue jobs: the scheduler hands due feeds to the workers, one task per feed; WebSub pushes, one per push."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from newsdesk.ingest.refresh import refresh_feed
from newsdesk.ingest.schedule import claim_due_feeds
from newsdesk.ingest.websub import renew_leases, store_push
from newsdesk.stories.assign import prune_events
from newsdesk.stories.rank import rescore_stories


@db_task(retries=0, context=False)
def refresh_feed_task(feed_id: int) -> None:
    refresh_feed(feed_id)


@db_task(retries=0, context=False)
def store_push_task(feed_id: int, body: bytes) -> None:
    store_push(feed_id, body)


@db_periodic_task(crontab(minute="*"))
def enqueue_due_feeds() -> int:
    """Every minute: claim the feeds that are due and queue one refresh each."""
    feed_ids = claim_due_feeds()
    for feed_id in feed_ids:
        refresh_feed_task(feed_id)
    return len(feed_ids)


@db_periodic_task(crontab(minute="17"))
def renew_websub_leases() -> int:
    """Every hour: re-subscribe feeds whose WebSub lease ends within a day."""
    return renew_leases()


@db_periodic_task(crontab(minute="*/5"))
def rescore_recent_stories() -> int:
    """Every five minutes: recompute the front-page score of the week's stories, which decays with age."""
    return rescore_stories()


@db_periodic_task(crontab(minute="41"))
def prune_story_events() -> int:
    """Every hour: close stories gone quiet and drop membership events every worker has long replayed."""
    return prune_events()
