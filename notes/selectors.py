"""Reads for notes: the subject, the composition of a note's content, identify.

The content is plain JSON-ready data whose names are an API contract:
``subject.area_m2``, ``zones[]`` (``layer``, ``code``, ``label``, ``area_m2``,
``share``, ``rules``), ``overlays[]``, ``documents[]``, ``warnings[]``.
Areas are ellipsoidal (PostGIS ``geography``), in m² rounded to the centimetre²;
shares are percentages of the subject's area with four decimals.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
from collections.abc import Iterable

from django.contrib.gis.geos import MultiPolygon, Point
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.i18n import localized
from layers.models import (
    Agency,
    LandUse,
    Layer,
    PlanningDocument,
    RegulationFile,
    ZoneRule,
)
from notes import sql
from notes.errors import (
    NoteNotFound,
    OutsideAgencies,
    ParcelNotFound,
    StraddlesAgencies,
)
from notes.subjects import ACCEPTED_SRIDS, SubjectQuery
from notes.warnings import warning, with_messages
from parcels.models import Parcel

AREA_DIGITS = 2
SHARE_DIGITS = 4
# Below this an intersection is a shared edge, not a piece of land (m², m).
TOUCH_TOLERANCE = 0.005
# Official and computed areas may differ by this much before a warning (%).
AREA_MISMATCH_PERCENT = 5.0
# A subject counts as straddling agencies when its second agency holds more than
# this (m² and share of the subject): digitising slivers do not count.
STRADDLE_MIN_M2 = 1.0
STRADDLE_MIN_SHARE = 0.001


@dataclasses.dataclass(frozen=True)
class Moment:
    """When a note is asked for: the day for documents, the instant for layers.

    For a past or given date the instant is the end of that day in the portal's
    time zone, so the version in force at the end of the day answers.
    """

    day: datetime.date
    at: datetime.datetime

    @classmethod
    def of(cls, as_of: datetime.date | None = None) -> Moment:
        """The moment of ``as_of`` (its end of day), or now when None."""
        if as_of is None:
            now = timezone.now()
            return cls(day=timezone.localdate(now), at=now)
        tz = timezone.get_current_timezone()
        next_midnight = datetime.datetime.combine(
            as_of + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
        )
        return cls(day=as_of, at=next_midnight - datetime.timedelta(microseconds=1))


@dataclasses.dataclass(frozen=True)
class Subject:
    """A resolved subject: its polygon (EPSG:4326), agency and parcel if any."""

    kind: str  # "parcel", "point" or "polygon"
    geom: MultiPolygon
    agency: Agency
    parcel: Parcel | None = None
    point: Point | None = None
    srid: int = 4326


def subject_resolve(query: SubjectQuery) -> Subject:
    """Find the parcel and the agency of ``query``.

    Raises ParcelNotFound (unknown reference, or no parcel at the point),
    OutsideAgencies (a polygon outside every agency) or StraddlesAgencies.
    """
    if query.kind == "parcel":
        parcel = (
            Parcel.objects.select_related("agency")
            .filter(reference_key=query.reference.key)
            .order_by("agency__code")
            .first()
        )
        if parcel is None:
            raise ParcelNotFound(
                _("No parcel has the reference %(reference)s.")
                % {"reference": query.reference.display}
            )
        return _parcel_subject(parcel, kind="parcel")
    if query.kind == "point":
        # Overlapping parcels are rare; take the first.
        parcels = sql.parcels_at_point(lon=query.point.x, lat=query.point.y)
        parcel = min(parcels, key=lambda candidate: candidate.pk, default=None)
        if parcel is None:
            if not sql.agencies_under(wkb=bytes(query.point.wkb)):
                raise OutsideAgencies(
                    _("This point is outside the territory of every urban agency.")
                )
            raise ParcelNotFound(
                _("No registered parcel contains this point. Draw the land instead."),
                code="no_parcel_here",
            )
        return _parcel_subject(parcel, kind="point", point=query.point)
    agencies = _agencies_under(query.polygon)
    if not agencies:
        raise OutsideAgencies(
            _("This area is outside the territory of every urban agency.")
        )
    if len(agencies) > 1:
        names = ", ".join(agency.name for agency in agencies)
        raise StraddlesAgencies(
            _(
                "This area lies across the territories of several urban agencies "
                "(%(names)s). Ask for one note per agency."
            )
            % {"names": names}
        )
    return Subject(
        kind="polygon", geom=query.polygon, agency=agencies[0], srid=query.srid
    )


def _parcel_subject(parcel: Parcel, *, kind: str, point: Point | None = None):
    # Whether the parcel also lies in another agency's territory is measured
    # by the composition query itself (no extra round trip).
    return Subject(
        kind=kind,
        geom=parcel.geom,
        agency=parcel.agency,
        parcel=parcel,
        point=point,
        srid=parcel.agency.srid,
    )


def _agencies_under(geom) -> list[Agency]:
    """Agencies holding a meaningful part of ``geom``, largest part first."""
    rows = sql.agencies_under(wkb=bytes(geom.wkb))
    if not rows:
        return []
    total = sum(area for _id, area in rows) or 1.0
    kept = [
        agency_id
        for agency_id, area in rows
        if area >= STRADDLE_MIN_M2 and area / total >= STRADDLE_MIN_SHARE
    ] or [rows[0][0]]
    by_id = Agency.objects.in_bulk(kept)
    return [by_id[agency_id] for agency_id in kept]


def note_compose(*, subject: Subject, moment: Moment) -> dict:
    """The content of a note about ``subject`` at ``moment`` (nothing stored).

    Labels are given in French and Arabic, and as ``label`` in the active
    language; warnings carry their ``code``, ``params`` and ``message``.
    """
    rows = sql.compose_rows(
        wkb=bytes(subject.geom.wkb),
        agency_id=subject.agency.pk,
        day=moment.day,
        at=moment.at,
    )
    subject_area = float(rows[0].subject_area)
    documents = _documents_from(rows[0].documents)
    by_id = {document.pk: document for document, _files in documents}
    rules = _rules_from(rows[0].rules)
    versions: dict[int, dict] = {}
    zones: dict[tuple[int, str], dict] = {}
    overlays: dict[tuple[int, str, str], dict] = {}
    defects = _Defects()
    for row in rows:
        if row.version_id is None:
            continue
        document = by_id.get(row.document_id)
        versions.setdefault(row.version_id, _version_data(row, document))
        if row.feature_id is None:
            continue
        if row.layer_kind == Layer.Kind.ZONING:
            if (row.area or 0.0) < TOUCH_TOLERANCE:
                continue
            defects.meet(row, document)
            key = (row.version_id, row.code)
            zone = zones.get(key)
            if zone is None:
                rule = rules.get((row.document_id, row.code))
                zone = zones[key] = _zone_data(row, document, rule)
            zone["area_m2"] += row.area
        else:
            measure = row.area if row.area is not None else row.length
            if measure is not None and measure < TOUCH_TOLERANCE:
                continue
            defects.meet(row, document)
            key = (row.version_id, row.code, row.label_fr or "")
            overlay = overlays.get(key)
            if overlay is None:
                overlay = overlays[key] = _overlay_data(row, document)
            overlay["count"] += 1
            if row.area is not None:
                overlay["area_m2"] = (overlay["area_m2"] or 0.0) + row.area
            if row.length is not None:
                overlay["length_m"] = (overlay["length_m"] or 0.0) + row.length
    zone_list = _finish_zones(zones.values(), subject_area)
    overlay_list = _finish_overlays(overlays.values(), subject_area)
    outside = min(
        (
            subject_area if row.outside is None else float(row.outside)
            for row in rows
            if row.layer_kind == Layer.Kind.ZONING
        ),
        default=subject_area,
    )
    if outside < max(0.01, subject_area * 1e-6):
        outside = 0.0  # floating-point slivers along shared edges
    content = {
        "as_of": moment.day.isoformat(),
        "agency": _agency_data(subject.agency),
        "subject": _subject_data(subject, subject_area),
        "zones": zone_list,
        "overlays": overlay_list,
        "outside_zoning_m2": round(outside, AREA_DIGITS),
        "outside_zoning_share": _share(outside, subject_area),
        "documents": [
            _document_data(document, files)
            for document, files in documents
            if document.in_force_on(moment.day)
        ],
        "layer_versions": sorted(
            versions.values(), key=lambda item: (item["document"], item["layer"])
        ),
    }
    content["warnings"] = with_messages(
        _warnings(
            moment,
            [document for document, _files in documents],
            content,
            subject_area,
            rows[0].others_area,
        )
        + defects.warnings()
    )
    return content


class _Defects:
    """The features met that a planner published despite errors in them.

    A version published despite errors lists the features its errors involve
    (``errors_accepted.feature_ids``: the overlapping pair, the zone without a
    code…); a note about land that meets one of them warns about the data's
    quality, with the planner's reason, inside the signed snapshot.
    """

    def __init__(self) -> None:
        self._met: dict[int, dict] = {}

    def meet(self, row: sql.ComposeRow, document: PlanningDocument | None) -> None:
        accepted = row.errors_accepted
        if not accepted or row.feature_id not in accepted.get("feature_ids", ()):
            return
        entry = self._met.setdefault(
            row.version_id,
            {
                "reference": document.reference if document else "",
                "layer": row.layer,
                "version": row.version_number,
                "errors": accepted.get("errors", 0),
                "reason": accepted.get("reason", ""),
                "zones": set(),
            },
        )
        entry["zones"].add(row.code or str(row.feature_id))

    def warnings(self) -> list[dict]:
        return [
            warning(
                "published_despite_errors",
                reference=entry["reference"],
                layer=entry["layer"],
                version=str(entry["version"]),
                errors=str(entry["errors"]),
                zones=", ".join(sorted(entry["zones"])),
                reason=entry["reason"],
            )
            for _id, entry in sorted(self._met.items())
        ]


def _share(area: float, total: float) -> float:
    return round(100.0 * area / total, SHARE_DIGITS) if total > 0 else 0.0


_DATE_FIELDS = ("approval_date", "effective_date", "expiry_date")


def _documents_from(
    items: list[dict],
) -> list[tuple[PlanningDocument, list[RegulationFile]]]:
    """Unsaved documents (and their files) from the composition query's JSON."""
    documents = []
    for item in items:
        fields = dict(item)
        files = [RegulationFile(**file) for file in fields.pop("regulation_files")]
        for name in _DATE_FIELDS:
            if fields[name]:
                fields[name] = datetime.date.fromisoformat(fields[name])
        documents.append((PlanningDocument(**fields), files))
    return documents


def _rules_from(items: list[dict]) -> dict[tuple[int, str], ZoneRule]:
    """Unsaved zone rules by (document id, code) from the query's JSON."""
    rules = {}
    for item in items:
        fields = dict(item)
        path = fields.pop("regulation_file")
        rule = ZoneRule(
            **fields, regulation_file=RegulationFile(file=path) if path else None
        )
        rules[(rule.document_id, rule.code)] = rule
    return rules


def _version_data(row: sql.ComposeRow, document: PlanningDocument | None) -> dict:
    return {
        "layer": row.layer,
        "kind": row.layer_kind,
        "document": document.reference if document else "",
        "version": row.version_number,
        "version_id": row.version_id,
        "valid_from": row.valid_from.isoformat() if row.valid_from else None,
    }


def _layer_fields(row: sql.ComposeRow, document: PlanningDocument | None) -> dict:
    return {
        "layer": row.layer,
        "layer_title": _pick(row.layer_title_fr, row.layer_title_ar),
        "layer_title_fr": row.layer_title_fr or "",
        "layer_title_ar": row.layer_title_ar or "",
        "document": document.reference if document else "",
        "version": row.version_number,
    }


def _pick(fr: str | None, ar: str | None) -> str:
    """The Arabic text for Arabic readers when there is one, else the French."""
    language = (get_language() or "fr").split("-")[0]
    if language == "ar" and ar:
        return ar
    return fr or ar or ""


def _zone_data(
    row: sql.ComposeRow, document: PlanningDocument | None, rule: ZoneRule | None
) -> dict:
    label_fr = row.label_fr or (rule.label_fr if rule else "")
    label_ar = row.label_ar or (rule.label_ar if rule else "")
    category = (rule.category if rule else "") or row.category or ""
    return {
        **_layer_fields(row, document),
        "code": row.code,
        "label": _pick(label_fr, label_ar),
        "label_fr": label_fr,
        "label_ar": label_ar,
        "category": category,
        "area_m2": 0.0,
        "share": 0.0,
        "rules": rule_data(rule) if rule else None,
    }


def _overlay_data(row: sql.ComposeRow, document: PlanningDocument | None) -> dict:
    overlay_type = row.overlay_type or Layer.OverlayType.OTHER
    return {
        **_layer_fields(row, document),
        "type": overlay_type,
        "type_label": str(Layer.OverlayType(overlay_type).label),
        "geometry_type": row.geometry_type,
        "code": row.code or "",
        "label": _pick(row.label_fr, row.label_ar),
        "label_fr": row.label_fr or "",
        "label_ar": row.label_ar or "",
        "count": 0,
        "area_m2": None,
        "share": None,
        "length_m": None,
    }


def _finish_zones(zones: Iterable[dict], subject_area: float) -> list[dict]:
    result = []
    for zone in zones:
        zone["share"] = _share(zone["area_m2"], subject_area)
        zone["area_m2"] = round(zone["area_m2"], AREA_DIGITS)
        result.append(zone)
    return sorted(result, key=lambda z: (z["document"], z["layer"], -z["area_m2"]))


def _finish_overlays(overlays: Iterable[dict], subject_area: float) -> list[dict]:
    result = []
    for overlay in overlays:
        if overlay["area_m2"] is not None:
            overlay["share"] = _share(overlay["area_m2"], subject_area)
            overlay["area_m2"] = round(overlay["area_m2"], AREA_DIGITS)
        if overlay["length_m"] is not None:
            overlay["length_m"] = round(overlay["length_m"], AREA_DIGITS)
        if overlay["type"] == Layer.OverlayType.ROAD_WIDENING:
            # What the widening takes from the land, in the words of the issue.
            overlay["area_taken_m2"] = overlay["area_m2"]
        result.append(overlay)
    return sorted(result, key=lambda o: (o["document"], o["layer"], o["code"]))


def rule_data(rule: ZoneRule) -> dict:
    """A zone rule as JSON-ready data (numbers as floats, uses as codes+labels)."""

    def number(value):
        return None if value is None else float(value)

    def uses(codes: list[str]) -> list[dict]:
        return [
            {"code": code, "label": str(LandUse(code).label)}
            for code in codes
            if code in LandUse.values
        ]

    regulation = rule.regulation_file
    return {
        "allowed_uses": uses(rule.allowed_uses),
        "forbidden_uses": uses(rule.forbidden_uses),
        "max_height_m": number(rule.max_height_m),
        "floors_above_ground": rule.floors_above_ground,
        "height_label": rule.height_label,
        "cos": number(rule.cos),
        "ces": number(rule.ces),
        "min_plot_area_m2": rule.min_plot_area_m2,
        "min_frontage_m": number(rule.min_frontage_m),
        "setback_road_m": number(rule.setback_road_m),
        "setback_side_m": number(rule.setback_side_m),
        "setback_rear_m": number(rule.setback_rear_m),
        "parking_fr": rule.parking_fr,
        "parking_ar": rule.parking_ar,
        "articles": rule.articles,
        "excerpt_fr": rule.excerpt_fr,
        "excerpt_ar": rule.excerpt_ar,
        "regulation_url": regulation.file.url if regulation else None,
    }


def _agency_data(agency: Agency) -> dict:
    return {
        "code": agency.code,
        "name": agency.name,
        "name_fr": agency.name_fr,
        "name_ar": agency.name_ar,
        "srid": agency.srid,
    }


def _subject_data(subject: Subject, area: float) -> dict:
    parcel = subject.parcel
    official = (
        float(parcel.official_area_m2)
        if parcel is not None and parcel.official_area_m2 is not None
        else None
    )
    return {
        "kind": subject.kind,
        "reference": parcel.reference if parcel else None,
        "area_m2": round(area, AREA_DIGITS),
        "official_area_m2": official,
        "srs": f"EPSG:{subject.srid}",
        "srs_name": ACCEPTED_SRIDS.get(subject.srid, ""),
        "point": [subject.point.x, subject.point.y] if subject.point else None,
        "geometry": json.loads(subject.geom.json),
    }


def _document_data(document: PlanningDocument, files: list[RegulationFile]) -> dict:
    def day(value):
        return value.isoformat() if value else None

    return {
        "reference": document.reference,
        "kind": document.kind,
        "kind_label": str(document.get_kind_display()),
        "title": document.title,
        "title_fr": document.title_fr,
        "title_ar": document.title_ar,
        "status": document.status,
        "status_label": str(document.get_status_display()),
        "approval_act": document.approval_act,
        "approval_date": day(document.approval_date),
        "bulletin_reference": document.bulletin_reference,
        "effective_date": day(document.effective_date),
        "expiry_date": day(document.expiry_date),
        "regulation_files": [
            {
                "title": localized(regulation, "title"),
                "language": regulation.language,
                "url": regulation.file.url,
            }
            for regulation in files
        ],
    }


def _warnings(
    moment: Moment,
    documents: list[PlanningDocument],
    content: dict,
    subject_area: float,
    rows_others_area: float,
) -> list[dict]:
    items = []
    in_force = [d for d in documents if d.in_force_on(moment.day)]
    kinds_in_force = {document.kind for document in in_force}
    for document in documents:
        # An expired plan matters when nothing of its kind replaced it.
        if (
            document.status in PlanningDocument.ONCE_APPROVED
            and document.status != PlanningDocument.Status.SUPERSEDED
            and document.expiry_date is not None
            and document.expiry_date <= moment.day
            and document.kind not in kinds_in_force
        ):
            items.append(
                warning(
                    "document_expired",
                    reference=document.reference,
                    date=document.expiry_date.isoformat(),
                )
            )
    for document in in_force:
        if document.status == PlanningDocument.Status.UNDER_REVISION:
            items.append(
                warning("document_under_revision", reference=document.reference)
            )
    for document in documents:
        if document.status == PlanningDocument.Status.PUBLIC_INQUIRY:
            items.append(
                warning("draft_in_public_inquiry", reference=document.reference)
            )
    if not in_force:
        items.append(warning("no_document_in_force", date=moment.day.isoformat()))
    official = content["subject"]["official_area_m2"]
    if official and subject_area > 0:
        difference = abs(official - subject_area) / subject_area * 100.0
        if difference > AREA_MISMATCH_PERCENT:
            items.append(
                warning(
                    "area_mismatch",
                    official=f"{official:.2f}",
                    computed=f"{subject_area:.2f}",
                    difference=f"{difference:.1f}",
                )
            )
    if content["outside_zoning_m2"] > 0:
        items.append(
            warning(
                "outside_zoning",
                area=f"{content['outside_zoning_m2']:.2f}",
                share=f"{content['outside_zoning_share']:.2f}",
            )
        )
    others = float(rows_others_area)
    if others >= STRADDLE_MIN_M2 and others / subject_area >= STRADDLE_MIN_SHARE:
        items.append(warning("straddles_agencies"))
    return items


def identify(*, lon: float, lat: float, moment: Moment) -> dict:
    """The parcel at (``lon``, ``lat``) (WGS 84) and its zones, in one round trip.

    Without a parcel there, the zones at the point itself (no areas). Returns
    ``{"point", "as_of", "agency", "parcel", "zones"}``; ``agency`` is None
    outside every agency.
    """
    rows = sql.identify_rows(lon=lon, lat=lat, day=moment.day, at=moment.at)
    first = rows[0]
    agency = None
    if first.agency_code is not None:
        agency = {
            "code": first.agency_code,
            "name": _pick(first.agency_name_fr, first.agency_name_ar),
        }
    parcel = None
    area = None
    if first.parcel_reference is not None:
        area = float(first.parcel_area)
        official = first.parcel_official_area
        parcel = {
            "reference": first.parcel_reference,
            "area_m2": round(area, AREA_DIGITS),
            "official_area_m2": None if official is None else float(official),
        }
    zones: dict[tuple[str, str], dict] = {}
    for row in rows:
        if row.code is None or (area is not None and row.area < TOUCH_TOLERANCE):
            continue
        zone = zones.setdefault(
            (row.layer, row.code),
            {
                "layer": row.layer,
                "code": row.code,
                "label": _pick(row.label_fr, row.label_ar),
                "area_m2": 0.0 if area is not None else None,
                "share": None,
            },
        )
        if area is not None:
            zone["area_m2"] += row.area
    for zone in zones.values():
        if area is not None:
            zone["share"] = _share(zone["area_m2"], area)
            zone["area_m2"] = round(zone["area_m2"], AREA_DIGITS)
    return {
        "point": {"lon": lon, "lat": lat},
        "as_of": moment.day.isoformat(),
        "agency": agency,
        "parcel": parcel,
        "zones": list(zones.values()),
    }


def note_by_reference(reference: str):
    """The issued note with this public reference; NoteNotFound otherwise."""
    from notes.models import Note

    note = Note.objects.select_related("agency").filter(reference=reference).first()
    if note is None:
        raise NoteNotFound(
            _("No note has the reference %(reference)s.")
            % {"reference": reference[:40]}
        )
    return note


def note_by_token(token: str):
    """The issued note with this verification token; NoteNotFound otherwise."""
    from notes.models import Note

    note = Note.objects.select_related("agency").filter(token=token).first()
    if note is None:
        raise NoteNotFound(
            _(
                "This verification code matches no note issued by this portal. "
                "The document presented is not authentic."
            )
        )
    return note
