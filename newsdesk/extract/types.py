"""What extraction returns: plain data, no Django."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Related:
    """A promo card a publisher put inside its article body: another story of theirs."""

    title: str
    url: str
    excerpt: str = ""
    source: str = ""
    author: str = ""


@dataclass
class Embed:
    """A social post or video embedded in the article body."""

    network: str  # "twitter", "bluesky", "mastodon", "threads", "instagram", "youtube", ...
    url: str
    author: str = ""
    text: str = ""
    published: str | None = None


@dataclass
class Metadata:
    title: str = ""
    authors: list[str] = field(default_factory=list)
    published: str | None = None  # ISO 8601, with its offset when the page gives one
    language: str | None = None
    image: str | None = None
    canonical: str | None = None
    sitename: str = ""
    description: str = ""


@dataclass
class ExtractedArticle:
    url: str | None
    title: str
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    language: str | None = None
    image: str | None = None
    text: str = ""
    html: str = ""
    description: str = ""
    sitename: str = ""
    related: list[Related] = field(default_factory=list)
    embeds: list[Embed] = field(default_factory=list)
    truncated: bool = False  # paywalled or cut short: the rest is on the publisher's page

    def as_json(self) -> dict:
        """The shape `newsdesk extract` prints."""
        data = asdict(self)
        return {
            "url": data["url"], "title": data["title"], "author": ", ".join(self.authors) or None,
            "published": data["published"], "language": data["language"], "image": data["image"],
            "text": data["text"], "html": data["html"], "related": data["related"], "embeds": data["embeds"],
            "truncated": self.truncated,
        }
