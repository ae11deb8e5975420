"""The full-text index of articles: SQLite FTS5 or PostgreSQL tsvector, behind one small interface.

Everything that differs between the two databases is in this file: the index table and the triggers
that keep it in step with store_article (so bulk writes and other processes are indexed too), the
query syntax, relevance and highlighted snippets. Callers use `best_per_story`, `snippets` and `rebuild`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Most recent matching articles ranked for one query. Ranking every match of a word found in half
# of a million articles would take seconds; a reader wants the relevant *recent* ones.
CANDIDATES = 1000
QUERY_MAX_CHARS = 300
OUTLET_WINDOW = 3_000  # PostgreSQL: an outlet's newest articles read for a word before its GIN index is asked
PHRASE_CANDIDATES = 2_000  # PostgreSQL: newest articles with all of a phrase's words, checked for the phrase
# Markers from Unicode's private use area, turned into <mark> only after the text is escaped.
OPEN, CLOSE = "\ue000", "\ue001"
_MARKERS = re.compile(f"[{OPEN}{CLOSE}]")
SNIPPET_WORDS = 32
TITLE_WEIGHT = 10.0  # SQLite: a match in the title against one in the text


@dataclass(slots=True)
class Match:
    article_id: int
    story_id: int
    score: float  # relevance weighed by age, higher is better; comparable only within one query


@dataclass
class Snippet:
    title: SafeString  # the article's title, matched words in <mark>
    text: SafeString  # a passage of its text around the match, matched words in <mark>


def best_per_story(query: str, *, now: float, recency_days: float, wanted: int, source_id: int | None = None,
                   since: datetime | None = None, until: datetime | None = None,
                   using: str = "default") -> tuple[list[Match], int]:
    """The best match of each of the first `wanted` stories among the newest CANDIDATES matches of query and the
    filters, best first, and how many candidates there were. The score is the relevance divided by
    1 + age / recency_days (now: a timestamp); articles in no story are left out."""
    connection = connections[using]
    backend = _backend(connection)
    expression = backend.expression(query)
    if not expression:
        return [], 0
    candidates = backend.candidates(connection, query, expression, source_id, since, until)
    if candidates is None:
        return [], 0
    # Only the best-scored candidates are looked up for their story: the article table's rows hold whole texts.
    # If those few hold fewer stories than wanted (one story's articles ranking above the rest), more are read.
    scored = 4 * wanted
    while True:
        found, total = _ranked(connection, candidates, now, recency_days, scored, wanted)
        if len(found) >= wanted or scored >= total:
            return found, total
        scored *= 4


def _ranked(connection, candidates: tuple[str, list], now: float, recency_days: float, scored: int,
            wanted: int) -> tuple[list[Match], int]:
    """One statement from the match to the page: what reaches Python is the page, not the thousand candidates."""
    ctes, params = candidates
    sql = f"""WITH {ctes},
        scored AS MATERIALIZED (
            SELECT id, relevance / (1 + (CASE WHEN moment < %s THEN %s - moment ELSE 0 END) / (86400.0 * %s)) AS score
            FROM candidates ORDER BY score DESC, id DESC LIMIT %s),
        placed AS (
            SELECT s.id, a.story_id, s.score,
                row_number() OVER (PARTITION BY a.story_id ORDER BY s.score DESC, s.id DESC) AS place
            FROM scored s JOIN store_article a ON a.id = s.id WHERE a.story_id IS NOT NULL)
        SELECT p.id, p.story_id, p.score, total.n FROM (SELECT count(*) AS n FROM candidates) total
        LEFT JOIN placed p ON p.place = 1 ORDER BY p.score DESC, p.id DESC LIMIT %s"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, now, now, recency_days, scored, wanted])
        rows = cursor.fetchall()
    total = rows[0][3] if rows else 0
    return [Match(article_id, story_id, score) for article_id, story_id, score, _ in rows if article_id is not None], total


def snippets(query: str, article_ids: list[int], *, source_id: int | None = None,
             using: str = "default") -> dict[int, Snippet]:
    """Highlighted title and passage of each article, by id (matches of query, of source_id's outlet if given);
    all text escaped, matches in <mark>."""
    connection = connections[using]
    expression = _backend(connection).expression(query)
    if not expression or not article_ids:
        return {}
    rows = _backend(connection).snippets(connection, expression, article_ids, source_id)
    return {article_id: Snippet(marked_html(title), marked_html(text)) for article_id, title, text in rows}


def rebuild(using: str = "default") -> None:
    """Index every stored article again, from scratch."""
    connection = connections[using]
    with connection.cursor() as cursor:
        _backend(connection).rebuild(cursor)


def marked_html(raw: str | None) -> SafeString:
    """raw with every character escaped and the spans between OPEN and CLOSE markers in <mark>."""
    raw = raw or ""
    markers = _MARKERS.findall(raw)
    if len(markers) % 2 == 0 and markers == [OPEN, CLOSE] * (len(markers) // 2):
        # Markers in pairs, as both databases write them: escaping the text at once gives the same HTML
        # in a third of the time.
        return mark_safe(escape(raw).replace(OPEN, "<mark>").replace(CLOSE, "</mark>"))
    html, inside = [], False
    for piece in re.split(f"([{OPEN}{CLOSE}])", raw):
        if piece == OPEN and not inside:
            html.append("<mark>")
            inside = True
        elif piece == CLOSE and inside:
            html.append("</mark>")
            inside = False
        elif piece not in (OPEN, CLOSE):
            html.append(escape(piece))
    if inside:
        html.append("</mark>")
    return mark_safe("".join(html))


def clean_query(query: str) -> str:
    """query without control characters, outer spaces, or its tail beyond QUERY_MAX_CHARS."""
    return re.sub(r"[\x00-\x1f\x7f\ue000\ue001]", " ", query or "")[:QUERY_MAX_CHARS].strip()


def query_terms(query: str) -> list[tuple[str, str]]:
    """The web-search syntax readers type, as (kind, text): "word", "phrase", "not" or "or"."""
    terms = []
    for phrase, word in re.findall(r'"([^"]*)"?|(\S+)', clean_query(query)):
        if word == "OR":
            terms.append(("or", ""))
        elif word.startswith("-") and len(word) > 1:
            terms.append(("not", word[1:]))
        else:
            terms.append(("phrase" if phrase else "word", phrase or word))
    # Only what has a letter or digit can match; punctuation alone would be an empty phrase.
    return [(kind, text) for kind, text in terms if kind == "or" or any(c.isalnum() for c in text)]


def _backend(connection: BaseDatabaseWrapper):
    if connection.vendor == "postgresql":
        return PostgresIndex
    if connection.vendor == "sqlite":
        return SqliteIndex
    raise RuntimeError(f"search: no full-text index for the {connection.vendor} database; use SQLite or PostgreSQL")


def _julian_day(moment: datetime | None, default: float) -> float:
    return moment.timestamp() / 86400 + 2440587.5 if moment is not None else default


def _filters(connection, source_column: str | None, moment_column: str, source_id, since, until) -> tuple[str, list]:
    sql, params = [], []
    if source_id is not None:
        sql.append(f"{source_column} = %s")
        params.append(source_id)
    for value, operator in ((since, ">="), (until, "<")):
        if value is not None:
            sql.append(f"{moment_column} {operator} %s")
            params.append(connection.ops.adapt_datetimefield_value(value))
    return "".join(f" AND {clause}" for clause in sql), params


class SqliteIndex:
    """An FTS5 table of each article's title, text, outlet name and outlet key ("s" and its id), its rowid
    the article's id; beside it search_moment, each article's time (a Julian day) with an index."""

    TABLES = [
        """CREATE VIRTUAL TABLE IF NOT EXISTS search_article USING fts5(
            title, text, outlet, source_key, tokenize = 'porter unicode61 remove_diacritics 2')""",
        "CREATE TABLE IF NOT EXISTS search_moment (id INTEGER PRIMARY KEY, moment REAL NOT NULL)",
        "CREATE INDEX IF NOT EXISTS search_moment_time ON search_moment (moment)",
    ]
    INDEX_ARTICLE = """
            INSERT INTO search_article (rowid, title, text, outlet, source_key)
            VALUES (new.id, new.title, new.text, (SELECT name FROM store_source WHERE id = new.source_id), 's' || new.source_id);
            INSERT OR REPLACE INTO search_moment (id, moment) VALUES (new.id, julianday(coalesce(new.published, new.fetched)));"""
    # Only what is indexed wakes the update trigger: clustering rewrites story_id all the time.
    TRIGGERS = [
        f"""CREATE TRIGGER IF NOT EXISTS search_article_insert AFTER INSERT ON store_article BEGIN{INDEX_ARTICLE}
        END""",
        f"""CREATE TRIGGER IF NOT EXISTS search_article_update AFTER UPDATE OF title, text, source_id, published, fetched
        ON store_article WHEN old.title IS NOT new.title OR old.text IS NOT new.text OR old.source_id IS NOT new.source_id
            OR old.published IS NOT new.published OR old.fetched IS NOT new.fetched BEGIN
            DELETE FROM search_article WHERE rowid = old.id;{INDEX_ARTICLE}
        END""",
        """CREATE TRIGGER IF NOT EXISTS search_article_delete AFTER DELETE ON store_article BEGIN
            DELETE FROM search_article WHERE rowid = old.id;
            DELETE FROM search_moment WHERE id = old.id;
        END""",
        """CREATE TRIGGER IF NOT EXISTS search_source_rename AFTER UPDATE OF name ON store_source
        WHEN old.name IS NOT new.name BEGIN
            UPDATE search_article SET outlet = new.name
            WHERE rowid IN (SELECT id FROM store_article WHERE source_id = new.id);
        END""",
    ]
    TRIGGER_NAMES = ["search_article_insert", "search_article_update", "search_article_delete", "search_source_rename"]

    @classmethod
    def install(cls, cursor) -> None:
        # The triggers come with resume_sync once every migration has run: a later migration in the
        # same run may rebuild store_article or store_source, which the triggers would block.
        for statement in cls.TABLES:
            cursor.execute(statement)
        cls.rebuild(cursor)

    @classmethod
    def uninstall(cls, cursor) -> None:
        cls.drop_triggers(cursor)
        cursor.execute("DROP TABLE IF EXISTS search_article")
        cursor.execute("DROP TABLE IF EXISTS search_moment")

    @classmethod
    def installed(cls, cursor) -> bool:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'search_article'")
        return cursor.fetchone() is not None

    @classmethod
    def add_triggers(cls, cursor) -> None:
        for trigger in cls.TRIGGERS:
            cursor.execute(trigger)

    @classmethod
    def drop_triggers(cls, cursor) -> None:
        for name in cls.TRIGGER_NAMES:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")

    @classmethod
    def rebuild(cls, cursor) -> None:
        cursor.execute("DELETE FROM search_article")
        cursor.execute("DELETE FROM search_moment")
        cursor.execute("""INSERT INTO search_article (rowid, title, text, outlet, source_key)
            SELECT a.id, a.title, a.text, s.name, 's' || a.source_id
            FROM store_article a JOIN store_source s ON s.id = a.source_id""")
        cursor.execute("""INSERT INTO search_moment (id, moment)
            SELECT id, julianday(coalesce(published, fetched)) FROM store_article""")

    @staticmethod
    def expression(query: str) -> str:
        """An FTS5 expression in which every word the reader typed is a quoted string, never syntax."""
        expression = _fts5_expression(query_terms(query))
        return "{title text outlet} : (" + expression + ")" if expression else ""

    @staticmethod
    def title_expression(query: str) -> str:
        """An FTS5 expression matching any of the words and phrases the reader wants, in the title."""
        wanted = ['"' + text.replace('"', '""') + '"' for kind, text in query_terms(query) if kind in ("word", "phrase")]
        return "{title} : (" + " OR ".join(wanted) + ")"

    @classmethod
    def candidates(cls, connection, query: str, expression: str, source_id, since, until) -> tuple[str, list] | None:
        """The CTEs of `candidates` (id, relevance, moment in seconds) and their parameters; None if none can match."""
        if source_id is not None:
            # The outlet as one more word to match: FTS5 intersects it with the query's words itself.
            expression = f'{expression} AND source_key : "s{int(source_id)}"'
        params: list = [expression]
        bounds = ""
        if since is not None or until is not None:
            with connection.cursor() as cursor:
                # Where the range lies among article ids (they grow with time, mostly): the scan of the
                # matches starts and stops there, instead of walking every newer match.
                cursor.execute("SELECT min(id), max(id) FROM search_moment WHERE moment >= %s AND moment < %s",
                               [_julian_day(since, 0.0), _julian_day(until, 1e9)])
                lowest, highest = cursor.fetchone()
            if lowest is None:
                return None
            bounds = " AND search_article.rowid BETWEEN %s AND %s"
            params += [lowest, highest]
        # The time comes from search_moment, beside the index: the article table's rows hold whole texts, and
        # reading 1,000 of them for their dates took three times as long as the match.
        for value, operator in ((since, ">="), (until, "<")):
            if value is not None:
                bounds += f" AND search_moment.moment {operator} %s"
                params.append(_julian_day(value, 0.0))
        # Not bm25(): it counts every article that holds each word, a scan of the whole index for a
        # common one, whatever the LIMIT. The relevance is where the words are: each match in the
        # title counts TITLE_WEIGHT times the text's, as title (A) against text (D) in PostgreSQL's ts_rank.
        # The title's words are counted by a second match over the candidates' range of ids, highlighting
        # only the candidates' titles that hold one: highlight() on every candidate took most of the search.
        # Both are MATERIALIZED, computed once each: matched is read four times.
        ctes = f"""matched AS MATERIALIZED (
                SELECT search_moment.id, search_moment.moment FROM search_article
                JOIN search_moment ON search_moment.id = search_article.rowid
                WHERE search_article MATCH %s{bounds} ORDER BY search_article.rowid DESC LIMIT {CANDIDATES}),
            titled AS MATERIALIZED (
                SELECT rowid AS id, highlight(search_article, 0, %s, '') AS title FROM search_article
                WHERE search_article MATCH %s AND rowid BETWEEN (SELECT min(id) FROM matched) AND (SELECT max(id) FROM matched)
                AND +rowid IN (SELECT id FROM matched)),
            candidates AS (
                SELECT m.id, 1.0 + {TITLE_WEIGHT} * coalesce(length(t.title) - length(replace(t.title, %s, '')), 0) AS relevance,
                    (m.moment - 2440587.5) * 86400.0 AS moment
                FROM matched m LEFT JOIN titled t ON t.id = m.id)"""
        return ctes, [*params, OPEN, cls.title_expression(query), OPEN]

    @staticmethod
    def snippets(connection, expression: str, article_ids: list[int], source_id: int | None) -> list[tuple]:
        marks = ", ".join(["%s"] * len(article_ids))
        # The match is walked once over the ids' range, the ids picked from it by "+rowid" (which FTS5 is not
        # handed): given "rowid IN", FTS5 starts the match again for each id, most of the cost for common words.
        # With the outlet in the match, as in matches(), that range holds no more matches than were ranked.
        if source_id is not None:
            expression = f'{expression} AND source_key : "s{int(source_id)}"'
        sql = f"""SELECT rowid, highlight(search_article, 0, %s, %s), snippet(search_article, 1, %s, %s, '…', {SNIPPET_WORDS})
            FROM search_article WHERE search_article MATCH %s AND rowid BETWEEN %s AND %s AND +rowid IN ({marks})"""
        with connection.cursor() as cursor:
            cursor.execute(sql, [OPEN, CLOSE, OPEN, CLOSE, expression, min(article_ids), max(article_ids), *article_ids])
            return cursor.fetchall()


def _fts5_expression(terms: list[tuple[str, str]]) -> str:
    """AND of the words and phrases (OR binding the two around it), then NOT each excluded one."""
    groups: list[list[str]] = []
    excluded, join_next = [], False
    for kind, text in terms:
        quoted = '"' + text.replace('"', '""') + '"'
        if kind == "or":
            join_next = bool(groups)
        elif kind == "not":
            excluded.append(quoted)
        elif join_next:
            groups[-1].append(quoted)
            join_next = False
        else:
            groups.append([quoted])
    if not groups:
        return ""  # FTS5 NOT needs something to subtract from; nothing but exclusions matches nothing
    expression = " AND ".join(group[0] if len(group) == 1 else "(" + " OR ".join(group) + ")" for group in groups)
    if excluded:
        expression = f"({expression})" + "".join(f" NOT {quoted}" for quoted in excluded)
    return expression


class PostgresIndex:
    """A table of tsvectors (title A, outlet B, text D) with a GIN index, kept by triggers on store_article."""

    CONFIG = "english"
    INSTALL = [
        """CREATE TABLE IF NOT EXISTS search_article (
            article_id bigint PRIMARY KEY,
            source_id bigint NOT NULL,
            moment timestamptz NOT NULL,
            document tsvector NOT NULL)""",
        "CREATE INDEX IF NOT EXISTS search_article_document ON search_article USING gin (document)",
        "CREATE INDEX IF NOT EXISTS search_article_source ON search_article (source_id, moment)",
        "CREATE INDEX IF NOT EXISTS search_article_moment ON search_article (moment)",
        f"""CREATE OR REPLACE FUNCTION search_document(title text, body text, outlet text) RETURNS tsvector
            LANGUAGE sql IMMUTABLE AS $$
            SELECT setweight(to_tsvector('{CONFIG}', coalesce(title, '')), 'A')
                || setweight(to_tsvector('{CONFIG}', coalesce(outlet, '')), 'B')
                || setweight(to_tsvector('{CONFIG}', coalesce(body, '')), 'D')
        $$""",
        # Every check of a column is in a function body: a trigger's WHEN or UPDATE OF would make
        # PostgreSQL refuse to alter that column's type in a later migration of store.
        """CREATE OR REPLACE FUNCTION search_article_sync() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                DELETE FROM search_article WHERE article_id = OLD.id;
                RETURN NULL;
            END IF;
            -- Only what is indexed matters: clustering rewrites story_id all the time.
            IF TG_OP = 'UPDATE' AND OLD.title IS NOT DISTINCT FROM NEW.title AND OLD.text IS NOT DISTINCT FROM NEW.text
               AND OLD.source_id IS NOT DISTINCT FROM NEW.source_id AND OLD.published IS NOT DISTINCT FROM NEW.published
               AND OLD.fetched IS NOT DISTINCT FROM NEW.fetched THEN
                RETURN NULL;
            END IF;
            INSERT INTO search_article (article_id, source_id, moment, document)
            VALUES (NEW.id, NEW.source_id, coalesce(NEW.published, NEW.fetched),
                    search_document(NEW.title, NEW.text, (SELECT name FROM store_source WHERE id = NEW.source_id)))
            ON CONFLICT (article_id) DO UPDATE
                SET source_id = EXCLUDED.source_id, moment = EXCLUDED.moment, document = EXCLUDED.document;
            RETURN NULL;
        END $$""",
        """CREATE OR REPLACE FUNCTION search_article_clear() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            TRUNCATE search_article;
            RETURN NULL;
        END $$""",
        """CREATE OR REPLACE FUNCTION search_source_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF OLD.name IS DISTINCT FROM NEW.name THEN
                UPDATE search_article e SET document = search_document(a.title, a.text, NEW.name)
                FROM store_article a WHERE a.id = e.article_id AND a.source_id = NEW.id;
            END IF;
            RETURN NULL;
        END $$""",
        "DROP TRIGGER IF EXISTS search_article_insert ON store_article",
        "DROP TRIGGER IF EXISTS search_article_update ON store_article",
        "DROP TRIGGER IF EXISTS search_article_delete ON store_article",
        "DROP TRIGGER IF EXISTS search_article_change ON store_article",
        """CREATE TRIGGER search_article_change AFTER INSERT OR UPDATE OR DELETE ON store_article
            FOR EACH ROW EXECUTE FUNCTION search_article_sync()""",
        # Django's flush (and any TRUNCATE) fires no row trigger.
        "DROP TRIGGER IF EXISTS search_article_truncate ON store_article",
        """CREATE TRIGGER search_article_truncate AFTER TRUNCATE ON store_article
            FOR EACH STATEMENT EXECUTE FUNCTION search_article_clear()""",
        "DROP TRIGGER IF EXISTS search_source_rename ON store_source",
        """CREATE TRIGGER search_source_rename AFTER UPDATE ON store_source
            FOR EACH ROW EXECUTE FUNCTION search_source_renamed()""",
    ]

    @classmethod
    def install(cls, cursor) -> None:
        cls.refresh(cursor)
        cls.rebuild(cursor)

    @classmethod
    def refresh(cls, cursor) -> None:
        for statement in cls.INSTALL:
            cursor.execute(statement)

    @classmethod
    def uninstall(cls, cursor) -> None:
        cursor.execute("DROP TRIGGER IF EXISTS search_source_rename ON store_source")
        for name in ("change", "truncate"):
            cursor.execute(f"DROP TRIGGER IF EXISTS search_article_{name} ON store_article")
        cursor.execute("DROP TABLE IF EXISTS search_article")
        for function in ("search_article_sync()", "search_article_clear()", "search_source_renamed()",
                         "search_document(text, text, text)"):
            cursor.execute(f"DROP FUNCTION IF EXISTS {function}")

    @staticmethod
    def rebuild(cursor) -> None:
        cursor.execute("TRUNCATE search_article")
        # Building the GIN index once over a full table is many times faster than growing it row by row.
        cursor.execute("DROP INDEX IF EXISTS search_article_document")
        cursor.execute("""INSERT INTO search_article (article_id, source_id, moment, document)
            SELECT a.id, a.source_id, coalesce(a.published, a.fetched), search_document(a.title, a.text, s.name)
            FROM store_article a JOIN store_source s ON s.id = a.source_id""")
        cursor.execute("CREATE INDEX search_article_document ON search_article USING gin (document)")
        cursor.execute("ANALYZE search_article")

    @staticmethod
    def expression(query: str) -> str:
        """The query as typed: websearch_to_tsquery reads any text without a syntax error."""
        # As on SQLite, exclusions alone match nothing (not nearly every article).
        wanted = any(kind in ("word", "phrase") for kind, _ in query_terms(query))
        return clean_query(query) if wanted else ""

    @classmethod
    def candidates(cls, connection, query: str, expression: str, source_id, since, until) -> tuple[str, list]:
        """The CTEs of `candidates` (id, relevance, moment in seconds) and their parameters."""
        filters, params = _filters(connection, "e.source_id", "e.moment", source_id, since, until)
        query = f"websearch_to_tsquery('{cls.CONFIG}', %s)"
        # The newest matches along the time index: PostgreSQL takes this path when its statistics say
        # the words are common, and the GIN index when they are rare.
        newest = (f"SELECT e.article_id, e.moment, e.document FROM search_article e WHERE e.document @@ {query}{filters} "
                  f"ORDER BY e.moment DESC LIMIT {CANDIDATES}")
        phrase = any(kind == "phrase" and len(text.split()) > 1 for kind, text in query_terms(expression))
        if phrase:
            # The GIN index keeps no word positions: it can only answer a phrase by reading every article that
            # has all its words, thousands when the words are common. So it is asked for those articles without
            # the phrase, the newest PHRASE_CANDIDATES of them are read, and the phrase is checked on these.
            words = (f"SELECT e.article_id, e.moment, e.document FROM search_article e WHERE e.document @@ {query}{filters} "
                     f"ORDER BY e.moment DESC LIMIT {PHRASE_CANDIDATES}")
            phrases = f"SELECT * FROM ({words}) w WHERE w.document @@ {query} ORDER BY w.moment DESC LIMIT {CANDIDATES}"
            return f"candidates AS ({cls.ranked(phrases)})", [expression, cls.without_phrases(expression), *params, expression]
        if source_id is None:
            return f"candidates AS ({cls.ranked(newest)})", [expression, expression, *params]
        # The outlet's newest articles first: the planner would rather intersect the outlet with the
        # GIN index's list of every article holding the words, a hundred times longer for common words.
        # Only when they hold fewer than CANDIDATES matches and the outlet has more articles is the whole
        # index asked (PostgreSQL runs that branch only then).
        window = (f"SELECT * FROM (SELECT e.* FROM search_article e WHERE true{filters} ORDER BY e.moment DESC "
                  f"LIMIT {OUTLET_WINDOW}) w WHERE w.document @@ {query} ORDER BY w.moment DESC LIMIT {CANDIDATES}")
        ctes = f"""outlet_window AS MATERIALIZED ({cls.ranked(window)}),
            enough AS (SELECT (SELECT count(*) FROM outlet_window) >= {CANDIDATES}
                OR (SELECT count(*) FROM (SELECT 1 FROM search_article e WHERE true{filters} LIMIT {OUTLET_WINDOW + 1}) w)
                   <= {OUTLET_WINDOW} AS window_will_do),
            candidates AS (
                SELECT * FROM outlet_window WHERE (SELECT window_will_do FROM enough)
                UNION ALL
                SELECT * FROM ({cls.ranked(newest)}) n WHERE NOT (SELECT window_will_do FROM enough))"""
        return ctes, [expression, *params, expression, *params, expression, expression, *params]

    @staticmethod
    def without_phrases(expression: str) -> str:
        """A query that every match of expression matches too: each phrase as its words."""
        parts = {"or": lambda text: "OR", "not": lambda text: "-" + text}
        return " ".join(parts.get(kind, lambda text: text.replace('"', " "))(text) for kind, text in query_terms(expression))

    @classmethod
    def ranked(cls, candidates: str) -> str:
        """The candidates' id, relevance and time in seconds; its first parameter is the query."""
        return f"""SELECT c.article_id AS id, ts_rank(c.document, websearch_to_tsquery('{cls.CONFIG}', %s), 1) AS relevance,
                extract(epoch FROM c.moment)::float AS moment
            FROM ({candidates}) c"""

    @classmethod
    def snippets(cls, connection, expression: str, article_ids: list[int], source_id: int | None) -> list[tuple]:
        options = f'StartSel={OPEN}, StopSel={CLOSE}'
        sql = f"""SELECT a.id, ts_headline('{cls.CONFIG}', a.title, q.query, %s),
                ts_headline('{cls.CONFIG}', a.text, q.query, %s)
            FROM store_article a, websearch_to_tsquery('{cls.CONFIG}', %s) AS q(query)
            WHERE a.id = ANY(%s)"""
        passage = f'{options}, MaxFragments=2, MaxWords={SNIPPET_WORDS}, MinWords=12, FragmentDelimiter=" … "'
        with connection.cursor() as cursor:
            cursor.execute(sql, [f"{options}, HighlightAll=true", passage, expression, list(article_ids)])
            return cursor.fetchall()


def install(connection: BaseDatabaseWrapper) -> None:
    """Create the index, fill it from the stored articles, and start keeping it in step."""
    with connection.cursor() as cursor:
        _backend(connection).install(cursor)


def refresh_triggers(connection: BaseDatabaseWrapper) -> None:
    """Bring PostgreSQL's index functions and triggers to this version (SQLite's come back after every migrate)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            PostgresIndex.refresh(cursor)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    """Remove the index and its triggers."""
    with connection.cursor() as cursor:
        _backend(connection).uninstall(cursor)


def suspend_sync(using: str = "default", **kwargs) -> None:
    """Before migrations on SQLite: drop the triggers, whose cross-table references block table rebuilds."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            SqliteIndex.drop_triggers(cursor)


def resume_sync(using: str = "default", **kwargs) -> None:
    """After migrations on SQLite: put the triggers back once the index exists."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            if SqliteIndex.installed(cursor):
                SqliteIndex.add_triggers(cursor)
