"""Ranking of the front page: coverage, discussion and recency in one score.

    points = source_count + DISCUSSION_WEIGHT * log2(1 + comment_count)
    score  = points / (age_hours + AGE_OFFSET_HOURS) ** GRAVITY

Coverage counts linearly: each outlet that covers a story is an independent editor's vote
that it matters. Discussion counts logarithmically, so that a busy thread lifts a story without
one lively argument outweighing the coverage of every outlet (255 comments weigh as 16 outlets).
Age is measured from the story's newest article: a story that outlets keep covering stays
current, and clustering closes a story that has gone quiet. Gravity makes the score fall like a
Hacker News item's: a story needs about twice the points to match a rival half its age.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from newsdesk.store.models import Story

GRAVITY = 1.8
AGE_OFFSET_HOURS = 2.0
DISCUSSION_WEIGHT = 2.0
RESCORE_WINDOW = timedelta(days=7)  # older stories have fallen below every fresh one; their score stays
BATCH = 500


def story_score(source_count: int, comment_count: int, age_hours: float) -> float:
    """The ranking score of a story: higher with more outlets and comments, lower with age."""
    points = max(source_count, 1) + DISCUSSION_WEIGHT * math.log2(1 + max(comment_count, 0))
    return points / (max(age_hours, 0.0) + AGE_OFFSET_HOURS) ** GRAVITY


def age_hours(updated: datetime, now: datetime) -> float:
    return (now - updated).total_seconds() / 3600


def rescore_stories(now: datetime | None = None, window: timedelta = RESCORE_WINDOW) -> int:
    """Store the current score of every story updated within window; return how many changed."""
    now = now or timezone.now()
    recent = Story.objects.filter(last_updated__gte=now - window).order_by("id")
    changed = 0
    last_id = 0
    while True:
        batch = list(recent.filter(id__gt=last_id).only("id", "source_count", "comment_count", "last_updated", "score")[:BATCH])
        if not batch:
            return changed
        last_id = batch[-1].id
        stale = []
        for story in batch:
            score = story_score(story.source_count, story.comment_count, age_hours(story.last_updated, now))
            if not math.isclose(score, story.score, rel_tol=1e-9, abs_tol=1e-12):
                story.score = score
                stale.append(story)
        with transaction.atomic():
            Story.objects.bulk_update(stale, ["score"], batch_size=BATCH)
        changed += len(stale)
