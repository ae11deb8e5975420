"""/healthz tells a monitor that the site and its database answer, and how fresh the articles are."""

import pytest
from django.utils import timezone

from newsdesk.catalog.subscriptions import subscribe
from newsdesk.store.articles import ArticleData, save_article

pytestmark = pytest.mark.django_db


def test_health_answers_with_the_time_of_the_newest_article(client):
    assert client.get("/healthz").json() == {"status": "ok", "newest_article": None}
    feed, _ = subscribe("https://herald.example/rss")
    article, _ = save_article(feed, ArticleData(url="https://herald.example/a", guid="a", title="A", authors=[],
                                                published=timezone.now(), text="Text."))
    assert client.get("/healthz").json() == {"status": "ok", "newest_article": article.fetched.isoformat()}
