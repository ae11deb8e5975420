"""Outlets, articles and stories for the reader-facing tests, stored the way ingestion stores them."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from newsdesk.catalog.subscriptions import subscribe
from newsdesk.store.articles import ArticleData, save_article
from newsdesk.store.models import Article, Feed, Story


def outlet(name: str, host: str) -> Feed:
    """A subscription to host's feed, its outlet called name."""
    feed, _ = subscribe(f"https://{host}/rss", title=name)
    return feed


def publish(feed: Feed, slug: str, title: str, text: str, *, summary: str = "", authors: tuple[str, ...] = (),
            published: datetime | None = None, hours_ago: float = 1.0) -> Article:
    """An article of feed's outlet, saved by the ingestion pipeline's save_article."""
    data = ArticleData(url=f"{feed.source.homepage.rstrip('/')}/{slug}", guid=slug, title=title, authors=list(authors),
                       published=published or timezone.now() - timedelta(hours=hours_ago), summary=summary, text=text)
    article, created = save_article(feed, data)
    assert created, f"{slug} was stored already"
    return article


def story(*articles: Article, headline: str = "", score: float = 0.0, comments: int = 0) -> Story:
    """A story of articles, led by the first; headline defaults to the lead's title."""
    lead = articles[0]
    moments = [article.when for article in articles]
    made = Story.objects.create(headline=headline or lead.title, lead_article=lead, first_seen=min(moments),
                                last_updated=max(moments), article_count=len(articles),
                                source_count=len({article.source_id for article in articles}),
                                comment_count=comments, score=score)
    Article.objects.filter(id__in=[article.id for article in articles]).update(story=made)
    for article in articles:
        article.story = made
    return made
