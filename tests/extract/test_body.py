"""Body extraction: the article's paragraphs, without the page furniture around them."""

from newsdesk.extract import extract_article
import lxml.html

from newsdesk.extract.boilerplate import is_furniture_line, remove_furniture
from newsdesk.extract.text import text_from_html

PROSE = [
    "The city council voted on Tuesday to expand the bicycle lane network across the northern districts, "
    "a decision that followed two years of public consultations and several heated meetings.",
    "Supporters said the plan would cut commuting times and make the streets safer for children walking "
    "to school, while opponents worried about the loss of parking spaces for small shops.",
    "Construction is expected to begin in the spring and to last about eighteen months, according to the "
    "transport department, which has already set aside funding in next year's budget.",
    "The mayor said she would hold a further public meeting in January to explain the timetable and to "
    "hear from residents whose streets will be closed while the work goes on.",
]

PAGE = f"""<!DOCTYPE html><html lang="en"><head><title>Council expands bike lanes</title></head><body>
<header class="site-header"><nav class="main-nav"><a href="/">Home</a> <a href="/news">News</a>
<a href="/sport">Sport</a></nav></header>
<div class="cookie-banner">We use cookies to improve your experience. <button>Accept</button></div>
<main><article>
<h1>Council expands bike lanes</h1>
<div class="share-bar"><a href="https://facebook.com/share">Share on Facebook</a><a href="https://x.com/share">Post on X</a></div>
<div class="article-body" itemprop="articleBody">
<p>{PROSE[0]}</p>
<p>{PROSE[1]}</p>
<h2>What happens next</h2>
<p>{PROSE[2]}</p>
<div class="newsletter-signup"><p>Sign up for our morning newsletter and never miss a story.</p>
<form><input type="email"><button>Subscribe</button></form></div>
<ul><li>Northern districts first</li><li>City centre in 2026</li></ul>
<blockquote><p>We have waited for this for a long time, said one cyclist.</p></blockquote>
<p>{PROSE[3]}</p>
<p>Advertisement</p>
</div>
<div class="author-bio"><p>Jane Doe covers transport and city hall for the Gazette since 2012.</p></div>
<div class="related-articles"><h3>Related</h3><ul><li><a href="/a">Bus fares rise again</a></li>
<li><a href="/b">Tram line delayed</a></li></ul></div>
</article></main>
<footer class="site-footer"><p>Copyright 2025 The Gazette. All rights reserved.</p></footer>
</body></html>"""


def test_article_paragraphs_come_out_separated_by_blank_lines():
    text = extract_article(PAGE, "https://gazette.example/news/bike-lanes").text
    for paragraph in PROSE:
        assert paragraph in text
    assert f"{PROSE[0]}\n\n{PROSE[1]}" in text


def test_headings_lists_and_quotes_are_kept():
    text = extract_article(PAGE, "https://gazette.example/news/bike-lanes").text
    assert "What happens next" in text
    assert "- Northern districts first" in text
    assert "> We have waited for this" in text


def test_navigation_share_bars_signups_and_banners_are_left_out():
    text = extract_article(PAGE, "https://gazette.example/news/bike-lanes").text
    for furniture in ("Share on Facebook", "newsletter", "cookies", "Advertisement", "Bus fares rise again",
                      "All rights reserved", "Sport"):
        assert furniture not in text


def test_short_furniture_lines_are_recognised_and_prose_is_not():
    for line in ("Advertisement", "Share this article", "Sign up for our newsletter", "Photo: Getty Images",
                 "Related: Bus fares rise again", "5 min read", "Tags: transport, city hall", "Book a demo",
                 "Posted on March 3, 2025 at 9:15 am", "January 22nd, 2019", "Become a paid subscriber to read on",
                 "AdvertisementAdvertisement", "Leave a comment", "124 Comments", "4 minute read time", "Contact Info",
                 "Get in touch with our team", "Terms of Use", "Join our mailing list!", "Get a free quote",
                 "Talk to our experts", "This article is exclusive to STAT+ subscribers", "Why Trust Us?"):
        assert is_furniture_line(line), line
    for line in PROSE + ["The newsletter industry has grown fast in the last five years, analysts say, "
                         "as writers leave newspapers to start their own publications online.",
                         "At-risk subscribers who are going dormant", "On March 3, 2025, the council met",
                         "Comments from residents were mostly positive", "Contact the transport department first"]:
        assert not is_furniture_line(line), line


def test_text_keeps_words_that_follow_inline_markup_and_comments():
    html = "<p>The <b>quick</b><!-- note --> brown <a href='#'>fox</a> jumps.</p><div>Loose text<p>inner</p>tail</div>"
    assert text_from_html(html) == "The quick brown fox jumps.\n\nLoose text\n\ninner\n\ntail"


def test_article_the_page_marks_is_kept_even_when_broken_markup_nests_it_in_a_header():
    # An unclosed <header> or <aside> in a template puts the whole article inside it; whole-page
    # extraction discards such boxes as page furniture.
    paragraphs = "".join(f"<p>{text}</p>" for text in PROSE)
    page = (f'<html><body><div>Menu</div><aside class="sidebar"><div><header>'
            f'<article class="post">{paragraphs}</article></header></div></aside><footer>Contact us</footer></body></html>')
    text = extract_article(page, "https://example.com/bike-lanes").text
    assert all(paragraph in text for paragraph in PROSE)
    assert "Contact us" not in text


def test_furniture_lines_inside_lists_are_dropped_and_the_list_items_around_them_kept():
    page = PAGE.replace("<p>Advertisement</p>", "<ul><li>Bikes first</li><li>Sign up today</li><li>Trams later</li></ul>")
    text = extract_article(page, "https://gazette.example/news/bike-lanes").text
    assert "- Bikes first" in text and "- Trams later" in text
    assert "Sign up today" not in text


def test_a_link_named_like_a_popup_inside_a_sentence_keeps_its_words():
    page = PAGE.replace(f"<p>{PROSE[1]}</p>", f'<p><a class="external-popup" href="https://bikes.example">Cyclists</a> '
                                              f'{PROSE[1]}</p>')
    assert f"Cyclists {PROSE[1]}" in extract_article(page, "https://gazette.example/news/bike-lanes").text


def test_several_paragraphs_of_prose_in_a_box_named_related_stay_for_extraction():
    extra = ["Shop owners on the northern high street asked the council for loading bays at each corner, "
             "and the transport department agreed to study the request before the work begins.",
             "Parents at the primary school on Mill Road welcomed the plan, saying that their children "
             "would finally be able to ride to school without crossing the ring road twice a day.",
             "Taxi drivers were less pleased, and their association said it would ask for a review of the "
             "plan once the first section of the new lanes has been open for six months."]
    box = ('<div id="more-on-transport-related-text">' + "".join(f"<p>{text}</p>" for text in extra) + "</div>")
    bio = '<div class="author-bio"><p>Jane Doe covers transport for the Gazette.</p></div>'
    tree = lxml.html.document_fromstring(PAGE.replace("<p>Advertisement</p>", box + (PROSE[3] * 4) + bio))
    remove_furniture(tree)
    text = tree.text_content()
    assert all(paragraph in text for paragraph in extra)
    assert "Jane Doe covers transport" not in text


def test_account_prompts_feedback_widgets_and_longer_sign_ups_are_furniture_lines():
    for line in ("Already have an account? Log in", "How Was This Issue?", "Was this article helpful?",
                 "Love The Weekly Letter? Tell your friends and get rewards.",
                 "You may be interested in the following topics as well:",
                 "Stop Searching & Start Winning. Talk To Our Social Media Marketing Experts",
                 "Start building on our cloud today with $300 in free credits and 20+ always free products.",
                 "Fill out the form for a complimentary solar quote that includes a custom layout and a breakdown of costs.",
                 "Gazette.com is a production of Gazette Digital Inc. We offer unbiased reviews and advice, and a great community.",
                 "Awarded the top support tool of 2025 Learn More✕",
                 "Want more from the Gazette? Sign up for our newsletter, The Brief, and read smarter every morning.",
                 "Join our mailing list! Get a newsletter when an episode is published with insider information join here",
                 "Disclosure: As an Affiliate Marketer, I earn from qualifying purchases. If you click a product link "
                 "on this site and buy, I may earn a small commission at no extra cost to you."):
        assert is_furniture_line(line), line
    for line in ("Disclosure: This article was sponsored by WayAway, but all opinions are our own and the reviews stand.",
                 "The council's own newsletter reached 40,000 homes in March, and officials say readers want to sign up "
                 "for the newsletter in greater numbers now that it carries the bus timetables and the roadworks calendar.",
                 "Email: press@council.example", "Residents can fill out the form at the town hall until Friday."):
        assert not is_furniture_line(line), line
    # The longer patterns hold for short lines too.
    assert is_furniture_line("Gazette is a production of Gazette Media")


def test_labels_and_buttons_side_by_side_in_a_box_are_left_out():
    for line in ("Share and print this article", "Publish date", "Written for", "Page 1 of 8"):
        assert is_furniture_line(line), line


def test_article_after_a_premature_end_of_body_and_html_is_kept():
    # Some templates close </body></html> after the site header and print the article below it.
    page = ("<html><head><title>Council expands bike lanes</title></head><body>"
            "<header class='site-header'><a href='/'>Home</a></header></body></html>\n"
            f"<div class='post'><h1>Council expands bike lanes</h1><p>{PROSE[0]}</p><p>{PROSE[1]}</p>"
            f"<p>{PROSE[2]}</p></div>")
    text = extract_article(page, "https://gazette.example/news/bike-lanes").text
    for paragraph in PROSE[:3]:
        assert paragraph in text


def test_a_paragraph_the_layout_prints_twice_comes_out_once_and_short_repeats_stay():
    # Tabs, accordions and mobile copies print the same prose again further down the page.
    paragraphs = "".join(f"<p>{text}</p>" for text in PROSE)
    short = "<h3>Pros</h3><p>Cheap to build.</p><h3>Pros</h3><p>Quick to build.</p>"
    page = (f"<html><head><title>Council expands bike lanes</title></head><body><article>"
            f"<h1>Council expands bike lanes</h1>{paragraphs}{short}"
            f"<div class='tab-mobile'>{paragraphs}</div></article></body></html>")
    text = extract_article(page, "https://gazette.example/news/bike-lanes").text
    assert all(text.count(paragraph) == 1 for paragraph in PROSE)
    assert text.count("Pros") == 2


def test_a_table_in_a_custom_code_box_named_embed_is_part_of_the_article():
    rows = "".join(f"<tr><td>{service}</td><td>{tip}</td></tr>" for service, tip in
                   (("Full Service Restaurant", "20%"), ("Quick Service Restaurant", "15%"), ("Coffee Shop", "$1 - $2"),
                    ("Food Delivery", "$2 - $5"), ("Takeout or Pickup", "10%"), ("Bathroom Attendant", "$1 - $2")))
    box = f"<div class='w-embed'><style>table {{ width: 100% }}</style><table><tr><th>Service</th><th>Tip</th></tr>{rows}</table></div>"
    page = (f"<html><head><title>Tip chart</title></head><body><div class='rich-text'><h1>Tip chart</h1>"
            f"<p>{PROSE[0]}</p><p>{PROSE[1]}</p>{box}<p>{PROSE[2]}</p><p>{PROSE[3]}</p></div></body></html>")
    text = extract_article(page, "https://gazette.example/tips").text
    assert "Bathroom Attendant" in text
    assert PROSE[3] in text


def _teaser_and_report(teaser_lines: int, report_paragraphs: int) -> str:
    """A page whose named content box holds only a teaser, the report itself standing in an unnamed box."""
    teaser = "".join(f"<p>Teaser line {i}: a short summary of the harbour story for the front page, kept brief.</p>"
                     for i in range(teaser_lines))
    report = "".join(f"<p>Paragraph {i} of the report on the harbour works, with its costs, its delays and the council's "
                     f"answers to residents, {'which the committee read out in full, ' * 5}and so on.</p>"
                     for i in range(report_paragraphs))
    return (f"<html><head><title>Harbour</title></head><body><div class='entry-content'>{teaser}</div>"
            f"<div id='x9'><h2>The harbour report</h2>{report}</div></body></html>")


def test_a_short_recall_extraction_gives_way_to_the_balanced_modes_longer_text():
    # Recall keeps the 2,700-character teaser (over a fifth of the page); the balanced mode's fallbacks find the report.
    text = extract_article(_teaser_and_report(31, 30), "https://gazette.example/harbour").text
    assert "Paragraph 29 of the report" in text


def test_a_recall_extraction_holding_a_small_share_of_the_page_gets_a_second_opinion():
    # 3,400 characters are no short extraction, but they are a sixth of the page's text.
    text = extract_article(_teaser_and_report(40, 60), "https://gazette.example/harbour").text
    assert "Paragraph 59 of the report" in text


def test_a_long_recall_extraction_holding_a_fair_share_of_the_page_is_kept_as_it_is():
    text = extract_article(_teaser_and_report(40, 12), "https://gazette.example/harbour").text
    assert "Teaser line 39" in text
    assert "Paragraph 11 of the report" not in text
