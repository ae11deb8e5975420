"""HTML pages of a simulated publisher: a homepage and generated article pages."""

import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from html import escape
from random import Random

SITE_CSS = """
:root{--ink:#1a1a1a;--muted:#6b6b6b;--accent:#b3261e;--rule:#e4e4e4;--paper:#fffdf8}
*{box-sizing:border-box}body{margin:0;font:17px/1.6 Georgia,'Times New Roman',serif;color:var(--ink);background:var(--paper)}
a{color:inherit;text-decoration:none}a:hover{text-decoration:underline}
.site-header{display:flex;align-items:center;justify-content:space-between;padding:12px 24px;border-bottom:3px double var(--ink)}
.logo{font:700 28px/1 'Playfair Display',Georgia,serif;letter-spacing:-.5px}
.primary-nav ul{display:flex;flex-wrap:wrap;gap:14px;list-style:none;margin:0;padding:0;font:600 13px/1 Helvetica,Arial,sans-serif;text-transform:uppercase}
.search input{border:1px solid var(--rule);padding:6px 10px;border-radius:2px}
.ticker{background:var(--ink);color:#fff;padding:6px 24px;font:14px/1.4 Helvetica,Arial,sans-serif}
.ticker span{color:#ffcf3f;font-weight:700;margin-right:8px}
.ad{margin:18px auto;text-align:center;color:var(--muted);font:11px/1 Helvetica,Arial,sans-serif;letter-spacing:2px;text-transform:uppercase;background:#f2f2f2;padding:40px 0}
.ad-leaderboard{max-width:728px;height:90px}.ad-box{width:300px;height:250px}
.layout{display:grid;grid-template-columns:minmax(0,1fr) 320px;gap:40px;max-width:1180px;margin:0 auto;padding:0 24px}
.breadcrumbs{font:13px/1 Helvetica,Arial,sans-serif;color:var(--muted);margin:18px 0}
.headline{font:700 40px/1.15 Georgia,serif;margin:0 0 14px}
.byline{font:14px/1.4 Helvetica,Arial,sans-serif;color:var(--muted);border-top:1px solid var(--rule);border-bottom:1px solid var(--rule);padding:8px 0}
.share a{display:inline-block;margin-right:10px;font:12px/1 Helvetica,Arial,sans-serif}
.story-body p{margin:0 0 1.1em}.story-body aside{border-left:3px solid var(--accent);padding-left:12px;font-size:15px}
.tags a{display:inline-block;border:1px solid var(--rule);border-radius:12px;padding:2px 10px;margin:4px;font-size:13px}
.sidebar h2,.related h2{font:700 15px/1 Helvetica,Arial,sans-serif;text-transform:uppercase;border-bottom:2px solid var(--ink);padding-bottom:6px}
.sidebar ol{padding-left:20px}.sidebar li{margin-bottom:10px;font-size:15px}
.newsletter{background:#f6efe3;padding:16px;font:14px/1.5 Helvetica,Arial,sans-serif}
.related ul{list-style:none;padding:0;display:grid;grid-template-columns:repeat(3,1fr);gap:16px}
.cookie-banner{position:fixed;bottom:0;left:0;right:0;background:#222;color:#eee;padding:14px 24px;font:13px/1.5 Helvetica,Arial,sans-serif;z-index:99}
.site-footer{margin-top:60px;border-top:3px double var(--ink);padding:24px;font:13px/1.8 Helvetica,Arial,sans-serif;color:var(--muted)}
.site-footer ul{columns:4;list-style:none;padding:0}
.front{max-width:1180px;margin:0 auto;padding:0 24px}.front section{margin:28px 0}
.front h2{font:700 22px/1.2 Georgia,serif;border-bottom:1px solid var(--rule)}
.front li{margin:6px 0}.front time{color:var(--muted);font-size:13px;margin-left:8px}
@media (max-width:900px){.layout{grid-template-columns:1fr}.related ul{grid-template-columns:1fr}}
"""

FOOTER_LINKS = (
    "About us",
    "Contact",
    "Work for us",
    "Advertise",
    "Terms of use",
    "Privacy policy",
    "Cookie settings",
    "Accessibility",
    "Corrections",
    "Newsletters",
    "Podcasts",
    "Archive",
    "Syndication",
    "Help centre",
    "Complaints",
    "Sitemap",
)


@dataclass(frozen=True, slots=True)
class Masthead:
    """The parts every page of one publisher shares."""

    publisher: str
    home_url: str
    sections: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ArticlePage:
    """Everything a generated article page shows."""

    url: str
    section: str
    title: str
    author: str | None
    published: datetime
    paragraphs: list[str]
    feed_title: str
    feed_url: str
    feed_type: str
    related: list[tuple[str, str]]
    target_size: int
    seed: str
    image: str = ""


@cache
def _filler_script() -> str:
    """Return ~200 KB of inert minified-looking JavaScript, built once per process."""
    rng = Random("newsdesk-simulator-filler")
    parts = []
    for i in range(1600):
        roll = rng.randrange(3)
        if roll == 0:
            parts.append(
                f"var t{i}=function(e,n){{var r=e.length,o=n||{rng.randrange(97)};"
                f"for(var a=0;a<r;a++)o=(o*31+e.charCodeAt(a))|0;return o}};"
            )
        elif roll == 1:
            parts.append(
                f'window.__ad{i}={{"slot":"div-gpt-{rng.randrange(10**6)}",'
                f'"sizes":[[300,250],[728,90]],"refresh":{rng.randrange(30, 120)}}};'
            )
        else:
            parts.append(
                f"!function(w,d){{var s=d.createElement('script');s.async=!0;"
                f"s.src='https://cdn.example.invalid/px/{rng.randrange(16**8):08x}.js';"
                f"(d.head||d.body).appendChild(s)}}(window,document);"
            )
    return "".join(parts)


def _format_date(moment: datetime) -> str:
    return f"{moment.day} {moment:%B %Y, %H:%M} UTC"


def _header(masthead: Masthead, current: str | None) -> str:
    active = ' class="active"'
    nav = "".join(
        f'<li{active if section == current else ""}>'
        f'<a href="/section/{section}">{escape(section.title())}</a></li>'
        for section in masthead.sections
    )
    return (
        '<div class="cookie-banner" role="dialog">We and our 143 partners use cookies to '
        "personalise content and ads. <button>Accept all</button> <button>Manage choices</button>"
        "</div>\n"
        f'<header class="site-header"><a class="logo" href="/">{escape(masthead.publisher)}</a>'
        f'<nav class="primary-nav" aria-label="Sections"><ul>{nav}</ul></nav>'
        '<form class="search" action="/search"><input name="q" placeholder="Search">'
        "<button>Go</button></form></header>\n"
    )


def _footer(masthead: Masthead, year: int) -> str:
    links = "".join(
        f'<li><a href="/info/{label.lower().replace(" ", "-")}">{label}</a></li>' for label in FOOTER_LINKS
    )
    return (
        f'<footer class="site-footer"><ul>{links}</ul>'
        f"<p>&copy; {year} {escape(masthead.publisher)}. All rights reserved. "
        "Registered in the simulated jurisdiction. Our journalism is funded by readers "
        "and advertisers.</p></footer>\n"
    )


def render_article_page(masthead: Masthead, page: ArticlePage) -> str:
    """Return a full article page of about page.target_size bytes, boilerplate included."""
    rng = Random(page.seed)
    iso = page.published.isoformat()
    title = escape(page.title)
    description = escape(page.paragraphs[0][:200])
    author = escape(page.author) if page.author else None
    linked_data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": page.title,
        "datePublished": iso,
        "dateModified": iso,
        "articleSection": page.section.title(),
        "mainEntityOfPage": page.url,
        "publisher": {"@type": "Organization", "name": masthead.publisher},
    }
    if page.author:
        linked_data["author"] = {"@type": "Person", "name": page.author}
    # "</" inside a script element would end it early.
    linked_json = json.dumps(linked_data, ensure_ascii=False).replace("</", "<\\/")
    head = [
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
        f"<title>{title} | {escape(masthead.publisher)}</title>\n",
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        f'<meta name="description" content="{description}">\n',
        f'<link rel="canonical" href="{escape(page.url)}">\n',
        f'<link rel="alternate" type="{page.feed_type}" title="{escape(page.feed_title)}" '
        f'href="{escape(page.feed_url)}">\n',
        '<meta property="og:type" content="article">\n',
        f'<meta property="og:title" content="{title}">\n',
        f'<meta property="og:url" content="{escape(page.url)}">\n',
        f'<meta property="og:site_name" content="{escape(masthead.publisher)}">\n',
        f'<meta property="og:description" content="{description}">\n',
        f'<meta property="article:published_time" content="{iso}">\n',
        f'<meta property="article:section" content="{escape(page.section.title())}">\n',
    ]
    if page.image:
        head.append(f'<meta property="og:image" content="{escape(page.image)}">\n')
    if author:
        head.append(f'<meta name="author" content="{author}">\n')
        head.append(f'<meta property="article:author" content="{author}">\n')
    head.append(f'<script type="application/ld+json">{linked_json}</script>\n')
    head.append(f"<style>{SITE_CSS}</style>\n</head>\n")

    body = [f'<body class="article-page section-{page.section}">\n', _header(masthead, page.section)]
    if page.related:
        teaser_title, teaser_url = page.related[0]
        body.append(
            f'<div class="ticker"><span>Latest</span><a href="{escape(teaser_url)}">'
            f"{escape(teaser_title)}</a></div>\n"
        )
    body.append('<div class="ad ad-leaderboard" data-slot="top">Advertisement</div>\n')
    body.append('<div class="layout">\n<main id="content">\n<article class="story">\n')
    body.append(
        f'<nav class="breadcrumbs"><a href="/">Home</a> &rsaquo; '
        f'<a href="/section/{page.section}">{escape(page.section.title())}</a></nav>\n'
        f'<h1 class="headline">{title}</h1>\n<div class="byline">'
    )
    if page.author and author:
        author_slug = "-".join(page.author.lower().split())
        body.append(f'By <a rel="author" href="/authors/{escape(author_slug)}">{author}</a> &middot; ')
    body.append(f'<time datetime="{iso}">{_format_date(page.published)}</time></div>\n')
    body.append(
        '<div class="share">Share this article: <a href="#">Facebook</a> <a href="#">X</a> '
        '<a href="#">LinkedIn</a> <a href="#">Email</a></div>\n<div class="story-body">\n'
    )
    ad_after = rng.randint(2, 4)
    aside_after = rng.randint(5, 8)
    for number, paragraph in enumerate(page.paragraphs, start=1):
        body.append(f"<p>{escape(paragraph)}</p>\n")
        if number == ad_after:
            body.append('<div class="ad ad-box" data-slot="inline">Advertisement</div>\n')
        if number == aside_after and len(page.related) > 1:
            read_title, read_url = page.related[1]
            body.append(
                f'<aside class="read-more">Read more: <a href="{escape(read_url)}">'
                f"{escape(read_title)}</a></aside>\n"
            )
    body.append("</div>\n")
    tags = rng.sample(masthead.sections, k=min(4, len(masthead.sections)))
    body.append(
        '<div class="tags">Topics: '
        + " ".join(f'<a href="/section/{tag}">{escape(tag.title())}</a>' for tag in tags)
        + "</div>\n</article>\n"
    )
    related = "".join(f'<li><a href="{escape(url)}">{escape(text)}</a></li>' for text, url in page.related)
    body.append(
        f'<section class="related"><h2>More from {escape(page.section.title())}</h2>'
        f"<ul>{related}</ul></section>\n</main>\n"
    )
    most_read = "".join(
        f'<li><a href="{escape(url)}">{escape(text)}</a></li>' for text, url in page.related[::-1]
    )
    body.append(
        f'<aside class="sidebar"><h2>Most read</h2><ol>{most_read}</ol>'
        '<div class="ad ad-box" data-slot="side">Advertisement</div>'
        '<div class="newsletter"><h2>The morning briefing</h2><p>The day\'s top stories in '
        'your inbox at 7am.</p><form action="/newsletter"><input type="email" name="email" '
        'placeholder="Your email"><button>Sign up</button></form></div></aside>\n</div>\n'
    )
    body.append(_footer(masthead, page.published.year))

    document = "".join(head) + "".join(body)
    closing = "</body>\n</html>\n"
    room = page.target_size - len(document) - len(closing) - len("<script></script>\n")
    if room > 0:
        filler = _filler_script()
        offset = rng.randrange(len(filler) // 4)
        document += f"<script>{filler[offset:offset + room]}</script>\n"
    return document + closing


def render_homepage(
    masthead: Masthead,
    feeds: list[tuple[str, str, str]],
    sections: list[tuple[str, list[tuple[str, str, datetime]]]],
    updated: datetime,
) -> str:
    """Return the front page: feed discovery links in the head and every listed article."""
    alternates = "".join(
        f'<link rel="alternate" type="{mime}" title="{escape(title)}" href="{escape(url)}">\n'
        for title, url, mime in feeds
    )
    blocks = []
    for section, articles in sections:
        items = "".join(
            f'<li><a href="{escape(href)}">{escape(title)}</a>'
            f'<time datetime="{published.isoformat()}">{_format_date(published)}</time></li>'
            for title, href, published in articles
        )
        blocks.append(f"<section><h2>{escape(section)}</h2><ul>{items}</ul></section>\n")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(masthead.publisher)}: news, analysis and opinion</title>\n"
        f'<meta property="og:site_name" content="{escape(masthead.publisher)}">\n'
        f'<link rel="canonical" href="{escape(masthead.home_url)}">\n'
        f'{alternates}<style>{SITE_CSS}</style>\n</head>\n<body class="front-page">\n'
        f"{_header(masthead, None)}"
        '<div class="ad ad-leaderboard" data-slot="top">Advertisement</div>\n'
        f'<main class="front">\n{"".join(blocks)}</main>\n'
        f"{_footer(masthead, updated.year)}</body>\n</html>\n"
    )
