"""The subject of a note as people give it, parsed once into a typed query.

A subject is a parcel reference ("TF 12345/07", Arabic-Indic digits welcome), a
point (``lon``/``lat``, or ``x``/``y`` with an ``srs``), a GeoJSON geometry (a
Polygon, MultiPolygon, Point, or a Feature holding one) in an ``srs``, or a list
of corner coordinates in an ``srs`` — surveyors give corners in Lambert Nord or
Sud Maroc. Parsing (``SubjectQuery``) needs no database; ``subject_resolve``
then finds the parcel and the agency, and refuses land outside every agency or
across several (``Subject``).

A parcel's identity is its agency and its reference: agencies' territories may
overlap and a mother parcel may outlive its subdivision, so neither a
reference alone nor a point always names one parcel. A subject naming the
parcel by its agency's ``code`` as well gets exactly that parcel; where a
reference or a point still names several, ``subject_resolve`` refuses with the
candidates (``SeveralParcels``) instead of choosing for the citizen.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import json
import math
import re

from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import (
    GEOSException,
    GEOSGeometry,
    MultiPolygon,
    Point,
    Polygon,
)
from django.utils.translation import gettext as _

from core.dates import FIRST_DAY, LAST_DAY, day_in_range
from layers.models import Agency
from notes import sql
from notes.errors import (
    InvalidGeometry,
    InvalidSrs,
    InvalidSubject,
    OutsideAgencies,
    ParcelNotFound,
    SeveralParcels,
    StraddlesAgencies,
    SubjectTooLarge,
)
from parcels.models import Parcel
from parcels.references import InvalidReference, ParcelReference

WGS84 = 4326
# The reference systems most subjects come in: WGS 84 and the Moroccan Lambert
# zones (Merchich), plus Web Mercator for what a web map sends. Any other
# two-dimensional CRS of the EPSG registry that PROJ knows is accepted too (an
# agency may survey in Lambert-93 or UTM); these are named after the agency's
# own when a code is refused.
USUAL_SRIDS = {
    4326: "WGS 84",
    26191: "Merchich / Nord Maroc",
    26192: "Merchich / Sud Maroc",
    26194: "Merchich / Sahara Nord",
    26195: "Merchich / Sahara Sud",
    3857: "WGS 84 / Pseudo-Mercator",
}
MAX_AREA_M2 = 1_000_000.0  # 100 ha: larger areas are studies, not notes
MAX_VERTICES = 10_000
# A subject counts as straddling agencies when its second agency holds more than
# this (m² and share of the subject): digitising slivers do not count.
STRADDLE_MIN_M2 = 1.0
STRADDLE_MIN_SHARE = 0.001
_SRS_PATTERN = re.compile(
    r"^(?:EPSG:+|URN:OGC:DEF:CRS:EPSG:[\d.]*:|HTTPS?://WWW\.OPENGIS\.NET/DEF/CRS/"
    r"EPSG/0/)?(?P<code>\d{1,9})$"  # int() refuses thousands of digits
)
# OGC's name of WGS 84 in longitude, latitude order: what a subject's x, y are.
_CRS84_PATTERN = re.compile(
    r"^(?:CRS:84|OGC:CRS84|URN:OGC:DEF:CRS:OGC:[\d.]*:CRS84"
    r"|HTTPS?://WWW\.OPENGIS\.NET/DEF/CRS/OGC/[\d.]+/CRS84)$"
)


# A point in WGS 84, (longitude, latitude): plain numbers, not a GEOS Point —
# a click's note only passes them on, and every GEOS call costs a few µs.
type LonLat = tuple[float, float]


@dataclasses.dataclass(frozen=True)
class SubjectQuery:
    """What was asked: exactly one of ``reference``, ``point``, ``polygon``."""

    kind: str  # "parcel", "point" or "polygon"
    reference: ParcelReference | None = None
    agency: str = ""  # the code of the parcel's agency, with ``reference``
    point: LonLat | None = None
    polygon: MultiPolygon | None = None  # EPSG:4326
    srid: int = WGS84  # the system the client used
    as_of: datetime.date | None = None

    @classmethod
    def from_json(cls, data: dict, *, agency_id: int | None = None) -> SubjectQuery:
        """Parse a request body; raise a ``notes.errors`` error when it is wrong.

        ``agency_id`` is the asker's own agency, if any (a planner): an unknown
        ``srs`` is answered with its CRS named first.
        """
        as_of = parse_as_of(data.get("as_of"))
        srid = parse_srs(data.get("srs"), agency_id=agency_id)
        if data.get("parcel") not in (None, ""):
            return cls(
                kind="parcel",
                reference=parse_reference(data["parcel"]),
                agency=parse_agency_code(data.get("agency")),
                as_of=as_of,
            )
        if data.get("geometry") is not None:
            geom = parse_geojson(data["geometry"], srid)
            if isinstance(geom, Point):
                return cls(kind="point", point=(geom.x, geom.y), srid=srid, as_of=as_of)
            return cls(
                kind="polygon", polygon=checked_polygon(geom), srid=srid, as_of=as_of
            )
        if data.get("coordinates") is not None:
            geom = polygon_from_corners(data["coordinates"], srid)
            return cls(
                kind="polygon", polygon=checked_polygon(geom), srid=srid, as_of=as_of
            )
        if {"lon", "lat"} <= data.keys() or {"x", "y"} <= data.keys():
            point = parse_point(data, agency_id=agency_id)
            return cls(kind="point", point=point, srid=srid, as_of=as_of)
        raise InvalidSubject(
            _(
                "Give a parcel reference, a point, a polygon (GeoJSON) or a list "
                "of corner coordinates."
            )
        )


def parse_reference(text: object) -> ParcelReference:
    """A land reference; raise InvalidSubject when the text is not one."""
    if not isinstance(text, str):
        raise InvalidSubject(_("The parcel reference must be text."))
    try:
        return ParcelReference.parse(text)
    except InvalidReference as exc:
        raise InvalidSubject(
            _("“%(text)s” is not a land reference (e.g. TF 12345/07).")
            % {"text": text[:64]},
            code="invalid_reference",
        ) from exc


def parse_agency_code(value: object) -> str:
    """An agency's code as given with a parcel reference ("" when absent);
    raise InvalidSubject when it is not text."""
    if value in (None, ""):
        return ""
    if not isinstance(value, str):
        raise InvalidSubject(
            _("The agency must be given by its code, as text."), code="invalid_agency"
        )
    return value.strip()[:64]


def parse_as_of(value: object) -> datetime.date | None:
    """An ISO date (YYYY-MM-DD) within ``core.dates``' range, or None;
    raise InvalidSubject otherwise."""
    if value in (None, ""):
        return None
    try:
        day = datetime.date.fromisoformat(str(value))
    except ValueError as exc:
        raise InvalidSubject(
            _("The date must be written YYYY-MM-DD."), code="invalid_date"
        ) from exc
    if not day_in_range(day):
        raise InvalidSubject(
            _("The date must be between %(first)s and %(last)s.")
            % {"first": FIRST_DAY, "last": LAST_DAY},
            code="invalid_date",
        )
    return day


def parse_srs(value: object, *, agency_id: int | None = None) -> int:
    """The SRID of "EPSG:2154", "2154", an OGC URN or URL (``CRS:84`` and its
    forms are WGS 84 in longitude, latitude order); WGS 84 when empty.

    Any two-dimensional geographic or projected CRS of the EPSG registry that
    PROJ knows is accepted. Raises InvalidSrs otherwise, naming the CRS of
    agency ``agency_id`` first, then every agency's, then the usual ones.
    """
    if value in (None, ""):
        return WGS84
    text = str(value).strip().upper()
    if _CRS84_PATTERN.match(text):
        return WGS84
    match = _SRS_PATTERN.match(text)
    srid = int(match["code"]) if match else None
    if srid is None or not srs_known(srid):
        suggested = ", ".join(
            f"EPSG:{code} ({srs_name(code)})" for code in srs_suggested(agency_id)
        )
        raise InvalidSrs(
            _(
                "Unknown coordinate system “%(srs)s”. Give the EPSG code of a "
                "two-dimensional coordinate system, for example %(suggested)s."
            )
            % {"srs": str(value)[:40], "suggested": suggested}
        )
    return srid


@functools.cache
def srs_known(srid: int) -> bool:
    """Whether PROJ knows EPSG:``srid`` as a 2D geographic or projected CRS,
    into which a subject's x, y can be read."""
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    try:
        crs = CRS.from_epsg(srid)
    except CRSError:
        return False
    return (crs.is_geographic or crs.is_projected) and len(crs.axis_info) == 2


@functools.cache
def srs_name(srid: int) -> str:
    """The name of a CRS PROJ knows ("RGF93 v1 / Lambert-93")."""
    if srid in USUAL_SRIDS:
        return USUAL_SRIDS[srid]
    from pyproj import CRS

    return CRS.from_epsg(srid).name


def srs_suggested(agency_id: int | None) -> list[int]:
    """The CRSs to name when one is refused: agency ``agency_id``'s own, every
    agency's native CRS, then the usual ones, each once."""
    natives = Agency.objects.values_list("srid", flat=True)
    own = list(natives.filter(pk=agency_id)) if agency_id is not None else []
    codes = [*own, *natives.order_by("srid").distinct(), *USUAL_SRIDS]
    return [code for code in dict.fromkeys(codes) if srs_known(code)]


def _number(value: object, name: str) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise InvalidSubject(
            _("“%(name)s” must be a number.") % {"name": name}, code="invalid_point"
        ) from exc
    if not math.isfinite(number):
        raise InvalidSubject(
            _("“%(name)s” must be a number.") % {"name": name}, code="invalid_point"
        )
    return number


def parse_lon_lat(data: dict, *, agency_id: int | None = None) -> tuple[float, float]:
    """(lon, lat) in WGS 84 from ``lon``/``lat`` or ``x``/``y`` in ``srs``.

    The fast path of identify: plain floats and a cached PROJ transformer, no
    GEOS geometry. Raises InvalidSubject, InvalidSrs or InvalidGeometry.
    """
    if "lon" in data and "lat" in data:
        lon, lat = _number(data["lon"], "lon"), _number(data["lat"], "lat")
    else:
        x, y = _number(data["x"], "x"), _number(data["y"], "y")
        srid = parse_srs(data.get("srs"), agency_id=agency_id)
        lon, lat = _transformer(srid).transform(x, y) if srid != WGS84 else (x, y)
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise InvalidGeometry(
            _(
                "The coordinates are outside the Earth: check the coordinate "
                "system (srs) and the order (longitude, latitude)."
            ),
            code="coordinates_out_of_range",
        )
    return lon, lat


@functools.cache
def _transformer(srid: int):
    from pyproj import Transformer

    return Transformer.from_crs(srid, WGS84, always_xy=True)


def parse_point(data: dict, *, agency_id: int | None = None) -> LonLat:
    """A point from ``lon``/``lat`` (WGS 84) or ``x``/``y`` in ``srs``, in 4326."""
    if "lon" in data and "lat" in data:
        # Checked as numbers (``parse_lon_lat``, the same errors): the GEOS
        # extent that ``_to_wgs84`` reads cost a map click ≈ 25 µs.
        return parse_lon_lat(data)
    point = Point(_number(data["x"], "x"), _number(data["y"], "y"))
    point.srid = parse_srs(data.get("srs"), agency_id=agency_id)
    point = _to_wgs84(point)
    return point.x, point.y


def _to_wgs84(geom: GEOSGeometry) -> GEOSGeometry:
    """``geom`` in EPSG:4326; InvalidGeometry when it falls off the Earth."""
    if geom.srid != WGS84:
        try:
            geom = geom.transform(WGS84, clone=True)
        except (GDALException, GEOSException) as exc:
            raise InvalidGeometry(
                _("These coordinates cannot be converted to WGS 84.")
            ) from exc
    xmin, ymin, xmax, ymax = geom.extent
    if not (-180 <= xmin <= xmax <= 180 and -90 <= ymin <= ymax <= 90):
        raise InvalidGeometry(
            _(
                "The coordinates are outside the Earth: check the coordinate "
                "system (srs) and the order (longitude, latitude)."
            ),
            code="coordinates_out_of_range",
        )
    return geom


def parse_geojson(value: object, srid: int) -> GEOSGeometry:
    """A GeoJSON geometry (or a Feature holding one) in ``srid``, as 4326."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise InvalidGeometry(_("The geometry is not valid GeoJSON.")) from exc
    if isinstance(value, dict) and value.get("type") == "Feature":
        value = value.get("geometry")
    if not isinstance(value, dict) or value.get("type") not in {
        "Point",
        "Polygon",
        "MultiPolygon",
    }:
        raise InvalidGeometry(
            _("The geometry must be a GeoJSON Point, Polygon or MultiPolygon.")
        )
    try:
        geom = GEOSGeometry(json.dumps(value))
    except (ValueError, TypeError, GEOSException, GDALException) as exc:
        raise InvalidGeometry(_("The geometry is not valid GeoJSON.")) from exc
    if geom.empty:
        raise InvalidGeometry(_("The polygon is empty."))
    geom.srid = srid
    return _to_wgs84(geom)


_PAIR_SEPARATORS = re.compile(r"[;\n]+")


def polygon_from_corners(value: object, srid: int) -> Polygon:
    """A polygon from corners ``[[x, y], …]`` or text "x y; x y …", in 4326."""
    if isinstance(value, str):
        pairs = [
            re.split(r"[\s,]+", part.strip())
            for part in _PAIR_SEPARATORS.split(value)
            if part.strip()
        ]
    elif isinstance(value, list):
        pairs = value
    else:
        pairs = None
    if not pairs or not all(
        isinstance(pair, (list, tuple)) and len(pair) == 2 for pair in pairs
    ):
        raise InvalidGeometry(
            _("Corner coordinates must be a list of [x, y] pairs."),
            code="invalid_coordinates",
        )
    ring = [(_number(x, "x"), _number(y, "y")) for x, y in pairs]
    if ring[0] != ring[-1]:
        ring.append(ring[0])
    if len(ring) < 4:
        raise InvalidGeometry(
            _("A polygon needs at least three corners."), code="invalid_coordinates"
        )
    polygon = Polygon(ring, srid=srid)
    return _to_wgs84(polygon)


def checked_polygon(geom: GEOSGeometry) -> MultiPolygon:
    """``geom`` as a valid MultiPolygon no larger than 100 ha; raise otherwise."""
    if isinstance(geom, Polygon):
        geom = MultiPolygon(geom, srid=geom.srid)
    if geom.num_coords > MAX_VERTICES:
        raise InvalidGeometry(
            _("The polygon has too many corners (at most %(max)s).")
            % {"max": MAX_VERTICES},
            code="too_many_vertices",
        )
    if geom.empty:
        raise InvalidGeometry(_("The polygon is empty."))
    if not geom.valid:
        raise InvalidGeometry(
            _(
                "The polygon is not valid: %(reason)s. Check that its edges do "
                "not cross."
            )
            % {"reason": geom.valid_reason},
            code="self_intersecting",
        )
    area = geodesic_area_m2(geom)
    if area > MAX_AREA_M2:
        raise SubjectTooLarge(
            _(
                "The polygon covers %(area)s ha; a note covers at most %(max)s ha. "
                "Draw a smaller area."
            )
            % {"area": f"{area / 10_000:.1f}", "max": f"{MAX_AREA_M2 / 10_000:.0f}"}
        )
    return geom


def geodesic_area_m2(geom: GEOSGeometry) -> float:
    """The area of a 4326 geometry on the WGS 84 ellipsoid, in m²."""
    from pyproj import Geod

    area, _perimeter = Geod(ellps="WGS84").geometry_area_perimeter(_shapely(geom))
    return abs(area)


def _shapely(geom: GEOSGeometry):
    import shapely

    return shapely.from_wkb(bytes(geom.wkb))


@dataclasses.dataclass(frozen=True)
class Subject:
    """A resolved subject: its polygon (EPSG:4326), agency and parcel if any."""

    kind: str  # "parcel", "point" or "polygon"
    geom: MultiPolygon
    agency: Agency
    parcel: Parcel | None = None
    point: LonLat | None = None  # the point clicked or given
    srid: int = 4326


def subject_resolve(query: SubjectQuery) -> Subject:
    """Find the parcel and the agency of ``query``.

    Raises ParcelNotFound (unknown reference, or no parcel at the point),
    OutsideAgencies (a polygon outside every agency) or StraddlesAgencies.
    """
    if query.kind == "parcel":
        return parcel_subject(_parcel_named(query), kind="parcel")
    if query.kind == "point":
        lon, lat = query.point
        parcels = sql.parcels_at_point(lon=lon, lat=lat)
        if not parcels:
            no_parcel_at(query.point)
        if len(parcels) > 1:
            several_parcels_at(parcels)
        return parcel_subject(parcels[0], kind="point", point=query.point)
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


def _parcel_named(query: SubjectQuery) -> Parcel:
    """The parcel of ``query``'s reference, in its agency when one is named.

    Raises ParcelNotFound, or SeveralParcels when the reference alone is
    registered in several agencies.
    """
    parcels = (
        Parcel.objects.current()
        .select_related("agency")
        .filter(reference_key=query.reference.key)
    )
    if query.agency:
        parcels = parcels.of_agency_code(query.agency)
    found = list(parcels.order_by("agency__code")[:_CANDIDATES_SHOWN])
    if not found and query.agency:
        raise ParcelNotFound(
            _("No parcel of the agency “%(agency)s” has the reference %(reference)s.")
            % {"agency": query.agency, "reference": query.reference.display}
        )
    if not found:
        raise ParcelNotFound(
            _("No parcel has the reference %(reference)s.")
            % {"reference": query.reference.display}
        )
    if len(found) > 1:
        raise SeveralParcels(
            _(
                "The reference %(reference)s is registered in several agencies "
                "(%(agencies)s): say which agency."
            )
            % {
                "reference": query.reference.display,
                "agencies": ", ".join(parcel.agency.name for parcel in found),
            },
            details={"parcels": [parcel_identity(parcel) for parcel in found]},
        )
    return found[0]


# At most this many candidates are named when a subject names several parcels.
_CANDIDATES_SHOWN = 20


def parcel_identity(parcel: Parcel) -> dict:
    """What names ``parcel`` (its agency loaded) for a client to ask for it
    again: the agency's code and name and the reference."""
    return {
        "agency": parcel.agency.code,
        "agency_name": parcel.agency.name,
        "reference": parcel.reference,
    }


def several_parcels_at(parcels: list[Parcel]) -> None:
    """Raise SeveralParcels naming ``parcels`` (their agency loaded), the
    parcels that overlap at a point, first registered first."""
    parcels = sorted(parcels, key=lambda parcel: parcel.pk)[:_CANDIDATES_SHOWN]
    raise SeveralParcels(
        _(
            "Several registered parcels overlap at this point (%(references)s): "
            "choose one by its agency and reference."
        )
        % {"references": ", ".join(parcel.reference for parcel in parcels)},
        details={"parcels": [parcel_identity(parcel) for parcel in parcels]},
    )


def no_parcel_at(point: LonLat) -> None:
    """Raise why no parcel answers at ``point``: OutsideAgencies, or
    ParcelNotFound inside an agency."""
    if not sql.agencies_under(wkb=bytes(Point(*point, srid=WGS84).wkb)):
        raise OutsideAgencies(
            _("This point is outside the territory of every urban agency.")
        )
    raise ParcelNotFound(
        _("No registered parcel contains this point. Draw the land instead."),
        code="no_parcel_here",
    )


def parcel_subject(parcel: Parcel, *, kind: str, point: LonLat | None = None):
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
