"""Truncation: pages that say the rest of the article is behind a paywall."""

import json

from newsdesk.extract import extract_article

URL = "https://www.ledger.example/business/2025/merger"
PARAGRAPHS = [
    "The two largest regional banks announced on Wednesday that they would merge in an all-stock deal, "
    "creating the biggest lender in the region by deposits.",
    "Executives said the combined company would keep both headquarters for at least three years and "
    "promised that no branches would close in towns served by only one of them.",
    "Regulators are expected to review the deal through the summer, and shareholders of both banks will "
    "vote on it at special meetings in the autumn.",
]


def page(body: str, head: str = "") -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (f"<html><head><title>Banks to merge</title>{head}</head><body><article><h1>Banks to merge</h1>"
            f"<div class='article-body'>{paragraphs}{body}</div></article></body></html>")


def ld(data: dict) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def test_a_normal_article_is_not_truncated():
    article = extract_article(page("<p>The deal is expected to close early next year.</p>"), URL)
    assert article.truncated is False


def test_json_ld_not_free_with_a_missing_locked_part_is_truncated():
    head = ld({"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Banks to merge",
               "isAccessibleForFree": "False",
               "hasPart": {"@type": "WebPageElement", "isAccessibleForFree": "False", "cssSelector": ".paywalled-content"}})
    assert extract_article(page("", head), URL).truncated is True


def test_json_ld_not_free_but_locked_part_served_whole_is_not_truncated():
    # Metered sites mark every article locked, then serve the whole text to readers under the meter.
    head = ld({"@type": "NewsArticle", "isAccessibleForFree": False,
               "hasPart": {"@type": "WebPageElement", "isAccessibleForFree": False, "cssSelector": ".article-body"}})
    long_text = "".join(f"<p>{p}</p>" for p in PARAGRAPHS * 3)
    assert extract_article(page(long_text, head), URL).truncated is False


def test_json_ld_free_article_is_not_truncated():
    head = ld({"@type": "NewsArticle", "isAccessibleForFree": True})
    assert extract_article(page("", head), URL).truncated is False


def test_paywall_box_is_truncated():
    box = ('<div class="paywall-prompt"><h3>This article is for subscribers</h3><p>Subscribe to continue reading. '
           'Already a subscriber? <a href="/login">Log in</a></p></div>')
    assert extract_article(page(box), URL).truncated is True


def test_empty_paywall_template_is_not_truncated():
    assert extract_article(page('<aside class="paywall-modal" hidden></aside>'), URL).truncated is False


def test_subscribe_to_continue_reading_ending_is_truncated():
    ending = "<p>Subscribe now to continue reading this article and get unlimited access.</p>"
    assert extract_article(page(ending), URL).truncated is True


def test_text_cut_with_an_ellipsis_is_truncated():
    cut = ("<p>Analysts said the merger could put pressure on smaller lenders in the region, which have struggled "
           "to compete for deposits since interest rates began to rise, and several of them are now…</p>")
    assert extract_article(page(cut), URL).truncated is True
