"""The front-page score: coverage, discussion and age together, decaying like a Hacker News item."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from newsdesk.stories.rank import GRAVITY, rescore_stories, story_score
from newsdesk.store.models import Story


def test_more_outlets_and_more_comments_rank_higher_and_age_lowers_the_score():
    assert story_score(5, 0, 3) > story_score(1, 0, 3)
    assert story_score(1, 20, 3) > story_score(1, 0, 3)
    assert story_score(3, 10, 1) > story_score(3, 10, 10) > story_score(3, 10, 100) > 0


def test_comments_count_less_and_less_so_coverage_is_not_drowned_by_one_thread():
    assert story_score(1, 500, 2) < story_score(20, 0, 2)
    gain_first = story_score(1, 10, 2) - story_score(1, 0, 2)
    gain_later = story_score(1, 110, 2) - story_score(1, 100, 2)
    assert gain_later < gain_first / 5


def test_the_score_decays_by_gravity_whatever_the_points():
    for sources in (1, 7, 40):
        ratio = story_score(sources, 0, 22) / story_score(sources, 0, 46)
        assert ratio == pytest.approx(2 ** GRAVITY)  # (46 + 2) / (22 + 2) == 2


@pytest.mark.django_db
def test_rescoring_updates_the_weeks_stories_and_leaves_older_ones():
    now = timezone.now()
    recent = Story.objects.create(headline="Recent", last_updated=now - timedelta(hours=5), source_count=4, comment_count=2)
    old = Story.objects.create(headline="Old", last_updated=now - timedelta(days=30), source_count=4, score=0.5)
    assert rescore_stories(now) == 1
    recent.refresh_from_db(), old.refresh_from_db()
    assert recent.score == pytest.approx(story_score(4, 2, 5))
    assert old.score == 0.5
    assert rescore_stories(now) == 0  # nothing changed since
