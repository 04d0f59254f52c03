"""The content of a note, composed from one query, and identify.

The content is plain JSON-ready data whose names are an API contract:
``subject.area_m2``, ``zones[]`` (``layer``, ``code``, ``label``, ``area_m2``,
``share``, ``rules``), ``overlays[]``, ``documents[]``, ``warnings[]``.
Areas are ellipsoidal (PostGIS ``geography``), in m² rounded to the centimetre²;
shares are percentages of the subject's area with four decimals. This module
gathers the query's rows (``notes.sql``) into zones, overlays, documents and
layer versions; ``notes.serialise`` writes each of them as the contract names
it, ``notes.warnings`` says which warnings the note carries.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from layers.models import Layer
from library.citations import article_cited
from notes import sql
from notes.errors import PlanningChanging
from notes.planning import Planning, planning_at
from notes.serialise import (
    AREA_DIGITS,
    agency_data,
    cited_article_data,
    document_data,
    finish_overlays,
    finish_zones,
    overlay_data,
    pick,
    share,
    subject_data,
    version_data,
    zone_data,
)
from notes.subjects import (
    Subject,
    SubjectQuery,
    no_parcel_at,
    parcel_identity,
    parcel_subject,
    several_parcels_at,
    subject_resolve,
)
from notes.warnings import Defects, note_warnings, with_messages

# Below this an intersection is a shared edge, not a piece of land (m², m).
TOUCH_TOLERANCE = 0.005


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


def note_compose(*, subject: Subject, moment: Moment) -> dict:
    """The content of a note about ``subject`` at ``moment`` (nothing stored).

    Labels are given in French and Arabic, and as ``label`` in the active
    language; warnings carry their ``code``, ``params`` and ``message``.
    """
    for _attempt in range(_ATTEMPTS):
        rows = sql.compose_rows(
            wkb=bytes(subject.geom.wkb),
            agency_id=subject.agency.pk,
            day=moment.day,
            at=moment.at,
        )
        planning = planning_at(agency_id=subject.agency.pk, revision=rows[0].revision)
        if planning is not None:
            return _content(subject, moment, rows, planning)
    raise _changing()


def note_compose_query(*, query: SubjectQuery, moment: Moment) -> dict:
    """``note_compose`` of ``subject_resolve(query)``, in one round trip when
    the subject is a point: the statement that composes finds the parcel too.

    Raises what ``subject_resolve`` raises (SeveralParcels where parcels
    overlap at the point: the statement counts them, the rare refusal then
    reads which they are).
    """
    if query.kind != "point":
        return note_compose(subject=subject_resolve(query), moment=moment)
    lon, lat = query.point
    for _attempt in range(_ATTEMPTS):
        found = sql.compose_at_point(lon=lon, lat=lat, day=moment.day, at=moment.at)
        if found.parcel is None:
            no_parcel_at(query.point)
        if found.hits > 1:
            several_parcels_at(sql.parcels_at_point(lon=lon, lat=lat))
        rows = found.rows
        planning = planning_at(
            agency_id=found.parcel.agency_id, revision=rows[0].revision
        )
        if planning is not None:
            # The agency as kept with its planning, of the statement's revision.
            found.parcel.agency = planning.agency
            subject = parcel_subject(found.parcel, kind="point", point=query.point)
            return _content(subject, moment, rows, planning)
    raise _changing()


# The statement and the kept planning it is read with must be of one catalogue
# revision (notes.planning): a planner's change in between costs one more
# statement, and a catalogue changing under every attempt an error to retry.
_ATTEMPTS = 3


def _changing() -> PlanningChanging:
    return PlanningChanging(
        _("The planning documents are being updated; ask again in a moment.")
    )


def _content(
    subject: Subject, moment: Moment, rows: list[sql.ComposeRow], planning: Planning
) -> dict:
    """The note's content from the composition rows about ``subject`` and the
    agency's documents and rules of the same revision."""
    subject_area = float(rows[0].subject_area)
    concerned = set(rows[0].documents)
    documents = [
        (document, files)
        for document, files in planning.documents
        if document.pk in concerned
    ]
    by_id = {document.pk: document for document, _files in documents}
    rules = planning.rules
    versions: dict[int, dict] = {}
    zones: dict[tuple[int, str], dict] = {}
    overlays: dict[tuple[int, str, str], dict] = {}
    defects = Defects()
    for row in rows:
        if row.version_id is None:
            continue
        document = by_id.get(row.document_id)
        versions.setdefault(row.version_id, version_data(row, document))
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
                zone = zones[key] = zone_data(row, document, rule)
            zone["area_m2"] += row.area
        else:
            measure = row.area if row.area is not None else row.length
            if measure is not None and measure < TOUCH_TOLERANCE:
                continue
            defects.meet(row, document)
            key = (row.version_id, row.code, row.label_fr or "")
            overlay = overlays.get(key)
            if overlay is None:
                overlay = overlays[key] = overlay_data(row, document)
            overlay["count"] += 1
            if row.area is not None:
                overlay["area_m2"] = (overlay["area_m2"] or 0.0) + row.area
            if row.length is not None:
                overlay["length_m"] = (overlay["length_m"] or 0.0) + row.length
    zone_list = finish_zones(zones.values(), subject_area)
    overlay_list = finish_overlays(overlays.values(), subject_area)
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
        "agency": agency_data(subject.agency),
        "subject": subject_data(subject, subject_area),
        "zones": zone_list,
        "overlays": overlay_list,
        "outside_zoning_m2": round(outside, AREA_DIGITS),
        "outside_zoning_share": share(outside, subject_area),
        "documents": [
            document_data(document, files)
            for document, files in documents
            if document.in_force_on(moment.day)
        ],
        "layer_versions": sorted(
            versions.values(), key=lambda item: (item["document"], item["layer"])
        ),
        # The articles of the law the zones' rules cite, as they read that day.
        "articles": [
            cited_article_data(
                article_cited(
                    reference=reference,
                    wordings=planning.articles.get(reference, ()),
                    day=moment.day,
                )
            )
            for reference in dict.fromkeys(
                reference
                for zone in zone_list
                for reference in (zone["rules"] or {}).get("citations", ())
            )
        ],
    }
    content["warnings"] = with_messages(
        note_warnings(
            moment,
            [document for document, _files in documents],
            content,
            subject_area,
            rows[0].others_area,
        )
        + defects.warnings()
    )
    return content


def identify(*, lon: float, lat: float, moment: Moment) -> dict:
    """The parcel at (``lon``, ``lat``) (WGS 84) and its zones, in one round trip.

    Without a parcel there, the zones at the point itself (no areas). Returns
    ``{"point", "as_of", "agency", "parcel", "parcels", "zones"}``; ``agency``
    is None outside every agency. ``parcels`` names every parcel at the point
    (agency code and name, reference), first registered first: where several
    overlap, ``parcel`` and the zones are of the first, and the citizen is to
    choose (a second statement names the others, only then).
    """
    rows = sql.identify_rows(lon=lon, lat=lat, day=moment.day, at=moment.at)
    first = rows[0]
    agency = None
    if first.agency_code is not None:
        agency = {
            "code": first.agency_code,
            "name": pick(first.agency_name_fr, first.agency_name_ar),
        }
    parcel = None
    parcels = []
    area = None
    if first.parcel_reference is not None:
        area = float(first.parcel_area)
        official = first.parcel_official_area
        parcel = {
            "agency": first.agency_code,
            "reference": first.parcel_reference,
            "area_m2": round(area, AREA_DIGITS),
            "official_area_m2": None if official is None else float(official),
        }
        parcels = [
            {key: parcel[key] for key in ("agency", "reference")}
            | {"agency_name": agency["name"]}
        ]
        if first.parcel_hits > 1:
            overlapping = sql.parcels_at_point(lon=lon, lat=lat)
            parcels = [
                parcel_identity(candidate)
                for candidate in sorted(overlapping, key=lambda p: p.pk)
            ]
    zones: dict[tuple[str, str], dict] = {}
    for row in rows:
        if row.code is None or (area is not None and row.area < TOUCH_TOLERANCE):
            continue
        zone = zones.setdefault(
            (row.layer, row.code),
            {
                "layer": row.layer,
                "code": row.code,
                "label": pick(row.label_fr, row.label_ar),
                "area_m2": 0.0 if area is not None else None,
                "share": None,
            },
        )
        if area is not None:
            zone["area_m2"] += row.area
    for zone in zones.values():
        if area is not None:
            zone["share"] = share(zone["area_m2"], area)
            zone["area_m2"] = round(zone["area_m2"], AREA_DIGITS)
    return {
        "point": {"lon": lon, "lat": lat},
        "as_of": moment.day.isoformat(),
        "agency": agency,
        "parcel": parcel,
        "parcels": parcels,
        "zones": list(zones.values()),
    }
