"""Storing an article never makes a second one: the same URL, the same guid in a feed, the same text from an outlet."""

from __future__ import annotations

import pytest
from django.utils import timezone

from newsdesk.catalog.subscriptions import subscribe
from newsdesk.store.articles import ArticleData, prepare_article, save_article
from newsdesk.store.models import Article

pytestmark = pytest.mark.django_db

TEXT = " ".join(f"The council met on day {n} and voted on the budget for the harbour." for n in range(8))


def page(url: str, guid: str = "", text: str = TEXT, summary: str = "") -> ArticleData:
    return ArticleData(url=url, guid=guid, title="Council votes", authors=[], published=timezone.now(),
                       text=text, summary=summary)


def save_as_a_poll_does(feed, data: ArticleData, along=None):
    """As refresh does: the URL already checked, the row prepared before the transaction."""
    return save_article(feed, data, checked_url=data.url, prepared=prepare_article(feed, data), along=along)


def test_the_same_url_guid_or_text_finds_the_stored_article():
    feed, _ = subscribe("https://herald.example/rss")
    first, created = save_article(feed, page("https://herald.example/a", guid="g-1"))
    assert created

    again = [
        save_article(feed, page("https://herald.example/a", text="Another text entirely.")),
        save_article(feed, page("https://herald.example/b", guid="g-1", text="Another text entirely.")),
        save_article(feed, page("https://herald.example/c", text="  " + TEXT.upper())),
        save_as_a_poll_does(feed, page("https://herald.example/d", text=TEXT + "\n")),
    ]

    assert [(article.pk, created) for article, created in again] == [(first.pk, False)] * 4
    assert again[0][0].url == "https://herald.example/a" and again[0][0].story_id is None
    assert Article.objects.count() == 1


def test_a_text_is_only_the_same_article_from_the_same_outlet_and_long_enough():
    herald, _ = subscribe("https://herald.example/rss")
    courier, _ = subscribe("https://courier.example/rss")
    save_article(herald, page("https://herald.example/a"))
    save_article(herald, page("https://herald.example/short-1", text="Council votes on the budget."))

    assert save_as_a_poll_does(courier, page("https://courier.example/a"))[1]  # another outlet's copy
    assert save_as_a_poll_does(herald, page("https://herald.example/short-2", text="Council votes on the budget."))[1]
    # Without a page text the summary is stored as the text, but it is no fingerprint of a page.
    assert save_as_a_poll_does(herald, page("https://herald.example/teaser", text="", summary=TEXT))[1]
    assert Article.objects.count() == 5


def test_what_is_written_along_a_new_article_is_written_once_and_never_for_a_known_one():
    feed, _ = subscribe("https://herald.example/rss")
    written: list[Article] = []
    article, _ = save_as_a_poll_does(feed, page("https://herald.example/a"), along=written.append)
    save_as_a_poll_does(feed, page("https://herald.example/b"), along=written.append)  # the same text

    assert written == [article] and written[0].pk is not None
