"""From a feed URL to a story page: the slice every other feature builds on."""

from __future__ import annotations

import re

import pytest

from newsdesk.store.models import Article, Feed, Story

pytestmark = pytest.mark.django_db(transaction=True)


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def test_subscribed_feed_becomes_story_pages_with_text_author_age_and_publisher_link(simulator, newsdesk, client):
    feed_url = simulator.feed_urls()[0]
    newsdesk("add", feed_url)
    newsdesk("fetch")

    items = simulator.items(feed_url)
    assert Article.objects.count() == len(items)
    assert not Article.objects.filter(story=None).exists()  # every article is in a story
    assert 1 <= Story.objects.count() <= len(items)

    real = next(item for item in items if item.real)
    article = Article.objects.get(url=real.url)
    page = client.get(f"/stories/{article.story_id}/").content.decode()

    # The article text is there: most of the known body words appear in the page.
    expected = words(real.text)
    shown = set(words(re.sub(r"<[^>]+>", " ", page)))
    assert sum(w in shown for w in expected) / len(expected) > 0.9
    assert real.author and real.author in page
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT[^"]+" title="[^"]+">[^<]*ago</time>', page)
    assert re.search(rf'<a class="read-more" href="{re.escape(real.url)}"[^>]*>Read Entire Article</a>', page)


def test_front_page_lists_stories_newest_first_with_outlet_and_age(simulator, newsdesk, client):
    newsdesk("add", simulator.feed_urls()[1])
    newsdesk("fetch")

    page = client.get("/").content.decode()
    headlines = re.findall(r'class="story-link" href="/stories/(\d+)/">', page)
    stories = list(Story.objects.order_by("-last_updated", "-id").values_list("id", flat=True))
    assert [int(h) for h in headlines] == stories[: len(headlines)] and headlines
    feed = Feed.objects.get()
    assert feed.source.name in page and feed.source.name != "127.0.0.3"
    assert page.count("ago</time>") == len(headlines)


def test_second_poll_of_an_unchanged_feed_is_one_conditional_request_and_adds_nothing(simulator, newsdesk):
    feed_url = simulator.feed_urls()[2]
    newsdesk("add", feed_url)
    newsdesk("fetch")
    count = Article.objects.count()
    simulator.reset_stats()

    newsdesk("fetch", "--feed", str(Feed.objects.get().id))

    assert Article.objects.count() == count
    assert Feed.objects.get().status == Feed.Status.OK
    stats = simulator.stats()
    assert stats["requests"] == 1 and stats["statuses"] == {304: 1}
