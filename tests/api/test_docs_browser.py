"""The API's docs page works in a real browser, served by this site alone."""

from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.django_db(transaction=True)
def test_the_docs_page_lists_every_endpoint_without_leaving_the_site(live_server):
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail("browser tests need Debian's Chromium at /usr/bin/chromium: run `make browser` (apt-get install chromium)")
    requests, errors = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        page.on("request", lambda request: requests.append(request.url))
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.goto(f"{live_server.url}/api/docs")
        page.wait_for_selector(".opblock-summary-path")
        paths = {element.get_attribute("data-path") for element in page.query_selector_all(".opblock-summary-path")}
        browser.close()
    assert paths == {"/api/stories", "/api/stories/{story_id}", "/api/articles", "/api/articles/{article_id}",
                     "/api/sources", "/api/sources/{source_id}", "/api/search"}
    assert all(url.startswith(live_server.url) for url in requests), requests
    assert not errors  # a Content-Security-Policy refusal shows up here
