"""read_metadata on small hand-written pages, one rule each."""

from __future__ import annotations

import lxml.html

from newsdesk.extract.byline import clean_name, split_names
from newsdesk.extract.headline import strip_site_name
from newsdesk.extract.metadata import parse_date, read_metadata

URL = "https://www.dailybugle.com/news/storm-hits-the-coast"


def page(head: str = "", body: str = "", lang: str = "en") -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(f'<html lang="{lang}"><head>{head}</head><body>{body}</body></html>')


def test_jsonld_graph_gives_headline_author_and_date_through_id_references():
    tree = page(head="""<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "@id": "https://www.dailybugle.com/#site", "name": "Daily Bugle"},
        {"@type": "Person", "@id": "https://www.dailybugle.com/#ana", "name": "Ana Ruiz"},
        {"@type": ["NewsArticle"], "headline": "Storm hits the coast", "author": {"@id": "https://www.dailybugle.com/#ana"},
         "datePublished": "2026-11-24T09:30:00+01:00", "dateModified": "2026-11-25T10:00:00+01:00"}]}</script>""")
    meta = read_metadata(tree, URL)
    assert meta.title == "Storm hits the coast"
    assert meta.authors == ["Ana Ruiz"]
    assert meta.published == "2026-11-24T09:30:00+01:00"
    assert meta.sitename == "Daily Bugle"


def test_jsonld_author_list_of_objects_and_strings_keeps_each_name():
    tree = page(head="""<script type="application/ld+json">[{"@type": "BlogPosting", "headline": "Two voices",
        "author": [{"@type": "Person", "name": "Ana Ruiz"}, "Ben Okafor", {"@type": "Person", "name": "Ana Ruiz"}]}]</script>""")
    assert read_metadata(tree, URL).authors == ["Ana Ruiz", "Ben Okafor"]


def test_broken_jsonld_with_a_trailing_comma_is_still_read():
    tree = page(head="""<script type="application/ld+json">{"@type": "ReportageNews", "headline": "Floods",
        "datePublished": "2026-01-02",}</script>""")
    assert read_metadata(tree, URL).published == "2026-01-02"


def test_organisation_author_gives_way_to_the_person_in_the_byline():
    tree = page(head="""<script type="application/ld+json">{"@type": "Article", "headline": "Floods",
        "author": {"@type": "Organization", "name": "Bugle Media Group"}}</script>""",
                body='<article><h1>Floods</h1><p class="byline">By <a href="/authors/ana-ruiz">Ana Ruiz</a></p></article>')
    assert read_metadata(tree, URL).authors == ["Ana Ruiz"]


def test_title_suffix_with_the_site_name_is_stripped():
    tree = page(head='<title>Storm hits the coast | Daily Bugle</title><meta property="og:site_name" content="Daily Bugle">')
    assert read_metadata(tree, URL).title == "Storm hits the coast"


def test_title_prefix_and_host_name_are_stripped_without_a_site_name_tag():
    assert strip_site_name("Dailybugle.com - Storm hits the coast", [], ["dailybugle"]) == "Storm hits the coast"
    assert strip_site_name("Storm hits the coast – DailyBugle", [], ["dailybugle"]) == "Storm hits the coast"


def test_suffix_shared_by_title_and_og_title_is_taken_as_the_site_name():
    tree = page(head='<title>Storm hits the coast :: The Evening Paper</title>'
                     '<meta property="og:title" content="Storm warning for the coast :: The Evening Paper">')
    assert read_metadata(tree, URL).title == "Storm warning for the coast"


def test_a_colon_inside_the_headline_is_kept():
    tree = page(head='<title>Storm: what we know so far | Daily Bugle</title>')
    assert read_metadata(tree, URL).title == "Storm: what we know so far"


def test_visible_h1_is_the_headline_and_the_logo_h1_is_not():
    tree = page(head='<title>Coast storm live updates - Daily Bugle</title><meta property="og:site_name" content="Daily Bugle">',
                body='<header><h1 class="logo"><a href="/">Daily Bugle</a></h1></header>'
                     '<article><h1 class="entry-title">Storm hits the coast, live updates</h1><p>Text.</p></article>')
    assert read_metadata(tree, URL).title == "Storm hits the coast, live updates"


def test_an_h1_unrelated_to_the_pages_titles_gives_way_to_them():
    tree = page(head='<title>How the storm broke the sea wall at Port Leeds | Daily Bugle</title>',
                body='<article><h1>Discord</h1><p>Text.</p></article>')
    assert read_metadata(tree, URL).title == "How the storm broke the sea wall at Port Leeds"


def test_a_short_dashed_label_after_the_headline_is_cut_and_a_dashed_clause_is_not():
    labelled = page(head='<title>Storm hits the coast | Daily Bugle</title>', body='<article><h1>Storm hits the coast - Live Updates</h1><p>Text.</p></article>')
    assert read_metadata(labelled, URL).title == "Storm hits the coast"
    clause = page(head='<title>Storm hits the coast | Daily Bugle</title>',
                  body='<article><h1>Storm hits the coast — and the sea wall holds, for now</h1><p>Text.</p></article>')
    assert read_metadata(clause, URL).title == "Storm hits the coast — and the sea wall holds, for now"


def test_a_headline_cut_inside_a_parenthesis_gives_way_to_the_whole_title():
    whole = "Storm hits the coast: what we know so far (including the three towns still without power)"
    tree = page(head=f'<meta property="og:title" content="{whole}"><script type="application/ld+json">'
                     '{"@type": "NewsArticle", "headline": "Storm hits the coast: what we know so far (including the"}</script>')
    assert read_metadata(tree, URL).title == whole


def test_timezone_offset_of_the_publication_time_is_kept():
    tree = page(head='<meta property="article:published_time" content="2026-11-24T09:30:00-05:00">')
    assert read_metadata(tree, URL).published == "2026-11-24T09:30:00-05:00"


def test_date_published_wins_over_date_modified():
    tree = page(head='<meta property="article:modified_time" content="2026-11-25T08:00:00Z">'
                     '<meta property="article:published_time" content="2026-11-20T08:00:00Z">')
    assert read_metadata(tree, URL).published == "2026-11-20T08:00:00+00:00"


def test_time_element_of_the_article_is_read_and_comment_times_are_not():
    tree = page(body='<article><h1>Storm</h1><time datetime="2026-11-24T09:30:00+01:00">24 Nov</time><p>Text.</p></article>'
                     '<section class="comments"><time datetime="2026-11-26T10:00:00+01:00">26 Nov</time></section>')
    assert read_metadata(tree, URL).published == "2026-11-24T09:30:00+01:00"
    only_comments = page(body='<article><h1>Storm</h1><p>Text.</p></article>'
                              '<div class="comment-list"><time datetime="2026-11-26T10:00:00+01:00">26 Nov</time></div>')
    assert not (read_metadata(only_comments, URL).published or "").startswith("2026-11-26")


def test_dates_written_out_in_words_are_read():
    assert parse_date("November 24, 2026") == "2026-11-24"  # a day, not its midnight
    assert parse_date("Tue, 24 Nov 2026 09:30:00 +0100") == "2026-11-24T09:30:00+01:00"
    assert parse_date("no date here") is None


def test_meta_author_with_two_names_is_split():
    tree = page(head='<meta name="author" content="Ana Ruiz and Ben Okafor">')
    assert read_metadata(tree, URL).authors == ["Ana Ruiz", "Ben Okafor"]


def test_author_meta_holding_a_profile_url_is_ignored_for_the_byline():
    tree = page(head='<meta property="article:author" content="https://www.facebook.com/dailybugle">',
                body='<article><h1>Storm</h1><div class="author-name">Ana Ruiz</div></article>')
    assert read_metadata(tree, URL).authors == ["Ana Ruiz"]


def test_visible_byline_loses_by_its_date_and_its_role():
    assert split_names("By Ana Ruiz | November 24, 2026") == ["Ana Ruiz"]
    assert split_names("Written by Ana Ruiz and Ben Okafor") == ["Ana Ruiz", "Ben Okafor"]
    assert split_names("By Ana Ruiz - Staff Writer") == ["Ana Ruiz"]
    assert clean_name("Ana Ruiz, Updated Nov 24, 2026") == "Ana Ruiz"
    assert split_names("Ana Ruiz @anaruiz") == ["Ana Ruiz"]


def test_credentials_after_a_comma_stay_with_the_name():
    assert split_names("Jane Roe, MD, FACP") == ["Jane Roe, MD, FACP"]
    assert split_names("Ana Ruiz, Ben Okafor, and Chen Li") == ["Ana Ruiz", "Ben Okafor", "Chen Li"]


def test_byline_with_names_in_separate_links():
    tree = page(body='<article><h1>Storm</h1><div class="byline"><span>By</span> <a href="/author/ana">Ana Ruiz</a>'
                     ' and <a href="/author/ben">Ben Okafor</a><span>Nov 24, 2026</span></div></article>')
    assert read_metadata(tree, URL).authors == ["Ana Ruiz", "Ben Okafor"]


def test_microdata_author_name():
    tree = page(body='<article itemscope itemtype="https://schema.org/NewsArticle"><h1 itemprop="headline">Storm</h1>'
                     '<span itemprop="author" itemscope><span itemprop="name">Ana Ruiz</span></span></article>')
    assert read_metadata(tree, URL).authors == ["Ana Ruiz"]


def test_relative_canonical_and_image_become_absolute():
    tree = page(head='<link rel="canonical" href="/news/storm"><meta property="og:image" content="/img/storm.jpg">')
    meta = read_metadata(tree, URL)
    assert meta.canonical == "https://www.dailybugle.com/news/storm"
    assert meta.image == "https://www.dailybugle.com/img/storm.jpg"


def test_image_from_jsonld_object_when_no_og_image():
    tree = page(head="""<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Storm",
        "image": [{"@type": "ImageObject", "url": "https://cdn.dailybugle.com/storm.jpg"}]}</script>""")
    assert read_metadata(tree, URL).image == "https://cdn.dailybugle.com/storm.jpg"


def test_language_from_html_lang_or_og_locale():
    assert read_metadata(page(lang="pt-BR"), URL).language == "pt-br"
    no_lang = lxml.html.document_fromstring('<html><head><meta property="og:locale" content="fr_FR"></head><body></body></html>')
    assert read_metadata(no_lang, URL).language == "fr-fr"


def test_entities_escaped_twice_in_meta_are_decoded():
    tree = page(head='<meta property="og:title" content="Ana&amp;#8217;s storm diary">')
    assert read_metadata(tree, URL).title == "Ana\u2019s storm diary"


# OpenGraph publication and modification times, on different days.
META_PUBLISHED_AND_MODIFIED = ('<meta property="article:published_time" content="2025-01-29T20:47:55+00:00">'
                               '<meta property="article:modified_time" content="2025-08-19T09:00:00+00:00">')


def test_date_printed_by_the_headline_is_the_day_readers_see_with_the_metadata_time_when_they_agree():
    schema = ('<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2025-01-29T20:47:55+00:00",'
              ' "dateModified": "2025-08-19T09:00:00+00:00"}</script>')
    revised = page(head=schema, body='<article><h1>Storm</h1><p>Ana Ruiz, August 19, 2025</p><p>Text.</p></article>')
    assert read_metadata(revised, URL).published == "2025-08-19T09:00:00+00:00"
    printed = page(head=META_PUBLISHED_AND_MODIFIED, body='<article><h1>Storm</h1><p>By Ana Ruiz · March 3, 2025</p><p>Text.</p></article>')
    assert read_metadata(printed, URL).published == "2025-03-03"


def test_the_modification_day_printed_by_the_headline_gives_way_to_the_meta_tags_publication():
    tree = page(head=META_PUBLISHED_AND_MODIFIED, body='<article><h1>Storm</h1><p>Ana Ruiz, August 19, 2025</p><p>Text.</p></article>')
    assert read_metadata(tree, URL).published == "2025-01-29T20:47:55+00:00"


def test_a_printed_update_outranks_a_schema_publication_when_the_meta_tags_state_none():
    schema = ('<script type="application/ld+json">{"@type": "Article", "datePublished": "2021-08-12T19:35:44+00:00",'
              ' "dateModified": "2025-02-22T22:13:14+00:00"}</script>')
    labelled = page(head=schema, body='<article><h1>Storm</h1><p>Last Updated: 2025-02-22</p><p>Text.</p></article>')
    assert read_metadata(labelled, URL).published == "2025-02-22T22:13:14+00:00"
    # Far from the headline, the printed day counts only when it is the metadata's modification day.
    filler = "<p>" + "Words of the article. " * 60 + "</p>"
    later = page(head=schema, body=f'<h1>Storm</h1>{filler}<p>Reviewed February 22, 2025</p>')
    assert read_metadata(later, URL).published == "2025-02-22T22:13:14+00:00"
    other = page(head=schema, body=f'<h1>Storm</h1>{filler}<p>Event on March 9, 2025</p>')
    assert read_metadata(other, URL).published == "2021-08-12T19:35:44+00:00"


def test_publication_metadata_wins_over_a_printed_update_and_a_date_inside_the_headline_is_no_date():
    head = '<meta property="article:published_time" content="2025-01-29T20:47:55+00:00">'
    tree = page(head=head, body='<article><h1>What changed on March 3, 2025</h1><p>Updated: Aug 19, 2025</p></article>')
    assert read_metadata(tree, URL).published == "2025-01-29T20:47:55+00:00"


def test_day_in_the_url_and_day_first_numbers_outside_the_united_states():
    assert read_metadata(page(), "https://www.dailybugle.com/2026/11/24/storm").published == "2026-11-24"
    written = '<article><h1>Storm hits the coast</h1><p>03/09/2026</p><p>Text.</p></article>'
    assert read_metadata(page(body=written, lang="en-US"), URL).published == "2026-03-09"
    assert read_metadata(page(body=written, lang="en-GB"), URL).published == "2026-09-03"


def test_a_month_named_in_the_url_gives_the_day():
    url = "https://www.winecentre.example/blog/2023/october/03/how-many-wines"
    assert read_metadata(page(), url).published == "2023-10-03"


def test_a_numeric_date_is_read_the_other_way_round_when_the_metadata_says_so():
    head = '<meta property="article:published_time" content="2024-09-10T16:07:00+00:00">'
    for written in ("09.10.2024", "10/09/2024"):
        body = f'<article><h1>Storm hits the coast</h1><p>{written}</p><p>Text.</p></article>'
        for lang in ("en-US", "en-GB"):
            assert read_metadata(page(head=head, body=body, lang=lang), URL).published == "2024-09-10T16:07:00+00:00"
    # Without that, the page's own order stands.
    body = '<article><h1>Storm hits the coast</h1><p>09.10.2024</p><p>Text.</p></article>'
    assert read_metadata(page(body=body), URL).published == "2024-10-09"


def test_without_metadata_the_first_date_printed_outside_navigation_is_taken():
    tree = page(body='<nav>Archive: January 1, 2020</nav><main><p>Posted 5 February 2024</p><p>Text.</p></main>')
    assert read_metadata(tree, URL).published == "2024-02-05"


def test_date_and_byline_set_inside_the_h1_are_not_part_of_the_headline():
    tree = page(body='<article><h1>Storm hits the coast Posted on July 1, 2024 by admin</h1><p>Text.</p></article>')
    assert read_metadata(tree, URL).title == "Storm hits the coast"
    tree = page(body='<article><h1>Dec 18 2025 Preparing for the storm season</h1><p>Text.</p></article>')
    assert read_metadata(tree, URL).title == "Preparing for the storm season"
    tree = page(head='<title>March 3, 2025: the day the river rose</title>',
                body='<article><h1>March 3, 2025: the day the river rose</h1><p>Text.</p></article>')
    assert read_metadata(tree, URL).title == "March 3, 2025: the day the river rose"


def test_site_domain_set_before_the_headline_without_a_separator_is_stripped():
    assert strip_site_name("dailybugle.com Storm hits the coast", [], ["dailybugle"]) == "Storm hits the coast"
    assert strip_site_name("Node.js streams explained", [], ["dailybugle"]) == "Node.js streams explained"


def test_a_printed_update_leaves_a_publication_shown_by_a_time_element_of_the_body():
    schema = ('<script type="application/ld+json">{"@type": "Article", "datePublished": "2017-04-03",'
              ' "dateModified": "2026-02-12T12:07:55-05:00"}</script>')
    # The <time> stands far below the headline, in the article's foot.
    filler = "<p>" + "Words of the article. " * 60 + "</p>"
    body = (f'<article><h1>Storm</h1><p>Updated February 12, 2026</p>{filler}'
            '<p>First published <time class="published" datetime="2017-04-03">April 3, 2017</time></p></article>')
    assert read_metadata(page(head=schema, body=body), URL).published == "2017-04-03"
    alone = (f'<article><h1>Storm</h1><p>Updated February 12, 2026</p>{filler}'
             '<p><time class="published" datetime="2017-04-03">April 3, 2017</time></p></article>')
    assert read_metadata(page(body=alone), URL).published == "2017-04-03"


def test_a_page_without_publication_time_that_prints_its_modification_day_is_dated_by_it():
    head = '<meta property="og:updated_time" content="2024-04-12 08:02:41 -0500">'
    filler = "<p>" + "Words of the guide. " * 20 + "</p>"
    body = (f'<header><p>By Dan Reyes · April 12, 2024</p></header>{filler}'
            f'<main><h1>Next in your guide</h1>{filler * 3}<p>Trail race on April 9, 2024</p></main>')
    assert read_metadata(page(head=head, body=body), URL).published[:10] == "2024-04-12"
    # Not printed, the modification stays the last resort, after the first printed date.
    hidden = f'<main><h1>Next in your guide</h1>{filler * 3}<p>Trail race on April 9, 2024</p></main>'
    assert read_metadata(page(head=head, body=hidden), URL).published == "2024-04-09"


def test_schema_org_in_microdata_weighs_as_schema_org_not_as_a_meta_tag():
    head = '<meta name="article:modified_time" content="2025-10-08T21:33:14Z">'
    body = ('<article itemscope itemtype="https://schema.org/BlogPosting">'
            '<meta itemprop="datePublished" content="2024-11-22T22:28:12Z">'
            '<h1>Storm</h1><p>9 min read · Updated <time datetime="2025-10-08">October 8, 2025</time></p><p>Text.</p></article>')
    assert read_metadata(page(head=head, body=body), URL).published[:10] == "2025-10-08"
    # Without a printed date the microdata's publication is still the date.
    quiet = body.replace("<p>9 min read · Updated <time datetime=\"2025-10-08\">October 8, 2025</time></p>", "")
    assert read_metadata(page(head=head, body=quiet), URL).published == "2024-11-22T22:28:12+00:00"


def test_a_day_written_year_first_with_dots_is_read():
    tree = page(body='<article><h1>Storm</h1><p><span>Essay - Published: 2025.12.17 | </span>Text.</p>'
                     '<p>See also the earlier essay of November 20, 2025.</p></article>')
    assert read_metadata(tree, URL).published == "2025-12-17"
