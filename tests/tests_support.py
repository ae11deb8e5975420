"""Helpers for tests that hand the database to a child process."""

from __future__ import annotations

from django.db import connection


def database_url() -> str:
    """The URL of the database this test runs on, for a child process to share it."""
    options = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{options['NAME']}"
    return f"postgres://{options['USER']}@{options['HOST']}:{options['PORT']}/{options['NAME']}"


def store_and_assign(outlet: str, slug: str, title: str, text: str, published):
    """Store an article of outlet as ingestion does, put it in its story, and return it fresh from the database."""
    from django.db import transaction

    from newsdesk.catalog.subscriptions import subscribe
    from newsdesk.stories.assign import assign_story
    from newsdesk.store.articles import ArticleData, save_article

    feed, _ = subscribe(f"https://{outlet}.example/rss")
    article, created = save_article(feed, ArticleData(url=f"https://{outlet}.example/{slug}", guid=slug, title=title,
                                                      authors=[], published=published, text=text))
    assert created
    with transaction.atomic():
        assign_story(article)
    article.refresh_from_db()
    return article
