"""Feeds out: the top stories, each outlet and any search, as RSS 2.0, Atom 1.0 and JSON Feed 1.1."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import escape
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from newsdesk.search.stories import Filters, search_stories
from newsdesk.store.models import Article, Source, Story

ITEMS = 50
TOP_ORDER = ("-score", "-last_updated", "-id")  # the front page's Top tab
# Characters XML 1.0 cannot carry at all; publishers' text sometimes has them.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
FORMATS = {"rss": "application/rss+xml", "atom": "application/atom+xml", "json": "application/feed+json"}


def xml_safe(text: str | None) -> str:
    """text without the characters XML 1.0 forbids."""
    return NOT_XML.sub("", text or "")


@dataclass
class Item:
    """One entry of a feed: a story as told by one of its articles."""

    story: Story
    article: Article
    title: str
    guid: str = ""


class StoryRss(Rss201rev2Feed):
    """RSS 2.0 with each item's outlet as <source>, the channel of that outlet's feed."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("outlet"):
            handler.addQuickElement("source", item["outlet"], {"url": item["outlet_feed"]})


class StoriesFeed(Feed):
    """What every feed out shares; subclasses say which items and what the feed is called."""

    feed_type = StoryRss
    language = "en"

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def entries(self, obj) -> list[Item]:
        raise NotImplementedError

    def items(self, obj) -> list[Item]:
        return self.entries(obj)

    def item_title(self, item: Item) -> str:
        return xml_safe(item.title)

    def item_link(self, item: Item) -> str:
        return reverse("web:story", args=[item.story.id])

    def item_guid(self, item: Item) -> str:
        return self.request.build_absolute_uri(item.guid or self.item_link(item))

    def item_description(self, item: Item) -> str:
        # Readers take RSS descriptions and Atom summaries (type="html") as HTML; ours are plain text.
        return escape(xml_safe(item.article.summary or item.article.title))

    def item_author_name(self, item: Item) -> str | None:
        return xml_safe(item.article.byline) or None

    def item_pubdate(self, item: Item):
        return item.article.when

    def item_updateddate(self, item: Item):
        return max(item.story.last_updated, item.article.when)

    def item_categories(self, item: Item) -> list[str]:
        return [xml_safe(item.article.source.name)]

    def item_extra_kwargs(self, item: Item) -> dict:
        source = item.article.source
        return {"outlet": xml_safe(source.name),
                "outlet_feed": self.request.build_absolute_uri(reverse("web:feed-source", args=[source.id, "rss"]))}


def lead_items(stories) -> list[Item]:
    """Each story told by its lead article."""
    return [Item(story=story, article=story.lead_article, title=story.headline) for story in stories
            if story.lead_article is not None]


class TopStories(StoriesFeed):
    title = "Newsdesk: top stories"
    description = "The stories most covered and discussed right now, across every outlet Newsdesk reads."

    def link(self) -> str:
        return reverse("web:front")

    def entries(self, obj) -> list[Item]:
        stories = (Story.objects.filter(lead_article__isnull=False).select_related("lead_article__source")
                   .defer("lead_article__html", "lead_article__text").order_by(*TOP_ORDER)[:ITEMS])
        return lead_items(stories)


class OutletStories(StoriesFeed):
    """What one outlet published, newest first, each article linking to the story it is part of."""

    def get_object(self, request: HttpRequest, source_id: int) -> Source:
        return get_object_or_404(Source, pk=source_id)

    def title(self, source: Source) -> str:
        return xml_safe(f"Newsdesk: {source.name}")

    def description(self, source: Source) -> str:
        return xml_safe(f"Articles from {source.name}, as Newsdesk read them.")

    def link(self, source: Source) -> str:
        return reverse("web:source", args=[source.id])

    def entries(self, source: Source) -> list[Item]:
        articles = (source.articles.filter(story__isnull=False).select_related("story", "source")
                    .defer("html", "text").order_by("-fetched", "-id")[:ITEMS])
        # The outlet's own headline; the guid names the article, since two can share a story.
        return [Item(story=a.story, article=a, title=a.title,
                     guid=f"{reverse('web:story', args=[a.story_id])}#article-{a.id}") for a in articles]


class SearchStories(StoriesFeed):
    """The first page of a search, for a reader who wants to follow a topic."""

    def get_object(self, request: HttpRequest) -> tuple[str, Filters]:
        query = request.GET.get("q", "")
        if not query.strip():
            raise Http404("feeds: a search feed needs words to search for (?q=...)")
        return query, Filters.from_params(request.GET)

    def title(self, obj) -> str:
        return xml_safe(f"Newsdesk: search for {obj[0].strip()}")

    def description(self, obj) -> str:
        return xml_safe(f"Stories matching {obj[0].strip()}, best and newest first.")

    def link(self, obj) -> str:
        return reverse("web:search") + "?" + self.request.GET.urlencode()

    def feed_url(self, obj) -> str:
        return self.request.get_full_path()

    def entries(self, obj) -> list[Item]:
        query, filters = obj
        hits = search_stories(query, filters, per_page=ITEMS).hits
        stories = Story.objects.filter(id__in=[hit.story.id for hit in hits]).select_related("lead_article__source")
        leads = {story.id: story for story in stories.defer("lead_article__html", "lead_article__text")}
        return lead_items(leads[hit.story.id] for hit in hits if hit.story.id in leads)


def json_feed(feed: StoriesFeed, request: HttpRequest, *args, **kwargs) -> JsonResponse:
    """The same feed as JSON Feed 1.1."""
    feed.request = request
    obj = feed.get_object(request, *args, **kwargs)
    attribute = feed._get_dynamic_attr
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": attribute("title", obj),
        "home_page_url": request.build_absolute_uri(attribute("link", obj)),
        "feed_url": request.build_absolute_uri(),
        "description": attribute("description", obj),
        "language": feed.language,
        "items": [json_item(feed, item) for item in feed.items(obj)],
    }
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = FORMATS["json"] + "; charset=utf-8"
    return response


def json_item(feed: StoriesFeed, item: Item) -> dict:
    source = item.article.source
    entry = {
        "id": feed.item_guid(item),
        "url": feed.request.build_absolute_uri(feed.item_link(item)),
        "external_url": item.article.url,
        "title": item.title,
        "content_text": item.article.summary or item.article.title,
        "summary": item.article.summary,
        "date_published": item.article.when.isoformat(),
        "date_modified": feed.item_updateddate(item).isoformat(),
        "authors": [{"name": name} for name in item.article.authors],
        "tags": [source.name],
        "_newsdesk": {"outlet": source.name, "outlet_url": source.homepage,
                      "sources": item.story.source_count, "comments": item.story.comment_count},
    }
    return entry


def serve(feed_class: type[StoriesFeed]):
    """A view serving feed_class as RSS, Atom or JSON Feed, chosen by the extension in the URL."""

    def view(request: HttpRequest, fmt: str, **kwargs) -> HttpResponse:
        feed = feed_class()
        if fmt == "json":
            return json_feed(feed, request, **kwargs)
        if fmt == "atom":
            feed.feed_type = Atom1Feed
        return feed(request, **kwargs)

    view.__name__ = view.__qualname__ = f"{feed_class.__name__.lower()}_feed"
    return view


top_feed = serve(TopStories)
outlet_feed = serve(OutletStories)
search_feed = serve(SearchStories)
