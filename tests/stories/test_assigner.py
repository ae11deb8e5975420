"""The one assigner: stored articles wait without a story, then get the story assign_story would give them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from django.db import transaction

from newsdesk.stories.assign import assign_waiting, assigner_lead, assigner_turn, drop_window, load_window, locked_window
from newsdesk.stories.cluster import StorySummary
from newsdesk.stories.moderate import move_article
from newsdesk.store.models import Article, ArticleFeatures, ClusterEvent, Story
from test_assign import CHESS, QUAKE_COURIER, QUAKE_HERALD  # tests/stories is on the path, as for every test here
from tests_support import FLOOD_CLAIMS, FLOOD_REPORTS, database_url, store_and_assign, store_waiting

NOW = timezone.now().replace(microsecond=0) - timedelta(days=1)

# Quake, chess, then a flood whose claims piece first stands alone and later moves to the grown flood story.
ARRIVALS = [
    ("herald", "quake", "Earthquake damages homes in Valparaíso", QUAKE_HERALD, NOW),
    ("courier", "quake", "Rescuers reach Valparaíso after magnitude 7.1 quake", QUAKE_COURIER, NOW + timedelta(hours=2)),
    ("tribune", "chess", "Gukesh keeps his world chess title", CHESS, NOW),
    ("insurer-news", "claims", *FLOOD_CLAIMS, NOW + timedelta(hours=1)),
    *[(f"outlet{n}", "flood", title, text, NOW + timedelta(hours=n + 2)) for n, (title, text) in enumerate(FLOOD_REPORTS)],
    ("gazette", "quake-wire", "Strong earthquake hits Chile's coast",
     QUAKE_HERALD.replace("on Tuesday morning", "early on Tuesday"), NOW + timedelta(hours=3)),
]


def stories_by_url() -> tuple[set[frozenset[str]], dict[str, dict]]:
    """The partition of the stored articles into stories (by URL), and each article's recorded reason."""
    groups: dict[int, set[str]] = {}
    reasons = {}
    urls = dict(Article.objects.values_list("id", "url"))
    for url, story, assignment in Article.objects.values_list("url", "story_id", "assignment"):
        groups.setdefault(story, set()).add(url)
        copy_of = assignment.get("copy_of")
        reasons[url] = {**assignment, "copy_of": urls[int(copy_of)] if copy_of else None}  # ids differ between runs
    return {frozenset(group) for group in groups.values()}, reasons


def forget_everything() -> None:
    Article.objects.all().delete()
    Story.objects.all().delete()
    ClusterEvent.objects.all().delete()
    drop_window()


@pytest.mark.django_db
def test_waiting_articles_get_the_stories_and_reasons_one_at_a_time_assignment_gives_in_the_same_order():
    for arrival in ARRIVALS:
        store_and_assign(*arrival)
    expected = stories_by_url()
    forget_everything()

    waiting = [store_waiting(*arrival) for arrival in ARRIVALS]
    assert Article.objects.filter(story__isnull=True).count() == len(ARRIVALS)
    assert ArticleFeatures.objects.filter(article__in=waiting).count() == len(ARRIVALS)

    assert assign_waiting() == len(ARRIVALS)
    assert stories_by_url() == expected
    assert assign_waiting() == 0  # nothing is assigned twice
    for story in Story.objects.filter(merged_into=None):
        assert story.article_count == story.articles.count() >= 1


@pytest.mark.django_db
def test_an_article_waiting_for_its_story_is_listed_by_its_outlet_and_the_api_without_a_story(client):
    article = store_waiting("herald", "quake", "Earthquake damages homes in Valparaíso", QUAKE_HERALD, NOW)

    page = client.get(f"/sources/{article.source_id}/")
    assert page.status_code == 200 and article.url in page.content.decode()
    answer = client.get(f"/api/articles/{article.pk}")
    assert answer.status_code == 200 and answer.json()["story_id"] is None

    assign_waiting()
    article.refresh_from_db()
    cache.clear()  # the page cache would serve the first rendering for up to a minute, as it does for any change
    assert f"/stories/{article.story_id}/" in client.get(f"/sources/{article.source_id}/").content.decode()


@pytest.mark.django_db
def test_a_moderator_can_place_an_article_still_waiting_and_the_assigner_leaves_it_there():
    quake = store_and_assign("herald", "quake", "Earthquake damages homes in Valparaíso", QUAKE_HERALD, NOW)
    waiting = store_waiting("tribune", "chess", "Gukesh keeps his world chess title", CHESS, NOW)

    move_article(waiting, Story.objects.get(pk=quake.story_id), "moderator")
    assert assign_waiting() == 0
    waiting.refresh_from_db()
    assert waiting.story_id == quake.story_id and waiting.pinned
    assert Story.objects.get(pk=quake.story_id).article_count == 2


HOLD_TURN = """
import django, sys
django.setup()
from newsdesk.stories.assign import assigner_turn
with assigner_turn(wait=False) as held:
    print("held" if held else "busy", flush=True)
    sys.stdin.readline()
"""


def child(script: str, *args: str) -> subprocess.Popen:
    environment = {**os.environ, "NEWSDESK_DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "newsdesk.settings"}
    return subprocess.Popen([sys.executable, "-c", script, *args], env=environment, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.mark.django_db(transaction=True)
def test_one_assigner_at_a_time_and_a_dead_one_leaves_its_turn_to_the_next():
    holder = child(HOLD_TURN)
    try:
        assert holder.stdout.readline().strip() == "held", holder.stderr.read()
        with assigner_turn(wait=False) as held:
            assert not held
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
    finally:
        if holder.poll() is None:
            holder.kill()
    # PostgreSQL ends a dead client's backend, and with it the session lock, a moment after the client dies.
    wait_until(turn_is_free, "the killed holder's turn to pass on", seconds=30)


def turn_is_free() -> bool:
    with assigner_turn(wait=False) as held:
        return held


# The real assigner in a child process; each decision is slowed down so that the kill lands inside
# the batch's transaction, after the child said it had begun writing decisions.
SLOW_ASSIGNER = """
import django, sys, time
django.setup()
import newsdesk.stories.assign as assign
real_join = assign.join_story
def slow_join(*args, **kwargs):
    story = real_join(*args, **kwargs)
    print("deciding", flush=True)
    time.sleep(0.2)
    return story
assign.join_story = slow_join
with assign.assigner_turn():
    print(assign.assign_batch(limit=int(sys.argv[1])), flush=True)
"""


@pytest.mark.django_db(transaction=True)
def test_an_assigner_killed_mid_batch_leaves_every_article_assigned_exactly_once_by_the_next():
    for arrival in ARRIVALS:
        store_waiting(*arrival)
    assigner = child(SLOW_ASSIGNER, str(len(ARRIVALS)))
    try:
        assert assigner.stdout.readline().strip() == "deciding", assigner.stderr.read()
        assigner.send_signal(signal.SIGKILL)
        assigner.wait(timeout=30)
    finally:
        if assigner.poll() is None:
            assigner.kill()
    # The batch's transaction died with it: nothing of it remains.
    assert Article.objects.filter(story__isnull=True).count() == len(ARRIVALS)
    assert not ClusterEvent.objects.exists() and not Story.objects.exists()

    assert assign_waiting() == len(ARRIVALS)
    assert not Article.objects.filter(story__isnull=True).exists()
    for article_id in Article.objects.values_list("id", flat=True):
        assert ClusterEvent.objects.filter(kind="add", article_id=article_id).count() == 1
    counted = sum(Story.objects.values_list("article_count", flat=True))
    assert counted == len(ARRIVALS)
    for story in Story.objects.filter(article_count__gt=0):
        assert story.article_count == story.articles.count()


ASSIGNER = """
import django
django.setup()
from newsdesk.stories.assign import assign_waiting, assigner_turn
with assigner_turn():
    print(assign_waiting(), flush=True)
"""


@pytest.mark.django_db(transaction=True)
def test_a_batch_another_process_assigned_is_replayed_here_into_the_stories_the_database_holds():
    store_and_assign(*ARRIVALS[0])  # this process's window is built before the batch, and replays it afterwards
    for arrival in ARRIVALS[1:]:
        store_waiting(*arrival)
    assigner = child(ASSIGNER)
    output, errors = assigner.communicate(timeout=120)
    assert assigner.returncode == 0, errors
    assert int(output.split()[-1]) == len(ARRIVALS) - 1

    # Stories the batch started, joined later in it, and one the batch's stray moved away from.
    with transaction.atomic(), locked_window() as window:
        replayed = {pk: window.clusterer.story_of(str(pk)) for pk in Article.objects.values_list("id", flat=True)}
        stories = {key: unordered(window.clusterer.summary(key)) for key in set(replayed.values())}
    assert replayed == dict(Article.objects.values_list("id", "story_id"))
    assert ClusterEvent.objects.filter(kind="merge").exists()
    fresh = load_window().clusterer
    assert stories == {key: unordered(fresh.summary(key)) for key in stories}


def unordered(summary: StorySummary) -> StorySummary:
    # A rebuilt window adds members in id order, a replaying one in the order they joined.
    return replace(summary, members=tuple(sorted(summary.members)), sources=tuple(sorted(summary.sources)))


@pytest.mark.django_db(transaction=True)
def test_feeds_that_store_while_a_turn_is_queued_queue_no_second_turn_and_the_turn_assigns_them_all():
    from huey.contrib.djhuey import HUEY

    from newsdesk.tasks import ask_for_assignment

    HUEY.flush()
    for arrival in ARRIVALS[:3]:
        store_waiting(*arrival)
        ask_for_assignment()
    assert HUEY.pending_count() == 1

    HUEY.execute(HUEY.dequeue())
    assert not Article.objects.filter(story__isnull=True).exists()
    store_waiting(*ARRIVALS[3])
    ask_for_assignment()  # the turn has begun and ended: the next store queues the next one
    assert HUEY.pending_count() == 1
    HUEY.flush()


@pytest.mark.django_db(transaction=True)
def test_a_moderator_move_made_while_a_batch_runs_waits_for_the_batch_and_then_holds():
    quake = store_and_assign(*ARRIVALS[0])
    chess = store_and_assign(*ARRIVALS[2])
    for arrival in ARRIVALS[3:]:
        store_waiting(*arrival)
    assigner = child(SLOW_ASSIGNER, "100")
    try:
        assert assigner.stdout.readline().strip() == "deciding", assigner.stderr.read()
        move_article(chess, Story.objects.get(pk=quake.story_id), "moderator")
        output, errors = assigner.communicate(timeout=120)
    finally:
        if assigner.poll() is None:
            assigner.kill()
    assert assigner.returncode == 0, errors
    assert int(output.split()[-1]) == len(ARRIVALS) - 3

    chess.refresh_from_db()
    assert chess.story_id == quake.story_id and chess.pinned
    assert not Article.objects.filter(story__isnull=True).exists()
    story = Story.objects.get(pk=quake.story_id)
    assert story.article_count == story.articles.count() == 3  # the herald, the wire copy, and the moved chess piece


def assigner_process() -> subprocess.Popen:
    environment = {**os.environ, "NEWSDESK_DATABASE_URL": database_url()}
    return subprocess.Popen([sys.executable, "-m", "newsdesk.cli", "assigner"], env=environment,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def wait_until(condition, what: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.1)


def lead_taken() -> bool:
    with assigner_lead(wait=False) as held:
        return not held


@pytest.mark.django_db(transaction=True)
def test_assigner_processes_one_leads_and_when_it_is_killed_another_assigns_what_is_stored_next(monkeypatch):
    from huey.contrib.djhuey import HUEY

    import newsdesk.tasks as tasks

    HUEY.flush()
    first = assigner_process()
    second = None
    try:
        wait_until(lead_taken, "the first assigner process to lead")
        second = assigner_process()
        # As in a worker whose assigner process lives: a store raises the flag and queues no task.
        monkeypatch.setattr(tasks, "assigner_process", first)
        for arrival in ARRIVALS[:4]:
            store_waiting(*arrival)
            tasks.ask_for_assignment()
        assert HUEY.pending_count() == 0
        wait_until(lambda: not Article.objects.filter(story__isnull=True).exists(), "the leader to assign")

        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
        monkeypatch.setattr(tasks, "assigner_process", second)
        for arrival in ARRIVALS[4:]:
            store_waiting(*arrival)
            tasks.ask_for_assignment()
        wait_until(lambda: not Article.objects.filter(story__isnull=True).exists(), "the second to take over and assign")
        assert second.poll() is None, second.stderr.read()
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()
    HUEY.flush()
    for article_id in Article.objects.values_list("id", flat=True):
        assert ClusterEvent.objects.filter(kind="add", article_id=article_id).count() == 1
    assert sum(Story.objects.values_list("article_count", flat=True)) == len(ARRIVALS)


@pytest.mark.django_db
def test_a_story_started_by_a_waiting_article_carries_its_title_lead_time_and_language():
    article = store_waiting("herald", "quake", "Earthquake damages homes in Valparaíso", QUAKE_HERALD, NOW)
    assign_waiting()
    article.refresh_from_db()
    story = Story.objects.get(pk=article.story_id)
    assert (story.headline, story.lead_article_id, story.first_seen, story.language) == (
        "Earthquake damages homes in Valparaíso", article.pk, NOW, "en")
