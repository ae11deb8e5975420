"""Outlets, articles and stories for page tests, written through the store the way ingestion writes them."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from newsdesk.catalog.subscriptions import subscribe
from newsdesk.store.articles import ArticleData, save_article
from newsdesk.store.models import Article, Feed, Story

WORDS = ("The harbour authority said on Tuesday that the new quay would open in spring after two years of "
         "delays caused by storms, a shortage of steel and a long dispute with the dockworkers' union over "
         "night shifts, which was settled in March.")


def outlet(name: str, host: str | None = None) -> Feed:
    host = host or name.lower().replace(" ", "") + ".example"
    feed, _ = subscribe(f"https://{host}/rss", title=name)
    return feed


def article(feed: Feed, slug: str, when: datetime | None = None, **extra) -> Article:
    url = f"{feed.source.homepage.rstrip('/')}/news/{slug}"
    data = ArticleData(url=url, guid=slug, title=extra.pop("title", f"Story {slug}"),
                       authors=extra.pop("authors", ["Ana Ruiz"]), published=when or timezone.now(),
                       text=extra.pop("text", f"{slug}: {WORDS}\n\nSecond paragraph of {slug}."), **extra)
    stored, _ = save_article(feed, data)
    return stored


def story(*articles: Article, **fields) -> Story:
    """A story of these articles, the first one leading, with counts as clustering keeps them."""
    lead = articles[0]
    times = [a.when for a in articles]
    values = {"headline": lead.title, "lead_article": lead, "first_seen": min(times), "last_updated": max(times),
              "article_count": len(articles), "source_count": len({a.source_id for a in articles})}
    made = Story.objects.create(**{**values, **fields})
    Article.objects.filter(id__in=[a.id for a in articles]).update(story=made)
    return made


def hours_ago(hours: float) -> datetime:
    return timezone.now() - timedelta(hours=hours)
