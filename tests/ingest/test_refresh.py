"""A poll stores its new articles with their features; their stories come from the assigner, once."""

from __future__ import annotations

import pytest

from newsdesk.catalog.subscriptions import subscribe
from newsdesk.ingest.refresh import refresh_feed
from newsdesk.stories.assign import assign_waiting
from newsdesk.store.models import Article, ArticleFeatures, ClusterEvent

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_poll_stores_each_new_article_with_its_features_and_leaves_its_story_to_the_assigner(simulator):
    feed, _ = subscribe(simulator.feed_urls()[5])
    result = refresh_feed(feed.id)

    articles = Article.objects.filter(feed=feed)
    assert result.new_articles == articles.count() == len(simulator.items(feed.url))
    assert not articles.filter(story__isnull=False).exists()
    assert ArticleFeatures.objects.filter(article__in=articles).count() == articles.count()

    assert assign_waiting() == articles.count()
    assert not articles.filter(story__isnull=True).exists()
    assert refresh_feed(feed.id).new_articles == 0 and assign_waiting() == 0  # polled again: nothing new to assign
    assert ClusterEvent.objects.filter(kind="add").count() == articles.count()
