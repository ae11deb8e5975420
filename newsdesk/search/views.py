"""The search page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from newsdesk.search.stories import Filters, search_stories
from newsdesk.store.models import Source


def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    filters = Filters.from_params(request.GET)
    page = request.GET.get("page", "1")
    results = search_stories(query, filters, page=int(page) if page.isdigit() else 1) if query.strip() else None
    return render(request, "newsdesk/search.html", {
        "query": query,
        "filters": filters,
        "results": results,
        "sources": Source.objects.only("id", "name").order_by("name"),
        "previous_url": page_url(request, results.page - 1) if results and results.page > 1 else "",
        "next_url": page_url(request, results.page + 1) if results and results.has_next else "",
        "feed_query": page_url(request, None),
        "feed_title": f"Newsdesk: search for {query.strip()}",
    })


def page_url(request: HttpRequest, page: int | None) -> str:
    """The query string of this search at another page (None: without a page)."""
    params = request.GET.copy()
    params.pop("page", None)
    if page:
        params["page"] = str(page)
    return "?" + params.urlencode()
