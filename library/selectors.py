"""Reads of the library: a text, its articles as of a day, an article's
wordings, the procedures, and the search (``library.search``)."""

from __future__ import annotations

import dataclasses
import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from core.errors import NotFound
from library.models import Article, Procedure, ProcedureBasis, Text
from library.search import (
    ArticleHit,
    LibraryQuery,
    ProcedureHit,
    TextHit,
    articles_search,
    procedures_search,
    texts_filtered,
    texts_search,
)


def valid_on_q(day: datetime.date) -> Q:
    """Wordings valid on ``day``: ``valid_from <= day < valid_to``."""
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gt=day))


def text_get(*, key: str) -> Text:
    """The text of ``key`` ("loi-12-90"); NotFound when there is none."""
    text = Text.objects.filter(key=key).first()
    if text is None:
        raise NotFound(
            _("No text has the reference “%(key)s”.") % {"key": key},
            code="text_not_found",
        )
    return text


def articles_as_of(*, text: Text, day: datetime.date) -> QuerySet[Article]:
    """The wordings of ``text``'s articles valid on ``day`` (repealed ones
    included, marked), in the text's order."""
    return (
        Article.objects.filter(valid_on_q(day), text=text)
        .select_related("enacted_by")
        .order_by("position", "number")
    )


def article_as_of(*, text: Text, number: str, day: datetime.date) -> Article | None:
    """The wording of article ``number`` of ``text`` as it read on ``day``:
    None before it existed. NotFound when the text has no such article."""
    wordings = Article.objects.filter(text=text, number=number)
    if not wordings.exists():
        raise NotFound(
            _("%(text)s has no article %(number)s.") % {"text": text, "number": number},
            code="article_not_found",
        )
    return wordings.filter(valid_on_q(day)).select_related("enacted_by", "text").first()


def article_history(*, text: Text, number: str) -> QuerySet[Article]:
    """Every wording of article ``number`` of ``text``, oldest first."""
    return (
        Article.objects.filter(text=text, number=number)
        .select_related("enacted_by")
        .order_by("valid_from")
    )


@dataclasses.dataclass(frozen=True)
class LibraryResults:
    query: LibraryQuery
    texts: list[TextHit]
    articles: list[ArticleHit]
    procedures: list[ProcedureHit] = dataclasses.field(default_factory=list)


def library_search(query: LibraryQuery) -> LibraryResults:
    """Texts and articles (as of ``query.at``) matching ``query``; a blank
    query finds nothing, unless it filters the texts (by kind, status or
    days): then it lists them."""
    if not query.text.strip():
        filtered = bool(
            query.kinds or query.statuses or query.published_from or query.published_to
        )
        texts = texts_filtered(query) if filtered else []
        return LibraryResults(query=query, texts=texts, articles=[])
    return LibraryResults(
        query=query,
        texts=texts_search(query),
        articles=articles_search(query),
        procedures=procedures_search(query),
    )


def procedures_list() -> QuerySet[Procedure]:
    """Every procedure, in the library's order."""
    return Procedure.objects.all()


def procedure_get(*, key: str) -> Procedure:
    """The procedure of ``key`` with its steps and bases (their texts);
    NotFound when there is none."""
    procedure = (
        Procedure.objects.filter(key=key)
        .prefetch_related(
            "steps",
            Prefetch("bases", ProcedureBasis.objects.select_related("text")),
        )
        .first()
    )
    if procedure is None:
        raise NotFound(
            _("No procedure has the reference “%(key)s”.") % {"key": key},
            code="procedure_not_found",
        )
    return procedure


def procedures_citing(*, text: Text, number: str) -> QuerySet[Procedure]:
    """The procedures based on article ``number`` of ``text``, or on the
    whole text."""
    return Procedure.objects.filter(
        Q(bases__article=number) | Q(bases__article=""), bases__text=text
    ).distinct()
