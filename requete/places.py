"""What a request is about on the land, checked once at filing.

A request may point at a parcel of the agency (by its reference), a place
drawn on the map (GeoJSON in EPSG:4326: valid, inside the agency's
territory), an issued note (by its reference), a zone (a zoning version of
the agency and a zone code it holds) or a planning document of the agency —
any of them, or none (a suggestion about a service). The request's ``place``,
what the public map shows, is the parcel's point on surface, else the drawn
place's.
"""

from __future__ import annotations

import dataclasses
import json

from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry, Point
from django.utils.translation import gettext as _

from layers.models import Agency, Feature, LayerVersion, PlanningDocument
from notes.models import Note
from parcels.models import Parcel
from parcels.references import InvalidReference, ParcelReference
from requete.errors import FilingRefused

WGS84 = 4326
MAX_VERTICES = 2_000


@dataclasses.dataclass(frozen=True)
class PlaceInput:
    """The land a filing points at, as given (all optional)."""

    parcel_reference: str = ""
    geometry: dict | None = None  # GeoJSON geometry, EPSG:4326
    note_reference: str = ""
    zone_version_id: int | None = None
    zone_code: str = ""
    document_id: int | None = None


@dataclasses.dataclass(frozen=True)
class Place:
    """The land a request points at, resolved within its agency."""

    parcel: Parcel | None = None
    drawn: GEOSGeometry | None = None
    place: Point | None = None
    note_reference: str = ""
    zone_version: LayerVersion | None = None
    zone_code: str = ""
    document: PlanningDocument | None = None


def _refused(field: str, message: str) -> FilingRefused:
    return FilingRefused(message, details={"fields": {field: message}})


def _parcel(agency: Agency, text: str) -> Parcel:
    try:
        reference = ParcelReference.parse(text)
    except InvalidReference as exc:
        raise _refused(
            "parcel",
            _("“%(text)s” is not a land reference (e.g. TF 12345/07).")
            % {"text": text},
        ) from exc
    parcel = Parcel.objects.filter(agency=agency, reference_key=reference.key).first()
    if parcel is None:
        raise _refused(
            "parcel",
            _("No parcel has the reference %(reference)s.")
            % {"reference": reference.display},
        )
    return parcel


def _drawn(agency: Agency, geometry: dict) -> GEOSGeometry:
    try:
        geom = GEOSGeometry(json.dumps(geometry), srid=WGS84)
    except (GDALException, GEOSException, ValueError, TypeError) as exc:
        raise _refused("geometry", _("The drawn place is not valid GeoJSON.")) from exc
    if geom.geom_type not in {"Point", "LineString", "Polygon", "MultiPolygon"}:
        raise _refused("geometry", _("Draw a point, a line or a polygon."))
    if geom.num_coords > MAX_VERTICES or not geom.valid or geom.empty:
        raise _refused("geometry", _("The drawn place is not a valid geometry."))
    inside = Agency.objects.filter(pk=agency.pk, territory__covers=geom).exists()
    if not inside:
        raise _refused(
            "geometry",
            _("The drawn place is outside the territory of %(agency)s.")
            % {"agency": agency.name},
        )
    return geom


def _zone(agency: Agency, version_id: int, code: str) -> LayerVersion:
    version = LayerVersion.objects.filter(
        pk=version_id,
        layer__document__agency=agency,
        layer__kind="zoning",
    ).first()
    holds = (
        version is not None
        and Feature.objects.filter(version=version, code=code).exists()
    )
    if not holds:
        raise _refused(
            "zone", _("The zoning has no zone %(code)s.") % {"code": code or "—"}
        )
    return version


def place_resolve(*, agency: Agency, given: PlaceInput) -> Place:
    """``given`` checked within ``agency``; raise FilingRefused naming the
    field at fault (``details["fields"]``)."""
    parcel = drawn = point = version = document = None
    if given.parcel_reference:
        parcel = _parcel(agency, given.parcel_reference)
        point = parcel.geom.point_on_surface
    if given.geometry is not None:
        drawn = _drawn(agency, given.geometry)
        point = point or drawn.point_on_surface
    note_reference = given.note_reference.strip().upper()
    if (
        note_reference
        and not Note.objects.filter(agency=agency, reference=note_reference).exists()
    ):
        raise _refused(
            "note",
            _("No note of this agency has the reference %(reference)s.")
            % {"reference": note_reference},
        )
    if given.zone_version_id is not None:
        version = _zone(agency, given.zone_version_id, given.zone_code.strip())
    if given.document_id is not None:
        document = PlanningDocument.objects.filter(
            pk=given.document_id, agency=agency
        ).first()
        if document is None:
            raise _refused("document", _("This agency has no such planning document."))
    if point is not None:
        point.srid = WGS84
    return Place(
        parcel=parcel,
        drawn=drawn,
        place=point,
        note_reference=note_reference,
        zone_version=version,
        zone_code=given.zone_code.strip() if version else "",
        document=document,
    )
