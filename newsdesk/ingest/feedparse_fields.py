"""Field values as publishers write them (markup in titles, "email (Name)" authors, relative links) made plain."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from newsdesk.sanitize import clean_text

# Tags after which a reader sees a break; without a space there, "<p>One</p><p>Two</p>" reads "OneTwo".
BREAKING_TAG = re.compile(r"<(?:br|/?p|/?div|/?li|/?h[1-6]|/?tr|/?td|/?th|/?blockquote)\b[^>]*>", re.IGNORECASE)
# C0 controls other than tab and newlines: not allowed in XML 1.0, yet publishers send them.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
EMAIL = re.compile(r"[^@\s()<>]+@[^@\s()<>]+\.[^@\s()<>]+")


def clean_line(value: object) -> str:
    """Return value as one line of plain text: markup stripped by clean_text, whitespace collapsed."""
    if not isinstance(value, str) or not value:
        return ""
    text = clean_text(BREAKING_TAG.sub(" ", CONTROL.sub("", value)))
    # clean_text leaves the no-break space escaped.
    return " ".join(text.replace("&nbsp;", " ").split())


def person_name(value: object) -> str:
    """Return the name in an author field: "ana@x.org (Ana Ruiz)" and "Ana Ruiz <ana@x.org>" give "Ana Ruiz"."""
    text = clean_line(value)
    for pattern in (r"^\S+@\S+\s*\((.+)\)$", r"^(.+?)\s*<\S+@\S+>$", r"^(.+?)\s*\(\S+@\S+\)$"):
        match = re.match(pattern, text)
        if match:
            text = match[1].strip()
            break
    # An address alone is not a name, and the reader pages show names.
    return "" if EMAIL.fullmatch(text) else text


def unique_names(names: list[str]) -> list[str]:
    """Return the non-empty names, each once, in their first order."""
    return list(dict.fromkeys(name for name in names if name))


def resolve_link(base: str, link: object) -> str:
    """Return link made absolute against base, or "" when there is no link."""
    if not isinstance(link, str) or not link.strip():
        return ""
    try:
        return urljoin(base, link.strip()) if base else link.strip()
    except ValueError:
        return ""  # not a URL at all ("http://[broken"), so nothing to follow


def find_image(html: str, base: str = "") -> str:
    """Return the absolute address of the first real image in html, or ""."""
    if not html or "<img" not in html.lower():
        return ""
    finder = _ImageFinder()
    finder.feed(html)
    finder.close()
    return resolve_link(base, finder.src)


class _ImageFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.src = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "img" or self.src:
            return
        values = {name: value or "" for name, value in attrs}
        # One-pixel images are tracking beacons (Feedburner, ad servers), not illustrations.
        if values.get("width") == "1" or values.get("height") == "1":
            return
        src = values.get("src", "").strip()
        try:
            scheme = urlsplit(src).scheme
        except ValueError:
            return
        # data: images are inline blobs, not something a card can show by address.
        if src and scheme in ("", "http", "https"):
            self.src = src
