"""Story assignment: every article belongs to one story."""

from __future__ import annotations

from django.db import transaction

from newsdesk.store.models import Article, Story


def assign_story(article: Article) -> Story:
    """Put article in its story; until clustering exists, each article starts its own."""
    if article.story_id:
        return article.story
    with transaction.atomic():
        story = Story.objects.create(
            headline=article.title,
            lead_article=article,
            first_seen=article.when,
            last_updated=article.when,
            article_count=1,
            source_count=1,
        )
        Article.objects.filter(pk=article.pk).update(story=story)
    article.story = story
    return story
