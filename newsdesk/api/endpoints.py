"""The API's endpoints: read-only views of stories, articles, sources and search."""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import NinjaAPI, Query

from newsdesk.api import schemas
from newsdesk.api.docs import LocalSwagger
from newsdesk.search.stories import Filters, search_stories
from newsdesk.store.models import Article, Source, Story

PER_PAGE = 30
MAX_PAGE = 200  # deeper than anyone reads; keeps OFFSET scans bounded
TABS = {
    "top": ("-score", "-last_updated", "-id"),
    "latest": ("-last_updated", "-id"),
    "discussed": ("-comment_count", "-last_updated", "-id"),
}
# Large columns nobody listing articles needs; the sanitized HTML never leaves through the API.
HEAVY = ("html", "text", "assignment", "embeds", "related")

api = NinjaAPI(
    title="Newsdesk API",
    version="1",
    description="Read-only JSON of the stories Newsdesk groups from its outlets' articles.",
    urls_namespace="api",
    docs=LocalSwagger(),
)
Page = Query(1, ge=1, le=MAX_PAGE, description="Page number, from 1")


def absolute(request: HttpRequest, name: str, *args) -> str:
    return request.build_absolute_uri(reverse(name, args=args))


def source_out(request: HttpRequest, source: Source) -> dict:
    return {"id": source.id, "name": source.name, "homepage": source.homepage, "icon": source.icon,
            "language": source.language, "country": source.country, "excerpt_words": source.excerpt_words,
            "url": absolute(request, "web:source", source.id)}


def article_out(article: Article) -> dict:
    return {"id": article.id, "story_id": article.story_id, "source": {"id": article.source.id, "name": article.source.name},
            "url": article.url, "title": article.title, "authors": article.authors, "published": article.published,
            "fetched": article.fetched, "summary": article.summary, "image": article.image,
            "language": article.language, "word_count": article.word_count, "truncated": article.truncated}


def article_text(article: Article) -> dict:
    """article_out with its text, cut to the outlet's excerpt when it allows only one."""
    limit = article.source.excerpt_words
    words = article.text.split()
    excerpt_only = bool(limit) and len(words) > limit
    text = " ".join(words[:limit]) + " …" if excerpt_only else article.text
    return {**article_out(article), "text": text, "excerpt_only": excerpt_only}


def story_out(request: HttpRequest, story: Story) -> dict:
    return {"id": story.id, "headline": story.headline, "url": absolute(request, "web:story", story.id),
            "first_seen": story.first_seen, "last_updated": story.last_updated, "article_count": story.article_count,
            "source_count": story.source_count, "comment_count": story.comment_count, "score": story.score,
            "lead": article_out(story.lead_article) if story.lead_article else None}


def window(queryset, page: int) -> tuple[list, bool]:
    """One page of queryset and whether another follows, read as PER_PAGE + 1 rows (no COUNT)."""
    rows = list(queryset[(page - 1) * PER_PAGE: page * PER_PAGE + 1])
    return rows[:PER_PAGE], len(rows) > PER_PAGE


def stories_with_leads():
    heavy = [f"lead_article__{column}" for column in HEAVY]
    return Story.objects.select_related("lead_article__source").defer(*heavy, "related")


@api.get("/stories", response=schemas.StoryPage, tags=["stories"], summary="Stories, as on the front page's tabs")
def list_stories(request: HttpRequest, tab: Literal["top", "latest", "discussed"] = "top", page: int = Page):
    stories, has_next = window(stories_with_leads().order_by(*TABS[tab]), page)
    return {"items": [story_out(request, story) for story in stories], "page": page, "has_next": has_next}


@api.get("/stories/{story_id}", response={200: schemas.StoryDetail, 404: schemas.Problem}, tags=["stories"],
         summary="One story with every article in it")
def get_story(request: HttpRequest, story_id: int):
    story = get_object_or_404(stories_with_leads(), id=story_id)
    articles = sorted(story.articles.select_related("source").defer("html", "assignment"),
                      key=lambda a: (a.id != story.lead_article_id, a.when, a.id))
    return {**story_out(request, story), "articles": [article_text(article) for article in articles]}


@api.get("/articles", response=schemas.ArticlePage, tags=["articles"], summary="Articles, newest stored first")
def list_articles(request: HttpRequest, source: int | None = Query(None, description="Only this outlet's articles"),
                  page: int = Page):
    articles = Article.objects.select_related("source").defer(*HEAVY).order_by("-id")
    if source is not None:
        articles = articles.filter(source_id=source)
    items, has_next = window(articles, page)
    return {"items": [article_out(article) for article in items], "page": page, "has_next": has_next}


@api.get("/articles/{article_id}", response={200: schemas.ArticleText, 404: schemas.Problem}, tags=["articles"],
         summary="One article with its text")
def get_article(request: HttpRequest, article_id: int):
    return article_text(get_object_or_404(Article.objects.select_related("source").defer("html"), id=article_id))


@api.get("/sources", response=list[schemas.SourceOut], tags=["sources"], summary="Every outlet, by name")
def list_sources(request: HttpRequest):
    return [source_out(request, source) for source in Source.objects.order_by("name", "id")]


@api.get("/sources/{source_id}", response={200: schemas.SourceOut, 404: schemas.Problem}, tags=["sources"],
         summary="One outlet")
def get_source(request: HttpRequest, source_id: int):
    return source_out(request, get_object_or_404(Source, id=source_id))


@api.get("/search", response=schemas.SearchPage, tags=["search"],
         summary="Stories whose articles match the words, each story once, best and newest first")
def search(request: HttpRequest,
           q: str = Query(..., min_length=1, max_length=300, description='Words, "a phrase", -excluded, this OR that'),
           source: int | None = Query(None, description="Only this outlet's articles"),
           since: date | None = Query(None, description="From this day on (YYYY-MM-DD)"),
           until: date | None = Query(None, description="Up to and including this day (YYYY-MM-DD)"),
           page: int = Page):
    filters = Filters(since=since, until=until)
    if source is not None:
        filters.source = Source.objects.filter(id=source).first()
        if filters.source is None:
            filters.problems.append(f"No outlet {source}: searched every outlet.")
    results = search_stories(q, filters, page=page, per_page=PER_PAGE)
    leads = stories_with_leads().in_bulk([hit.story.id for hit in results.hits])
    items = [{"story": story_out(request, leads.get(hit.story.id, hit.story)), "article": article_out(hit.article),
              "title_html": str(hit.title), "snippet_html": str(hit.snippet)} for hit in results.hits]
    return {"query": results.query, "items": items, "page": results.page, "has_next": results.has_next,
            "problems": filters.problems}
