"""The reader's pages in a real browser: reading order, the publisher link, themes, keys, privacy, accessibility."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
              "resultTypes": ["violations"]}


def load_lazy_images(page) -> None:
    """Load the thumbnails that wait to be scrolled into view, before a screenshot or a check."""
    page.evaluate("document.querySelectorAll('img[loading=lazy]').forEach(img => { img.loading = 'eager'; })")
    page.wait_for_load_state("networkidle")


def story_url(site) -> str:
    return f"{site.url}/stories/{site.story_id}/"


def test_front_page_lists_ranked_stories_with_outlet_age_counts_and_a_thumbnail(site, page):
    page.goto(site.url + "/")
    expect(page.locator("h1")).to_have_text("Top stories")
    expect(page.get_by_role("navigation", name="Order of stories").get_by_role("link", name="Top")).to_have_attribute("aria-current", "page")
    items = page.locator(".story-item")
    expect(items).to_have_count(min(site.stories, 30))
    first = items.first
    expect(first.locator(".outlet")).not_to_be_empty()
    expect(first.locator("time")).to_have_text(re.compile(r"ago$"))
    expect(first.locator(".count").first).to_have_text(re.compile(r"^\d+ sources?$"))
    expect(first.locator(".count").nth(1)).to_have_text(re.compile(r"^\d+ comments?$"))
    expect(page.locator("img.thumb").first).to_have_attribute("src", re.compile(r"^/img/\?url=http.+&sig=[0-9a-f]{32}$"))

    page.get_by_role("link", name="Latest").first.click()
    expect(page.locator("h1")).to_have_text("Latest stories")
    assert "tab=latest" in page.url


def test_thumbnails_load_through_the_image_proxy(site, page):
    page.goto(f"{site.url}/sources/{site.gallery_source_id}/")
    load_lazy_images(page)
    thumbnails = page.locator("img.thumb")
    expect(thumbnails).to_have_count(3)
    sizes = thumbnails.evaluate_all("imgs => imgs.map(img => img.complete ? img.naturalWidth : 0)")
    assert sizes == [320, 320, 320], "every lead image should arrive through /img/"


def test_story_page_shows_its_parts_in_reading_order(site, page):
    page.goto(site.url + "/?tab=latest")
    page.locator("a.story-link").first.click()
    expect(page.locator("h1.headline")).to_be_visible()  # any story opens from the front page
    page.goto(story_url(site))  # the one known to have every part

    parts = [".story-meta time", ".story-meta a[href='#comments']", "h1.headline", ".lead .byline .outlet",
             ".lead .byline .author", ".article-body", "a.read-more", "#coverage", "#related", "#comments"]
    tops = []
    for selector in parts:
        element = page.locator(selector).first
        expect(element).to_be_visible()
        tops.append(element.bounding_box()["y"])
    assert tops == sorted(tops), dict(zip(parts, tops))
    expect(page.locator(".story-meta time")).to_have_attribute("title", re.compile(r"\d{4}"))
    expect(page.locator(".story-meta time")).to_have_text(re.compile(r"ago$"))
    expect(page.locator(".lead .byline .outlet")).to_have_text(site.lead_outlet)
    expect(page.locator(".lead .byline .author")).to_contain_text(site.lead_author)
    assert len(page.locator(".article-body").inner_text().split()) > 50
    expect(page.locator("#related ~ .cards .card").first.locator(".card-title")).not_to_be_empty()
    expect(page.locator("#comments-section")).to_contain_text("No comments yet")
    sources = int(re.search(r"(\d+) sources?", page.locator(".story-meta").inner_text()).group(1))
    if sources > 1:  # every other outlet's text is in the timeline, with its publisher's link
        expect(page.locator(".timeline-item").first.locator("h3 a")).to_have_attribute("href", re.compile(r"^http://127\.0\.0\.\d+:"))


def test_read_entire_article_opens_the_publishers_page(site, page):
    page.goto(story_url(site))
    link = page.get_by_role("link", name="Read Entire Article")
    expect(link).to_have_attribute("href", site.lead_url)
    link.click()
    page.wait_for_url(site.lead_url)
    assert urlsplit(page.url).hostname != "127.0.0.1"  # the simulated publisher's own host


def test_dark_theme_follows_the_system_and_the_toggle_persists_by_keyboard(site, browser):
    context = browser.new_context(viewport=DESKTOP, color_scheme="light")
    page = context.new_page()
    page.goto(site.url + "/")
    light = page.evaluate("getComputedStyle(document.body).backgroundColor")
    toggle = page.get_by_role("button", name="Dark theme")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-pressed", "true")
    dark = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert dark != light and luminance(dark) < luminance(light)
    page.screenshot(path=site.screenshots / "front-desktop-dark.png", full_page=True)

    page.goto(story_url(site))
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == dark
    page.set_viewport_size(PHONE)
    page.screenshot(path=site.screenshots / "story-phone-dark.png", full_page=True)
    page.get_by_role("button", name="Dark theme").press("Space")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == light
    context.close()

    system_dark = browser.new_context(viewport=DESKTOP, color_scheme="dark")
    page = system_dark.new_page()
    page.goto(site.url + "/")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == dark
    expect(page.get_by_role("button", name="Dark theme")).to_have_attribute("aria-pressed", "true")
    system_dark.close()


def luminance(css_color: str) -> float:
    red, green, blue = (int(part) for part in re.findall(r"\d+", css_color)[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def test_j_and_k_move_between_stories_with_a_visible_focus_and_o_opens_one(site, page):
    page.goto(site.url + "/")
    links = page.locator(".story-item a.story-link")
    page.keyboard.press("j")
    expect(links.nth(0)).to_be_focused()
    page.keyboard.press("j")
    expect(links.nth(1)).to_be_focused()
    expect(page.locator(".story-item").nth(1)).to_have_class(re.compile(r"\bis-current\b"))
    outline = links.nth(1).evaluate("a => getComputedStyle(a).outlineStyle")
    assert outline not in ("none", ""), "the focused story has no visible outline"
    page.keyboard.press("k")
    expect(links.nth(0)).to_be_focused()
    target = links.nth(0).get_attribute("href")
    page.keyboard.press("o")
    page.wait_for_url(site.url + target)


def test_no_request_from_the_browser_goes_to_another_origin(site, page):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    for path in ("/", "/?tab=latest", f"/stories/{site.story_id}/", f"/sources/{site.source_id}/", "/search?q=the"):
        response = page.goto(site.url + path)
        assert "default-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
    foreign = [url for url in requests if not url.startswith(site.url + "/") and not url.startswith("data:")]
    assert requests and not foreign, foreign
    assert any("/img/?url=" in url for url in requests), "publisher images should come through the proxy"


def test_more_stories_are_appended_by_htmx_and_paging_works_without_javascript(site, browser, page):
    assert site.stories > 30, "the seed should make more than one page of stories"
    page.goto(site.url + "/")
    page.get_by_role("link", name="More stories").click()
    expect(page.locator(".story-item")).to_have_count(min(site.stories, 60))
    assert page.url == site.url + "/"  # appended in place

    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    plain = context.new_page()
    plain.goto(site.url + "/")
    expect(plain.locator(".theme-toggle")).to_be_hidden()
    plain.get_by_role("link", name="More stories").click()
    plain.wait_for_url(site.url + "/?page=2")
    expect(plain.locator(".story-item")).to_have_count(min(site.stories - 30, 30))
    plain.locator(".story-item a.story-link").first.click()
    expect(plain.locator("a.read-more")).to_be_visible()
    context.close()


@pytest.mark.parametrize("name, path", [("front", "/"), ("story", "/stories/{story}/"),
                                        ("outlet", "/sources/{source}/"), ("search", "/search?q=the")])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pages_have_no_wcag_21_aa_violations(site, browser, name, path, scheme):
    context = browser.new_context(viewport=DESKTOP, color_scheme=scheme)
    page = context.new_page()
    response = page.goto(site.url + path.format(story=site.story_id, source=site.source_id))
    assert response.status == 200
    load_lazy_images(page)
    results = Axe().run(page, options=WCAG_21_AA)
    problems = [f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in results.response["violations"]]
    assert not problems, "\n".join(problems)
    page.screenshot(path=site.screenshots / f"{name}-desktop-{scheme}.png", full_page=True)
    page.set_viewport_size(PHONE)
    load_lazy_images(page)
    page.screenshot(path=site.screenshots / f"{name}-phone-{scheme}.png", full_page=True)
    results = Axe().run(page, options=WCAG_21_AA)
    assert not results.response["violations"], results.generate_report()
    context.close()
