"""Social posts and videos embedded in an article body, taken out of the text."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urljoin

from lxml.html import HtmlElement

from newsdesk.extract.boilerplate import drop_element
from newsdesk.extract.dates import to_iso8601
from newsdesk.extract.types import Embed

POST_URLS = {
    "twitter": re.compile(r"https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/\w+/status(?:es)?/\d+"),
    "bluesky": re.compile(r"https?://bsky\.app/profile/[^/\s]+/post/\w+"),
    "threads": re.compile(r"https?://(?:www\.)?threads\.(?:net|com)/@[\w.]+/post/[\w-]+"),
    "instagram": re.compile(r"https?://(?:www\.)?instagram\.com/(?:p|reel|tv)/[\w-]+/?"),
    "mastodon": re.compile(r"https?://[\w.-]+/@[\w.]+(?:@[\w.-]+)?/\d+"),
    "tiktok": re.compile(r"https?://(?:www\.)?tiktok\.com/@[\w.]+/video/\d+"),
}
# Blockquote classes each network's embed code writes.
BLOCKQUOTE_CLASSES = {
    "twitter-tweet": "twitter", "twitter-video": "twitter", "bluesky-embed": "bluesky",
    "mastodon-embed": "mastodon", "text-post-media": "threads", "instagram-media": "instagram",
    "tiktok-embed": "tiktok",
}
_YOUTUBE = re.compile(r"(?:youtube(?:-nocookie)?\.com/(?:embed|shorts|v)/|youtu\.be/)([\w-]{6,})")
_VIMEO = re.compile(r"player\.vimeo\.com/video/(\d+)")
_MASTODON_IFRAME = re.compile(r"(https?://[\w.-]+/@[\w.]+(?:@[\w.-]+)?/\d+)/embed")
# "— Jane Doe (@jane) March 3, 2024": the signature line under a quoted post.
_SIGNATURE = re.compile(r"^[\s\u2014\u2013-]*(?P<author>.+?\(@[\w.@-]+\))\s*(?P<date>.*)$", re.DOTALL)
_DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%Y-%m-%d", "%B %d, %Y at %I:%M %p",
                 "%b %d, %Y at %I:%M %p", "%I:%M %p · %b %d, %Y", "%I:%M %p · %B %d, %Y")


def take_embeds(tree: HtmlElement, url: str | None) -> list[Embed]:
    """Remove embedded posts and videos from tree and return them in page order."""
    found: list[tuple[HtmlElement, Embed]] = []
    for element in tree.iter("blockquote", "iframe"):
        embed = _read_blockquote(element, url) if element.tag == "blockquote" else _read_iframe(element, url)
        if embed is not None and not any(other in element.iterancestors() for other, _ in found):
            found.append((element, embed))
    for element, _ in found:
        drop_element(element)
    return [embed for _, embed in found]


def _network_of(element: HtmlElement) -> str | None:
    for name in element.get("class", "").split():
        if name in BLOCKQUOTE_CLASSES:
            return BLOCKQUOTE_CLASSES[name]
    if element.get("data-bluesky-uri"):
        return "bluesky"
    if element.get("data-instgrm-permalink"):
        return "instagram"
    if element.get("data-text-post-permalink"):
        return "threads"
    return None


def _read_blockquote(element: HtmlElement, base: str | None) -> Embed | None:
    network = _network_of(element)
    if network is None:
        return None
    links = [urljoin(base or "", href) for href in element.xpath(".//a/@href")]
    candidates = [element.get("data-instgrm-permalink"), element.get("data-text-post-permalink"),
                  element.get("cite"), element.get("data-embed-url"), *links]
    pattern = POST_URLS[network]
    url = next((match.group(0) for value in candidates if value and (match := pattern.search(value))), "")
    if not url and network == "bluesky":
        url = _bluesky_url(element.get("data-bluesky-uri", ""))
    if not url:
        url = next((link for link in links if link.startswith("http")), "")
    if not url:
        return None
    if network == "mastodon":
        url = url.removesuffix("/embed")
    text, author, published = _read_post(element)
    return Embed(network=network, url=url, author=author, text=text, published=published)


def _bluesky_url(uri: str) -> str:
    """at://did:plc:abc/app.bsky.feed.post/xyz -> https://bsky.app/profile/did:plc:abc/post/xyz."""
    match = re.match(r"at://([^/]+)/app\.bsky\.feed\.post/(\w+)", uri)
    return f"https://bsky.app/profile/{match.group(1)}/post/{match.group(2)}" if match else ""


def _read_post(element: HtmlElement) -> tuple[str, str, str | None]:
    """Return the post's text, its author and its date as far as the quoted markup shows them."""
    paragraphs = [" ".join(p.text_content().split()) for p in element.iter("p")]
    paragraphs = [p for p in paragraphs if p]
    text = "\n\n".join(p for p in paragraphs if not _SIGNATURE.match(p))
    # The signature is the quote's own text after its paragraphs: "— Name (@handle) <a>date</a>".
    loose = "".join(part for part in _loose_text(element)).strip()
    signature = _SIGNATURE.match(" ".join(loose.split())) or next(
        (m for p in paragraphs if (m := _SIGNATURE.match(p))), None)
    author, published = "", None
    if signature:
        author = signature.group("author").strip()
        published = _parse_date(signature.group("date"))
    if published is None:
        for node in element.iter("time"):
            published = to_iso8601(node.get("datetime")) or _parse_date(node.text_content())
            if published:
                break
    if not author:
        author = next((" ".join(a.text_content().split()) for a in element.iter("a")
                       if re.search(r"/@[\w.]+/?$|/profile/[^/]+/?$", a.get("href", ""))), "")
    if not text and not paragraphs:
        text = " ".join(element.text_content().split())
    return text, author, published


def _loose_text(element: HtmlElement):
    """Yield the quote's text that is not inside a paragraph."""
    yield element.text or ""
    for child in element:
        if child.tag != "p" and isinstance(child.tag, str):
            yield child.text_content()
        yield child.tail or ""


def _parse_date(value: str) -> str | None:
    value = " ".join(value.split()).strip(" ·")
    if not value:
        return None
    for pattern in _DATE_FORMATS:
        try:
            moment = datetime.strptime(value, pattern)
        except ValueError:
            continue
        return moment.date().isoformat() if "%I" not in pattern else moment.isoformat()
    return to_iso8601(value)


def _read_iframe(element: HtmlElement, base: str | None) -> Embed | None:
    source = urljoin(base or "", element.get("src") or element.get("data-src") or "")
    title = " ".join((element.get("title") or "").split())
    if match := _YOUTUBE.search(source):
        return Embed(network="youtube", url=f"https://www.youtube.com/watch?v={match.group(1)}", text=title)
    if match := _VIMEO.search(source):
        return Embed(network="vimeo", url=f"https://vimeo.com/{match.group(1)}", text=title)
    if match := _MASTODON_IFRAME.search(source):
        return Embed(network="mastodon", url=match.group(1), text=title)
    return None

