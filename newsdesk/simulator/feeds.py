"""RSS 2.0 and Atom 1.0 documents for a simulated feed."""

import re
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape, quoteattr

RSS_TYPE = "application/rss+xml"
ATOM_TYPE = "application/atom+xml"

# Characters XML 1.0 forbids; real corpus text occasionally carries them.
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One item as a feed announces it."""

    title: str
    url: str
    guid: str
    published: datetime
    author: str | None
    summary: str
    category: str


@dataclass(frozen=True, slots=True)
class Channel:
    """What a feed says about itself."""

    feed_id: str
    title: str
    description: str
    publisher: str
    home_url: str
    self_url: str
    updated: datetime


def _text(value: str) -> str:
    return escape(_NOT_XML_CHAR.sub("", value))


def _attr(value: str) -> str:
    return quoteattr(_NOT_XML_CHAR.sub("", value))


def render_rss(channel: Channel, entries: list[FeedEntry]) -> str:
    """Return an RSS 2.0 document listing the entries in the given order."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>\n',
        f"<title>{_text(channel.title)}</title>\n",
        f"<link>{_text(channel.home_url)}</link>\n",
        f"<description>{_text(channel.description)}</description>\n",
        "<language>en</language>\n",
        f"<lastBuildDate>{format_datetime(channel.updated, usegmt=True)}</lastBuildDate>\n",
        f'<atom:link href={_attr(channel.self_url)} rel="self" type="{RSS_TYPE}"/>\n',
    ]
    for entry in entries:
        parts.append(
            "<item>\n"
            f"<title>{_text(entry.title)}</title>\n"
            f"<link>{_text(entry.url)}</link>\n"
            f'<guid isPermaLink="false">{_text(entry.guid)}</guid>\n'
            f"<pubDate>{format_datetime(entry.published, usegmt=True)}</pubDate>\n"
        )
        if entry.author:
            parts.append(f"<dc:creator>{_text(entry.author)}</dc:creator>\n")
        parts.append(
            f"<category>{_text(entry.category)}</category>\n"
            f"<description>{_text(entry.summary)}</description>\n"
            "</item>\n"
        )
    parts.append("</channel>\n</rss>\n")
    return "".join(parts)


def render_atom(channel: Channel, entries: list[FeedEntry]) -> str:
    """Return an Atom 1.0 document listing the entries in the given order."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">\n',
        f"<id>{_text(channel.self_url)}</id>\n",
        f"<title>{_text(channel.title)}</title>\n",
        f"<subtitle>{_text(channel.description)}</subtitle>\n",
        f"<updated>{channel.updated.isoformat()}</updated>\n",
        f'<link rel="self" type="{ATOM_TYPE}" href={_attr(channel.self_url)}/>\n',
        f'<link rel="alternate" type="text/html" href={_attr(channel.home_url)}/>\n',
        # Atom requires an author for every entry; the feed-level one covers bylineless items.
        f"<author><name>{_text(channel.publisher)}</name></author>\n",
    ]
    for entry in entries:
        parts.append(
            "<entry>\n"
            f"<id>{_text(entry.guid)}</id>\n"
            f"<title>{_text(entry.title)}</title>\n"
            f'<link rel="alternate" type="text/html" href={_attr(entry.url)}/>\n'
            f"<published>{entry.published.isoformat()}</published>\n"
            f"<updated>{entry.published.isoformat()}</updated>\n"
        )
        if entry.author:
            parts.append(f"<author><name>{_text(entry.author)}</name></author>\n")
        parts.append(
            f"<category term={_attr(entry.category)}/>\n"
            f'<summary type="text">{_text(entry.summary)}</summary>\n'
            "</entry>\n"
        )
    parts.append("</feed>\n")
    return "".join(parts)
