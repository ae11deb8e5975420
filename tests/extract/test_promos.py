"""Promo cards inside article bodies: returned as Related, gone from the text."""

import lxml.html

from newsdesk.extract import extract_article
from newsdesk.extract.promos import take_promos

URL = "https://www.dailyherald.example/politics/2025/03/budget-vote"
BEFORE = ("Lawmakers returned to the capitol on Monday facing a deadline to pass the state budget before the "
          "end of the fiscal year, with both chambers still divided over school funding.")
AFTER = ("The governor has said she will veto any budget that cuts money for rural hospitals, setting up a "
         "confrontation with the leaders of the senate later this week.")
MIDDLE = ("Negotiators met late into the night on Sunday but did not reach an agreement on the size of the "
          "tax rebate, according to two people familiar with the talks.")


def page(card: str) -> str:
    return f"""<html><head><title>Budget vote</title></head><body><article><h1>Budget talks stall</h1>
<div class="article-body"><p>{BEFORE}</p><p>{MIDDLE}</p>{card}<p>{AFTER}</p>
<p>Both chambers will reconvene on Thursday morning to continue the debate over the spending plan.</p>
</div></article></body></html>"""


ASIDE_CARD = """<aside class="inline-story">
<a href="/politics/2025/02/school-funding-fight"><h3>Why the school funding fight keeps coming back</h3></a>
<p class="excerpt">For a decade, the formula that sends money to districts has pitted cities against…</p>
<span class="source">Daily Herald</span> <span class="author">By Maria Lopez</span></aside>"""

RELATED_PARAGRAPH = """<p><strong>Related:</strong> <a href="https://www.dailyherald.example/politics/2025/01/tax-rebate">
Tax rebate checks could arrive by summer, officials say</a></p>"""

FIGURE_CARD = """<figure class="related-card"><a href="/health/rural-hospitals-closing">
<img src="/img/hospital.jpg" alt=""></a><figcaption><a href="/health/rural-hospitals-closing">Rural hospitals
are closing at a record pace</a><p>Twelve hospitals have shut their doors since 2020, leaving patients hours from care…</p>
<cite>Daily Herald Health</cite></figcaption></figure>"""


def test_aside_card_is_returned_with_title_url_excerpt_source_and_author():
    tree = lxml.html.document_fromstring(page(ASIDE_CARD))
    [card] = take_promos(tree, URL)
    assert card.title == "Why the school funding fight keeps coming back"
    assert card.url == "https://www.dailyherald.example/politics/2025/02/school-funding-fight"
    assert card.excerpt.startswith("For a decade") and card.excerpt.endswith("…")
    assert card.source == "Daily Herald"
    assert card.author == "Maria Lopez"


def test_related_label_paragraph_is_returned_without_its_label():
    tree = lxml.html.document_fromstring(page(RELATED_PARAGRAPH))
    [card] = take_promos(tree, URL)
    assert card.title == "Tax rebate checks could arrive by summer, officials say"
    assert card.url == "https://www.dailyherald.example/politics/2025/01/tax-rebate"


def test_figure_card_with_image_headline_excerpt_and_source():
    tree = lxml.html.document_fromstring(page(FIGURE_CARD))
    [card] = take_promos(tree, URL)
    assert card.title == "Rural hospitals are closing at a record pace"
    assert card.url == "https://www.dailyherald.example/health/rural-hospitals-closing"
    assert card.excerpt.startswith("Twelve hospitals")
    assert card.source == "Daily Herald Health"


def test_card_text_leaves_the_body_and_surrounding_paragraphs_stay():
    for card, headline in ((ASIDE_CARD, "school funding fight"), (RELATED_PARAGRAPH, "Tax rebate checks"),
                           (FIGURE_CARD, "Rural hospitals")):
        article = extract_article(page(card), URL)
        assert headline not in article.text
        assert BEFORE in article.text and MIDDLE in article.text and AFTER in article.text
        assert len(article.related) == 1


def test_ordinary_links_in_prose_are_not_promos():
    prose_link = (f'<p>The vote follows <a href="/politics/2024/12/last-year">a similar standoff last year</a> '
                  f'that ended only after a three-day shutdown of state offices.</p>')
    tree = lxml.html.document_fromstring(page(prose_link))
    assert take_promos(tree, URL) == []
    assert "similar standoff" in extract_article(page(prose_link), URL).text


def test_buttons_in_card_boxes_are_not_promos():
    button = '<div class="promo-box"><a href="/subscribe/plans">View Plans</a></div>'
    tree = lxml.html.document_fromstring(page(button))
    assert take_promos(tree, URL) == []
