"""The story page shows promo cards as related stories and embedded posts under "From Twitter"."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from newsdesk.catalog.subscriptions import subscribe
from newsdesk.stories.assign import assign_story
from newsdesk.store.articles import ArticleData, save_article

pytestmark = pytest.mark.django_db

LONG = ("The council approved the plan after a long debate in which members argued about the cost of the new "
        "bridge, its effect on traffic and the years of building work that residents would have to live with.")


def stored_article(**extra):
    feed, _ = subscribe("https://herald.example/rss")
    data = ArticleData(url="https://herald.example/news/bridge", guid="b1", title="Council approves the bridge",
                       authors=["Ana Ruiz"], published=timezone.now(), text="First paragraph.\n\nSecond.",
                       html="<p>First paragraph.</p><p>Second.</p>", **extra)
    article, _ = save_article(feed, data)
    assign_story(article)
    return article


def test_promo_cards_become_related_story_cards_with_an_excerpt_cut_at_a_word(client):
    article = stored_article(related=[{"title": "Old bridge <b>closes</b>", "url": "https://herald.example/news/old",
                                       "excerpt": LONG, "source": "The Herald", "author": "Bo Li"},
                                      {"title": "Bad link", "url": "javascript:alert(1)", "excerpt": "", "source": "", "author": ""}])
    page = client.get(f"/stories/{article.story_id}/").content.decode()
    section = page[page.index('id="related"'):]
    assert '<a class="card-title" href="https://herald.example/news/old"' in section
    assert "Old bridge closes" in section and "<b>closes" not in section
    excerpt = re.search(r'<p class="card-excerpt">([^<]+)</p>', section).group(1)
    cut = excerpt[:-1]
    assert excerpt.endswith("…") and len(cut) <= 160
    assert LONG.startswith(cut) and LONG[len(cut)] in " ,.;:"  # cut between words, never inside one
    assert "The Herald" in section and "Bo Li" in section
    assert 'href="javascript:' not in page


def test_embedded_posts_are_listed_from_twitter_and_the_text_stays_clean(client):
    article = stored_article(embeds=[{"network": "twitter", "url": "https://x.com/mayor/status/1", "author": "The Mayor (@mayor)",
                                      "text": "Proud of our council today.", "published": "2026-11-24T10:00:00+00:00"}])
    page = client.get(f"/stories/{article.story_id}/").content.decode()
    social = page[page.index('id="social"'):]
    assert ">From Twitter</h2>" in social
    assert "Proud of our council today." in social and "The Mayor (@mayor)" in social
    assert 'href="https://x.com/mayor/status/1"' in social
    body = page[page.index('class="article-body"'):page.index('id="social"')]
    assert "Proud of our council" not in body


def test_a_truncated_article_says_the_rest_is_on_the_publisher_page(client):
    article = stored_article(truncated=True)
    page = client.get(f"/stories/{article.story_id}/").content.decode()
    assert "the rest is on the publisher" in page and "Read Entire Article" in page
