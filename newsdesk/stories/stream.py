"""Articles as JSON Lines in, story keys as JSON Lines out: the `newsdesk cluster` command's library side."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone

from newsdesk.stories.cluster import ClusterConfig, cluster_stream
from newsdesk.stories.features import Document


class LineError(ValueError):
    """An input line that is not an article."""


def parse_article(line: str) -> Document:
    """Return the article of one JSON line `{"id", "title", "text", "published"?, "source"?}`, or raise LineError."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise LineError(f"cluster: not JSON ({error.msg} at column {error.colno}); write one article object a line") from None
    if not isinstance(data, dict):
        raise LineError("cluster: a line must be a JSON object with id, title and text")
    article_id = data.get("id")
    if isinstance(article_id, bool) or not isinstance(article_id, (str, int)) or str(article_id) == "":
        raise LineError('cluster: "id" is missing; give each article a string or number id')
    fields = {}
    for name in ("title", "text", "source", "language"):
        value = data.get(name, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise LineError(f'cluster: "{name}" must be a string')
        fields[name] = value
    if not fields["title"].strip() and not fields["text"].strip():
        raise LineError('cluster: the article has neither "title" nor "text"')
    return Document(id=str(article_id), title=fields["title"], text=fields["text"], published=_parse_time(data.get("published")),
                    source=fields["source"], language=fields["language"])


def _parse_time(value: object) -> datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise LineError('cluster: "published" must be an ISO 8601 string')
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise LineError(f'cluster: "published" is not an ISO 8601 time: {value!r}') from None
    # A time without an offset is read as UTC rather than refused: feeds often omit it.
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def cluster_lines(lines: Iterable[str], config: ClusterConfig = ClusterConfig()) -> Iterator[dict]:
    """Yield `{"id", "story"}` for each article line and `{"line", "error"}` for each bad one, in input order."""
    outcomes: list[dict | str] = []  # an error, or the id of an article awaiting its story
    articles: list[Document] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            article = parse_article(line)
            if article.id in seen:
                raise LineError(f"cluster: id {article.id!r} appeared on an earlier line; ids must be unique")
        except LineError as error:
            outcomes.append({"line": number, "error": str(error)})
            continue
        seen.add(article.id)
        articles.append(article)
        outcomes.append(article.id)
    # Stories can still merge until the stream ends, so keys are final only then.
    stories = dict(cluster_stream(articles, config))
    for outcome in outcomes:
        yield {"id": outcome, "story": stories[outcome]} if isinstance(outcome, str) else outcome
