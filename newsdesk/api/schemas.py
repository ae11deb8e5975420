"""What the API returns: explicit fields only, so no internal column (page HTML, feed secrets) leaks out."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema


class SourceOut(Schema):
    id: int
    name: str
    homepage: str
    icon: str
    language: str
    country: str
    excerpt_words: int  # 0: readers see whole articles; N: only the first N words
    url: str  # the outlet's page on this site


class SourceRef(Schema):
    id: int
    name: str


class ArticleOut(Schema):
    id: int
    story_id: int | None
    source: SourceRef
    url: str  # the publisher's page
    title: str
    authors: list[str]
    published: datetime | None
    fetched: datetime
    summary: str
    image: str
    language: str
    word_count: int
    truncated: bool  # paywalled or cut short: the rest is on the publisher's page


class ArticleText(ArticleOut):
    text: str  # whole, or the first excerpt_words words of an outlet that allows only an excerpt
    excerpt_only: bool


class StoryOut(Schema):
    id: int
    headline: str
    url: str  # the story page on this site
    first_seen: datetime
    last_updated: datetime
    article_count: int
    source_count: int
    comment_count: int
    score: float
    lead: ArticleOut | None


class StoryDetail(StoryOut):
    articles: list[ArticleText]  # the lead article first, then the rest by time


class StoryPage(Schema):
    items: list[StoryOut]
    page: int
    has_next: bool


class ArticlePage(Schema):
    items: list[ArticleOut]
    page: int
    has_next: bool


class SearchHit(Schema):
    story: StoryOut
    article: ArticleOut  # the story's article that matched best
    title_html: str  # the article's title, escaped, the match in <mark>
    snippet_html: str  # a passage of its text, escaped, the match in <mark>


class SearchPage(Schema):
    query: str
    items: list[SearchHit]
    page: int
    has_next: bool
    problems: list[str]  # filters that were ignored, and why


class Problem(Schema):
    detail: str
