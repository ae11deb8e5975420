"""The search page: a labelled form with filters, results with the match marked, plain links for more."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone
from newsroom import outlet, publish, story

pytestmark = pytest.mark.django_db


@pytest.fixture
def herald():
    return outlet("The Herald", "herald.example")


def results(page: str) -> list[str]:
    """The story links of a results page, in order."""
    section = page[page.index('id="results-title"'):] if 'id="results-title"' in page else ""
    return re.findall(r'<a class="story-link" href="/stories/(\d+)/">', section)


def test_the_form_is_labelled_and_inside_the_main_landmark(client):
    page = client.get("/search").content.decode()
    main = page[page.index("<main"):page.index("</main>")]
    assert '<form class="search-form" role="search"' in main
    for field in ("search-q", "search-source", "search-since", "search-until"):
        assert f'<label for="{field}"' in main and f'id="{field}"' in main
    assert 'id="results-title"' not in main  # no search yet, no results section


def test_results_show_the_story_with_the_match_marked(client, herald):
    bridge = story(publish(herald, "bridge", "Council approves the bridge", "The council voted for a new bridge."))
    page = client.get("/search?q=bridge").content.decode()
    assert results(page) == [str(bridge.id)]
    assert "<mark>bridge</mark>" in page
    assert 'value="bridge"' in page  # the words stay in the box
    assert "The Herald" in page


def test_a_search_with_no_result_says_so(client, herald):
    story(publish(herald, "bridge", "Council approves the bridge", "The council voted for a new bridge."))
    page = client.get("/search?q=volcano").content.decode()
    assert "No story matches" in page and results(page) == []


def test_hostile_words_and_text_come_back_escaped(client, herald):
    story(publish(herald, "xss", "Bridge news", "A bridge &lt;img src=x onerror=alert(1)&gt; here."))
    page = client.get('/search', {"q": 'bridge "><script>alert(1)</script>'}).content.decode()
    assert "<script>alert(1)" not in page
    assert "<img src=x" not in page


@pytest.mark.parametrize("query", ['"', "*", "NEAR(", "-", ":", '"unbalanced', "a:b", "(", ")", "^", "OR", "NOT",
                                   "bridge*", "-bridge", "{title}: x", "\\", "%00", "é" * 400])
def test_any_query_gives_a_page_never_an_error(client, herald, query):
    story(publish(herald, "bridge", "Council approves the bridge", "The council voted for a new bridge."))
    assert client.get("/search", {"q": query}).status_code == 200


def test_bad_filters_are_ignored_with_a_notice(client, herald):
    story(publish(herald, "bridge", "Council approves the bridge", "The council voted for a new bridge."))
    page = client.get("/search", {"q": "bridge", "source": "x", "since": "soon", "page": "zz"}).content.decode()
    assert len(results(page)) == 1
    assert page.count('class="notice"') == 2


def test_the_outlet_filter_narrows_and_stays_selected(client, herald):
    courier = outlet("Evening Courier", "courier.example")
    story(publish(herald, "flood", "Rain at the Herald", "Rain flooded the town."))
    mine = story(publish(courier, "flood", "Rain at the Courier", "Rain flooded the town."))
    page = client.get("/search", {"q": "rain", "source": courier.source_id}).content.decode()
    assert results(page) == [str(mine.id)]
    assert f'<option value="{courier.source_id}" selected>Evening Courier</option>' in page


def test_the_date_filter_narrows_and_stays_filled_in(client, herald):
    old = story(publish(herald, "old", "Old storm", "The storm passed.", hours_ago=24 * 20))
    story(publish(herald, "new", "New storm", "The storm passed.", hours_ago=1))
    until = (timezone.localdate() - timezone.timedelta(days=10)).isoformat()
    page = client.get("/search", {"q": "storm", "until": until}).content.decode()
    assert results(page) == [str(old.id)]
    assert f'value="{until}"' in page


def test_more_results_are_a_plain_link_that_keeps_the_filters(client, herald):
    for n in range(25):
        story(publish(herald, f"s{n}", f"Storm report {n}", f"The storm hit district {n}.", hours_ago=n + 1))
    first = client.get("/search", {"q": "storm", "source": herald.source_id}).content.decode()
    link = re.search(r'<a rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    params = parse_qs(urlsplit(link).query)
    assert params == {"q": ["storm"], "source": [str(herald.source_id)], "page": ["2"]}
    second = client.get("/search" + link).content.decode()
    assert len(results(first)) == 20 and len(results(second)) == 5
    assert not set(results(first)) & set(results(second))
    assert 'rel="prev"' in second and 'rel="next"' not in second
    assert '<ol class="stories search-results" start="21">' in second


def test_the_page_lists_the_same_stories_as_the_api_with_the_same_marks(client, herald):
    courier = outlet("Evening Courier", "courier.example")
    publish(herald, "loner", "Bridge alone", "A bridge in no story yet.", hours_ago=0.5)  # on neither
    renamed = story(publish(herald, "opens", "Bridge opens", "The bridge opened at dawn.", hours_ago=2),
                    headline="Town celebrates")
    shared = story(publish(courier, "closes", "Bridge closes <for> repairs", "The old bridge closed & waits.",
                           hours_ago=5), publish(herald, "shut", "Repairs shut it", "Repairs on the bridge.", hours_ago=6))
    page = client.get("/search", {"q": "bridge"}).content.decode()
    api = client.get("/api/search", {"q": "bridge"}).json()
    assert results(page) == [str(item["story"]["id"]) for item in api["items"]] == [str(renamed.id), str(shared.id)]
    for item in api["items"]:
        assert item["title_html"] in page and item["snippet_html"] in page
    # The story's headline leads where it differs from the matching article's title, which follows it.
    assert '<a class="story-link" href="/stories/%d/">Town celebrates</a>' % renamed.id in page
    assert '<p class="hit-title"><mark>Bridge</mark> opens</p>' in page
    assert '<span class="outlet">Evening Courier</span>' in page and '<span class="count">2 sources</span>' in page
