"""Pre-cleaning: take page furniture (navigation, share bars, sign-ups, banners) out of the tree."""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree
from lxml.html import HtmlElement

from newsdesk.extract.dates import read_shown_date
from newsdesk.extract.paywall import PAYWALL_NAMES

# Class or id names that say "this is furniture" whatever the page's layout.
STRONG_NAMES = re.compile(
    r"breadcrumb|share|sharing|social|newsletter|subscri|cookie|consent|^comments?($|[-_])|[-_]comments($|[-_])|disqus|related|recommend|"
    r"promo|advert|sponsor|author-?bio|about-?the-?author|author-?box|signup|sign-?up|mailing-?list|opt-?in|"
    r"popup|modal|post-?tags|article-?tags|entry-?tags|tag-?list|tag-?cloud|read-?more|more-?stories|"
    r"also-?like|you-?may|next-?post|prev-?post|post-?nav|table-?of-?contents|^toc$|jump-?to|^ads?$|^ad-|-ad$|"
    r"disclosure|disclaimer"
)
# Names that mark furniture only when the element is mostly links or little text (layouts reuse them).
WEAK_NAMES = re.compile(r"(^|[-_])(nav|navbar|navigation|menu|sidebar|footer|banner|byline|tags|pagination|pager)$")
# Names generated for the article itself (WordPress post classes, BEM modifiers): they say nothing.
NEUTRAL_NAMES = re.compile(r"^(tag|category|categories|topic|format|status|type|has|no|with|post)-|--")
# Names of the article container itself: never furniture.
ARTICLE_NAMES = re.compile(r"article-?body|articlebody|entry-?content|post-?content|post-?body|story-?body|"
                           r"article-?content|main-?content|content-?body")
FURNITURE_ROLES = frozenset({"navigation", "banner", "contentinfo", "search", "dialog", "alertdialog", "menu", "menubar"})
FURNITURE_TAGS = frozenset({"nav", "footer", "form", "button", "select", "textarea", "dialog", "menu"})
STRONG, WEAK = 2, 1
# Real article pages have a few thousand elements; beyond this a page gets no pre-cleaning at all.
MAX_ELEMENTS = 100_000
CANDIDATES_XPATH = (
    ".//*[(@class or @id or @role or self::nav or self::footer or self::form or self::button or self::select"
    " or self::textarea or self::dialog or self::menu)"
    " and not(self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6 or self::pre or self::code"
    " or self::table)]"
)
# An element holding this share of the page's text is the article (or its frame), not furniture.
MAX_SHARE = 0.3
# Weak furniture goes only when it is this much links, or this short.
MIN_LINK_DENSITY = 0.5
MAX_WEAK_WORDS = 25
# Strong furniture this long and this free of links is prose that merely sits in an oddly named box.
MAX_PROSE_WORDS = 300
MAX_PROSE_LINK_DENSITY = 0.2
# ...and so is one whose words are mostly in several real paragraphs ("more-on-...-related-text"),
# unless its name says it is prose that is still furniture: legal notes, bios, comments, sign-ups.
MIN_PROSE_PARAGRAPHS, MIN_PARAGRAPH_WORDS, MIN_PARAGRAPHS_SHARE = 3, 15, 0.6
PROSE_FURNITURE_NAMES = re.compile(r"disclaim|disclos|legal|bio|author|comment|newsletter|subscri|cookie|consent|signup|sign-?up")
# A link named like furniture in the middle of a sentence is part of the sentence
# ("<a class="external-popup">TurboTax</a> is one of..."): its paragraph has this many words besides.
SENTENCE_TAGS = frozenset({"p", "li", "blockquote", "dd", "td"})
MIN_SENTENCE_WORDS = 8


def furniture_strength(element: HtmlElement) -> int:
    """STRONG or WEAK when the element's tag, role, class or id names it page furniture, else 0."""
    if element.get("itemprop") == "articleBody":
        return 0
    role = element.get("role", "").lower()
    if element.tag in FURNITURE_TAGS or role in FURNITURE_ROLES:
        return WEAK
    return _strength_of_names(element.get("class", ""), element.get("id", ""))


@lru_cache(maxsize=4096)
def _strength_of_names(classes: str, identifier: str) -> int:
    """Pages repeat the same class strings hundreds of times: decide each once."""
    names = f"{classes} {identifier}".lower().split()
    names = [name for name in names if not NEUTRAL_NAMES.search(name)]
    if not names or any(ARTICLE_NAMES.search(name) or PAYWALL_NAMES.search(name) for name in names):
        return 0  # paywall boxes stay for looks_truncated to see
    if any(STRONG_NAMES.search(name) for name in names):
        return STRONG
    return WEAK if any(WEAK_NAMES.search(name) for name in names) else 0


def is_huge(tree: HtmlElement) -> bool:
    """True for trees too big for element-by-element Python passes (counted in C)."""
    return tree.xpath("count(//*)") > MAX_ELEMENTS


def remove_furniture(tree: HtmlElement) -> int:
    """Remove furniture elements from tree, sparing anything that holds much of the text; return the count."""
    etree.strip_tags(tree, etree.Comment, etree.ProcessingInstruction)
    body = tree.find("body")
    if body is None or is_huge(tree):
        return 0
    total = len(body.text_content())
    removed = 0
    # XPath picks the few elements that have a name at all; the C side does the walking.
    for element in body.xpath(CANDIDATES_XPATH):
        if element.getroottree().getroot() is not tree:
            continue  # inside something already removed
        strength = furniture_strength(element)
        if strength and _is_expendable(element, strength, total) and not _in_code_or_table(element) and not _in_sentence(element):
            drop_element(element)
            removed += 1
    return removed


def _in_sentence(element: HtmlElement) -> bool:
    """True for a link inside a paragraph that has words of its own around it."""
    parent = element.getparent()
    if element.tag != "a" or parent is None or parent.tag not in SENTENCE_TAGS:
        return False
    text = element.text_content()
    around = len(parent.text_content().split()) - len(text.split())
    return around >= MIN_SENTENCE_WORDS and not is_furniture_line(text)


def _in_code_or_table(element: HtmlElement) -> bool:
    """Code carries syntax classes ("hljs-comment") and tables cell classes that are not furniture."""
    return any(ancestor.tag in ("pre", "code", "table") for ancestor in element.iterancestors())


def _is_expendable(element: HtmlElement, strength: int, total: int) -> bool:
    """False for the article and its frames: big text holders and articleBody ancestors."""
    if element.tag in ("main", "article", "body") or element.find(".//*[@itemprop='articleBody']") is not None:
        return False
    text = element.text_content()
    if len(text) > MAX_SHARE * total:
        return False
    words = len(text.split())
    if words <= MAX_WEAK_WORDS:
        return True
    density = sum(len(link.text_content()) for link in element.iter("a")) / max(len(text), 1)
    if strength == STRONG:
        if _is_prose(element, words) and not PROSE_FURNITURE_NAMES.search(f"{element.get('class', '')} {element.get('id', '')}".lower()):
            return False
        return words <= MAX_PROSE_WORDS or density >= MAX_PROSE_LINK_DENSITY
    return density >= MIN_LINK_DENSITY


def _is_prose(element: HtmlElement, words: int) -> bool:
    lengths = [len(p.text_content().split()) for p in element.iter("p")]
    paragraphs = [n for n in lengths if n >= MIN_PARAGRAPH_WORDS]
    return len(paragraphs) >= MIN_PROSE_PARAGRAPHS and sum(paragraphs) >= MIN_PARAGRAPHS_SHARE * words


def drop_element(element: HtmlElement) -> None:
    """Remove element but keep its tail text, which belongs to the parent."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


# Whole short blocks that are page furniture which survived extraction (checked lowercased).
FURNITURE_LINES = re.compile(
    r"^(advertisement|advertisements|sponsored|sponsored content|ad|ads|promoted)$"
    r"|^(share|share this|share (and print )?this (article|story|post|page)|share on ?\w+|tweet|pin it|email|print|copy link)$"
    r"|^(published|publish(ed)? (date|on)|date published|reviewed|version|written for|pages|page \d+ of \d+)$"
    r"|sign ?up (for|to)|\bsubscribe\b|(become|for|to) (a |our )?(paid |premium )?(subscriber|member)s?\b|^unlock this\b|^newsletters?$|\b(our|the|free|weekly|daily) newsletter\b|join our (mailing list|community)"
    r"|get the latest|delivered to your inbox"
    r"|^(related|related articles?|related posts?|related stories|read more|read also|see also|more from|"
    r"you (may|might) also like|recommended|recommended for you|more stories|trending|popular posts?)\b"
    r"|^(photo|image|illustration|credit|photograph|video)s?( by|:)|\b(getty images|shutterstock|istock)\b"
    r"|^follow us|follow .{0,30} on (facebook|twitter|instagram|x|linkedin)"
    r"|^\d+ min(ute)?s? read( time)?$|^(tags?|filed under|categories|topics)\s*:"
    r"|products are chosen independently|as an amazon associate|affiliate (links?|commission)|earn (a small )?commission"
    r"|^table of contents$|^(back to|previous|next) (blog|article|post|top)|^(previous|next) (article|post|story):?"
    r"|^(written|posted|reviewed|edited) by\b|^by [\w .'-]+$|^copyright\b|^©|all rights reserved"
    r"|^(log ?in|sign ?in|register|search\.*|home|menu|skip to content)$"
    r"|^(sign ?up|get started|start now|try it|apply now|learn more|book (a|your) (free )?(demo|call|consultation)|"
    r"request a (free )?(quote|demo)|contact us|about us|privacy policy|terms (&|and) conditions|tags|pin (it|this|for later))"
    r"( (now|today|for free))?$"
    r"|^advertisement\b|\(sponsored\)$|^posted by\b|^(follow|stay connected with|connect with) (us|me)\b|^follow \w+( \w+)?$"
    r"|^join \w+ for free\b"
    r"|^(advertisement ?)+$|^(add|leave|post|write|submit) (a |your )?(comment|reply|review)s?$|^\d* ?(comments?|replies)$"
    r"|^contact (info|information|details)$|^get in touch\b|^(privacy policy|cookie policy|terms of (use|service))$"
    r"|^jump to (the )?\w+$|^why (you can )?trust us\b|\bfunded by readers\b"
    r"|^join (our|the|my) (\w+ ){0,3}(group|community|list|mailing list|newsletter|club)\b|spread the word"
    r"|exclusive to .* (subscribers|members)|included in (a|your) subscription|\bunsubscribe\b"
    r"|^(talk|speak|chat) (to|with) (our|an?) |^get (a|your) (free |personalized |custom )?(quote|plan|demo|consultation|estimate)\b"
    r"|\b(talk|speak|chat) (to|with) our (\w+ ){0,4}experts?\b|^already have an account\b|^was this (article|page|post|story) helpful\b"
    r"|^how (was|did you like|would you rate) this (issue|article|post|newsletter|story)\b"
    r"|tell your friends and get rewards|\brefer a friend\b|^you (may|might) (also )?be interested in\b"
    r"|[✕✖]$"  # a banner's close button
)
# Sign-up calls, credits and affiliate notices run longer than a label and are still furniture, up to so many
# words (the group's name). Every line of every page is tested: the words they need are looked for first.
LONG_FURNITURE_HINTS = ("newsletter", "mailing list", "form", "credits", "production of", "disclosure")
LONG_FURNITURE_LINES = re.compile(
    r"(?P<w30>sign ?up for our (\w+ )?newsletter|join our mailing list|subscribe to our (\w+ )?newsletter"
    r"|^fill (out|in) (the|this|our) form\b|\$[\d,.]+k? in (free |ad )?credits\b)"
    r"|(?P<w40>\bis a production of\b)"
    r"|(?P<w60>^disclosure\s*:.{0,80}\baffiliate\b)"
)
# What may stand around the date on a line that only dates the page.
DATE_LINE_REST = re.compile(r"((last )?(updated|posted|published|modified|written)( on)?|on|date|dated)?\W*"
                            r"(at )?(\d{1,2}:\d{2}( ?[ap]\.?m\.?)?)?\W*( ?[a-z]{2,4})?")
# Longer blocks are prose even when they mention a newsletter.
MAX_FURNITURE_LINE_WORDS = 14


def is_furniture_line(text: str, dates: bool = True) -> bool:
    """True when a short block of extracted text is a share prompt, sign-up, credit or similar (or a lone dateline)."""
    text = " ".join(text.split()).strip(" .!|>-–—").lower()
    if not text:
        return True
    words = len(text.split())
    hinted = words <= 60 and any(hint in text for hint in LONG_FURNITURE_HINTS)
    longer = LONG_FURNITURE_LINES.search(text) if hinted else None
    if longer and words <= int(longer.lastgroup[1:]):
        return True
    if words > MAX_FURNITURE_LINE_WORDS:
        return False
    return FURNITURE_LINES.search(text) is not None or dates and _is_date_line(text)


def _is_date_line(text: str) -> bool:
    """True for a line that only dates the page ("Posted on March 3, 2025 at 9:15 am")."""
    found = read_shown_date(text)
    if not found:
        return False
    start, end, _ = found[0]
    return DATE_LINE_REST.fullmatch(f"{text[:start]} {text[end:]}".strip()) is not None
