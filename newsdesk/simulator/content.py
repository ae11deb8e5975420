"""The simulated publishers: hosts, feeds, articles, and the documents they serve."""

import hashlib
import os
import re
import threading
import time
import unicodedata
import zlib
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from random import Random
from urllib.parse import urlsplit

from newsdesk.simulator.corpus import Corpus, RealArticle, locate_corpus
from newsdesk.simulator.feeds import ATOM_TYPE, RSS_TYPE, Channel, FeedEntry, render_atom, render_rss
from newsdesk.simulator.pages import ArticlePage, Masthead, render_article_page, render_homepage
from newsdesk.simulator.prose import Topic, invent_name, make_topic, write_headline, write_paragraph
from newsdesk.simulator.vocabulary import PUBLISHERS, SECTIONS

FIRST_OCTET = 2
MAX_HOSTS = 254 - FIRST_OCTET + 1
ARTICLE_CACHE_SIZE = 256
GZIP_LEVEL = 1  # cheap: a benchmark may compress tens of thousands of distinct pages
SUMMARY_MIN_CHARS = 120
SUMMARY_MAX_CHARS = 600
HTML_TYPE = "text/html; charset=utf-8"

FEED_PATH = re.compile(r"/feeds/(?P<feed_id>[^/]+)\.(?P<ext>xml|atom)")
ARTICLE_SLUG = re.compile(r"(?P<feed_id>h\d+-[a-z]+\d*)-(?P<number>\d+)(?:-|$)")
_META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_-]+)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ArticleInfo:
    """The ground truth of one article: what its feed announces and what its page holds."""

    url: str
    title: str
    author: str | None
    published: datetime  # the date the feed announces
    text: str  # the main content an extractor should find
    real: bool  # True when the page is a saved real page from the corpus
    feed_url: str
    guid: str
    summary: str  # the feed item's description
    page_date: str | None  # the date the page itself shows (ISO text), None if it shows none
    source_url: str | None  # where a real page was originally published
    corpus_id: str | None  # the saved page's number in the corpus, for real pages


@dataclass(slots=True)
class Item:
    """One article of a feed, as little as is needed to rebuild it."""

    number: int
    slug: str
    title: str
    author: str | None
    published: datetime
    summary: str
    real: RealArticle | None
    paragraphs: int
    page_size: int


@dataclass(slots=True)
class Feed:
    """One feed of a host; its items are built on first use, oldest first."""

    feed_id: str
    host: "Host"
    section: str
    title: str
    format: str  # "rss" or "atom": the format the homepage advertises
    position: int  # order among all feeds; fixes which corpus pages it gets
    items: list[Item] | None = None


@dataclass(slots=True)
class Host:
    """One simulated publisher, reachable at its own loopback address."""

    index: int
    address: str
    name: str
    feeds: list[Feed] = field(default_factory=list)
    robots_txt: str = "User-agent: *\nAllow: /\n"


@dataclass(slots=True)
class Document:
    """A response body with the validators a cache needs."""

    body: bytes
    content_type: str
    last_modified: datetime
    etag: str = ""
    _gzipped: bytes | None = None

    def __post_init__(self) -> None:
        if not self.etag:
            self.etag = '"' + hashlib.blake2b(self.body, digest_size=12).hexdigest() + '"'

    def gzipped(self) -> bytes:
        """Return the body gzip-compressed, compressing at most once."""
        if self._gzipped is None:
            compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 31)
            self._gzipped = compressor.compress(self.body) + compressor.flush()
        return self._gzipped


def slugify(text: str, limit: int = 60) -> str:
    """Return a lowercase ASCII slug of at most `limit` characters, cut at a word."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > limit:
            break
        slug = f"{slug}-{word}" if slug else word
    return slug or "article"


def summarize(text: str) -> str:
    """Return the lead of a text: its first paragraph, or a few if the first is short."""
    lead = ""
    for paragraph in (part.strip() for part in text.split("\n")):
        if not paragraph:
            continue
        lead = f"{lead} {paragraph}" if lead else paragraph
        if len(lead) >= SUMMARY_MIN_CHARS:
            break
    if len(lead) > SUMMARY_MAX_CHARS:
        lead = lead[:SUMMARY_MAX_CHARS].rsplit(" ", 1)[0] + "\u2026"
    return lead


def name_publisher(index: int) -> str:
    """Return the deterministic publisher name of host `index`."""
    base = PUBLISHERS[index % len(PUBLISHERS)]
    rounds = index // len(PUBLISHERS)
    return base if rounds == 0 else f"{base} {rounds + 1}"


def _html_content_type(body: bytes) -> str:
    declared = _META_CHARSET.search(body[:4096])
    if declared:
        return f"text/html; charset={declared.group(1).decode('ascii').lower()}"
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "text/html"
    return HTML_TYPE


class Site:
    """All simulated hosts and their content; safe to use from several threads."""

    def __init__(
        self,
        hosts: int,
        feeds_per_host: int,
        articles_per_feed: int,
        seed: int,
        real_articles: bool,
        corpus_dir: str | os.PathLike[str] | None = None,
        now: datetime | None = None,
    ) -> None:
        if not 1 <= hosts <= MAX_HOSTS:
            raise ValueError(f"simulator: hosts must be between 1 and {MAX_HOSTS}, got {hosts}")
        if feeds_per_host < 1 or articles_per_feed < 1:
            raise ValueError("simulator: feeds_per_host and articles_per_feed must be at least 1")
        self.seed = seed
        self.articles_per_feed = articles_per_feed
        start = now or datetime.now(timezone.utc)
        if start.tzinfo is None:
            start = start.replace(tzinfo=timezone.utc)
        self.clock_start = start.astimezone(timezone.utc).replace(microsecond=0)
        self._monotonic_start = time.monotonic()
        self.port = 0
        self._lock = threading.RLock()
        self._documents: dict[tuple[str, str], Document] = {}
        self._articles: OrderedDict[str, Document] = OrderedDict()

        self.hosts: list[Host] = []
        self.feeds: dict[str, Feed] = {}
        for index in range(hosts):
            octet = FIRST_OCTET + index
            host = Host(index=index, address=f"127.0.0.{octet}", name=name_publisher(index))
            for number in range(feeds_per_host):
                section = SECTIONS[number % len(SECTIONS)]
                if number >= len(SECTIONS):
                    section += str(number // len(SECTIONS) + 1)
                feed = Feed(
                    feed_id=f"h{octet}-{section}",
                    host=host,
                    section=section,
                    title=f"{host.name} \u2013 {section.title()}",
                    format="rss" if number % 2 == 0 else "atom",
                    position=len(self.feeds),
                )
                host.feeds.append(feed)
                self.feeds[feed.feed_id] = feed
            self.hosts.append(host)
        self.by_address = {host.address: host for host in self.hosts}

        self.corpus: Corpus | None = None
        self._real_slots: dict[int, str] = {}
        folder = locate_corpus(corpus_dir) if real_articles else None
        if folder is not None:
            self.corpus = Corpus(folder)
            rng = Random(f"{seed}/corpus")
            total = len(self.feeds) * articles_per_feed
            chosen = min(total, len(self.corpus.ids))
            # Spread real pages over all feeds rather than filling the first hosts.
            positions = rng.sample(range(total), chosen)
            self._real_slots = dict(zip(positions, rng.sample(self.corpus.ids, chosen)))

    # Addresses

    def now(self) -> datetime:
        """Return the simulated clock: the start time plus the real time elapsed since."""
        elapsed = time.monotonic() - self._monotonic_start
        return self.clock_start + timedelta(seconds=int(elapsed))

    def set_port(self, port: int) -> None:
        """Set the port URLs are built with, forgetting documents that embed another one."""
        with self._lock:
            if port != self.port:
                self._documents.clear()
                self._articles.clear()
            self.port = port

    def base_url(self, host: Host) -> str:
        """Return the scheme, address and port of a host, without a trailing slash."""
        return f"http://{host.address}:{self.port}"

    def feed_url(self, feed: Feed, format: str | None = None) -> str:
        """Return the URL of a feed in the given format (its advertised one by default)."""
        extension = "xml" if (format or feed.format) == "rss" else "atom"
        return f"{self.base_url(feed.host)}/feeds/{feed.feed_id}.{extension}"

    def article_url(self, feed: Feed, item: Item) -> str:
        """Return the URL of an article page."""
        return f"{self.base_url(feed.host)}/articles/{item.slug}.html"

    def guid(self, feed: Feed, item: Item) -> str:
        """Return the stable identifier a feed gives an item."""
        return f"urn:newsdesk-sim:{self.seed}:{feed.feed_id}:{item.number}"

    # Lookups

    def find_feed(self, feed_or_url: str) -> Feed:
        """Return the feed with this id or URL, or raise KeyError."""
        if feed_or_url in self.feeds:
            return self.feeds[feed_or_url]
        match = FEED_PATH.search(urlsplit(feed_or_url).path)
        if match and match["feed_id"] in self.feeds:
            return self.feeds[match["feed_id"]]
        raise KeyError(f"simulator: no feed matches {feed_or_url!r}")

    def find_item(self, slug: str) -> tuple[Feed, Item] | None:
        """Return the feed and item behind an article slug, or None."""
        match = ARTICLE_SLUG.match(slug)
        if not match or match["feed_id"] not in self.feeds:
            return None
        feed = self.feeds[match["feed_id"]]
        number = int(match["number"])
        items = self.all_items(feed)
        if not 1 <= number <= len(items) or items[number - 1].slug != slug:
            return None
        return feed, items[number - 1]

    def find_article(self, url: str) -> tuple[Feed, Item]:
        """Return the feed and item behind an article URL, or raise KeyError."""
        path = urlsplit(url).path
        if path.startswith("/moved/"):
            path = path.removeprefix("/moved")
        if path.startswith("/articles/") and path.endswith(".html"):
            found = self.find_item(path.removeprefix("/articles/").removesuffix(".html"))
            if found:
                return found
        raise KeyError(f"simulator: no article matches {url!r}")

    # Items

    def all_items(self, feed: Feed) -> list[Item]:
        """Return every item a feed ever had, oldest first."""
        with self._lock:
            if feed.items is None:
                feed.items = self._build_items(feed)
            return feed.items

    def window(self, feed: Feed) -> list[Item]:
        """Return the items a feed currently lists, newest first."""
        items = self.all_items(feed)
        return items[::-1][: self.articles_per_feed]

    def _build_items(self, feed: Feed) -> list[Item]:
        rng = Random(f"{self.seed}/{feed.feed_id}")
        staff = [invent_name(rng) for _ in range(rng.randint(3, 7))]
        cadence = timedelta(minutes=rng.choice([15, 30, 60, 120, 240, 480, 1440]))
        moment = self.clock_start - timedelta(minutes=rng.uniform(2, 90))
        dates = []
        for _ in range(self.articles_per_feed):
            dates.append(moment.replace(microsecond=0))
            moment -= cadence * rng.uniform(0.3, 1.7)
        items = []
        for number in range(1, self.articles_per_feed + 1):
            published = dates[self.articles_per_feed - number]
            ordinal = feed.position * self.articles_per_feed + number - 1
            real = None
            if ordinal in self._real_slots and self.corpus is not None:
                real = self.corpus.article(self._real_slots[ordinal])
            if real is not None:
                items.append(self._real_item(feed, number, published, real))
            else:
                items.append(self._generated_item(feed, number, published, staff))
        return items

    def _real_item(self, feed: Feed, number: int, published: datetime, real: RealArticle) -> Item:
        return Item(
            number=number,
            slug=f"{feed.feed_id}-{number:04d}-{slugify(real.title)}",
            title=real.title,
            author=real.author,
            published=published,
            summary=summarize(real.main_content),
            real=real,
            paragraphs=0,
            page_size=0,
        )

    def _generated_item(self, feed: Feed, number: int, published: datetime, staff: list[str]) -> Item:
        rng = Random(f"{self.seed}/{feed.feed_id}/{number}")
        title = write_headline(rng, self._topic(feed, number))
        author = rng.choice(staff) if rng.random() > 0.08 else None
        return Item(
            number=number,
            slug=f"{feed.feed_id}-{number:04d}-{slugify(title)}",
            title=title,
            author=author,
            published=published,
            summary=self._paragraph(feed, number, 0),
            real=None,
            paragraphs=rng.randint(6, 20),
            page_size=rng.randint(30_000, 120_000),
        )

    def _paragraph(self, feed: Feed, number: int, index: int) -> str:
        # Each paragraph has its own seed so a feed can show the lead without the whole body.
        return write_paragraph(Random(f"{self.seed}/{feed.feed_id}/{number}/{index}"), self._topic(feed, number))

    def _topic(self, feed: Feed, number: int) -> Topic:
        """The event an item reports: half the time one that other outlets' items of that number report too."""
        if Random(f"{self.seed}/{feed.feed_id}/{number}/shared").random() < 0.5:
            return make_topic(Random(f"{self.seed}/event/{number}"))
        return make_topic(Random(f"{self.seed}/{feed.feed_id}/{number}/event"))

    def _paragraphs(self, feed: Feed, item: Item) -> list[str]:
        return [self._paragraph(feed, item.number, index) for index in range(item.paragraphs)]

    def article_info(self, feed: Feed, item: Item) -> ArticleInfo:
        """Return the ground truth of an item."""
        if item.real is not None:
            text = item.real.main_content
            page_date = item.real.publish_date
            source_url = item.real.source_url
        else:
            text = "\n\n".join(self._paragraphs(feed, item))
            page_date = item.published.isoformat()
            source_url = None
        return ArticleInfo(
            url=self.article_url(feed, item),
            title=item.title,
            author=item.author,
            published=item.published,
            text=text,
            real=item.real is not None,
            feed_url=self.feed_url(feed),
            guid=self.guid(feed, item),
            summary=item.summary,
            page_date=page_date,
            source_url=source_url,
            corpus_id=item.real.corpus_id if item.real is not None else None,
        )

    def publish(self, feed: Feed, count: int = 1) -> list[Item]:
        """Add `count` new generated items at the top of a feed and return them."""
        with self._lock:
            items = self.all_items(feed)
            staff = [item.author for item in items if item.author and item.real is None]
            staff = staff or [invent_name(Random(f"{self.seed}/{feed.feed_id}/staff"))]
            added = []
            for _ in range(count):
                # Strictly newer than the previous top item, so Last-Modified always moves.
                published = max(self.now(), items[-1].published + timedelta(seconds=1))
                item = self._generated_item(feed, len(items) + 1, published, staff)
                items.append(item)
                added.append(item)
            self._forget(feed)
            return added

    def _forget(self, feed: Feed) -> None:
        for key in (("feed", f"{feed.feed_id}.rss"), ("feed", f"{feed.feed_id}.atom")):
            self._documents.pop(key, None)
        self._documents.pop(("home", feed.host.address), None)

    def set_robots_txt(self, host: Host, text: str) -> None:
        """Replace the robots.txt a host serves."""
        with self._lock:
            host.robots_txt = text
            self._documents.pop(("robots", host.address), None)

    # Documents

    def feed_document(self, feed: Feed, format: str) -> Document:
        """Return a feed rendered as "rss" or "atom"."""
        key = ("feed", f"{feed.feed_id}.{format}")
        with self._lock:
            if key in self._documents:
                return self._documents[key]
            window = self.window(feed)
            channel = Channel(
                feed_id=feed.feed_id,
                title=feed.title,
                description=f"The latest {feed.section} stories from {feed.host.name}.",
                publisher=feed.host.name,
                home_url=self.base_url(feed.host) + "/",
                self_url=self.feed_url(feed, format),
                updated=window[0].published,
            )
            entries = [
                FeedEntry(
                    title=item.title,
                    url=self.article_url(feed, item),
                    guid=self.guid(feed, item),
                    published=item.published,
                    author=item.author,
                    summary=item.summary,
                    category=feed.section.title(),
                )
                for item in window
            ]
            if format == "rss":
                text, content_type = render_rss(channel, entries), RSS_TYPE
            else:
                text, content_type = render_atom(channel, entries), ATOM_TYPE
            document = Document(
                body=text.encode("utf-8"),
                content_type=f"{content_type}; charset=utf-8",
                last_modified=window[0].published,
            )
            self._documents[key] = document
            return document

    def homepage_document(self, host: Host) -> Document:
        """Return a host's front page."""
        key = ("home", host.address)
        with self._lock:
            if key in self._documents:
                return self._documents[key]
            feeds = [
                (feed.title, self.feed_url(feed), RSS_TYPE if feed.format == "rss" else ATOM_TYPE)
                for feed in host.feeds
            ]
            sections = []
            newest = self.clock_start
            for feed in host.feeds:
                window = self.window(feed)
                newest = max(newest, window[0].published)
                articles = [(item.title, f"/articles/{item.slug}.html", item.published) for item in window]
                sections.append((feed.section.title(), articles))
            masthead = self._masthead(host)
            text = render_homepage(masthead, feeds, sections, newest)
            document = Document(text.encode("utf-8"), HTML_TYPE, newest)
            self._documents[key] = document
            return document

    def robots_document(self, host: Host) -> Document:
        """Return a host's robots.txt."""
        key = ("robots", host.address)
        with self._lock:
            if key not in self._documents:
                self._documents[key] = Document(
                    host.robots_txt.encode("utf-8"), "text/plain; charset=utf-8", self.clock_start
                )
            return self._documents[key]

    def article_document(self, feed: Feed, item: Item) -> Document:
        """Return an article page: the saved page for a real item, a generated one otherwise."""
        with self._lock:
            cached = self._articles.get(item.slug)
            if cached is not None:
                self._articles.move_to_end(item.slug)
                return cached
        if item.real is not None and self.corpus is not None:
            body = self.corpus.page(item.real.corpus_id)
            document = Document(body, _html_content_type(body), item.published)
        else:
            document = Document(self._render_generated(feed, item).encode("utf-8"), HTML_TYPE, item.published)
        with self._lock:
            self._articles[item.slug] = document
            while len(self._articles) > ARTICLE_CACHE_SIZE:
                self._articles.popitem(last=False)
        return document

    def _masthead(self, host: Host) -> Masthead:
        sections = tuple(feed.section for feed in host.feeds[:12])
        return Masthead(publisher=host.name, home_url=self.base_url(host) + "/", sections=sections)

    def _render_generated(self, feed: Feed, item: Item) -> str:
        items = self.all_items(feed)
        # Only older items, which never change, so a page stays byte-identical over time.
        older = items[max(0, item.number - 7) : item.number - 1][::-1]
        related = [(other.title, f"/articles/{other.slug}.html") for other in older]
        page = ArticlePage(
            url=self.article_url(feed, item),
            section=feed.section,
            title=item.title,
            author=item.author,
            published=item.published,
            paragraphs=self._paragraphs(feed, item),
            feed_title=feed.title,
            feed_url=self.feed_url(feed),
            feed_type=RSS_TYPE if feed.format == "rss" else ATOM_TYPE,
            related=related,
            target_size=item.page_size,
            seed=f"{self.seed}/{feed.feed_id}/{item.number}/page",
            image=f"{self.base_url(feed.host)}/images/{item.slug}.png",
        )
        return render_article_page(self._masthead(feed.host), page)
