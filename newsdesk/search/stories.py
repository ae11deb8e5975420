"""Searching stories: matching articles grouped by story, ranked by relevance and recency, one page at a time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.safestring import SafeString

from newsdesk.search import fulltext
from newsdesk.store.models import Article, Source, Story

PER_PAGE = 20
# An article this many days old counts half as much as an equally relevant one published now.
RECENCY_DAYS = 3.0
# What a result shows and the API returns of an article; its text and HTML are large and not needed.
HIT_FIELDS = ("id", "url", "title", "authors", "published", "fetched", "summary", "image", "language", "word_count",
              "truncated", "story_id", "source__id", "source__name", "story__id", "story__headline",
              "story__first_seen", "story__last_updated", "story__article_count", "story__source_count",
              "story__comment_count", "story__score", "story__lead_article")
# What a result on the search page shows: read as plain values, without the three model instances per result.
CARD_FIELDS = ("id", "title", "published", "fetched", "story_id", "story__headline", "story__source_count",
               "source__name")


@dataclass
class Filters:
    """What narrows a search, read from the query string; bad values are ignored and listed in problems."""

    source: Source | None = None
    since: date | None = None
    until: date | None = None
    problems: list[str] = field(default_factory=list)

    @classmethod
    def from_params(cls, params) -> Filters:
        filters = cls()
        source = (params.get("source") or "").strip()
        if source:
            filters.source = Source.objects.filter(pk=int(source)).first() if source.isdigit() else None
            if filters.source is None:
                filters.problems.append(f"No outlet {source!r}: showing every outlet.")
        for name in ("since", "until"):
            value = (params.get(name) or "").strip()
            if value:
                try:
                    setattr(filters, name, date.fromisoformat(value))
                except ValueError:
                    filters.problems.append(f"{name.capitalize()} date {value!r} is not a date like 2026-11-25: ignored.")
        return filters

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        """since and until as moments in the site's time zone; until includes its whole day."""
        zone = timezone.get_current_timezone()
        since = datetime.combine(self.since, time.min, zone) if self.since else None
        until = datetime.combine(self.until + timedelta(days=1), time.min, zone) if self.until else None
        return since, until


@dataclass
class Hit:
    story: Story
    article: Article  # the story's article that matched best
    title: SafeString  # the article's title, the match in <mark>
    snippet: SafeString  # a passage of its text, the match in <mark>


@dataclass(slots=True)
class Card:
    """A result as the search page shows it."""

    story_id: int
    headline: str
    source_count: int
    article_title: str
    outlet: str
    when: datetime
    title: SafeString  # the article's title, the match in <mark>
    snippet: SafeString  # a passage of its text, the match in <mark>


@dataclass
class Results:
    query: str
    hits: list[Hit] | list[Card]
    page: int
    has_next: bool
    more: bool  # more articles matched than were ranked: the oldest matches are left out
    per_page: int = PER_PAGE

    @property
    def first_number(self) -> int:
        return (self.page - 1) * self.per_page + 1


def search_stories(query: str, filters: Filters | None = None, page: int = 1, per_page: int = PER_PAGE,
                   now: datetime | None = None) -> Results:
    """One page of the stories whose articles match query, best first; each story once, with its best article."""
    return _search(query, filters, page, per_page, now, load_hits)


def search_cards(query: str, filters: Filters | None = None, page: int = 1, per_page: int = PER_PAGE,
                 now: datetime | None = None) -> Results:
    """search_stories for the search page: the same results as Cards."""
    return _search(query, filters, page, per_page, now, load_cards)


def _search(query: str, filters: Filters | None, page: int, per_page: int, now: datetime | None, load) -> Results:
    filters = filters or Filters()
    since, until = filters.bounds()
    page = max(page, 1)
    source_id = filters.source.pk if filters.source else None
    # One story more than the page shows says whether another page follows.
    best, candidates = fulltext.best_per_story(query, now=(now or timezone.now()).timestamp(), recency_days=RECENCY_DAYS,
                                               wanted=page * per_page + 1, source_id=source_id, since=since, until=until)
    shown = best[(page - 1) * per_page: page * per_page]
    return Results(query=fulltext.clean_query(query), hits=load(query, shown, source_id=source_id), page=page,
                   has_next=len(best) > page * per_page, more=candidates >= fulltext.CANDIDATES, per_page=per_page)


def load_hits(query: str, shown: list[fulltext.Match], source_id: int | None = None) -> list[Hit]:
    """The stories and articles of a page of matches, in order, with their highlighted snippets."""
    article_ids = [match.article_id for match in shown]
    articles = Article.objects.select_related("source", "story").only(*HIT_FIELDS).in_bulk(article_ids)
    marked = fulltext.snippets(query, article_ids, source_id=source_id)
    hits = []
    for article_id in article_ids:
        article = articles.get(article_id)
        snippet = marked.get(article_id)
        if article is None or article.story is None or snippet is None:
            continue  # deleted or moved out of its story between the two queries
        hits.append(Hit(story=article.story, article=article, title=snippet.title, snippet=snippet.text))
    return hits


def load_cards(query: str, shown: list[fulltext.Match], source_id: int | None = None) -> list[Card]:
    """The Cards of a page of matches, in order, as load_hits would find them."""
    article_ids = [match.article_id for match in shown]
    rows = {row[0]: row for row in Article.objects.filter(id__in=article_ids).values_list(*CARD_FIELDS)}
    marked = fulltext.snippets(query, article_ids, source_id=source_id)
    cards = []
    for article_id in article_ids:
        row = rows.get(article_id)
        snippet = marked.get(article_id)
        if row is None or row[4] is None or snippet is None:
            continue  # deleted or moved out of its story between the two queries
        _, title, published, fetched, story_id, headline, source_count, outlet = row
        cards.append(Card(story_id=story_id, headline=headline, source_count=source_count, article_title=title,
                          outlet=outlet, when=published or fetched, title=snippet.title, snippet=snippet.text))
    return cards
