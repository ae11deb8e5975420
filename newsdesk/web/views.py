"""The reader's pages."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from django.core.paginator import Paginator
from django.db import connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe

from newsdesk.store.models import Article, Story

STATIC_DIR = Path(__file__).with_name("static")
STORIES_PER_PAGE = 30


def front_page(request: HttpRequest) -> HttpResponse:
    stories = Story.objects.select_related("lead_article__source").order_by("-last_updated", "-id")
    page = Paginator(stories, STORIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "newsdesk/front.html", {"page": page})


def story_page(request: HttpRequest, story_id: int) -> HttpResponse:
    story = get_object_or_404(Story.objects.select_related("lead_article__source"), id=story_id)
    articles = list(story.articles.select_related("source").order_by("published", "fetched"))
    lead = story.lead_article or (articles[0] if articles else None)
    if lead is None:
        raise Http404("This story has no articles.")
    return render(request, "newsdesk/story.html", {
        "story": story,
        "lead": lead,
        "body": mark_safe(lead.html) if lead.html else None,  # sanitized (nh3) before it was stored
        "paragraphs": [p for p in lead.text.split("\n\n") if p.strip()],
        "coverage": [a for a in articles if a.id != lead.id],
        "truncated": bool(lead.extraction_error) or lead.truncated,
        "embeds": story_embeds([lead, *(a for a in articles if a.id != lead.id)]),
    })


def story_embeds(articles: list[Article], limit: int = 20) -> list[dict]:
    """The posts embedded in a story's articles, lead article first, each post once."""
    posts, seen = [], set()
    for article in articles:
        for embed in article.embeds:
            if embed.get("url") and embed["url"] not in seen:
                seen.add(embed["url"])
                posts.append(embed)
    return posts[:limit]


def static_file(request: HttpRequest, name: str) -> FileResponse:
    path = (STATIC_DIR / name).resolve()
    if STATIC_DIR.resolve() not in path.parents or not path.is_file():
        raise Http404(name)
    response = FileResponse(path.open("rb"), content_type=mimetypes.guess_type(path.name)[0] or "application/octet-stream")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "articles": Article.objects.count()})
