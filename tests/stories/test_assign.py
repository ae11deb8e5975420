"""The live assignment path: stored articles join their stories, the same way in every worker process."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from newsdesk.catalog.subscriptions import subscribe
from newsdesk.stories.assign import (assign_story, current_window, describe_article, drop_window, join_story,
                                     locked_window, prune_events, store_features, summarize)
from newsdesk.stories.cluster import Decision, Reason
from newsdesk.stories.moderate import move_article
from newsdesk.store.articles import ArticleData, save_article
from newsdesk.store.models import Article, ClusterEvent, Story
from tests_support import FLOOD_CLAIMS, FLOOD_REPORTS, database_url, store_and_assign

NOW = timezone.now().replace(microsecond=0) - timedelta(days=1)

QUAKE_HERALD = (
    "A strong earthquake struck the coast of Chile near Valparaíso on Tuesday morning, damaging hundreds of homes "
    "and cutting power to large parts of the region. President Gabriel Boric said rescue teams from Santiago were on "
    "their way and that the navy was checking the harbour for damage. The quake had a magnitude of 7.1, according "
    "to the national seismology centre, and was followed by several aftershocks. Schools in Valparaíso stayed "
    "closed while engineers inspected their buildings, and hospitals treated dozens of people for light injuries."
)
QUAKE_COURIER = (
    "Rescue teams from Santiago reached Valparaíso on Tuesday after a magnitude 7.1 earthquake shook the Chilean "
    "coast, leaving hundreds of homes damaged and tens of thousands without power. Gabriel Boric, the president, "
    "promised help for every family that lost its home, while the navy inspected the harbour. Seismologists "
    "recorded a series of aftershocks through the morning. Hospitals in the region treated dozens of injured "
    "people, and schools in Valparaíso will remain closed until engineers have checked them."
)
CHESS = (
    "The world chess championship in Singapore ended on Sunday with a tiebreak win for Gukesh Dommaraju, who "
    "defended his title against Magnus Carlsen after twelve drawn classical games. The rapid games decided it: "
    "Gukesh won the third with the black pieces after Carlsen overlooked a knight manoeuvre in a difficult endgame. "
    "The organisers in Singapore said the match had drawn record audiences online and in the hall."
)


def store(outlet: str, slug: str, title: str, text: str, published=NOW) -> Article:
    return store_and_assign(outlet, slug, title, text, published)


@pytest.mark.django_db
def test_two_outlets_reporting_one_event_share_a_story_with_counts_and_a_reason():
    first = store("herald", "quake", "Earthquake damages homes in Valparaíso", QUAKE_HERALD)
    second = store("courier", "chile-quake", "Rescuers reach Valparaíso after magnitude 7.1 quake", QUAKE_COURIER,
                   published=NOW + timedelta(hours=2))
    other = store("herald", "chess", "Gukesh keeps his world chess title", CHESS)

    assert first.story_id == second.story_id != other.story_id
    story = Story.objects.get(pk=first.story_id)
    assert (story.article_count, story.source_count) == (2, 2)
    assert story.last_updated == NOW + timedelta(hours=2)
    assert story.lead_article_id in (first.pk, second.pk)
    assert story.headline in (first.title, second.title)
    assert first.assignment["kind"] == "new"
    assert second.assignment["kind"] in ("similar", "copy")
    assert second.assignment["similarity"] > 0
    assert second.assignment["time_gap_hours"] == pytest.approx(2.0)
    assert any("valpara" in name for name in second.assignment["shared_names"])
    assert Story.objects.get(pk=other.story_id).article_count == 1


@pytest.mark.django_db
def test_a_lightly_edited_wire_copy_is_recorded_as_a_copy_of_the_first():
    original = store("wire", "quake", "Strong quake hits Chile", QUAKE_HERALD)
    edited = QUAKE_HERALD.replace("on Tuesday morning", "early on Tuesday").replace("dozens of people", "dozens")
    copy = store("gazette", "quake-wire", "Strong earthquake hits Chile's coast", edited)
    assert copy.story_id == original.story_id
    assert copy.assignment["kind"] == "copy"
    assert copy.copy_of_id == original.pk
    assert list(original.copies.all()) == [copy]


@pytest.mark.django_db
def test_stories_close_after_the_window_and_a_late_article_starts_a_new_story():
    early = store("herald", "quake", "Earthquake damages homes in Valparaíso", QUAKE_HERALD,
                  published=NOW - timedelta(days=10))
    late = store("courier", "quake", "Rescuers reach Valparaíso after magnitude 7.1 quake", QUAKE_COURIER)
    assert late.story_id != early.story_id
    assert Story.objects.get(pk=early.story_id).closed
    assert not Story.objects.get(pk=late.story_id).closed


@pytest.mark.django_db
def test_a_story_running_longer_than_the_window_keeps_its_counts_in_memory_after_a_rebuild_and_a_move():
    texts = [("Earthquake damages homes in Valparaíso", QUAKE_HERALD),
             ("Rescuers reach Valparaíso after magnitude 7.1 quake", QUAKE_COURIER)]
    first = NOW - timedelta(days=6)
    reports = [store(f"outlet{i % 4}", f"quake-{i}", texts[i % 2][0], f"{texts[i % 2][1]} Update {i} of the day.",
                     published=first + timedelta(hours=12 * i)) for i in range(12)]
    story = Story.objects.get(pk=reports[0].story_id)
    assert {report.story_id for report in reports} == {story.pk} and not story.closed
    assert (story.article_count, story.source_count, story.first_seen) == (12, 4, first)
    clusterer = current_window().clusterer
    assert clusterer.story_of(str(reports[0].pk)) is None  # six days old: out of memory, still in its story
    assert clusterer.story_of(str(reports[-1].pk)) == story.pk
    drop_window()  # the next assignment rebuilds the window from the database
    latest = store("outlet9", "quake-latest", *texts[0], published=first + timedelta(hours=12 * 12))
    story.refresh_from_db()
    assert latest.story_id == story.pk
    assert (story.article_count, story.source_count, story.first_seen) == (13, 5, first)
    assert current_window().clusterer.story_of(str(reports[0].pk)) is None
    chess = store("herald", "chess", "Gukesh keeps his world chess title", CHESS)
    move_article(Article.objects.get(pk=reports[1].pk), Story.objects.get(pk=chess.story_id), "mona")
    story.refresh_from_db()
    assert (story.article_count, story.source_count) == (12, 5)
    assert Story.objects.get(pk=chess.story_id).article_count == 2


@pytest.mark.django_db
def test_a_failed_transaction_leaves_neither_rows_nor_memory_behind():
    store("herald", "quake", "Earthquake damages homes in Valparaíso", QUAKE_HERALD)
    article = assign_and_roll_back("https://courier.example", "Rescuers reach Valparaíso", QUAKE_COURIER)
    assert not Article.objects.filter(guid="lost").exists()
    assert not ClusterEvent.objects.filter(article_id=article.pk).exists()
    again = store("courier", "quake", "Rescuers reach Valparaíso after magnitude 7.1 quake", QUAKE_COURIER)
    assert Story.objects.get(pk=again.story_id).article_count == 2


CHILD = """
import django, sys
django.setup()
from django.db import transaction
from newsdesk.catalog.subscriptions import subscribe
from newsdesk.stories.assign import assign_story
from newsdesk.store.articles import ArticleData, save_article
from django.utils.dateparse import parse_datetime
feed, _ = subscribe("https://courier.example/rss")
article, _ = save_article(feed, ArticleData(url="https://courier.example/quake", guid="q", title=sys.argv[1], authors=[],
                                            published=parse_datetime(sys.argv[3]), text=sys.argv[2]))
with transaction.atomic():
    print(assign_story(article))
"""


def assign_and_roll_back(site: str, title: str, text: str) -> Article:
    """Store and assign an article (guid "lost") in a transaction that then fails, as a worker dying mid-job."""
    feed, _ = subscribe(f"{site}/rss")
    with pytest.raises(RuntimeError), transaction.atomic():
        article, _ = save_article(feed, ArticleData(url=f"{site}/lost", guid="lost", authors=[],
                                                    title=title, published=NOW, text=text))
        assign_story(article)
        raise RuntimeError("the worker died mid-transaction")
    return article


def assign_in_another_process(title: str, text: str, published: datetime) -> subprocess.CompletedProcess:
    """Run CHILD: a second worker process stores and assigns one article from courier.example."""
    environment = {**os.environ, "NEWSDESK_DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "newsdesk.settings"}
    return subprocess.run([sys.executable, "-c", CHILD, title, text, published.isoformat()],
                          env=environment, capture_output=True, text=True, timeout=120)


@pytest.mark.django_db(transaction=True)
def test_a_worker_process_joins_the_story_another_process_started_and_this_one_sees_it():
    first = store("herald", "quake", "Earthquake damages homes in Valparaíso", QUAKE_HERALD)
    child = assign_in_another_process("Rescuers reach Valparaíso", QUAKE_COURIER, NOW + timedelta(hours=1))
    assert child.returncode == 0, child.stderr
    assert int(child.stdout.strip()) == first.story_id
    # This process replays the child's event: a third report joins the same story, now of three articles.
    third = store("gazette", "quake", "Chile counts the cost of the Valparaíso earthquake",
                  QUAKE_HERALD.replace("Tuesday", "Wednesday"), published=NOW + timedelta(hours=3))
    assert third.story_id == first.story_id
    assert Story.objects.get(pk=first.story_id).article_count == 3


@pytest.mark.django_db(transaction=True)
def test_after_a_rolled_back_assignment_a_worker_still_replays_the_next_event_another_process_wrote():
    first = store("herald", "quake", "Earthquake damages homes in Valparaíso", QUAKE_HERALD)
    assign_and_roll_back("https://tribune.example", "Gukesh keeps his world chess title", CHESS)
    # Another worker writes the next event; on SQLite it gets the id the rolled-back one had.
    child = assign_in_another_process("Rescuers reach Valparaíso", QUAKE_COURIER, NOW + timedelta(hours=1))
    assert child.returncode == 0, child.stderr
    third = store("gazette", "quake", "Chile counts the cost of the Valparaíso earthquake",
                  QUAKE_HERALD.replace("Tuesday", "Wednesday"), published=NOW + timedelta(hours=3))
    assert third.story_id == first.story_id
    assert Story.objects.get(pk=first.story_id).article_count == 3 == Article.objects.filter(story_id=first.story_id).count()


@pytest.mark.django_db
def test_pruning_old_events_closes_quiet_stories_and_workers_rebuild_from_the_database():
    old = store("herald", "quake", "Earthquake damages homes in Valparaíso", QUAKE_HERALD, published=NOW - timedelta(days=5))
    ClusterEvent.objects.update(created=timezone.now() - timedelta(days=3))
    assert prune_events() == 1
    assert Story.objects.get(pk=old.story_id).closed
    # This process's last event is gone: it rebuilds its window from the database and goes on.
    fresh = store("courier", "quake", "Rescuers reach Valparaíso after magnitude 7.1 quake", QUAKE_COURIER)
    assert fresh.story_id != old.story_id
    assert Story.objects.get(pk=fresh.story_id).article_count == 1


@pytest.mark.django_db
def test_stories_that_converge_merge_and_every_worker_replays_the_merge():
    quake = store("herald", "quake", "Earthquake damages homes in Valparaíso", QUAKE_HERALD)
    chess = store("courier", "chess", "Gukesh keeps his world chess title", CHESS)
    pinned_free = store("gazette", "chess-2", "Singapore match ends in tiebreaks", CHESS.replace("Sunday", "Monday"))
    assert chess.story_id == pinned_free.story_id != quake.story_id
    feed, _ = subscribe("https://tribune.example/rss")
    bridge, _ = save_article(feed, ArticleData(url="https://tribune.example/both", guid="both", title="Both",
                                               authors=[], published=NOW + timedelta(hours=1), text=QUAKE_COURIER))
    # The clusterer said: the bridge joins the quake story, and the chess story is the same event.
    decision = Decision(quake.story_id, Reason("similar", 0.5, (), 1.0, None), merge=(chess.story_id,))
    with transaction.atomic(), locked_window() as window:
        features = describe_article(bridge)
        store_features(bridge, features)
        join_story(window, bridge, features, bridge.when, decision)
        summarize(window, quake.story_id)

    gone = Story.objects.get(pk=chess.story_id)
    assert gone.merged_into_id == quake.story_id and gone.article_count == 0
    assert set(Article.objects.values_list("story_id", flat=True)) == {quake.story_id}
    assert Story.objects.get(pk=quake.story_id).article_count == 4
    assert ClusterEvent.objects.filter(kind="merge", story_id=quake.story_id, other_story_id=chess.story_id).exists()
    drop_window()  # another worker, starting from the database, puts chess news where the merge put it
    assert store("daily", "chess-3", "Carlsen loses the rapid tiebreak", CHESS).story_id == quake.story_id


@pytest.mark.django_db
def test_an_article_alone_in_its_story_moves_to_the_story_that_grew_to_fit_it_and_workers_replay_it():
    store("herald", "quake", "Earthquake damages homes in Valparaíso", QUAKE_HERALD)
    store("courier", "chess", "Gukesh keeps his world chess title", CHESS)
    claims = store("insurer-news", "claims", *FLOOD_CLAIMS, published=NOW + timedelta(hours=1))
    reports = [store(f"outlet{n}", "flood", title, text, published=NOW + timedelta(hours=n + 2))
               for n, (title, text) in enumerate(FLOOD_REPORTS)]
    claims.refresh_from_db()

    story = Story.objects.get(pk=reports[0].story_id)
    assert {report.story_id for report in reports} == {claims.story_id} == {story.pk}
    assert story.article_count == 5 and story.source_count == 5
    started = Story.objects.filter(merged_into=story).get()
    assert ClusterEvent.objects.filter(kind="merge", story_id=story.pk, other_story_id=started.pk).exists()
    drop_window()  # another worker, from the database alone, sees the claims piece where the move put it
    follow_up = store("outlet9", "flood-claims", "Flood claims pile up at Valencia insurers",
                      FLOOD_CLAIMS[1].replace("thousands", "tens of thousands"), published=NOW + timedelta(hours=7))
    assert follow_up.story_id == story.pk


def mixed_flood_story(pin_chess: bool = False) -> tuple[list[Article], list[Article]]:
    """Five flood articles and three chess reports in one story, as if the first chess report had joined it young."""
    first = store("outlet0", "flood", *FLOOD_REPORTS[0], published=NOW)
    key = first.story_id
    texts = [*FLOOD_REPORTS[1:], FLOOD_CLAIMS]
    texts += [("Gukesh keeps his world chess title", text) for text in (
        CHESS, CHESS.replace("Sunday", "Monday").replace("record", "large"),
        CHESS.replace("The organisers in Singapore", "Officials in Singapore"))]
    joined = []
    for n, (title, text) in enumerate(texts, start=1):
        feed, _ = subscribe(f"https://outlet{n}.example/rss")
        article, _ = save_article(feed, ArticleData(url=f"https://outlet{n}.example/{n}", guid=f"a-{n}", title=title,
                                                    authors=[], published=NOW + timedelta(hours=n), text=text))
        if pin_chess and n == 5:
            Article.objects.filter(pk=article.pk).update(pinned=True)  # a moderator put it there
        with transaction.atomic(), locked_window() as window:
            features = describe_article(article)
            store_features(article, features)
            join_story(window, article, features, article.when, Decision(key, Reason("similar", 0.2, (), 1.0, None)))
            summarize(window, key)
        joined.append(article)
    articles = [Article.objects.get(pk=a.pk) for a in [first, *joined]]
    return articles[:5], articles[5:]


@pytest.mark.django_db
def test_a_story_that_turns_out_to_hold_two_events_splits_and_every_worker_replays_it():
    flood, chess = mixed_flood_story()

    key = flood[0].story_id
    assert {article.story_id for article in flood} == {key}
    apart = {article.story_id for article in chess}
    assert len(apart) == 1 and key not in apart
    story = Story.objects.get(pk=apart.pop())
    assert (story.article_count, Story.objects.get(pk=key).article_count) == (3, 5)
    assert story.headline == "Gukesh keeps his world chess title"
    assert {article.assignment["kind"] for article in chess} == {"split"}
    assert ClusterEvent.objects.filter(kind="remove", story_id=key, article_id=chess[0].pk).exists()
    drop_window()  # another worker, from the database alone, puts chess news where the split put it
    follow_up = store("daily", "chess-4", "Carlsen loses the rapid tiebreak", CHESS.replace("Sunday", "Tuesday"),
                      published=NOW + timedelta(hours=10))
    assert follow_up.story_id == story.pk


@pytest.mark.django_db
def test_a_story_holding_an_article_a_moderator_placed_there_is_not_split_by_clustering():
    flood, chess = mixed_flood_story(pin_chess=True)

    assert {article.story_id for article in flood + chess} == {flood[0].story_id}
    assert Story.objects.get(pk=flood[0].story_id).article_count == 8
    assert not ClusterEvent.objects.filter(kind="remove").exists()
