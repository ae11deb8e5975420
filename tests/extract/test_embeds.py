"""Embedded posts and videos: returned as Embed, gone from the text."""

import lxml.html

from newsdesk.extract import extract_article
from newsdesk.extract.embeds import take_embeds

URL = "https://news.example/tech/2024/social-networks"
PROSE = ("Social networks have spent the year fighting over the same users, and the results are starting to "
         "show in the numbers that each company reports to its investors every quarter.")

TWEET = """<blockquote class="twitter-tweet" data-dnt="true"><p lang="en" dir="ltr">We are rolling out
longer posts to everyone today. Thanks for the feedback! <a href="https://t.co/abc123">pic.twitter.com/abc123</a></p>
&mdash; Example Corp (@examplecorp) <a href="https://twitter.com/examplecorp/status/1765432109876543210?ref_src=twsrc%5Etfw">March 6, 2024</a></blockquote>
<script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>"""

BLUESKY = """<blockquote class="bluesky-embed" data-bluesky-uri="at://did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.feed.post/3kq2x5y7abc2d"
data-bluesky-cid="bafyreib"><p lang="en">Custom feeds are now open to everyone on the network.</p>&mdash; Bluesky
(<a href="https://bsky.app/profile/did:plc:z72i7hdynmk6r22z27h6tvur?ref_src=embed">@bsky.app</a>)
<a href="https://bsky.app/profile/did:plc:z72i7hdynmk6r22z27h6tvur/post/3kq2x5y7abc2d?ref_src=embed">May 14, 2024 at 5:12 PM</a></blockquote>
<script async src="https://embed.bsky.app/static/embed.js" charset="utf-8"></script>"""

MASTODON_BLOCKQUOTE = """<blockquote class="mastodon-embed" data-embed-url="https://mastodon.social/@Gargron/112345678901234567/embed"
style="background: #FCF8FF;"><a href="https://mastodon.social/@Gargron/112345678901234567" target="_blank">
<div>Post by @Gargron@mastodon.social</div><div>View on Mastodon</div></a></blockquote>"""

MASTODON_IFRAME = """<iframe src="https://mastodon.social/@Gargron/112345678901234568/embed" class="mastodon-embed"
style="max-width: 100%; border: 0" width="400" allowfullscreen="allowfullscreen"></iframe>"""

THREADS = """<blockquote class="text-post-media" data-text-post-permalink="https://www.threads.net/@zuck/post/C8abcDEFgh1"
data-text-post-version="0"><a href="https://www.threads.net/@zuck/post/C8abcDEFgh1" target="_blank">
<div>Post by @zuck</div><div>View on Threads</div></a></blockquote>"""

INSTAGRAM = """<blockquote class="instagram-media" data-instgrm-captioned
data-instgrm-permalink="https://www.instagram.com/p/C4xYz12AbCd/?utm_source=ig_embed&amp;utm_campaign=loading"
data-instgrm-version="14"><div><a href="https://www.instagram.com/p/C4xYz12AbCd/?utm_source=ig_embed">View this post on Instagram</a>
<p><a href="https://www.instagram.com/p/C4xYz12AbCd/">A post shared by NASA (@nasa)</a></p></div></blockquote>"""

YOUTUBE = """<iframe width="560" height="315" src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?si=x1"
title="Keynote highlights" frameborder="0" allowfullscreen></iframe>"""

VIMEO = """<iframe src="https://player.vimeo.com/video/76979871?h=8272103f6e" width="640" height="360"
title="The New Vimeo Player" allow="autoplay; fullscreen"></iframe>"""


def embeds_of(markup: str):
    tree = lxml.html.document_fromstring(f"<html><body><article><p>{PROSE}</p>{markup}<p>{PROSE}</p></article></body></html>")
    return take_embeds(tree, URL), tree


def test_tweet_gives_text_author_status_url_and_date():
    [embed], tree = embeds_of(TWEET)
    assert embed.network == "twitter"
    assert embed.url == "https://twitter.com/examplecorp/status/1765432109876543210"
    assert embed.author == "Example Corp (@examplecorp)"
    assert embed.text.startswith("We are rolling out longer posts")
    assert embed.published == "2024-03-06"
    assert not tree.xpath("//blockquote")


def test_bluesky_post_gives_its_web_url_author_and_time():
    [embed], _ = embeds_of(BLUESKY)
    assert embed.network == "bluesky"
    assert embed.url == "https://bsky.app/profile/did:plc:z72i7hdynmk6r22z27h6tvur/post/3kq2x5y7abc2d"
    assert embed.text == "Custom feeds are now open to everyone on the network."
    assert embed.author == "Bluesky (@bsky.app)"
    assert embed.published == "2024-05-14T17:12:00"


def test_mastodon_blockquote_and_iframe_give_the_status_url():
    [quoted], _ = embeds_of(MASTODON_BLOCKQUOTE)
    assert (quoted.network, quoted.url) == ("mastodon", "https://mastodon.social/@Gargron/112345678901234567")
    [framed], _ = embeds_of(MASTODON_IFRAME)
    assert (framed.network, framed.url) == ("mastodon", "https://mastodon.social/@Gargron/112345678901234568")


def test_threads_and_instagram_give_their_permalinks():
    [threads], _ = embeds_of(THREADS)
    assert (threads.network, threads.url) == ("threads", "https://www.threads.net/@zuck/post/C8abcDEFgh1")
    [instagram], _ = embeds_of(INSTAGRAM)
    assert instagram.network == "instagram"
    assert instagram.url.startswith("https://www.instagram.com/p/C4xYz12AbCd/")


def test_videos_give_their_watch_urls_and_titles():
    [youtube], _ = embeds_of(YOUTUBE)
    assert (youtube.network, youtube.url, youtube.text) == ("youtube", "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "Keynote highlights")
    [vimeo], _ = embeds_of(VIMEO)
    assert (vimeo.network, vimeo.url) == ("vimeo", "https://vimeo.com/76979871")


def test_embeds_leave_the_article_text_and_come_out_in_page_order():
    second = "Analysts expect the competition to intensify next year as new features reach every market at once."
    third = "Advertisers, meanwhile, are moving budgets towards whichever platform keeps its audience the longest."
    page = f"<html><body><article><p>{PROSE}</p>{TWEET}<p>{second}</p>{YOUTUBE}{BLUESKY}<p>{third}</p></article></body></html>"
    article = extract_article(page, URL)
    assert [embed.network for embed in article.embeds] == ["twitter", "youtube", "bluesky"]
    assert "rolling out longer posts" not in article.text and "Custom feeds" not in article.text
    assert all(paragraph in article.text for paragraph in (PROSE, second, third))


def test_ordinary_quotes_are_not_embeds():
    embeds, tree = embeds_of("<blockquote><p>Nobody expected the vote to pass, a senator said.</p></blockquote>")
    assert embeds == [] and tree.xpath("//blockquote")
