"""The page cache: anonymous readers share one rendered copy of a page for a while; everyone else gets it fresh."""

from __future__ import annotations

import time

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.test import Client
from django.urls import include, path
from newsroom import outlet, publish, story

from newsdesk.store.models import Story
from newsdesk.web import urls as web_urls
from newsdesk.web import views

pytestmark = pytest.mark.django_db


@pytest.fixture
def bridge() -> Story:
    herald = outlet("The Herald", "herald.example")
    return story(publish(herald, "bridge", "Council approves the bridge", "The council voted for the new bridge."),
                 score=3.0)


def rename(made: Story, headline: str) -> None:
    Story.objects.filter(id=made.id).update(headline=headline)


def page(client: Client, url: str, **headers) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def test_a_second_anonymous_request_gets_the_cached_page_until_the_cache_is_cleared(client, bridge):
    url = f"/stories/{bridge.id}/"
    assert "Council approves the bridge" in page(client, url)
    rename(bridge, "The bridge is cancelled")
    assert "Council approves the bridge" in page(client, url)
    assert "Council approves the bridge" in page(Client(), url)  # another reader, same copy
    cache.clear()
    assert "The bridge is cancelled" in page(client, url)


def test_the_front_page_and_the_search_are_cached_too(client, bridge):
    assert "Council approves the bridge" in page(client, "/")
    search = page(client, "/search?q=bridge")
    rename(bridge, "The bridge is cancelled")
    assert "Council approves the bridge" in page(client, "/")
    assert page(client, "/search?q=bridge") == search


def test_a_cached_page_expires_after_the_page_cache_seconds(settings, bridge):
    settings.NEWSDESK = {**settings.NEWSDESK, "PAGE_CACHE_SECONDS": 1}
    client = Client()
    url = f"/stories/{bridge.id}/"
    page(client, url)
    rename(bridge, "The bridge is cancelled")
    time.sleep(1.5)
    assert "The bridge is cancelled" in page(client, url)


def test_no_page_is_cached_when_the_page_cache_seconds_are_0(settings, bridge):
    settings.NEWSDESK = {**settings.NEWSDESK, "PAGE_CACHE_SECONDS": 0}
    client = Client()
    page(client, "/")
    rename(bridge, "The bridge is cancelled")
    assert "The bridge is cancelled" in page(client, "/")


def test_a_signed_in_reader_sees_the_new_headline_and_leaves_nothing_in_the_cache(client, bridge):
    url = f"/stories/{bridge.id}/"
    page(client, url)
    rename(bridge, "The bridge is cancelled")
    staff = Client()
    staff.force_login(get_user_model().objects.create_user("alice", password="x", is_staff=True))
    signed_in = page(staff, "/")
    assert "The bridge is cancelled" in page(staff, url)
    assert "Admin" in signed_in
    cache.clear()
    page(staff, "/")
    assert "Admin" not in page(client, "/")  # the staff member's page was not stored for readers


def test_a_request_with_a_session_cookie_is_never_answered_from_the_cache(client, bridge):
    url = f"/stories/{bridge.id}/"
    page(client, url)
    rename(bridge, "The bridge is cancelled")
    visitor = Client()
    visitor.cookies[django_settings.SESSION_COOKIE_NAME] = "no-such-session"
    assert "The bridge is cancelled" in page(visitor, url)


def story_with_a_form(request, story_id):
    """The story page with a form on it, as the comment form will be: it hands out a CSRF cookie."""
    get_token(request)
    return views.story_page(request, story_id)


# The site's own pages, but for the story page, which comes first here with its form.
urlpatterns = [path("", include(([path("stories/<int:story_id>/", story_with_a_form, name="story"),
                                  *web_urls.urlpatterns], "web")))]


def test_a_page_that_sets_a_cookie_is_never_cached(settings, client, bridge):
    settings.ROOT_URLCONF = __name__
    url = f"/stories/{bridge.id}/"
    first = client.get(url)
    assert django_settings.CSRF_COOKIE_NAME in first.cookies
    rename(bridge, "The bridge is cancelled")
    assert "The bridge is cancelled" in page(Client(), url)


def test_a_page_that_varies_on_a_header_is_cached_once_per_value(client, bridge):
    whole = page(client, "/")
    more = page(client, "/", HX_Request="true")  # htmx's "more" asks for the list alone
    assert "<html" in whole and "<html" not in more
    assert page(client, "/") == whole
    assert page(client, "/", HX_Request="true") == more


def test_a_cached_page_keeps_its_headers(client, bridge):
    url = f"/stories/{bridge.id}/"
    first, second = client.get(url), client.get(url)
    assert second["X-Page-Cache"] == "hit"
    for header in ("Content-Type", "Content-Security-Policy", "ETag", "Last-Modified", "Cache-Control", "Vary"):
        assert second[header] == first[header], header
    assert second.content == first.content


def test_a_browser_holding_the_page_revalidates_it_with_a_304(client, bridge):
    url = f"/stories/{bridge.id}/"
    first = client.get(url)
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]
    by_date = client.get(url, headers={"If-Modified-Since": first["Last-Modified"]})
    assert by_date.status_code == 304
    cache.clear()
    rendered_again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert rendered_again.status_code == 304  # same page, same ETag, even when rendered anew
    rename(bridge, "The bridge is cancelled")
    cache.clear()
    changed = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200 and "The bridge is cancelled" in changed.content.decode()
