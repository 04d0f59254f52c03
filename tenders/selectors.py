"""Reads of the calls for tenders: the public list with its filters and
search, one call, the feeds' latest."""

from __future__ import annotations

import dataclasses

from django.contrib.postgres.search import SearchQuery
from django.db.models import Q, QuerySet, Value
from django.utils.translation import gettext as _

from core.errors import NotFound
from core.i18n import ascii_digits
from library.folding import ARABIC, FRENCH, FoldDigits
from library.search import ARABIC_SCRIPT
from tenders.models import CallForTenders, TenderDocument, open_now_q

FEED_SIZE = 50


@dataclasses.dataclass(frozen=True)
class TenderQuery:
    """What a reader asks of the list: words of the object (French or
    Arabic), an agency (its code), statuses, open now only."""

    text: str = ""
    agency: str = ""
    statuses: tuple[str, ...] = ()
    open_now: bool = False


def _words_q(text: str) -> Q:
    """Calls whose object holds the words (through the library's search
    configurations: Arabic folded the same way on both sides) or whose
    reference contains the text, its digits read as 0–9 ("١٢/٢٠٢٦")."""
    reference = Q(reference__icontains=ascii_digits(text))
    if ARABIC_SCRIPT.search(text):
        words = SearchQuery(
            FoldDigits(Value(text)), config=ARABIC, search_type="websearch"
        )
        return Q(search_ar=words) | reference
    words = SearchQuery(text, config=FRENCH, search_type="websearch")
    return Q(search_fr=words) | reference


def calls_search(query: TenderQuery) -> QuerySet[CallForTenders]:
    """The calls matching ``query``, latest published first."""
    calls = CallForTenders.objects.select_related("agency")
    if query.agency:
        calls = calls.filter(agency__code=query.agency)
    if query.statuses:
        calls = calls.filter(status__in=query.statuses)
    if query.open_now:
        calls = calls.filter(open_now_q())
    if query.text:
        calls = calls.filter(_words_q(query.text))
    return calls.order_by("-published_on", "-id")


def call_get(*, pk: int) -> CallForTenders:
    """The call ``pk`` with its agency and documents; NotFound otherwise."""
    call = (
        CallForTenders.objects.select_related("agency")
        .prefetch_related("documents")
        .filter(pk=pk)
        .first()
    )
    if call is None:
        raise NotFound(_("No call for tenders has this number."), code="call_not_found")
    return call


def document_get(*, call: int, pk: int) -> TenderDocument:
    """The document ``pk`` of the call ``call``; NotFound otherwise."""
    document = TenderDocument.objects.filter(call_id=call, pk=pk).first()
    if document is None:
        raise NotFound(_("This call has no such document."), code="document_not_found")
    return document


def calls_latest(*, agency=None) -> QuerySet[CallForTenders]:
    """The calls last published or changed (of ``agency``, else all), for
    the feeds."""
    calls = CallForTenders.objects.select_related("agency")
    if agency is not None:
        calls = calls.filter(agency=agency)
    return calls.order_by("-updated_at", "-id")[:FEED_SIZE]
