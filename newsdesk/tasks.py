"""Queue jobs: the scheduler hands due feeds to the workers, one task per feed; WebSub pushes, one per push;
and the stories of what they stored, by one assigner at a time."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from newsdesk.ingest.refresh import refresh_feed
from newsdesk.ingest.schedule import claim_due_feeds
from newsdesk.ingest.websub import renew_leases, store_push
from newsdesk.stories.assign import assign_waiting, assigner_turn, prune_events
from newsdesk.stories.rank import rescore_stories

# Set while an assignment task is queued and not yet begun: stores meanwhile need not queue another.
ASSIGNMENT_ASKED = "newsdesk:assignment-asked"


@db_task(retries=0, context=False)
def refresh_feed_task(feed_id: int) -> None:
    if refresh_feed(feed_id).new_articles:
        ask_for_assignment()


@db_task(retries=0, context=False)
def store_push_task(feed_id: int, body: bytes) -> None:
    result = store_push(feed_id, body)
    if result is not None and result.new_articles:
        ask_for_assignment()


def ask_for_assignment() -> None:
    """Queue an assigner's turn for the articles just stored, unless one is already queued and not yet begun."""
    # Called after the articles committed; the flag is cleared only by an assigner holding its turn,
    # just before it looks for waiting articles, so whatever committed before this call is seen.
    if HUEY.put_if_empty(ASSIGNMENT_ASKED, "1"):
        assign_stories_task()


# Ahead of the feeds still queued: else the articles stored now would wait for every one of them.
@db_task(retries=0, context=False, priority=100)
def assign_stories_task() -> int:
    """Wait for the assigner's turn, then assign every article waiting for its story."""
    with assigner_turn(wait=True):
        HUEY.get(ASSIGNMENT_ASKED)  # taken: from now on a store queues the next turn
        return assign_waiting()


@db_periodic_task(crontab(minute="*"))
def assign_stranded_articles() -> int:
    """Every minute: assign articles no queued turn will reach (their assigner died), unless an assigner is busy."""
    with assigner_turn(wait=False) as held:
        if not held:
            return 0  # the assigner at work takes every waiting article before it stops
        HUEY.get(ASSIGNMENT_ASKED)  # a flag left by a turn that died before it began
        return assign_waiting()


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
