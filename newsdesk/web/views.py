"""The reader's pages."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path

from django.db import connection
from django.db.models import F, QuerySet
from django.db.models.functions import Substr
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from newsdesk.store.models import Article, Source, Story
from newsdesk.web import images
from newsdesk.web.images import proxy_images

# Our own files first, then the htmx that the django-htmx package installs (never a copy of it).
STATIC_DIRS = [Path(__file__).with_name("static"), Path(find_spec("django_htmx").origin).with_name("static")]
STORIES_PER_PAGE = 30
ARTICLES_PER_PAGE = 30
MAX_PAGE = 200  # deeper than anyone reads; keeps OFFSET scans bounded
RELATED_CARDS = 8
OPENING_CHARS = 1000  # of an article's text, for excerpts of at most a few hundred characters

TABS = {
    "top": ("Top stories", ("-score", "-last_updated", "-id")),
    "latest": ("Latest stories", ("-last_updated", "-id")),
    "discussed": ("Most discussed", ("-comment_count", "-last_updated", "-id")),
}
LIST_FIELDS = ("id", "headline", "last_updated", "first_seen", "source_count", "article_count", "comment_count",
               "score", "lead_article__id", "lead_article__image", "lead_article__published",
               "lead_article__fetched", "lead_article__source__id", "lead_article__source__name")


@dataclass
class Window:
    """One page of a list, read as page size + 1 rows so that no COUNT(*) is needed."""

    items: list
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def start(self) -> int:
        return (self.number - 1) * self.size + 1

    size: int = STORIES_PER_PAGE


def page_number(request: HttpRequest) -> int:
    try:
        return min(max(int(request.GET.get("page", "1")), 1), MAX_PAGE)
    except ValueError:
        return 1


def window(queryset: QuerySet, number: int, size: int) -> Window:
    offset = (number - 1) * size
    rows = list(queryset[offset:offset + size + 1])
    return Window(items=rows[:size], number=number, has_next=len(rows) > size, size=size)


def front_page(request: HttpRequest) -> HttpResponse:
    tab = request.GET.get("tab", "top")
    if tab not in TABS:
        tab = "top"
    title, order = TABS[tab]
    stories = (Story.objects.filter(merged_into__isnull=True).select_related("lead_article__source")
               .only(*LIST_FIELDS).order_by(*order))
    page = window(stories, page_number(request), STORIES_PER_PAGE)
    dress_stories(page.items)
    context = {"page": page, "tab": tab, "now": timezone.now(), "tabs": [(key, label) for key, (label, _) in TABS.items()],
               "title": title, "canonical": canonical(request, "web:front", tab=tab, page=page.number)}
    if request.headers.get("HX-Request") == "true":
        response = render(request, "newsdesk/front_more.html", context)
    else:
        response = render(request, "newsdesk/front.html", context)
    response["Vary"] = "HX-Request"
    return response


def dress_stories(stories: list[Story]) -> None:
    """Give each listed story the links and names its item shows, computed here once rather than per
    template tag: reverse() and attribute lookups through the lead article cost more than the page's query."""
    story_path, source_path = path_maker("web:story"), path_maker("web:source")
    for story in stories:
        story.href = story_path(story.id)
        lead = story.lead_article
        story.outlet_name = lead.source.name if lead else ""
        story.outlet_href = source_path(lead.source.id) if lead else ""
        story.thumb = images.proxied(lead.image) if lead else ""


def path_maker(name: str):
    """A function of one id giving the path of URL name for it, with a single reverse() per call of this."""
    head, _, tail = reverse(name, args=[0]).rpartition("/0/")
    return lambda value: f"{head}/{int(value)}/{tail}"


def canonical(request: HttpRequest, name: str, *args, tab: str = "top", page: int = 1) -> str:
    """The one address of a page: default tab and first page leave no query string."""
    path = reverse(name, args=args)
    query = [part for part in (f"tab={tab}" if tab != "top" else "", f"page={page}" if page > 1 else "") if part]
    return request.build_absolute_uri(path + ("?" + "&".join(query) if query else ""))


@dataclass
class Coverage:
    """One text in a story: an article and the outlets that ran it as a syndicated copy."""

    article: Article
    copies: list[Article] = field(default_factory=list)
    preview: str = ""


def story_page(request: HttpRequest, story_id: int) -> HttpResponse:
    story = get_object_or_404(Story.objects.select_related("lead_article__source"), id=story_id)
    if story.merged_into_id and not story.article_count:
        return redirect("web:story", story_id=story.merged_into_id)
    # Only the lead's whole text is shown: the others' openings are enough for their excerpts.
    articles = list(story.articles.select_related("source").defer("text", "html", "assignment")
                    .annotate(opening=Substr("text", 1, OPENING_CHARS))
                    .order_by(F("published").asc(nulls_last=True), "fetched", "id"))
    lead = story.lead_article or (articles[0] if articles else None)
    if lead is None:
        raise Http404("This story has no articles.")
    source_path = path_maker("web:source")
    for article in [lead, *articles]:
        article.source_href = source_path(article.source_id)
    texts = group_copies(articles, lead)
    lead_text = texts[0]
    excerpt_words = lead.source.excerpt_words
    return render(request, "newsdesk/story.html", {
        "story": story,
        "lead": lead,
        "lead_copies": lead_text.copies,
        "body": None if excerpt_words else lead_body(lead),
        "paragraphs": paragraphs(lead.text, excerpt_words),
        "excerpt_only": bool(excerpt_words) and len(lead.text.split()) > excerpt_words,
        "coverage": [text for text in texts if text is not lead_text],
        "truncated": bool(lead.extraction_error) or lead.truncated,
        "related": related_stories(story) + promo_cards([lead, *(a for a in articles if a.id != lead.id)]),
        "embeds": story_embeds([lead, *(a for a in articles if a.id != lead.id)]),
        "canonical": request.build_absolute_uri(reverse("web:story", args=[story.id])),
    })


def lead_body(article: Article) -> str | None:
    if not article.html:
        return None
    # Stored HTML was sanitized (nh3) before it was stored; images are rewritten to our proxy.
    return mark_safe(proxy_images(article.html, base=article.url))


def paragraphs(text: str, limit_words: int = 0) -> list[str]:
    """text as paragraphs; with limit_words, only that many words, ending in "…" when cut."""
    kept, count = [], 0
    for paragraph in (p.strip() for p in text.split("\n\n")):
        if not paragraph:
            continue
        words = paragraph.split()
        if limit_words and count + len(words) > limit_words:
            room = limit_words - count
            if room > 0:
                kept.append(" ".join(words[:room]).rstrip(" ,;:.-–—") + "…")
            elif kept:
                kept[-1] = kept[-1].rstrip(" ,;:.-–—") + "…"
            break
        kept.append(paragraph)
        count += len(words)
    return kept


def preview_text(article: Article) -> str:
    """What a reader may see of an article outside the lead: its outlet's excerpt limit applies."""
    text = getattr(article, "opening", None) or article.text or article.summary
    limit = article.source.excerpt_words
    return " ".join(text.split()[:limit]) if limit else text


def group_copies(articles: list[Article], lead: Article) -> list[Coverage]:
    """Articles in time order, each syndicated copy folded into the text it copies."""
    present = {article.id for article in articles}

    def root(article: Article) -> int:
        return article.copy_of_id if article.copy_of_id in present else article.id

    texts = {root(lead): Coverage(lead)}
    for article in articles:
        if article.id == lead.id:
            continue
        if root(article) in texts:
            texts[root(article)].copies.append(article)
        else:
            texts[root(article)] = Coverage(article, preview=preview_text(article))
    return list(texts.values())


def related_stories(story: Story) -> list[dict]:
    """Cards for the stories clustering found closest to this one, closest first."""
    ids = [entry["story"] for entry in story.related if isinstance(entry, dict) and isinstance(entry.get("story"), int)]
    found = (Story.objects.select_related("lead_article__source").defer("lead_article__text", "lead_article__html")
             .annotate(opening=Substr("lead_article__text", 1, OPENING_CHARS)).in_bulk(ids[:RELATED_CARDS]))
    cards = []
    for story_id in ids:
        other = found.get(story_id)
        if other is None or other.lead_article is None:
            continue
        lead = other.lead_article
        lead.opening = other.opening
        cards.append({"title": other.headline, "href": reverse("web:story", args=[other.id]), "internal": True,
                      "excerpt": preview_text(lead), "source": lead.source.name, "author": lead.byline})
    return cards


def promo_cards(articles: list[Article]) -> list[dict]:
    """Cards for the promos found inside the articles; a promo we have read links to its story here."""
    cards, seen = [], set()
    for article in articles:
        for promo in article.related:
            url = promo.get("url", "") if isinstance(promo, dict) else ""
            if not url.startswith(("http://", "https://")) or url in seen or not promo.get("title"):
                continue
            seen.add(url)
            cards.append({"title": promo["title"], "href": url, "internal": False, "excerpt": promo.get("excerpt", ""),
                          "source": promo.get("source") or article.source.name, "author": promo.get("author", "")})
    cards = cards[:RELATED_CARDS]
    ours = dict(Article.objects.filter(url__in=[card["href"] for card in cards], story__isnull=False)
                .values_list("url", "story_id"))
    for card in cards:
        if card["href"] in ours:
            card.update(href=reverse("web:story", args=[ours[card["href"]]]), internal=True)
    return cards


def story_embeds(articles: list[Article], limit: int = 20) -> list[dict]:
    """The posts embedded in a story's articles, lead article first, each post once."""
    posts, seen = [], set()
    for article in articles:
        for embed in article.embeds:
            if embed.get("url") and embed["url"] not in seen:
                seen.add(embed["url"])
                posts.append(embed)
    return posts[:limit]


def source_page(request: HttpRequest, source_id: int) -> HttpResponse:
    source = get_object_or_404(Source, id=source_id)
    articles = (source.articles.select_related("story")
                .defer("text", "html", "summary", "related", "embeds", "assignment")
                .order_by(F("published").desc(nulls_last=True), "-id"))
    page = window(articles, page_number(request), ARTICLES_PER_PAGE)
    feeds = list(source.feeds.order_by("url")) if request.user.is_staff else []
    return render(request, "newsdesk/source.html", {
        "source": source, "page": page, "feeds": feeds,
        "canonical": canonical(request, "web:source", source.id, page=page.number),
    })


def static_file(request: HttpRequest, name: str) -> FileResponse:
    for root in STATIC_DIRS:
        path = (root / name).resolve()
        if root.resolve() in path.parents and path.is_file():
            break
    else:
        raise Http404(name)
    response = FileResponse(path.open("rb"), content_type=mimetypes.guess_type(path.name)[0] or "application/octet-stream")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitors: the database answers. Cheap at any size (no COUNT of articles)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    newest = Article.objects.order_by("-id").values_list("fetched", flat=True).first()
    return JsonResponse({"status": "ok", "newest_article": newest.isoformat() if newest else None})
