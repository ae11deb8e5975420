"""Inline promo cards ("related article" boxes inside the body), taken out of the text."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

from newsdesk.extract.boilerplate import ARTICLE_NAMES, drop_element, is_furniture_line, is_huge
from newsdesk.extract.types import Related

# Class or id names publishers give inline story cards.
CARD_NAMES = re.compile(
    r"related|promo|read-?also|also-?read|read-?more|inline-?(story|article|link|card)|story-?card|"
    r"article-?card|card|recirc|more-?on|see-?also|teaser|embed-?article|further-?reading",
)
# Labels that introduce a promo paragraph: "Read more: <a>Headline</a>".
LABEL = re.compile(
    r"^\s*(read more|related|see also|read also|also read|more|recommended|watch|listen|further reading|"
    r"related (article|story|coverage|reading)|more on this( story)?|you might also like|don'?t miss)\s*[:\-–—|»]",
    re.IGNORECASE,
)
SOURCE_NAMES = re.compile(r"source|outlet|publication|publisher|brand|site-?name|provider")
AUTHOR_NAMES = re.compile(r"author|byline|writer")
EXCERPT_NAMES = re.compile(r"excerpt|dek|summary|description|standfirst|teaser-?text|blurb")
# A card is short: a headline, an excerpt, a source; more words means a section of the article.
MAX_CARD_WORDS = 90
MAX_CARD_LINKS = 3
# Headlines have a few words; "View Plans", "Shop now", "Share" are buttons.
MIN_TITLE_WORDS = 3
CALL_TO_ACTION = re.compile(r"^(view|get|shop|buy|see|share|subscribe|sign|learn|create|join|download|try|"
                            r"start|book|order|compare|check|find|read our|call|contact)\b", re.IGNORECASE)
# Asides, named boxes, and paragraphs holding a link: everything else cannot be a card.
CANDIDATES_XPATH = (".//*[self::aside or ((self::div or self::section or self::figure or self::ul) and (@class or @id))"
                    " or ((self::p or self::li) and .//a) or (self::div and ./a)]")
CONTAINER_XPATH = ("//*[@itemprop='articleBody'] | //article")


def take_promos(tree: HtmlElement, url: str | None) -> list[Related]:
    """Remove promo cards inside the article body from tree and return them in page order."""
    if is_huge(tree):
        return []
    cards: list[tuple[HtmlElement, Related]] = []
    taken: set[HtmlElement] = set()
    for scope in _article_scopes(tree):
        for element in scope.xpath(CANDIDATES_XPATH):
            if not _may_be_card(element):
                continue
            if taken and (element in taken or any(a in taken for a in element.iterancestors())):
                continue
            related = _read_card(element, url)
            if related is not None:
                cards.append((element, related))
                taken.add(element)
    for element, _ in cards:
        drop_element(element)
    return [related for _, related in cards]


def _article_scopes(tree: HtmlElement) -> list[HtmlElement]:
    """The article containers of the page, outermost only; the whole body when none is marked."""
    scopes = tree.xpath(CONTAINER_XPATH)
    for element in tree.xpath("//*[(self::div or self::section or self::main) and (@class or @id)]"):
        if ARTICLE_NAMES.search(f"{element.get('class', '')} {element.get('id', '')}".lower()):
            scopes.append(element)
    marked = set(scopes)
    outermost = [s for s in scopes if not any(ancestor in marked for ancestor in s.iterancestors())]
    if outermost:
        return outermost
    body = tree.find("body")
    return [body] if body is not None else []


def _may_be_card(element: HtmlElement) -> bool:
    """A cheap first look: cards are asides, boxes named like cards, or labelled paragraphs."""
    if element.tag == "aside":
        return True
    names = f"{element.get('class', '')} {element.get('id', '')}".lower()
    if names.strip() and CARD_NAMES.search(names):
        return True
    if element.tag in ("p", "li", "div"):
        start = (element.text or "")
        if not start.strip() and len(element):
            start = element[0].text or ""
        return LABEL.match(start) is not None
    return False


def _read_card(element: HtmlElement, base: str | None) -> Related | None:
    """Read element as a promo card, or return None when it is something else."""
    links = [a for a in element.iter("a") if _is_story_link(a.get("href", ""), base)]
    if not links or len(links) > MAX_CARD_LINKS:
        return None
    text = " ".join(element.text_content().split())
    if len(text.split()) > MAX_CARD_WORDS:
        return None
    names = f"{element.get('class', '')} {element.get('id', '')}".lower()
    labelled = LABEL.match(text) is not None
    named = bool(names.strip()) and CARD_NAMES.search(names) is not None
    if element.tag in ("p", "li"):
        if not labelled:
            return None
    elif element.tag == "ul":
        if not (labelled or named):
            return None
    elif element.tag != "aside" and not named and not labelled:
        return None
    if element.tag in ("div", "section") and not (labelled or _sits_between_paragraphs(element)):
        return None
    headline = next((h for h in element.iter("h2", "h3", "h4", "h5", "h6")), None)
    link = max(links, key=lambda a: len(a.text_content().strip()))
    if headline is not None:
        inner = next((a for a in headline.iter("a") if a in links), None)
        link = inner if inner is not None else link
    title = " ".join((headline if headline is not None else link).text_content().split())
    title = LABEL.sub("", title).strip()
    if len(title.split()) < MIN_TITLE_WORDS or is_furniture_line(title) or CALL_TO_ACTION.match(title):
        return None
    return Related(
        title=title,
        url=urljoin(base or "", link.get("href", "").strip()),
        excerpt=_find_text(element, EXCERPT_NAMES, exclude=title) or _find_excerpt(element, title),
        source=_find_text(element, SOURCE_NAMES, exclude=title, tags=("cite",)),
        author=re.sub(r"^\s*by\s+", "", _find_text(element, AUTHOR_NAMES, exclude=title), flags=re.IGNORECASE),
    )


def _is_story_link(href: str, base: str | None) -> bool:
    href = href.strip()
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
        return False
    target = urlsplit(urljoin(base or "", href))
    return len(target.path.strip("/")) > 1 and (not base or urljoin(base, href).split("#")[0] != base.split("#")[0])


def _sits_between_paragraphs(element: HtmlElement) -> bool:
    """True when the element's siblings are paragraphs of prose, as in an article body."""
    parent = element.getparent()
    if parent is None:
        return False
    prose = [p for p in parent if p is not element and p.tag == "p" and len(p.text_content().split()) >= 8]
    return len(prose) >= 2


def _find_text(element: HtmlElement, names: re.Pattern[str], exclude: str, tags: tuple[str, ...] = ()) -> str:
    for child in element.iterdescendants():
        if not isinstance(child.tag, str):
            continue
        child_names = f"{child.get('class', '')} {child.get('itemprop', '')}".lower()
        if child.tag in tags or (child_names.strip() and names.search(child_names)):
            text = " ".join(child.text_content().split())
            if text and text != exclude:
                return text
    return ""


def _find_excerpt(element: HtmlElement, title: str) -> str:
    """The card's longest paragraph that is not its headline (often cut with an ellipsis)."""
    texts = [" ".join(p.text_content().split()) for p in element.iter("p", "span")]
    texts = [LABEL.sub("", t).strip() for t in texts if t and title not in t]
    longest = max(texts, key=len, default="")
    return longest if len(longest.split()) >= 5 else ""
