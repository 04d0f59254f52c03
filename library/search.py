"""The library's full-text search: the one module of raw SQL of the app.

A query is parsed once (``LibraryQuery``). Words in Arabic script are looked up
in the Arabic columns (``geoportal_ar``, text folded by
``geoportal_fold_digits`` on both sides), other words in the French ones
(``geoportal_fr``: unaccent and the French stemmer); ``phrase`` asks for the
words side by side (``phraseto_tsquery``), otherwise the query reads as a web
search (``websearch_to_tsquery``: quotes for a phrase, ``-`` to exclude, ``or``).
A query that is a text's number ("loi 12-90", "12 90", "١٢-٩٠") finds the
text by its ``number_key``; other queries find texts by their words (title,
PDF) and, when no text holds them, by trigrams on the title (``<%``: the query
close to a stretch of the title, so a typo or a missing accent still finds it).

Articles are searched as of a day (the wording valid then); the best
``limit`` are picked from the GIN index by rank first, and only they get a
snippet (``ts_headline``), so a common word costs one ranking, not a headline
per match. Snippets mark matches with two private-use characters that
``snippet_html`` turns into ``<mark>`` after escaping everything else: a text
cannot inject markup.
"""

from __future__ import annotations

import dataclasses
import datetime
import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from core.i18n import ascii_digits
from core.replicas import read_connection
from library.folding import ARABIC, FRENCH

START, STOP = "\ue000", "\ue001"
HEADLINE_OPTIONS = f"StartSel={START}, StopSel={STOP}, MaxWords=35, MinWords=15"
# ts_rank_cd divided by the document's length: a short article holding the
# words outranks a long one that repeats them.
RANK_NORMALISATION = 2
ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff]")
# Words that may stand before a text's number: "loi 12-90", "القانون رقم 12.90".
NUMBER_WORDS = {
    "loi", "law", "dahir", "decret", "décret", "decree", "arrete", "arrêté",
    "order", "circulaire", "circular", "n", "no", "n°", "nº", "numero", "numéro",
    "قانون", "القانون", "مرسوم", "المرسوم", "ظهير", "الظهير", "قرار", "القرار",
    "دورية", "منشور", "رقم",
}  # fmt: skip


@dataclasses.dataclass(frozen=True)
class LibraryQuery:
    """What a reader asks: words, how to read them, which texts, which day."""

    text: str
    at: datetime.date
    phrase: bool = False
    kinds: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    published_from: datetime.date | None = None
    published_to: datetime.date | None = None
    limit: int = 20

    @property
    def arabic(self) -> bool:
        return bool(ARABIC_SCRIPT.search(self.text))

    @property
    def number_key(self) -> str:
        """The query as a text's number ("12 90"), or "" when it holds words
        other than a kind of text and a number."""
        words = re.split(r"[\s]+", ascii_digits(self.text).strip().lower())
        rest = [word for word in words if word and word not in NUMBER_WORDS]
        key = " ".join(re.findall(r"[0-9]+", " ".join(rest)))
        if not key or re.sub(r"[0-9\W_]+", "", " ".join(rest)):
            return ""
        return key


@dataclasses.dataclass(frozen=True)
class TextHit:
    key: str
    kind: str
    number: str
    title_fr: str
    title_ar: str
    status: str
    published_on: datetime.date | None
    is_excerpt: bool


@dataclasses.dataclass(frozen=True)
class ProcedureHit:
    key: str
    title_fr: str
    title_ar: str
    title_en: str


@dataclasses.dataclass(frozen=True)
class ArticleHit:
    text_key: str
    text_kind: str
    text_number: str
    text_title_fr: str
    text_title_ar: str
    number: str
    valid_from: datetime.date
    valid_to: datetime.date | None
    rank: float
    snippet: SafeString

    @property
    def reference(self) -> str:
        return f"{self.text_key}:art-{self.number}"


def snippet_html(headline: str) -> SafeString:
    """``headline`` escaped, its marked matches in ``<mark>``."""
    text = escape(headline)
    return mark_safe(text.replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308 (escaped above)


def _text_filters(query: LibraryQuery, *, published: bool = True) -> tuple[str, dict]:
    """SQL conditions on ``t`` (a library_text) and their parameters: the
    reader's filters and, with ``published``, texts published on ``at``."""
    conditions = ["TRUE"]
    if published:
        conditions.append("(t.published_on IS NULL OR t.published_on <= %(at)s)")
    params: dict = {"at": query.at}
    if query.kinds:
        conditions.append("t.kind = ANY(%(kinds)s)")
        params["kinds"] = list(query.kinds)
    if query.statuses:
        conditions.append("t.status = ANY(%(statuses)s)")
        params["statuses"] = list(query.statuses)
    if query.published_from:
        conditions.append("t.published_on >= %(published_from)s")
        params["published_from"] = query.published_from
    if query.published_to:
        conditions.append("t.published_on <= %(published_to)s")
        params["published_to"] = query.published_to
    return " AND ".join(conditions), params


def _tsquery(query: LibraryQuery) -> tuple[str, str]:
    """(SQL of the tsquery, configuration) for the query's language."""
    function = "phraseto_tsquery" if query.phrase else "websearch_to_tsquery"
    if query.arabic:
        return f"{function}('{ARABIC}', geoportal_fold_digits(%(q)s))", ARABIC
    return f"{function}('{FRENCH}', %(q)s)", FRENCH


def articles_search(query: LibraryQuery) -> list[ArticleHit]:
    """The best ``query.limit`` wordings valid on ``query.at`` that match,
    best first, each with its snippet."""
    sql, params = articles_statement(query)
    with read_connection().cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [ArticleHit(*row[:9], snippet=snippet_html(row[9])) for row in rows]


def articles_statement(query: LibraryQuery) -> tuple[str, dict]:
    """The one statement of ``articles_search``: SQL and its parameters
    (``%(name)s`` placeholders, as psycopg reads them too)."""
    tsquery, config = _tsquery(query)
    column, body = (
        ("search_ar", "body_ar") if config == ARABIC else ("search_fr", "body_fr")
    )
    # Headlines parse the stored wording: the raw words are added to the folded
    # ones so that words written as the text writes them are marked.
    headline_query = tsquery
    if config == ARABIC:
        raw = tsquery.replace("geoportal_fold_digits(%(q)s)", "%(q)s")
        headline_query = f"({tsquery} || {raw})"
    # A wording valid on ``at`` belongs to a text in force then: the texts are
    # joined only for the reader's filters, else ranking reads articles alone.
    filters, params = _text_filters(query, published=False)
    join = (
        "JOIN library_text t ON t.id = a.text_id AND " + filters
        if filters != "TRUE"
        else ""
    )
    # The query is a FROM item, made once: written in the WHERE and the rank,
    # a bound parameter's tsquery (folded, parsed) was made again for every
    # row ranked — 20,000 times for a common word.
    sql = f"""
        WITH best AS (
            SELECT a.id, ts_rank_cd(a.{column}, q, {RANK_NORMALISATION}) AS rank
            FROM {tsquery} AS q, library_article a {join}
            WHERE a.{column} @@ q
              AND a.valid_from <= %(at)s
              AND (a.valid_to IS NULL OR %(at)s < a.valid_to)
            ORDER BY rank DESC, a.id
            LIMIT %(limit)s
        )
        SELECT t.key, t.kind, t.number, t.title_fr, t.title_ar, a.number,
               a.valid_from, a.valid_to, best.rank,
               ts_headline('{config}', a.{body}, {headline_query},
                           %(options)s)
        FROM best
        JOIN library_article a ON a.id = best.id
        JOIN library_text t ON t.id = a.text_id
        ORDER BY best.rank DESC, a.id
    """  # noqa: S608 (names and configurations of this module; values are parameters)
    params.update(q=query.text, limit=query.limit, options=HEADLINE_OPTIONS)
    return sql, params


def texts_search(query: LibraryQuery) -> list[TextHit]:
    """Texts whose number is the query, else whose title or PDF holds its
    words, else — a typo, a missing accent — whose title is close to it by
    trigrams: the number first, then by rank."""
    with read_connection().cursor() as cursor:
        for sql, params in texts_statements(query):
            cursor.execute(sql, params)
            if rows := cursor.fetchall():
                return [TextHit(*row) for row in rows]
    return []


def texts_statements(query: LibraryQuery) -> list[tuple[str, dict]]:
    """The statements of ``texts_search``, in the order they are tried: the
    first that finds texts answers."""
    number_key = query.number_key
    if number_key:
        # A number alone asks for that text (and its sub-numbers: "2-13" finds
        # "2-13-424"), not for titles that look alike.
        return [
            _texts_statement(
                query,
                "SELECT id FROM library_text WHERE number_key = %(number_key)s"
                " OR number_key LIKE %(number_key)s || ' %%'",
                order="t.number_key = %(number_key)s DESC",
            )
        ]
    tsquery, config = _tsquery(query)
    column, title = (
        ("search_ar", "title_ar_folded")
        if config == ARABIC
        else ("search_fr", "title_fr_folded")
    )
    # The trigrams' recheck costs ≈ 20 µs a title: only when words found none,
    # and only they are ordered by it (a common word matches hundreds of texts).
    return [
        _texts_statement(
            query,
            f"SELECT id FROM library_text WHERE {column} @@ {tsquery}",  # noqa: S608
            order=f"ts_rank_cd(t.{column}, {tsquery}, {RANK_NORMALISATION}) DESC",
        ),
        _texts_statement(
            query,
            "SELECT id FROM library_text"  # noqa: S608 (a column name of this module)
            f" WHERE geoportal_fold_digits(%(q)s) <%% {title}",
            order=f"word_similarity(geoportal_fold_digits(%(q)s), t.{title}) DESC",
        ),
    ]


def _texts_statement(
    query: LibraryQuery, matches: str, *, order: str
) -> tuple[str, dict]:
    """The texts of ``matches`` (SQL of their ids) within the filters, in
    ``order`` (SQL), then by key."""
    filters, params = _text_filters(query)
    sql = f"""
        SELECT t.key, t.kind, t.number, t.title_fr, t.title_ar, t.status,
               t.published_on, t.is_excerpt
        FROM library_text t
        WHERE t.id IN ({matches}) AND {filters}
        ORDER BY {order}, t.key
        LIMIT %(limit)s
    """  # noqa: S608 (names and configurations of this module; values are parameters)
    params.update(q=query.text, number_key=query.number_key, limit=query.limit)
    return sql, params


def texts_filtered(query: LibraryQuery) -> list[TextHit]:
    """Without words, the texts the filters keep (a kind: "the procurement
    texts"), latest published first."""
    filters, params = _text_filters(query)
    sql = f"""
        SELECT t.key, t.kind, t.number, t.title_fr, t.title_ar, t.status,
               t.published_on, t.is_excerpt
        FROM library_text t
        WHERE {filters}
        ORDER BY t.published_on DESC NULLS LAST, t.key
        LIMIT %(limit)s
    """  # noqa: S608 (conditions of this module; values are parameters)
    params["limit"] = query.limit
    with read_connection().cursor() as cursor:
        cursor.execute(sql, params)
        return [TextHit(*row) for row in cursor.fetchall()]


def procedures_search(query: LibraryQuery) -> list[ProcedureHit]:
    """Procedures whose title or summary holds the query's words, else whose
    title is close to it by trigrams; best first. The text filters (kind,
    status, days) are the texts': a query that sets one asks for texts."""
    if query.kinds or query.statuses or query.published_from or query.published_to:
        return []
    sql, params = procedures_statement(query)
    with read_connection().cursor() as cursor:
        cursor.execute(sql, params)
        return [ProcedureHit(*row) for row in cursor.fetchall()]


def procedures_statement(query: LibraryQuery) -> tuple[str, dict]:
    """The one statement of ``procedures_search``."""
    tsquery, config = _tsquery(query)
    column, title = (
        ("search_ar", "title_ar_folded")
        if config == ARABIC
        else ("search_fr", "title_fr_folded")
    )
    sql = f"""
        SELECT key, title_fr, title_ar, title_en
        FROM library_procedure
        WHERE {column} @@ {tsquery}
           OR geoportal_fold_digits(%(q)s) <%% {title}
        ORDER BY ts_rank_cd({column}, {tsquery}, {RANK_NORMALISATION})
                 + word_similarity(geoportal_fold_digits(%(q)s), {title}) DESC,
                 key
        LIMIT %(limit)s
    """  # noqa: S608 (names and configurations of this module; values are parameters)
    return sql, {"q": query.text, "limit": query.limit}
