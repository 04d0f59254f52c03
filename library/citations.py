"""The links between zone rules and the library's articles, read both ways.

Zone rules keep their citations as references (``ZoneRule.citations``,
"loi-12-90:art-40"; ``layers/citations.py`` says why there, and checks them
with ``unknown_references``, registered by ``library/apps.py``). From a rule
or a note: an article cited as it read on a day (``article_cited``, of the
wordings ``notes.planning`` keeps per agency).
From an article: the public documents and zones citing it (``citing_documents``),
documents in force first, each zone with where the map shows it today.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable, Sequence

from django.contrib.gis.db.models import Extent
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from layers.in_force import document_public_q, public_in_force_q
from layers.models import Feature, Layer, PlanningDocument, ZoneRule
from library.models import Article, Text, article_reference

# How close the map opens on a zone it is sent to.
MAP_ZOOM = 16


def _split(reference: str) -> tuple[str, str]:
    """("loi-12-90", "40") of "loi-12-90:art-40"."""
    key, _sep, number = reference.partition(":art-")
    return key, number


def _wordings_q(references: Iterable[str]) -> Q:
    condition = Q(pk__in=[])
    for reference in references:
        key, number = _split(reference)
        condition |= Q(text__key=key, number=number)
    return condition


def unknown_references(references: list[str]) -> list[str]:
    """The references of ``references`` that name no article of the library
    (in no wording, at no date), in their order."""
    known = {
        article_reference(key, number)
        for key, number in Article.objects.filter(_wordings_q(references))
        .values_list("text__key", "number")
        .distinct()
    }
    return [reference for reference in references if reference not in known]


@dataclasses.dataclass(frozen=True)
class CitedArticle:
    """An article a rule cites, with its wording on ``day`` (None: not yet
    in force then, or no longer known)."""

    reference: str
    text: Text | None
    number: str
    day: datetime.date
    wording: Article | None

    @property
    def url(self) -> str:
        """The article's page as it read on ``day`` ("" for an unknown text)."""
        if self.text is None:
            return ""
        page = reverse("library:article", args=[self.text.key, self.number])
        return f"{page}?at={self.day.isoformat()}"


def article_cited(
    *, reference: str, wordings: Sequence[Article], day: datetime.date
) -> CitedArticle:
    """The article of ``reference`` as it read on ``day``, of its
    ``wordings`` (every one the library holds; none for an unknown text)."""
    _key, number = _split(reference)
    return CitedArticle(
        reference=reference,
        text=wordings[0].text if wordings else None,
        number=number,
        day=day,
        wording=next(
            (
                wording
                for wording in wordings
                if wording.valid_from <= day
                and (wording.valid_to is None or day < wording.valid_to)
            ),
            None,
        ),
    )


@dataclasses.dataclass(frozen=True)
class CitingZone:
    code: str
    label: str
    # The map at this zone as published today ("" when no version in force
    # shows it: a document not yet or no longer in force).
    map_url: str


@dataclasses.dataclass(frozen=True)
class CitingDocument:
    document: PlanningDocument
    in_force: bool
    zones: list[CitingZone]

    @property
    def url(self) -> str:
        return reverse(
            "viewer:document",
            args=[self.document.agency.code, self.document.reference],
        )


def citing_documents(*, reference: str, day: datetime.date) -> list[CitingDocument]:
    """The public planning documents whose zone rules cite ``reference``,
    those in force on ``day`` first (then by agency and reference), each with
    its citing zones and, for those the map shows on ``day``, a link to the
    map there."""
    rules = list(
        ZoneRule.objects.filter(
            document_public_q("document__"), citations__contains=[reference]
        )
        .select_related("document__agency")
        .order_by("document__agency__code", "document__reference", "code")
    )
    if not rules:
        return []
    # The end of the day in the portal's time zone, as every reader takes it.
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))
    extents = {
        (row["version__layer__document"], row["code"]): row["extent"]
        for row in Feature.objects.filter(
            public_in_force_q(moment, path="version__"),
            version__layer__kind=Layer.Kind.ZONING,
            version__layer__document__in=[rule.document_id for rule in rules],
            code__in=[rule.code for rule in rules],
        )
        .values("version__layer__document", "code")
        .annotate(extent=Extent("geom"))
    }
    documents: dict[int, CitingDocument] = {}
    for rule in rules:
        document = rule.document
        citing = documents.get(document.pk)
        if citing is None:
            citing = documents[document.pk] = CitingDocument(
                document=document, in_force=document.in_force_on(day), zones=[]
            )
        extent = extents.get((document.pk, rule.code))
        citing.zones.append(
            CitingZone(
                code=rule.code,
                label=rule.label,
                map_url=_map_url(extent) if extent else "",
            )
        )
    return sorted(documents.values(), key=lambda citing: not citing.in_force)


def _map_url(extent: tuple[float, float, float, float]) -> str:
    west, south, east, north = extent
    return (
        f"{reverse('viewer:map')}#map={MAP_ZOOM}/{(south + north) / 2:.6f}/"
        f"{(west + east) / 2:.6f}"
    )
