"""The image proxy serves publisher images from our origin, only for URLs we signed, and only images."""

from __future__ import annotations

import pytest

from newsdesk.web.images import cache_path, proxied, proxy_images

pytestmark = pytest.mark.django_db


@pytest.fixture
def image_url(simulator):
    """The lead image a simulated publisher shows for one of its articles."""
    article = simulator.items(simulator.feed_urls()[0])[-1]
    return article.url.replace("/articles/", "/images/").replace(".html", ".png")


@pytest.fixture(autouse=True)
def _own_image_cache(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def test_a_signed_image_is_fetched_once_then_served_from_the_disk_cache(client, simulator, image_url):
    first = client.get(proxied(image_url))
    assert first.status_code == 200 and first["Content-Type"] == "image/png"
    assert first.content.startswith(b"\x89PNG")
    assert "default-src 'none'" in first["Content-Security-Policy"]
    assert cache_path(image_url).read_bytes() == first.content

    again = client.get(proxied(image_url))
    assert again.status_code == 200 and again.content == first.content
    assert simulator.stats()["requests"] == 1


def test_an_unsigned_or_forged_url_is_refused_without_fetching(client, simulator, image_url):
    assert client.get("/img/", {"url": image_url}).status_code == 403
    assert client.get("/img/", {"url": image_url, "sig": "0" * 32}).status_code == 403
    other = image_url.replace(".png", "-other.png")
    signature = proxied(image_url).split("sig=")[1]
    assert client.get("/img/", {"url": other, "sig": signature}).status_code == 403
    assert simulator.stats()["requests"] == 0


def test_a_page_that_is_not_an_image_is_not_served(client, simulator):
    page_url = simulator.items(simulator.feed_urls()[0])[-1].url
    response = client.get(proxied(page_url))
    assert response.status_code == 404 and b"<html" not in response.content.lower()
    assert not cache_path(page_url).exists()


def test_private_addresses_stay_refused_when_the_setting_forbids_them(client, settings, simulator, image_url):
    settings.NEWSDESK = {**settings.NEWSDESK, "ALLOW_PRIVATE_NETWORKS": False}
    assert client.get(proxied(image_url)).status_code == 404
    assert simulator.stats()["requests"] == 0


def test_images_larger_than_the_limit_are_cut_off(client, simulator, image_url, monkeypatch):
    monkeypatch.setattr("newsdesk.web.images.MAX_IMAGE_BYTES", 100)
    assert client.get(proxied(image_url)).status_code == 404
    assert not cache_path(image_url).exists()


def test_article_images_are_rewritten_to_the_proxy_and_non_http_ones_dropped():
    html = ('<p>Text</p><img src="/media/a.jpg" alt="A harbour"><img src="https://cdn.example/b.png?x=1&amp;y=2">'
            '<img src="data:image/png;base64,AAAA" alt="tracker"><img alt="no source">')
    rewritten = proxy_images(html, base="https://news.example/story/1")
    assert rewritten.count("<img") == 2
    assert 'src="/img/?url=https%3A%2F%2Fnews.example%2Fmedia%2Fa.jpg&amp;sig=' in rewritten
    assert "https%3A%2F%2Fcdn.example%2Fb.png%3Fx%3D1%26y%3D2" in rewritten
    assert 'alt="A harbour"' in rewritten and "data:image" not in rewritten
    assert 'src="https://' not in rewritten and 'src="/media' not in rewritten
