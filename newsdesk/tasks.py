"""Queue jobs: the scheduler hands due feeds to the workers, one task per feed; WebSub pushes, one per push;
and the stories of what they stored, by one assigner at a time: the assigner process a worker runs beside
its consumer (`serve_assignments`), or else a queued task."""

from __future__ import annotations

import subprocess
import time
from typing import Callable

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from newsdesk.ingest.refresh import refresh_feed
from newsdesk.ingest.schedule import claim_due_feeds
from newsdesk.ingest.websub import renew_leases, store_push
from newsdesk.stories.assign import assign_waiting, assigner_lead, assigner_turn, prune_events
from newsdesk.stories.rank import rescore_stories

# Set while an assignment task is queued and not yet begun: stores meanwhile need not queue another.
ASSIGNMENT_ASKED = "newsdesk:assignment-asked"
# How often the leading assigner process looks at that flag, and sweeps whatever no flag announced.
WATCH_SECONDS = 0.1
SWEEP_SECONDS = 60.0
STANDBY_SECONDS = 1.0  # how often a standing-by assigner process tries to lead

# The assigner process this worker runs beside its consumer (`newsdesk worker`); while it lives, a store
# only raises the flag it watches, so that no consumer thread takes the assigner's turn.
assigner_process: subprocess.Popen | None = None


def assigner_beside() -> bool:
    return assigner_process is not None and assigner_process.poll() is None


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
    """Ask for an assigner's turn for the articles just stored: raise the flag, and queue a task for the turn
    unless one is already queued and not yet begun, or this worker's assigner process watches the flag."""
    # Called after the articles committed; the flag is cleared only by an assigner holding its turn,
    # just before it looks for waiting articles, so whatever committed before this call is seen.
    if HUEY.put_if_empty(ASSIGNMENT_ASKED, "1") and not assigner_beside():
        assign_stories_task()


def serve_assignments(keep_going: Callable[[], bool]) -> None:
    """While keep_going(): lead the installation's assigning if no other process does, else stand by to take over."""
    while keep_going():
        with assigner_lead(wait=False) as leading:
            if leading:
                watch_for_assignments(keep_going)
                continue
        time.sleep(STANDBY_SECONDS)


def watch_for_assignments(keep_going: Callable[[], bool]) -> None:
    """Take an assigner's turn whenever a store raised the flag, and every SWEEP_SECONDS anyway."""
    swept = None
    while keep_going():
        if HUEY.get(ASSIGNMENT_ASKED, peek=True) is None and swept is not None and time.monotonic() - swept < SWEEP_SECONDS:
            time.sleep(WATCH_SECONDS)
            continue
        # The turn, not the lead, keeps assigners apart: `newsdesk fetch` or a queued task may hold it meanwhile.
        with assigner_turn(wait=True):
            swept = time.monotonic()
            HUEY.get(ASSIGNMENT_ASKED)  # taken: from now on a store raises it again
            assign_waiting(keep_going)


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
    if assigner_beside():
        return 0  # the assigner processes sweep for themselves
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
