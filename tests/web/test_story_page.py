"""The story page: its parts in reading order, copies, excerpts, related stories, posts, images."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from newsdesk.catalog.subscriptions import subscribe
from newsdesk.stories.assign import assign_story
from newsdesk.store.articles import ArticleData, save_article
from newsdesk.store.models import Article
from reading import WORDS, article, hours_ago, outlet, story

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


def positions(page: str, *markers: str) -> list[int]:
    missing = [marker for marker in markers if marker not in page]
    assert not missing, missing
    return [page.index(marker) for marker in markers]


def test_the_parts_come_in_reading_order(client):
    herald, courier = outlet("Herald"), outlet("Courier")
    lead = article(herald, "quay", hours_ago(7), related=[{"title": "Storm damage", "url": "https://herald.example/news/storm",
                                                              "excerpt": WORDS, "source": "Herald", "author": "Bo Li"}],
                   embeds=[{"network": "twitter", "url": "https://x.com/port/status/1", "author": "Port", "text": "Open soon"}])
    other = article(courier, "quay-courier", hours_ago(5), title="Quay to open in spring")
    made = story(lead, other, comment_count=3)
    page = client.get(f"/stories/{made.id}/").content.decode()
    order = positions(page, 'class="story-meta"', "hours ago</time>", "3 comments", "2 sources", 'class="headline"',
                      'class="outlet"', "By Ana Ruiz", 'class="article-body"', ">Read Entire Article<",
                      'id="coverage"', "Quay to open in spring", 'id="related"', "Storm damage", 'id="social"',
                      'id="comments"', "No comments yet")
    assert order == sorted(order)
    assert re.search(r'<time datetime="[^"]+" title="\d+ \w+ \d{4}, \d\d:\d\d [^"]*">7\xa0hours ago</time>', page)


def test_an_outlet_set_to_excerpts_shows_only_its_first_words(client):
    feed = outlet("Ledger")
    feed.source.excerpt_words = 12
    feed.source.save()
    lead = article(feed, "budget", html="<p>The whole text</p>")
    page = client.get(f"/stories/{story(lead).id}/").content.decode()
    body = re.search(r'<div class="article-body">(.*?)</div>', page, re.S).group(1)
    shown = re.sub(r"<[^>]+>", " ", body).split()
    assert shown == [*lead.text.split()[:11], lead.text.split()[11].rstrip(",.;:") + "…"]
    assert "The whole text" not in body
    assert "shares only the beginning" in page


def test_syndicated_copies_are_one_text_with_every_outlet(client):
    wire, daily, weekly, gazette = outlet("Wire"), outlet("Daily"), outlet("Weekly"), outlet("Gazette")
    original = article(wire, "dam", hours_ago(6), title="Dam inspection finds cracks")
    copy_daily = article(daily, "dam-copy", hours_ago(5), title="Dam inspection finds cracks")
    other = article(gazette, "dam-view", hours_ago(4), title="What the dam report means")
    copy_weekly = article(weekly, "dam-view-copy", hours_ago(3), title="What the dam report means")
    Article.objects.filter(id=copy_daily.id).update(copy_of=original)
    Article.objects.filter(id=copy_weekly.id).update(copy_of=other)
    page = client.get(f"/stories/{story(original, copy_daily, other, copy_weekly).id}/").content.decode()

    lead = page[page.index('class="lead"'):page.index('id="coverage"')]
    assert "Also published by" in lead and f'href="{copy_daily.url}"' in lead and ">Daily<" in lead
    coverage = page[page.index('id="coverage"'):page.index('id="comments"')]
    assert coverage.count('class="timeline-item"') == 1  # Gazette's text, with Weekly's copy folded in
    assert "What the dam report means" in coverage and ">Gazette<" in coverage and ">Weekly<" in coverage
    assert "Dam inspection finds cracks" not in coverage
    main = page[page.index("<main"):]
    assert main.count(original.text.split("\n\n")[0][:60]) == 1  # the copied text is shown once


def test_related_stories_are_cards_linking_to_their_story_pages(client):
    feed = outlet("Herald")
    near = story(article(feed, "ferry", title="Ferry service resumes", text=WORDS + " " + WORDS, authors=["Kim Ode"]))
    gone_id = near.id + 1000
    made = story(article(feed, "quay"), related=[{"story": gone_id, "score": 0.9}, {"story": near.id, "score": 0.7}])
    page = client.get(f"/stories/{made.id}/").content.decode()
    section = page[page.index('id="related"'):page.index('id="comments"')]
    assert f'<a class="card-title" href="/stories/{near.id}/">Ferry service resumes</a>' in section
    excerpt = re.search(r'<p class="card-excerpt">([^<]+)</p>', section).group(1)
    assert excerpt.endswith("…") and len(excerpt) <= 161
    assert ">Herald<" in section and "Kim Ode" in section and f"/stories/{gone_id}/" not in section


def test_a_promo_for_an_article_we_have_links_to_its_story_here(client):
    feed = outlet("Herald")
    known = story(article(feed, "storm", title="Storm closes the harbour"))
    lead = article(feed, "quay", related=[{"title": "Storm closes the harbour", "url": known.lead_article.url,
                                           "excerpt": "", "source": "", "author": ""}])
    page = client.get(f"/stories/{story(lead).id}/").content.decode()
    assert f'<a class="card-title" href="/stories/{known.id}/">Storm closes the harbour</a>' in page


def test_images_in_the_article_text_load_through_our_proxy(client):
    lead = article(outlet("Herald"), "quay", html='<p>Text</p><img src="https://cdn.herald.example/quay.jpg" alt="The quay">',
                   image="https://cdn.herald.example/lead.jpg")
    made = story(lead)
    response = client.get(f"/stories/{made.id}/")
    page = response.content.decode()
    assert '<img src="/img/?url=https%3A%2F%2Fcdn.herald.example%2Fquay.jpg&amp;sig=' in page
    assert 'src="https://' not in page
    assert re.search(r'<meta property="og:image" content="http://testserver/img/\?url=https%3A%2F%2Fcdn\.herald\.example%2Flead\.jpg&amp;sig=\w+">', page)
    assert f'<link rel="canonical" href="http://testserver/stories/{made.id}/">' in page
    assert "default-src 'self'" in response["Content-Security-Policy"] and "img-src 'self' data:" in response["Content-Security-Policy"]
