"""The JSON API: stories by tab, a story with its articles, articles, sources, search, and its OpenAPI document."""

from __future__ import annotations

import json

import pytest
from newsroom import outlet, publish, story
from openapi_spec_validator import validate

from newsdesk.store.models import Article, Feed, Source

pytestmark = pytest.mark.django_db

STORY_FIELDS = {"id", "headline", "url", "first_seen", "last_updated", "article_count", "source_count",
                "comment_count", "score", "lead"}
ARTICLE_FIELDS = {"id", "story_id", "source", "url", "title", "authors", "published", "fetched", "summary", "image",
                  "language", "word_count", "truncated"}


@pytest.fixture
def newsroom():
    herald = outlet("The Herald", "herald.example")
    courier = outlet("Evening Courier", "courier.example")
    Feed.objects.filter(pk=herald.pk).update(websub_secret="s3cret-websub", etag='"internal-etag"')
    bridge = publish(herald, "bridge", "Council approves the bridge", "The council voted for the new bridge.",
                     summary="A bridge, at last.", authors=("Ana Ruiz",), hours_ago=5)
    Article.objects.filter(pk=bridge.pk).update(html="<p>The council voted for the new bridge.</p>")
    bridge_too = publish(courier, "bridge", "Bridge approved", "Councillors approved the bridge.", hours_ago=4)
    flood = publish(courier, "flood", "Floods in the lower town", "Rain flooded the lower town.", hours_ago=1)
    return {"herald": herald, "courier": courier,
            "bridge": story(bridge, bridge_too, headline="The bridge will be built", score=5.0, comments=1),
            "flood": story(flood, score=1.0, comments=9)}


def get(client, url: str, status: int = 200, **params):
    response = client.get(url, params)
    assert response.status_code == status, response.content[:500]
    return response.json()


@pytest.mark.parametrize(("tab", "order"), [("top", ["bridge", "flood"]), ("latest", ["flood", "bridge"]),
                                            ("discussed", ["flood", "bridge"])])
def test_stories_come_in_the_order_of_each_tab(client, newsroom, tab, order):
    body = get(client, "/api/stories", tab=tab)
    assert [item["id"] for item in body["items"]] == [newsroom[name].id for name in order]
    assert body["page"] == 1 and body["has_next"] is False
    assert set(body["items"][0]) == STORY_FIELDS
    assert set(body["items"][0]["lead"]) == ARTICLE_FIELDS


def test_a_story_lists_its_fields_and_links_to_its_page(client, newsroom):
    item = get(client, "/api/stories", tab="top")["items"][0]
    assert item["headline"] == "The bridge will be built"
    assert item["url"] == f"http://testserver/stories/{newsroom['bridge'].id}/"
    assert (item["article_count"], item["source_count"], item["comment_count"]) == (2, 2, 1)
    assert item["lead"]["source"] == {"id": newsroom["herald"].source_id, "name": "The Herald"}
    assert item["lead"]["authors"] == ["Ana Ruiz"]


def test_stories_come_in_pages(client):
    herald = outlet("The Herald", "herald.example")
    for n in range(31):
        story(publish(herald, f"s{n}", f"Story {n}", "Text.", hours_ago=n + 1))
    first = get(client, "/api/stories", tab="latest")
    second = get(client, "/api/stories", tab="latest", page=2)
    assert len(first["items"]) == 30 and first["has_next"]
    assert [item["headline"] for item in second["items"]] == ["Story 30"] and not second["has_next"]


def test_a_bad_tab_or_page_is_refused_with_a_reason(client, newsroom):
    assert "detail" in get(client, "/api/stories", status=422, tab="best")
    get(client, "/api/stories", status=422, page=0)
    get(client, "/api/stories", status=422, page="x")


def test_one_story_has_every_article_lead_first_with_its_text(client, newsroom):
    body = get(client, f"/api/stories/{newsroom['bridge'].id}")
    assert [article["title"] for article in body["articles"]] == ["Council approves the bridge", "Bridge approved"]
    lead = body["articles"][0]
    assert lead["text"] == "The council voted for the new bridge." and lead["excerpt_only"] is False
    assert set(lead) == ARTICLE_FIELDS | {"text", "excerpt_only"}


def test_an_outlet_that_allows_excerpts_only_gets_its_text_cut(client, newsroom):
    Source.objects.filter(pk=newsroom["herald"].source_id).update(excerpt_words=3)
    lead = get(client, f"/api/stories/{newsroom['bridge'].id}")["articles"][0]
    assert lead["text"] == "The council voted …" and lead["excerpt_only"] is True


def test_an_unknown_story_is_not_found(client, newsroom):
    assert get(client, "/api/stories/999999", status=404) == {"detail": "Not Found"}


def test_articles_newest_first_and_by_outlet(client, newsroom):
    every = get(client, "/api/articles")
    assert [a["title"] for a in every["items"]] == ["Floods in the lower town", "Bridge approved",
                                                    "Council approves the bridge"]
    courier = get(client, "/api/articles", source=newsroom["courier"].source_id)
    assert {a["source"]["name"] for a in courier["items"]} == {"Evening Courier"}
    assert len(courier["items"]) == 2
    one = get(client, f"/api/articles/{every['items'][2]['id']}")
    assert one["text"] == "The council voted for the new bridge."


def test_sources_list_every_outlet(client, newsroom):
    body = get(client, "/api/sources")
    assert [s["name"] for s in body] == ["Evening Courier", "The Herald"]
    assert body[1]["url"] == f"http://testserver/sources/{newsroom['herald'].source_id}/"
    assert get(client, f"/api/sources/{newsroom['herald'].source_id}")["homepage"] == "https://herald.example/"


def test_nothing_internal_leaks(client, newsroom):
    everything = "".join(json.dumps(get(client, url)) for url in [
        "/api/stories", f"/api/stories/{newsroom['bridge'].id}", "/api/articles", "/api/sources",
        f"/api/sources/{newsroom['herald'].source_id}", "/api/search?q=bridge"])
    for secret in ("s3cret-websub", "internal-etag", "<p>", "content_hash", "websub", "assignment", "extraction_error"):
        assert secret not in everything


def test_search_returns_stories_once_with_the_match_marked(client, newsroom):
    body = get(client, "/api/search", q="bridge")
    assert [item["story"]["id"] for item in body["items"]] == [newsroom["bridge"].id]
    hit = body["items"][0]
    assert "<mark>" in hit["snippet_html"] and "<mark>" in hit["title_html"]
    assert hit["story"]["lead"]["title"] == "Council approves the bridge"
    assert body["query"] == "bridge" and body["problems"] == []


def test_search_filters_by_outlet_and_day(client, newsroom):
    by_courier = get(client, "/api/search", q="bridge", source=newsroom["courier"].source_id)
    assert by_courier["items"][0]["article"]["title"] == "Bridge approved"
    assert get(client, "/api/search", q="bridge", since="2999-01-01")["items"] == []
    assert get(client, "/api/search", q="bridge", source=999999)["problems"]
    get(client, "/api/search", status=422, q="bridge", since="not a day")
    get(client, "/api/search", status=422, q="")


@pytest.mark.parametrize("query", ['"', "NEAR(", "*", "-", ":", "a OR", '"open'])
def test_search_never_fails_on_odd_words(client, newsroom, query):
    assert get(client, "/api/search", q=query)["items"] == []


def test_the_openapi_document_is_valid_and_lists_every_endpoint(client):
    document = get(client, "/api/openapi.json")
    validate(document)
    assert set(document["paths"]) == {"/api/stories", "/api/stories/{story_id}", "/api/articles",
                                      "/api/articles/{article_id}", "/api/sources", "/api/sources/{source_id}",
                                      "/api/search"}
    article = document["components"]["schemas"]["ArticleOut"]["properties"]
    assert "html" not in article and "content_hash" not in article


def test_the_docs_page_loads_everything_from_this_site(client):
    page = client.get("/api/docs").content.decode()
    assert '"url": "/api/openapi.json"' in page
    for asset in ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js"):
        assert f"/api/docs/assets/{asset}" in page
        assert client.get(f"/api/docs/assets/{asset}").status_code == 200
    assert "://" not in page.replace("http://www.w3.org", "")
    assert client.get("/api/docs/assets/..%2Fsettings.py").status_code == 404
