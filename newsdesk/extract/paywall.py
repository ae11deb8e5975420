"""Is the extracted text the whole article, or only what a paywall lets through?"""

from __future__ import annotations

import json
import re

from lxml.html import HtmlElement

# Class or id names of the boxes publishers put where the rest of a locked article would be.
PAYWALL_NAMES = re.compile(
    r"paywall|pay-wall|regwall|meter(ed)?-?(wall|banner|prompt)|subscriber-?only|subscribers-?only|"
    r"premium-?(content|wall|article|gate)|piano-?(offer|paywall)|tp-?modal|locked-?content|content-?gate|"
    r"article-?gate",
)
# How locked pages end their free part.
LOCKED_ENDINGS = re.compile(
    r"(subscribe|sign in|log in|register|become a (member|subscriber)|start your (free )?trial)"
    r"[^.]{0,60}(to (continue|keep) reading|to read (the|this) (full|rest|entire)|for full access|to unlock)"
    r"|(this (article|story|content) is (only )?(available|exclusive|reserved) (to|for) (paying |our )?"
    r"(subscribers|members))|already (a subscriber|have an account)\??\s*(sign|log) in"
    r"|the rest of this (article|story) is (for|available to)",
    re.IGNORECASE,
)
# WordPress names posts' categories and tags in classes: "tag-paywall" is not a paywall box.
TAXONOMY_NAMES = re.compile(r"(tag|category|categories|topic)-")
MAX_PROMPT_WORDS = 150
# Text nodes worth a closer look: the words every "keep reading" prompt uses.
PROMPT_XPATH = ("//body//text()[contains(., 'ontinue reading') or contains(., 'eep reading') or contains(., 'the full') "
                "or contains(., 'the rest of this') or contains(., 'ubscribers') or contains(., 'embers only') "
                "or contains(., 'a subscriber')]")
# A locked part this long was served in full (metered or crawler access), not cut.
MIN_LOCKED_WORDS = 150
_FREE_FLAG = re.compile(r'"isAccessibleForFree"\s*:\s*"?(false|no|0)"?', re.IGNORECASE)
# A last paragraph this long that stops with an ellipsis was cut off.
MIN_CUT_WORDS = 25


def looks_truncated(tree: HtmlElement, text: str) -> bool:
    """True when the page marks its article as paywalled or the text stops short of its end."""
    return _declares_locked(tree) or _has_paywall_box(tree) or _ends_locked(text) or _prompts_to_subscribe(tree)


def _declares_locked(tree: HtmlElement) -> bool:
    """JSON-LD isAccessibleForFree: false, unless the locked part it names is there in full."""
    for script in tree.iter("script"):
        if "ld+json" not in (script.get("type") or "") or not script.text or not _FREE_FLAG.search(script.text):
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            return True  # the flag is there even if the rest of the block is broken JSON
        selectors: list[str] = []
        if _collect_locked(data, selectors):
            # Metered sites declare every article locked yet serve it whole to some readers.
            return not (selectors and any(_holds_article(tree, selector) for selector in selectors))
    return False


def _collect_locked(data: object, selectors: list[str]) -> bool:
    """True when data declares something not free; gather the cssSelectors of its locked parts."""
    if isinstance(data, list):
        return any([_collect_locked(item, selectors) for item in data])
    if not isinstance(data, dict):
        return False
    flag = data.get("isAccessibleForFree")
    locked = flag is False or (isinstance(flag, str) and flag.strip().lower() in ("false", "no", "0"))
    if locked and isinstance(data.get("cssSelector"), str):
        selectors.append(data["cssSelector"])
    nested = [_collect_locked(value, selectors) for key, value in data.items() if key in ("@graph", "mainEntity", "hasPart")]
    return locked or any(nested)


def _holds_article(tree: HtmlElement, selector: str) -> bool:
    """True when a simple '.class' or '#id' selector finds an element holding article-length text."""
    for part in selector.split(","):
        part = part.strip()
        if re.fullmatch(r"\.[\w-]+", part):
            found = tree.xpath("//*[contains(concat(' ', normalize-space(@class), ' '), $name)]", name=f" {part[1:]} ")
        elif re.fullmatch(r"#[\w-]+", part):
            found = tree.xpath("//*[@id=$name]", name=part[1:])
        else:
            continue
        if any(len(element.text_content().split()) >= MIN_LOCKED_WORDS for element in found):
            return True
    return False


def _has_paywall_box(tree: HtmlElement) -> bool:
    body = tree.find("body")
    if body is None:
        return False
    for element in body.xpath(".//*[(self::div or self::section or self::aside or self::p or self::article) and (@class or @id)]"):
        names = f"{element.get('class', '')} {element.get('id', '')}".lower()
        if not PAYWALL_NAMES.search(names):
            continue
        names = names.split()
        if not any(PAYWALL_NAMES.search(name) and not TAXONOMY_NAMES.match(name) for name in names):
            continue
        # A prompt, not an empty modal template nor the article itself wearing a "paywall" class.
        if 0 < len(element.text_content().split()) <= MAX_PROMPT_WORDS and _is_visible(element):
            return True
    return False


def _prompts_to_subscribe(tree: HtmlElement) -> bool:
    """A short "subscribe to continue reading" line anywhere in the body (extraction drops it from the text)."""
    for node in tree.xpath(PROMPT_XPATH):
        parent = node.getparent()
        if parent is None:
            continue
        prompt = " ".join(parent.text_content().split())
        if len(prompt.split()) <= MAX_PROMPT_WORDS and LOCKED_ENDINGS.search(prompt) and _is_visible(parent):
            return True
    return False


def _is_visible(element: HtmlElement) -> bool:
    style = (element.get("style") or "").replace(" ", "").lower()
    return element.get("hidden") is None and "display:none" not in style


def _ends_locked(text: str) -> bool:
    paragraphs = [p for p in text.strip().split("\n\n") if p.strip()]
    if not paragraphs:
        return False
    tail = " ".join(paragraphs[-3:])
    if LOCKED_ENDINGS.search(tail):
        return True
    # Only a long paragraph cut with an ellipsis says "cut short": pages end mid-sentence for many
    # harmless reasons (a list, a credit, a call to action), so that alone flags nothing.
    last = paragraphs[-1].strip()
    return len(last.split()) >= MIN_CUT_WORDS and last.endswith(("…", "..."))
