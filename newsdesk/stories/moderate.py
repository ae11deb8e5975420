"""A moderator's decisions about stories: move an article, split a story, merge two.

Every decision is written as membership events, so every worker's clusterer applies it too, and
the articles it places are pinned: clustering never moves them again, and a split pair of stories
is never merged back.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from newsdesk.stories.assign import Window, locked_window, remember, summarize
from newsdesk.stories.features import Features
from newsdesk.store.models import Article, ArticleFeatures, ClusterEvent, Story


class ModerationError(ValueError):
    """A decision that cannot be carried out (say, splitting every article off a story)."""


def move_article(article: Article, target: Story, moderator: str) -> Story:
    """Put article into target, whatever the clusterer thought; return target."""
    with transaction.atomic(), locked_window() as window:
        source = article.story
        place(window, [article], target, {"kind": "moderator", "action": "move", "by": moderator,
                                          "from_story": article.story_id})
        tidy(window, [source, target])
    return target


def split_story(story: Story, articles: Iterable[Article], moderator: str) -> Story:
    """Move articles out of story into a new story that never merges back; return the new story."""
    chosen = [a for a in articles if a.story_id == story.pk]
    remaining = story.articles.exclude(pk__in=[a.pk for a in chosen]).count()
    if not chosen or remaining == 0:
        raise ModerationError("stories: a split needs some, but not all, of the story's articles")
    with transaction.atomic(), locked_window() as window:
        first = min(chosen, key=lambda a: a.when)
        new = Story.objects.create(headline=first.title, lead_article=first, first_seen=first.when,
                                   last_updated=max(a.when for a in chosen), language=story.language)
        place(window, chosen, new, {"kind": "moderator", "action": "split", "by": moderator, "from_story": story.pk})
        remember(window, ClusterEvent.objects.create(kind=ClusterEvent.Kind.FORBID, story_id=story.pk,
                                                     other_story_id=new.pk))
        window.clusterer.forbid(story.pk, new.pk)
        tidy(window, [story, new])
    return new


def merge_stories(target: Story, others: Iterable[Story], moderator: str) -> Story:
    """Move every article of others into target; their pages then redirect to target."""
    others = [s for s in others if s.pk != target.pk]
    with transaction.atomic(), locked_window() as window:
        for other in others:
            place(window, list(other.articles.all()), target,
                  {"kind": "moderator", "action": "merge", "by": moderator, "from_story": other.pk})
            other.merged_into = target
            other.save(update_fields=["merged_into"])
        tidy(window, [*others, target])
    return target


def place(window: Window, articles: list[Article], target: Story, reason: dict) -> None:
    """Pin articles in target, writing the events every worker replays."""
    now = timezone.now().isoformat()
    features = {f.article_id: f for f in ArticleFeatures.objects.filter(article_id__in=[a.pk for a in articles])}
    for article in articles:
        remember(window, ClusterEvent.objects.create(kind=ClusterEvent.Kind.REMOVE, article_id=article.pk,
                                                     story_id=article.story_id))
        stored = features.get(article.pk)
        window.clusterer.take_out(str(article.pk), article.story_id, stored.data["source"] if stored else None)
        Article.objects.filter(pk=article.pk).update(story=target, pinned=True, assignment={**reason, "at": now})
        article.story_id = target.pk
        event = ClusterEvent.objects.create(kind=ClusterEvent.Kind.ADD, article_id=article.pk, story_id=target.pk)
        if stored is not None and not target.closed:
            window.clusterer.add(str(article.pk), Features.from_json(stored.data), stored.when, target.pk)
        remember(window, event)


def tidy(window: Window, stories: list[Story]) -> None:
    """Refresh the counts of stories a decision touched; a story left without articles is removed."""
    for story in stories:
        if story is None:
            continue  # the article moved had not been given its story yet
        story.refresh_from_db()
        if not story.articles.exists():
            if story.merged_into_id is None:
                story.delete()
            else:
                Story.objects.filter(pk=story.pk).update(article_count=0, source_count=0, lead_article=None, score=0.0,
                                                         related=[])
            continue
        summarize(window, story.pk)
