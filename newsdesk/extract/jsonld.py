"""Schema.org JSON-LD blocks: the article node, its authors, dates and publisher."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator

from lxml.html import HtmlElement

ARTICLE_TYPES = {
    "article", "newsarticle", "blogposting", "reportagenews", "analysisnewsarticle", "opinionnewsarticle",
    "reviewnewsarticle", "backgroundnewsarticle", "askpublicnewsarticle", "satiricalarticle", "techarticle",
    "scholarlyarticle", "medicalscholarlyarticle", "socialmediaposting", "liveblogposting", "report",
    "posting", "discussionforumposting", "advertisercontentarticle", "review", "recipe", "howto",
}
PAGE_TYPES = {"webpage", "itempage", "medicalwebpage", "collectionpage", "faqpage", "aboutpage", "qapage"}
_TRAILING_COMMAS = re.compile(r",\s*([\]}])")
_CONTROL = re.compile(r"[\x00-\x1f]")


class JsonLd:
    """The JSON-LD nodes of one page, with @id references resolvable."""

    def __init__(self, nodes: list[dict]):
        self.nodes = nodes
        self.by_id = {node["@id"]: node for node in nodes if isinstance(node.get("@id"), str)}
        self.article = self._find(ARTICLE_TYPES) or self._find(PAGE_TYPES, needs=("datePublished", "author", "headline"))

    def _find(self, types: set[str], needs: tuple[str, ...] = ()) -> dict | None:
        for node in self.nodes:
            if types_of(node) & types and (not needs or any(key in node for key in needs)):
                return node
        return None

    def resolve(self, value: object) -> object:
        """Follow a {"@id": ...} reference to its node when the page defines it."""
        if isinstance(value, dict) and set(value) <= {"@id", "@type"} and value.get("@id") in self.by_id:
            return self.by_id[value["@id"]]
        return value

    def article_value(self, key: str) -> object:
        """Return key of the article node, None when absent."""
        return self.resolve(self.article.get(key)) if self.article else None

    def author_names(self) -> list[str]:
        """Names of the article's authors (people or organisations), in page order."""
        value = self.article_value("author") or self.article_value("creator")
        names = []
        for item in value if isinstance(value, list) else [value]:
            item = self.resolve(item)
            if isinstance(item, str):
                names.append(item)
            elif isinstance(item, dict):
                name = item.get("name")
                if isinstance(name, list):
                    name = name[0] if name else None
                if isinstance(name, str):
                    names.append(name)
                elif isinstance(item.get("givenName"), str):
                    names.append(f"{item['givenName']} {item.get('familyName') or ''}")
        return [html.unescape(name).strip() for name in names if name and name.strip()]

    def authors_are_organisations(self) -> bool:
        """Say whether every author the article node names is an organisation, not a person."""
        value = self.article_value("author")
        items = [self.resolve(item) for item in (value if isinstance(value, list) else [value])]
        return bool(items) and all(isinstance(item, dict) and types_of(item) & {"organization", "newsmediaorganization", "corporation"}
                                   for item in items)

    def site_names(self) -> list[str]:
        """Names the page gives its publisher or website."""
        names = []
        publisher = self.resolve(self.article_value("publisher"))
        if isinstance(publisher, list) and publisher:
            publisher = self.resolve(publisher[0])
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            names.append(publisher["name"])
        for node in self.nodes:
            if types_of(node) & {"website", "organization", "newsmediaorganization"} and isinstance(node.get("name"), str):
                names.append(node["name"])
        return [name.strip() for name in names if name.strip()]

    def image(self) -> str | None:
        """The article's image URL, if it names one."""
        value = self.article_value("image") or self.article_value("thumbnailUrl")
        for _ in range(3):
            value = self.resolve(value)
            if isinstance(value, list):
                value = value[0] if value else None
            elif isinstance(value, dict):
                value = value.get("url") or value.get("contentUrl")
            else:
                break
        return value if isinstance(value, str) and value.strip() else None

    def text(self, key: str) -> str | None:
        """A plain string value of the article node."""
        value = self.article_value(key)
        if isinstance(value, list):
            value = value[0] if value else None
        return html.unescape(value).strip() if isinstance(value, str) and value.strip() else None


def types_of(node: dict) -> set[str]:
    """Return the node's @type values, lowercased and without a schema.org prefix."""
    value = node.get("@type")
    values = value if isinstance(value, list) else [value]
    return {v.rsplit("/", 1)[-1].lower() for v in values if isinstance(v, str)}


def read_jsonld(tree: HtmlElement) -> JsonLd:
    """Parse every JSON-LD script of the page, skipping the ones that do not parse."""
    nodes: list[dict] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        data = _parse(script.text)
        if data is not None:
            nodes.extend(_flatten(data))
    return JsonLd(nodes)


def _parse(source: str) -> object:
    source = source.strip()
    if source.startswith("<!--") or source.startswith("//<![CDATA["):
        source = source.split("\n", 1)[-1].rsplit("\n", 1)[0] if "\n" in source else source[4:-3]
    try:
        return json.loads(source)
    except ValueError:
        pass
    # Hand-written blocks often carry raw newlines in strings or a trailing comma.
    try:
        return json.loads(_TRAILING_COMMAS.sub(r"\1", _CONTROL.sub(" ", source)))
    except ValueError:
        return None


def _flatten(data: object, depth: int = 0) -> Iterator[dict]:
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data:
            yield from _flatten(item, depth + 1)
    elif isinstance(data, dict):
        graph = data.get("@graph")
        if "@type" in data or "@id" in data:
            yield data
        if isinstance(graph, (list, dict)):
            yield from _flatten(graph, depth + 1)
        main = data.get("mainEntity") or data.get("mainEntityOfPage")
        if isinstance(main, dict) and "@type" in main:
            yield from _flatten(main, depth + 1)
