"""A moderator moves, splits and merges stories, in the admin; clustering respects it afterwards."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from newsdesk.stories.moderate import ModerationError, merge_stories, move_article, split_story
from newsdesk.store.models import Article, Story
from tests_support import store_and_assign

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0) - timedelta(hours=12)

STRIKE = ("Rail workers across Germany walked out on Monday in a strike called by the GDL union over pay and "
          "working hours, halting most Deutsche Bahn trains between Berlin, Hamburg and Munich. Commuters crowded "
          "onto buses while the union leader Claus Weselsky said the strike would last until Wednesday.")
STRIKE_2 = ("Deutsche Bahn cancelled most long-distance trains on Monday as the GDL union began a strike over pay. "
            "Union leader Claus Weselsky told reporters in Berlin the walkout would continue until Wednesday, and "
            "commuters in Hamburg and Munich searched for buses.")
FLOOD = ("Heavy rain flooded villages along the river Po in northern Italy on Monday, forcing the evacuation of "
         "thousands of residents near Parma and Piacenza. Firefighters used boats to reach families trapped on "
         "upper floors, and the civil protection agency warned that the river had not yet peaked.")
FLOOD_2 = ("Italy's civil protection agency evacuated thousands of people near Parma and Piacenza on Monday as the "
           "river Po burst its banks after days of heavy rain. Firefighters in boats rescued families from upper "
           "floors; the agency said the Po was still rising.")


def store(outlet: str, slug: str, title: str, text: str, hours: float = 0) -> Article:
    return store_and_assign(outlet, slug, title, text, NOW + timedelta(hours=hours))


@pytest.fixture
def moderator(client):
    user = User.objects.create_superuser("mona", "mona@example.org", "a long password for mona")
    client.force_login(user)
    return user


def test_a_moved_article_is_pinned_and_draws_its_follow_ups_to_its_new_story():
    strike = store("herald", "strike", "German rail strike halts trains", STRIKE)
    flood = store("courier", "flood", "Po floods villages in northern Italy", FLOOD)
    move_article(flood, Story.objects.get(pk=strike.story_id), "mona")

    flood.refresh_from_db()
    assert flood.story_id == strike.story_id and flood.pinned
    assert flood.assignment["kind"] == "moderator" and flood.assignment["by"] == "mona"
    assert not Story.objects.filter(articles__isnull=True).exists()  # the emptied story is gone
    story = Story.objects.get(pk=strike.story_id)
    assert (story.article_count, story.source_count) == (2, 2)
    # The clusterer now sees the flood report in that story, so another report of the flood follows it there.
    follow_up = store("gazette", "po", "Thousands evacuated as the Po bursts its banks", FLOOD_2, hours=1)
    assert follow_up.story_id == strike.story_id


def test_a_split_story_keeps_both_parts_apart_and_each_draws_its_own_follow_ups():
    strike = store("herald", "strike", "German rail strike halts trains", STRIKE)
    flood = store("courier", "flood", "Po floods villages in northern Italy", FLOOD)
    move_article(flood, Story.objects.get(pk=strike.story_id), "mona")
    mixed = Story.objects.get(pk=strike.story_id)

    new = split_story(mixed, [Article.objects.get(pk=flood.pk)], "mona")
    assert set(new.articles.values_list("pk", flat=True)) == {flood.pk}
    assert set(mixed.articles.values_list("pk", flat=True)) == {strike.pk}
    assert Story.objects.get(pk=mixed.pk).article_count == 1
    assert Story.objects.get(pk=new.pk).headline == flood.title

    assert store("gazette", "po", "Thousands evacuated as the Po bursts its banks", FLOOD_2, hours=1).story_id == new.pk
    assert store("tribune", "rail", "Deutsche Bahn cancels trains as GDL strikes", STRIKE_2, hours=1).story_id == mixed.pk
    with pytest.raises(ModerationError):
        split_story(mixed, list(mixed.articles.all()), "mona")


def test_merged_stories_become_one_and_the_old_one_points_to_it(client):
    strike = store("herald", "strike", "German rail strike halts trains", STRIKE)
    flood = store("courier", "flood", "Po floods villages in northern Italy", FLOOD)
    target, other = Story.objects.get(pk=strike.story_id), Story.objects.get(pk=flood.story_id)
    merge_stories(target, [other], "mona")

    other.refresh_from_db()
    assert other.merged_into_id == target.pk and other.article_count == 0
    target.refresh_from_db()
    assert (target.article_count, target.source_count) == (2, 2)
    assert Article.objects.get(pk=flood.pk).assignment["action"] == "merge"
    assert client.get(f"/stories/{other.pk}/")["Location"] == f"/stories/{target.pk}/"
    for tab in ("top", "latest"):
        assert f"/stories/{other.pk}/" not in client.get(f"/?tab={tab}").content.decode()
    assert store("gazette", "po", "Thousands evacuated as the Po bursts its banks", FLOOD_2, hours=1).story_id == target.pk


def test_the_admin_shows_why_each_article_is_in_its_story(client, moderator):
    first = store("herald", "strike", "German rail strike halts trains", STRIKE)
    second = store("tribune", "rail", "Deutsche Bahn cancels trains as GDL strikes", STRIKE_2, hours=1)
    assert first.story_id == second.story_id
    page = client.get(f"/admin/store/story/{first.story_id}/change/").content.decode()
    assert "started the story" in page
    assert "similarity 0." in page or "copy" in page
    assert "1.0 h after the story" in page
    listing = client.get("/admin/store/article/").content.decode()
    assert "started the story" in listing


def test_a_moderator_splits_moves_and_merges_from_the_admin(client, moderator):
    strike = store("herald", "strike", "German rail strike halts trains", STRIKE)
    follow = store("tribune", "rail", "Deutsche Bahn cancels trains as GDL strikes", STRIKE_2, hours=1)
    flood = store("courier", "flood", "Po floods villages in northern Italy", FLOOD)

    response = client.post("/admin/store/article/", {"action": "split_off", "_selected_action": [follow.pk]}, follow=True)
    assert "Split 1 article(s) into story" in response.content.decode()
    follow.refresh_from_db()
    assert follow.story_id != strike.story_id and follow.pinned

    form = client.post("/admin/store/article/", {"action": "move_to_story", "_selected_action": [follow.pk]})
    assert "Move to story (id)" in form.content.decode()
    client.post("/admin/store/article/", {"action": "move_to_story", "_selected_action": [follow.pk],
                                          "story": flood.story_id, "apply": "Move"})
    assert Article.objects.get(pk=follow.pk).story_id == flood.story_id

    response = client.post("/admin/store/story/", {"action": "merge_selected",
                                                   "_selected_action": [strike.story_id, flood.story_id]}, follow=True)
    assert "Merged 1 stories" in response.content.decode()
    assert Story.objects.get(pk=flood.story_id).merged_into_id == strike.story_id
    assert set(Article.objects.values_list("story_id", flat=True)) == {strike.story_id}
