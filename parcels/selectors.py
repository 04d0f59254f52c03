"""Reads of parcels, and the one search box of the map (no writes here)."""

from __future__ import annotations

import dataclasses
import datetime
import json
from types import SimpleNamespace

from django.contrib.gis.db.models import Extent
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, Value
from django.db.models.functions import Length
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.db import custom_plans
from core.i18n import localized
from layers.in_force import (
    document_public_q,
    documents_in_force_q,
    public_in_force_q,
)
from layers.models import Feature, Layer, PlanningDocument, ZoneRule
from layers.search import Fold
from library.models import TextKind
from library.search import LibraryQuery, TextHit, texts_search
from parcels.coordinates import coordinates_parse
from parcels.models import Parcel
from parcels.references import InvalidReference, ParcelReference

MAX_QUERY_LENGTH = 100
# Names and addresses are looked for from this many characters (a trigram).
MIN_WORDS_LENGTH = 3


@dataclasses.dataclass(frozen=True)
class SearchResult:
    """One answer of the search box, with where to zoom (WGS 84)."""

    # "parcel", "address", "street", "neighbourhood", "landmark", "document",
    # "zone", "point" or "text" (of the law library)
    kind: str
    label: str
    detail: str
    bbox: tuple[float, float, float, float] | None  # None: not on the map
    geometry: dict | None = None
    reference: str = ""
    url: str = ""
    anchor: tuple[float, float] | None = None  # a point inside, lon/lat
    # Why a document found is not the one that applies today ("" if it is).
    status: str = ""
    # The code of the parcel's agency: with ``reference``, what names the
    # parcel (a reference may be registered in several agencies, and parcels
    # may overlap: the point ``anchor`` alone does not name it).
    agency: str = ""

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


def _key_prefixes(reference: ParcelReference) -> list[str]:
    """Canonical key prefixes to look for: a bare number may be of any kind."""
    key = reference.key
    if reference.kind == "CAD":
        number = str(int(reference.number))
        return [key, f"TF{number}", f"R{number}"]
    return [key]


def parcels_matching(text: str, *, limit: int = 8) -> list[Parcel]:
    """Parcels whose reference is, or starts like, ``text`` (exact ones first).

    Spacing, case, dots and Arabic-Indic digits do not matter: both sides are
    compared in ``ParcelReference`` key form. The prefix test is a key range
    (``key <= k < key + 1``) so the b-tree index answers it in any collation
    that sorts by code point.
    """
    try:
        reference = ParcelReference.parse(text)
    except InvalidReference:
        return []
    condition = Q()
    for prefix in _key_prefixes(reference):
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        condition |= Q(reference_key__gte=prefix, reference_key__lt=upper)
    exact = list(
        Parcel.objects.current()
        .filter(reference_key=reference.key)
        .select_related("agency")
    )
    others = (
        Parcel.objects.current()
        .filter(condition)
        .exclude(reference_key=reference.key)
        .select_related("agency")
        .order_by("reference_key")[: max(limit - len(exact), 0)]
    )
    return (exact + list(others))[:limit]


def _public_documents():
    return PlanningDocument.objects.filter(document_public_q()).select_related("agency")


def _end_of(day: datetime.date) -> datetime.datetime:
    # The instant a day means to the readers: its end, in the portal's zone.
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


def documents_matching(
    text: str, *, day: datetime.date | None = None, limit: int = 5
) -> list[PlanningDocument]:
    """Public documents (in force or not: the results say which) whose
    reference or title contains ``text``, those in force on ``day`` (today
    when None) first."""
    in_force_today = Q(documents_in_force_q(day or timezone.localdate()))
    return list(
        _public_documents()
        .filter(
            Q(reference__icontains=text)
            | Q(title_fr__icontains=text)
            | Q(title_ar__icontains=text)
        )
        .alias(in_force=ExpressionWrapper(in_force_today, output_field=BooleanField()))
        .order_by("-in_force", "agency__code", "-effective_date")[:limit]
    )


def document_status_note(
    document: PlanningDocument, day: datetime.date | None = None
) -> str:
    """Why ``document`` does not apply on ``day`` (today when None), in the
    reader's language; "" when it does (``layers.in_force``)."""
    today = day or timezone.localdate()
    if document.in_force_on(today):
        return ""
    if document.expiry_date is not None and document.expiry_date <= today:
        return _("Expired on %(date)s — not in force") % {
            "date": date_format(document.expiry_date)
        }
    if document.effective_date is not None and document.effective_date > today:
        return _("In force from %(date)s") % {
            "date": date_format(document.effective_date)
        }
    return _("%(status)s — not in force") % {"status": document.get_status_display()}


def zones_matching(
    text: str, *, day: datetime.date | None = None, limit: int = 5
) -> list[dict]:
    """Zone codes equal to ``text`` (any case) in layer versions public and in
    force on ``day`` (now when None; ``layers.in_force``), one entry per
    document and code, with the extent of those zones and their count.

    The codes are taken from the documents' zone rules (a small table), plus
    the text as typed and in capitals, so the features are then found through
    their (version, code) index instead of comparing every feature's code.
    """
    codes = {text, text.upper()}
    codes.update(
        ZoneRule.objects.filter(
            document_public_q("document__"), code__iexact=text
        ).values_list("code", flat=True)
    )
    return list(
        Feature.objects.filter(
            public_in_force_q(
                _end_of(day) if day is not None else None, path="version__"
            ),
            version__layer__kind=Layer.Kind.ZONING,
            code__in=codes,
        )
        .values(
            "code",
            "version__layer__document__reference",
            "version__layer__document__title_fr",
            "version__layer__document__title_ar",
            "version__layer__document__agency__code",
        )
        .annotate(extent=Extent("geom"), count=Count("id"))
        .order_by("version__layer__document__agency__code")[:limit]
    )


def _folded_contains(field: str, text: str) -> Q:
    """``field`` holds ``text``, both folded (``layers.search``): case, accents
    and Arabic spelling variants do not matter; a trigram index answers."""
    return Q(**{f"{field}_folded__contains": Fold(Value(text))})


def addresses_matching(text: str, *, limit: int = 5) -> list[Parcel]:
    """Parcels whose address begins with ``text`` (folded), then others whose
    address holds it.

    Neither list is sorted: sorting would read every match first (a common
    word matches a good share of a million addresses: 50–250 ms), whereas a
    LIMIT alone stops at the first matches (under 2 ms, measured on a million
    synthetic addresses). Planned for the text (``core.db.custom_plans``):
    the generic plan of a prepared statement bets on early matches and
    reads every parcel for a text that matches none.
    """
    with custom_plans() as alias:
        parcels = Parcel.objects.using(alias).current().select_related("agency")
        parcels = parcels.order_by()
        folded = Fold(Value(text))
        starting = list(parcels.filter(address_folded__startswith=folded)[:limit])
        holding = parcels.filter(_folded_contains("address", text)).exclude(
            pk__in=[parcel.pk for parcel in starting]
        )
        return starting + list(holding[: limit - len(starting)])


def places_matching(text: str, *, limit: int = 6) -> list[dict]:
    """Streets, neighbourhoods and landmarks of reference layers public and in
    force now (``layers.in_force``) whose French or Arabic name holds ``text``
    (folded), one entry per agency, type and name — a street cut into segments
    is one answer — with its extent, shortest names first."""
    return list(
        Feature.objects.filter(
            public_in_force_q(path="version__"),
            version__layer__kind=Layer.Kind.REFERENCE,
        )
        .filter(_folded_contains("label_fr", text) | _folded_contains("label_ar", text))
        .values(
            "label_fr",
            "label_ar",
            "version__layer__reference_type",
            "version__layer__document__agency__name_fr",
            "version__layer__document__agency__name_ar",
        )
        .annotate(extent=Extent("geom"), count=Count("id"))
        .order_by(Length("label_fr"), "label_fr")[:limit]
    )


def _document_url(agency_code: str, reference: str) -> str:
    return reverse("viewer:document", args=[agency_code, reference])


def _parcel_url(parcel: Parcel) -> str:
    """The parcel's page (``geoportal.parcel_views``), by its canonical key."""
    return reverse("parcel", args=[parcel.agency.code, parcel.reference_key])


def _parcel_result(parcel: Parcel) -> SearchResult:
    return SearchResult(
        kind="parcel",
        label=parcel.reference,
        detail=parcel.address or parcel.agency.name,
        bbox=parcel.geom.extent,
        geometry=json.loads(parcel.geom.geojson),
        reference=parcel.reference,
        url=_parcel_url(parcel),
        anchor=parcel.geom.point_on_surface.coords,
        agency=parcel.agency.code,
    )


def _document_result(
    document: PlanningDocument, day: datetime.date | None
) -> SearchResult:
    extent = document.perimeter.extent if document.perimeter else None
    if extent is None and document.agency.territory:
        extent = document.agency.territory.extent
    return SearchResult(
        kind="document",
        label=f"{document.reference} — {document.title}",
        detail=document.agency.name,
        bbox=extent or (0.0, 0.0, 0.0, 0.0),
        reference=document.reference,
        url=_document_url(document.agency.code, document.reference),
        status=document_status_note(document, day),
    )


def _zone_result(row: dict) -> SearchResult:
    titles = SimpleNamespace(
        title_fr=row["version__layer__document__title_fr"],
        title_ar=row["version__layer__document__title_ar"],
    )
    title = localized(titles, "title")
    reference = row["version__layer__document__reference"]
    return SearchResult(
        kind="zone",
        label=_("Zone %(code)s") % {"code": row["code"]},
        detail=f"{reference} — {title} ({row['count']})",
        bbox=row["extent"],
        reference=row["code"],
        url=_document_url(row["version__layer__document__agency__code"], reference),
    )


def _address_result(parcel: Parcel) -> SearchResult:
    return SearchResult(
        kind="address",
        label=parcel.address,
        detail=_("Address · %(reference)s") % {"reference": parcel.reference},
        bbox=parcel.geom.extent,
        geometry=json.loads(parcel.geom.geojson),
        reference=parcel.reference,
        url=_parcel_url(parcel),
        anchor=parcel.geom.point_on_surface.coords,
        agency=parcel.agency.code,
    )


def _place_kind_label(reference_type: str) -> str:
    return {
        Layer.ReferenceType.STREET: _("Street"),
        Layer.ReferenceType.NEIGHBOURHOOD: _("Neighbourhood"),
        Layer.ReferenceType.LANDMARK: _("Landmark"),
    }[reference_type]


def _place_result(row: dict) -> SearchResult:
    names = SimpleNamespace(label_fr=row["label_fr"], label_ar=row["label_ar"])
    agency = SimpleNamespace(
        name_fr=row["version__layer__document__agency__name_fr"],
        name_ar=row["version__layer__document__agency__name_ar"],
    )
    reference_type = row["version__layer__reference_type"]
    return SearchResult(
        kind=reference_type,
        label=localized(names, "label"),
        detail=f"{_place_kind_label(reference_type)} · {localized(agency, 'name')}",
        bbox=row["extent"],
    )


def texts_matching(
    text: str, *, day: datetime.date | None = None, limit: int = 3
) -> list[TextHit]:
    """Texts of the law library published on ``day`` (today when None) whose
    number is ``text`` ("loi 12-90", "12 90", "١٢-٩٠") or whose title holds
    its words (``library.search.texts_search``)."""
    return texts_search(
        LibraryQuery(text=text, at=day or timezone.localdate(), limit=limit)
    )


def _text_result(hit: TextHit) -> SearchResult:
    names = SimpleNamespace(title_fr=hit.title_fr, title_ar=hit.title_ar)
    return SearchResult(
        kind="text",
        label=f"{TextKind(hit.kind).label} {hit.number}",
        detail=localized(names, "title"),
        bbox=None,
        reference=hit.key,
        url=reverse("library:text", args=[hit.key]),
    )


def _point_result(reading) -> SearchResult:
    lon, lat = reading.point.x, reading.point.y
    return SearchResult(
        kind="point",
        label=f"{lat:.6f}, {lon:.6f}",
        detail=reading.crs_label,
        bbox=(lon, lat, lon, lat),
        geometry={"type": "Point", "coordinates": [lon, lat]},
        anchor=(lon, lat),
    )


def search(text: str, *, day: datetime.date | None = None) -> list[SearchResult]:
    """Answers of the map's search box for ``text``, best first, for the
    zoning of ``day`` (today when None: the map's date control).

    Coordinates, when the text reads as coordinates, are the only answers;
    otherwise parcels (exact reference first, then by prefix), zone codes in
    force, streets, neighbourhoods, landmarks and addresses (from three
    characters, whatever the case, accents and Arabic spelling variants),
    documents (in force first, the others saying why not) and texts of the
    law library (by number, or title words from three characters). Returns
    [] for blank text.
    """
    text = text.strip()[:MAX_QUERY_LENGTH]
    if not text:
        return []
    readings = coordinates_parse(text)
    if readings:
        return [_point_result(reading) for reading in readings]
    results = [_parcel_result(parcel) for parcel in parcels_matching(text)]
    results += [_zone_result(row) for row in zones_matching(text, day=day)]
    if len(text) >= MIN_WORDS_LENGTH:
        results += [_place_result(row) for row in places_matching(text)]
        results += [_address_result(parcel) for parcel in addresses_matching(text)]
    results += [_document_result(doc, day) for doc in documents_matching(text, day=day)]
    if len(text) >= MIN_WORDS_LENGTH:
        results += [_text_result(hit) for hit in texts_matching(text, day=day)]
    return results
