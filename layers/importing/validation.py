"""The validation report of an import: typed issues, errors and warnings.

Issues are stored as data (a code, parameters, feature ids, locations, areas and
an optional GeoJSON geometry for the map) and turned into sentences in the
reader's language only when shown, so one stored report reads in French, Arabic
or English. Errors block publishing; warnings do not.

Per-feature checks run on each batch while streaming (vectorised with shapely);
the checks that need every feature at once — zones that overlap, gaps in the
zoning — run in PostGIS on the stored draft (see ``topology_check``).
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import numpy as np
import orjson
import shapely
from django.db import connection
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from layers.models import Feature, Layer

MAX_LISTED = 100  # ids and locations kept per issue
MAX_ISSUES_PER_KIND = 50  # overlaps/gaps listed one by one
AREA_TOLERANCE_M2 = 1.0  # overlaps and gaps smaller than this are slivers
WIDTH_TOLERANCE_M = 0.05  # so are thinner ones (digitising and datum noise)
EDGE_TOLERANCE_DEG = 1e-5  # about a metre: borders that only touch are inside
# Geodesic areas of shapes stored in lon/lat are computed after densifying their
# edges (about 100 m): a long straight lon/lat edge is not a geodesic, and on a
# sliver along a 10 km border the difference would dominate the area.
SEGMENT_DEG = 0.001


class Severity:
    ERROR = "error"
    WARNING = "warning"


@dataclasses.dataclass(frozen=True)
class IssueKind:
    """One kind of problem: its code, severity and sentence."""

    code: str
    severity: str
    message: object  # lazy translation with %(name)s parameters


ISSUE_KINDS: dict[str, IssueKind] = {
    kind.code: kind
    for kind in (
        IssueKind(
            "empty_geometry",
            Severity.ERROR,
            _("%(count)s features have no geometry."),
        ),
        IssueKind(
            "unreadable_geometry",
            Severity.ERROR,
            _(
                "%(count)s features have a geometry that cannot be read (a ring "
                "that does not close, a coordinate that is not a number); they "
                "were left out."
            ),
        ),
        IssueKind(
            "coordinates_not_numbers",
            Severity.ERROR,
            _(
                "%(count)s features have coordinates that are not numbers (NaN "
                "or infinite); they were left out."
            ),
        ),
        IssueKind(
            "coordinates_out_of_range",
            Severity.ERROR,
            _(
                "%(count)s features have coordinates that are not on the Earth "
                "once read in this CRS; they were left out."
            ),
        ),
        IssueKind(
            "crs_unreadable",
            Severity.ERROR,
            _(
                "The CRS file “%(name)s” cannot be read; the coordinates were "
                "read as %(declared)s (EPSG:%(srid)s), the agency's CRS. Choose "
                "the CRS of the file and upload it again."
            ),
        ),
        IssueKind(
            "invalid_geometry",
            Severity.WARNING,
            _("%(count)s invalid geometries were repaired (make_valid)."),
        ),
        IssueKind(
            "wrong_geometry_type",
            Severity.ERROR,
            _("%(count)s features are %(found)s; this layer holds %(expected)s."),
        ),
        IssueKind(
            "flattened",
            Severity.WARNING,
            _(
                "%(count)s geometries had Z or M coordinates; they were "
                "flattened to 2D."
            ),
        ),
        IssueKind(
            "empty_code",
            Severity.ERROR,
            _("%(count)s zones have no zone code."),
        ),
        IssueKind(
            "code_too_long",
            Severity.ERROR,
            _("%(count)s zone codes are longer than 32 characters."),
        ),
        IssueKind(
            "duplicate_code",
            Severity.WARNING,
            _("The zone code “%(code)s” is written in several ways: %(variants)s."),
        ),
        IssueKind(
            "code_labels_differ",
            Severity.WARNING,
            _("The zone code “%(code)s” carries several labels: %(labels)s."),
        ),
        IssueKind(
            "rule_conflict",
            Severity.WARNING,
            _(
                "Zone “%(code)s” has different values of %(fields)s; the first "
                "one was kept."
            ),
        ),
        IssueKind(
            "code_without_rule",
            Severity.WARNING,
            _("%(count)s zone codes have no rule: %(codes)s."),
        ),
        IssueKind(
            "outside_territory",
            Severity.ERROR,
            _("%(count)s features lie outside the agency territory."),
        ),
        IssueKind(
            "partly_outside_territory",
            Severity.WARNING,
            _("%(count)s features lie partly outside the agency territory."),
        ),
        IssueKind(
            "outside_perimeter",
            Severity.ERROR,
            _("%(count)s features lie outside the document perimeter."),
        ),
        IssueKind(
            "partly_outside_perimeter",
            Severity.WARNING,
            _("%(count)s features lie partly outside the document perimeter."),
        ),
        IssueKind(
            "crs_suggestion",
            Severity.ERROR,
            _(
                "These coordinates look like %(suggested)s (EPSG:%(suggested_srid)s),"
                " not %(declared)s (EPSG:%(srid)s)."
            ),
        ),
        IssueKind(
            "crs_outside",
            Severity.ERROR,
            _(
                "Read as %(declared)s (EPSG:%(srid)s), the data falls outside the "
                "agency territory; check the coordinate reference system."
            ),
        ),
        IssueKind(
            "no_territory",
            Severity.WARNING,
            _("The agency has no territory: the location of the data was not checked."),
        ),
        IssueKind(
            "no_perimeter",
            Severity.WARNING,
            _("The document has no perimeter: gaps in the zoning were not checked."),
        ),
        IssueKind(
            "zones_overlap",
            Severity.ERROR,
            _("Zones %(first)s and %(second)s overlap on %(area)s m²."),
        ),
        IssueKind(
            "zones_overlap_slivers",
            Severity.WARNING,
            _("%(count)s tiny overlaps between zones (%(area)s m² in all)."),
        ),
        IssueKind(
            "zoning_gap",
            Severity.ERROR,
            _("The zoning leaves a gap of %(area)s m² inside the perimeter."),
        ),
        IssueKind(
            "zoning_gap_slivers",
            Severity.WARNING,
            _("%(count)s tiny gaps in the zoning (%(area)s m² in all)."),
        ),
        IssueKind(
            "encoding_repaired",
            Severity.WARNING,
            _(
                "The file declares the encoding %(declared)s but its text is "
                "%(detected)s; it was read as %(detected)s."
            ),
        ),
        IssueKind(
            "mojibake_repaired",
            Severity.WARNING,
            _("%(count)s garbled texts (UTF-8 read as Latin-1) were repaired."),
        ),
        IssueKind(
            "invalid_reference",
            Severity.ERROR,
            _("%(count)s parcels have no readable land reference (e.g. “%(value)s”)."),
        ),
        IssueKind(
            "duplicate_reference",
            Severity.WARNING,
            _("%(count)s parcels repeat a reference already read (e.g. “%(value)s”)."),
        ),
        IssueKind(
            "text_truncated",
            Severity.WARNING,
            _("%(count)s labels were longer than 300 characters and were cut."),
        ),
    )
}


@dataclasses.dataclass
class Issue:
    """One problem found, with what the map and the planner need to fix it."""

    code: str
    params: dict = dataclasses.field(default_factory=dict)
    features: list[str] = dataclasses.field(default_factory=list)
    locations: list[list[float]] = dataclasses.field(default_factory=list)
    count: int = 0
    area_m2: float | None = None
    geometry: dict | None = None

    @property
    def kind(self) -> IssueKind:
        return ISSUE_KINDS[self.code]

    @property
    def severity(self) -> str:
        return self.kind.severity

    def as_dict(self) -> dict:
        data = dataclasses.asdict(self)
        data["severity"] = self.severity
        return data


@dataclasses.dataclass
class Report:
    """Everything an import found, and a summary of what it stored."""

    issues: list[Issue] = dataclasses.field(default_factory=list)
    summary: dict = dataclasses.field(default_factory=dict)
    _by_code: dict = dataclasses.field(default_factory=dict, repr=False)

    AGGREGATED: ClassVar[frozenset[str]] = frozenset(
        {
            "empty_geometry",
            "unreadable_geometry",
            "coordinates_not_numbers",
            "coordinates_out_of_range",
            "invalid_geometry",
            "wrong_geometry_type",
            "flattened",
            "empty_code",
            "code_too_long",
            "outside_territory",
            "partly_outside_territory",
            "outside_perimeter",
            "partly_outside_perimeter",
            "mojibake_repaired",
            "text_truncated",
            "invalid_reference",
            "duplicate_reference",
        }
    )

    def add(
        self,
        code: str,
        /,
        *,
        features=(),
        locations=(),
        count: int | None = None,
        area_m2: float | None = None,
        geometry: dict | None = None,
        **params,
    ) -> Issue:
        """Record an issue; per-feature kinds accumulate into one issue."""
        features = [str(value) for value in features]
        locations = [[round(x, 7), round(y, 7)] for x, y in locations]
        count = len(features) if count is None else count
        if code in self.AGGREGATED and code in self._by_code:
            issue = self._by_code[code]
            issue.count += count
            issue.features.extend(features[: MAX_LISTED - len(issue.features)])
            issue.locations.extend(locations[: MAX_LISTED - len(issue.locations)])
            issue.params.update(params)
            issue.params["count"] = issue.count
            return issue
        issue = Issue(
            code=code,
            params={"count": count, **params},
            features=features[:MAX_LISTED],
            locations=locations[:MAX_LISTED],
            count=count,
            area_m2=area_m2,
            geometry=geometry,
        )
        self.issues.append(issue)
        self._by_code[code] = issue
        return issue

    @property
    def error_count(self) -> int:
        return sum(1 for issue in self.issues if issue.severity == Severity.ERROR)

    @property
    def warning_count(self) -> int:
        return sum(1 for issue in self.issues if issue.severity == Severity.WARNING)

    def as_dict(self) -> dict:
        """The JSON stored on the version (``errors`` > 0 blocks publishing)."""
        return {
            "errors": self.error_count,
            "warnings": self.warning_count,
            "summary": self.summary,
            "issues": [issue.as_dict() for issue in self.issues],
        }


# Geometry families as parameters of a sentence ("found", "expected").
FAMILY_WORDS = {
    Layer.GeometryType.POLYGON: _("polygons"),
    Layer.GeometryType.LINE: _("lines"),
    Layer.GeometryType.POINT: _("points"),
    "other": _("geometry collections or other types"),
    "": _("points, lines or polygons"),
}


def _family_words(value) -> str:
    """``"other, polygon"`` in words of the active language."""
    names = str(value).split(", ") if value else [""]
    return ", ".join(str(FAMILY_WORDS.get(name, name)) for name in names)


def issue_message(issue: dict) -> str:
    """The sentence of a stored issue, in the active language."""
    kind = ISSUE_KINDS.get(issue.get("code", ""))
    if kind is None:
        return str(issue.get("code", ""))
    params = dict(issue.get("params", {}))
    if issue.get("code") == "wrong_geometry_type":
        for name in ("found", "expected"):
            params[name] = _family_words(params.get(name, ""))
    try:
        return str(kind.message) % params
    except (KeyError, TypeError, ValueError):
        return str(kind.message)


def report_render(report: dict) -> dict:
    """A stored report with every issue's message in the active language."""
    issues = [
        {**issue, "message": issue_message(issue)} for issue in report.get("issues", [])
    ]
    return {**report, "issues": issues}


def report_has_errors(report: dict | None) -> bool:
    """Whether a stored report blocks publishing."""
    return bool(report) and int(report.get("errors", 0)) > 0


# --- per-batch checks --------------------------------------------------------

_FAMILIES = {
    shapely.GeometryType.POINT: Layer.GeometryType.POINT,
    shapely.GeometryType.MULTIPOINT: Layer.GeometryType.POINT,
    shapely.GeometryType.LINESTRING: Layer.GeometryType.LINE,
    shapely.GeometryType.MULTILINESTRING: Layer.GeometryType.LINE,
    shapely.GeometryType.POLYGON: Layer.GeometryType.POLYGON,
    shapely.GeometryType.MULTIPOLYGON: Layer.GeometryType.POLYGON,
}


def geometry_families(geometries: np.ndarray) -> np.ndarray:
    """The family (polygon, line, point, or "") of each geometry."""
    ids = shapely.get_type_id(geometries)
    return np.array([_FAMILIES.get(int(i), "") for i in ids], dtype=object)


def _locations(geometries: np.ndarray) -> list[tuple[float, float]]:
    points = shapely.point_on_surface(geometries[:MAX_LISTED])
    return [tuple(xy) for xy in shapely.get_coordinates(points).tolist()]


def _polygonal(geometry):
    """The polygonal part of a repaired geometry (collections mix in lines)."""
    if shapely.get_type_id(geometry) != shapely.GeometryType.GEOMETRYCOLLECTION:
        return geometry
    parts = [
        part
        for part in shapely.get_parts(geometry)
        if shapely.get_type_id(part)
        in (shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON)
    ]
    return shapely.union_all(parts) if parts else None


def _finite(geometries: np.ndarray) -> np.ndarray:
    """Whether every x/y of each geometry is a number (not NaN, not ±inf)."""
    coordinates, index = shapely.get_coordinates(geometries, return_index=True)
    finite = np.ones(len(geometries), dtype=bool)
    finite[index[~np.isfinite(coordinates).all(axis=1)]] = False
    return finite


def _make_valid(geometries: np.ndarray) -> np.ndarray:
    """make_valid, one geometry at a time when GEOS fails on the batch.

    A geometry GEOS cannot repair becomes None (reported as lost).
    """
    try:
        return shapely.make_valid(geometries)
    except shapely.errors.GEOSException:
        repaired = np.empty(len(geometries), dtype=object)
        for index, geometry in enumerate(geometries):
            try:
                repaired[index] = shapely.make_valid(geometry)
            except shapely.errors.GEOSException:
                repaired[index] = None
        return repaired


def geometries_check(
    geometries: np.ndarray,
    ids: np.ndarray,
    *,
    expected: str,
    report: Report,
    to_storage=None,
    unreadable: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Check, reproject and clean one batch of geometries.

    ``to_storage`` reprojects an (n, 2) array of coordinates into EPSG:4326;
    ``unreadable`` marks the features whose geometry GEOS could not read.
    Returns the geometries and a boolean array of the features to keep.
    Missing, unreadable, non-numeric and wrongly typed geometries are reported
    as errors and dropped; Z/M values are flattened and invalid geometries
    repaired, both reported as warnings.
    """
    geometries = np.array(geometries, dtype=object)
    if unreadable is None:
        unreadable = np.zeros(len(geometries), dtype=bool)
    if unreadable.any():
        report.add("unreadable_geometry", features=ids[unreadable])
    missing = (shapely.is_missing(geometries) | shapely.is_empty(geometries)) & (
        ~unreadable
    )
    if missing.any():
        report.add("empty_geometry", features=ids[missing])
    keep = ~missing & ~unreadable
    # NaN passes the range check below (GEOS bounds skip it) and then breaks
    # make_valid; infinities would be called "not on the Earth".
    not_numbers = keep & ~_finite(geometries)
    if not_numbers.any():
        report.add("coordinates_not_numbers", features=ids[not_numbers])
        keep &= ~not_numbers
    measured = keep & (shapely.has_z(geometries) | shapely.has_m(geometries))
    if measured.any():
        geometries[measured] = shapely.force_2d(geometries[measured])
        report.add("flattened", features=ids[measured])
    if to_storage is not None:
        geometries[keep] = shapely.transform(geometries[keep], to_storage)
    bounds = shapely.bounds(geometries)
    with np.errstate(invalid="ignore"):
        in_range = (
            np.isfinite(bounds).all(axis=1)
            & (bounds[:, 0] >= -180)
            & (bounds[:, 2] <= 180)
            & (bounds[:, 1] > -90)
            & (bounds[:, 3] < 90)
        )
    out_of_range = keep & ~in_range
    if out_of_range.any():
        report.add("coordinates_out_of_range", features=ids[out_of_range])
        keep &= ~out_of_range
    invalid = keep & ~shapely.is_valid(geometries)
    if invalid.any():
        repaired = _make_valid(geometries[invalid])
        if expected == Layer.GeometryType.POLYGON:
            repaired = np.array([_polygonal(g) for g in repaired], dtype=object)
        geometries[invalid] = repaired
        lost = invalid & shapely.is_missing(geometries)
        report.add(
            "invalid_geometry",
            features=ids[invalid],
            locations=_locations(geometries[invalid & ~lost]),
        )
        if lost.any():
            report.add("empty_geometry", features=ids[lost])
            keep &= ~lost
    families = geometry_families(geometries)
    # A collection (or a curve GDAL could not linearise) is never right, even
    # in an overlay that has no type yet: maps and notes draw one family.
    wrong = keep & ((families != expected) | (families == ""))
    if wrong.any():
        found = sorted({str(f) or "other" for f in families[wrong]})
        report.add(
            "wrong_geometry_type",
            features=ids[wrong],
            locations=_locations(geometries[wrong]),
            found=", ".join(found),
            expected=expected,
        )
        keep &= ~wrong
    return geometries, keep


def location_check(
    geometries: np.ndarray,
    ids: np.ndarray,
    *,
    area: shapely.Geometry | None,
    outside_code: str,
    partly_code: str,
    report: Report,
) -> np.ndarray | None:
    """Report features outside (error) or partly outside (warning) ``area``.

    Returns which features lie wholly inside (None without an ``area``).
    """
    if area is None or len(geometries) == 0:
        return None
    # The area comes first: its prepared form is what makes this fast.
    inside = shapely.covers(area, geometries)
    if inside.all():
        return inside
    touching = shapely.intersects(area, geometries)
    outside = ~touching
    partly = touching & ~inside
    if outside.any():
        report.add(
            outside_code,
            features=ids[outside],
            locations=_locations(geometries[outside]),
        )
    if partly.any():
        report.add(
            partly_code,
            features=ids[partly],
            locations=_locations(geometries[partly]),
        )
    return inside


# --- checks of the whole stored draft, in PostGIS -----------------------------

_OVERLAPS_SQL = """
WITH pairs AS (
    SELECT a.source_id AS first_id, a.code AS first, b.source_id AS second_id,
           b.code AS second,
           ST_Segmentize(ST_Intersection(a.geom, b.geom), {segment})::geography
             AS shape
    FROM {table} a
    JOIN {table} b
      ON b.version_id = a.version_id AND a.id <> b.id
     AND a.geom_3857 && b.geom_3857
    WHERE a.version_id = %s
      AND {pairs}
      AND ST_Relate(a.geom, b.geom, '2********')
)
SELECT first_id, first, second_id, second, ST_Area(shape) AS area,
       ST_Perimeter(shape), ST_AsGeoJSON(shape, 7)
FROM pairs
ORDER BY area DESC
"""

_GAPS_SQL = """
WITH zoning AS (
    SELECT ST_Union(geom) AS geom FROM {table} WHERE version_id = %s
), gaps AS (
    SELECT (ST_Dump(ST_Difference(ST_GeomFromEWKB(%s), zoning.geom))).geom AS geom
    FROM zoning
)
SELECT ST_Area(ST_Segmentize(geom, {segment})::geography) AS area,
       ST_Perimeter(ST_Segmentize(geom, {segment})::geography),
       ST_AsGeoJSON(geom, 7),
       ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom))
FROM gaps
WHERE ST_Dimension(geom) = 2
ORDER BY area DESC
"""


def _is_sliver(area: float, perimeter: float, tolerance_m2: float) -> bool:
    """Small, or so thin (mean width 2·area/perimeter) that it is only noise."""
    width = 2 * area / perimeter if perimeter else 0.0
    return area < tolerance_m2 or width < WIDTH_TOLERANCE_M


def topology_check(
    *,
    version_id: int,
    perimeter: shapely.Geometry | None,
    report: Report,
    tolerance_m2: float = AREA_TOLERANCE_M2,
    suspects: list[str] | None = None,
    uncovered_m2: float | None = None,
    border_m: float = 0.0,
) -> None:
    """Overlaps between zones and gaps inside ``perimeter``, computed in PostGIS.

    ``suspects`` (source ids) limits the overlap search to pairs with one of
    these zones (see ``coverage.EdgeLedger``); None searches every pair.
    ``uncovered_m2``, the perimeter's area not covered by zones (overlaps not
    yet counted), decides whether the costly union that locates gaps runs.
    Each overlap or gap larger than ``tolerance_m2`` is an error with its area,
    location and shape; smaller or thinner ones are summed up as a warning.
    """
    table = connection.ops.quote_name(Feature._meta.db_table)
    slivers, sliver_area, listed, overlap_area = 0, 0.0, 0, 0.0
    if suspects is None:
        pairs, params = "a.id < b.id", [version_id]
    else:
        pairs = "a.source_id = ANY(%s) AND (a.id < b.id OR b.source_id <> ALL(%s))"
        params = [version_id, suspects, suspects]
    with connection.cursor() as cursor:
        # Right after a bulk load the planner still believes the table is small
        # and would join the version with itself by nested loops over all rows.
        cursor.execute(f"ANALYZE {table}")
        cursor.execute(
            _OVERLAPS_SQL.format(table=table, segment=SEGMENT_DEG, pairs=pairs),
            params,
        )
        for first_id, first, second_id, second, area, length, shape in cursor:
            overlap_area += area
            if _is_sliver(area, length, tolerance_m2):
                slivers += 1
                sliver_area += area
                continue
            listed += 1
            if listed > MAX_ISSUES_PER_KIND:
                continue
            geometry = orjson.loads(shape)
            point = shapely.point_on_surface(shapely.from_geojson(shape))
            report.issues.append(
                Issue(
                    code="zones_overlap",
                    params={
                        "first": f"{first} ({first_id})",
                        "second": f"{second} ({second_id})",
                        "area": f"{area:,.1f}",
                    },
                    features=[first_id, second_id],
                    locations=[[round(point.x, 7), round(point.y, 7)]],
                    count=1,
                    area_m2=round(area, 2),
                    geometry=geometry,
                )
            )
    if slivers:
        report.add("zones_overlap_slivers", count=slivers, area=f"{sliver_area:,.2f}")
    if listed:
        report.summary["overlaps"] = listed
    if perimeter is None:
        report.add("no_perimeter", count=0)
        return
    if uncovered_m2 is not None and (
        uncovered_m2 + overlap_area < tolerance_m2 + WIDTH_TOLERANCE_M * border_m
    ):
        return  # nothing but slivers along the borders: no union needed
    perimeter_ewkb = shapely.to_wkb(perimeter, include_srid=True)
    slivers, sliver_area = 0, 0.0
    with connection.cursor() as cursor:
        cursor.execute(
            _GAPS_SQL.format(table=table, segment=SEGMENT_DEG),
            [version_id, perimeter_ewkb],
        )
        for index, (area, length, shape, x, y) in enumerate(cursor):
            if _is_sliver(area, length, tolerance_m2):
                slivers += 1
                sliver_area += area
                continue
            if index >= MAX_ISSUES_PER_KIND:
                continue
            report.issues.append(
                Issue(
                    code="zoning_gap",
                    params={"area": f"{area:,.1f}"},
                    locations=[[round(x, 7), round(y, 7)]],
                    count=1,
                    area_m2=round(area, 2),
                    geometry=orjson.loads(shape),
                )
            )
    if slivers:
        report.add("zoning_gap_slivers", count=slivers, area=f"{sliver_area:,.2f}")


def report_text(report: dict) -> str:
    """The report as plain text for a terminal, in the active language."""
    lines = []
    summary = report.get("summary", {})
    if summary:
        lines.append(
            gettext("%(features)s features read from %(source)s (EPSG:%(srid)s).")
            % {
                "features": summary.get("features", 0),
                "source": summary.get("source", "?"),
                "srid": summary.get("srid", "?"),
            }
        )
    for issue in report_render(report).get("issues", []):
        label = (
            gettext("ERROR")
            if issue.get("severity") == Severity.ERROR
            else gettext("warning")
        )
        line = f"  {label}: {issue['message']}"
        if issue.get("features"):
            shown = ", ".join(issue["features"][:10])
            more = " …" if len(issue["features"]) > 10 else ""
            line += " [" + gettext("ids: %(ids)s") % {"ids": shown + more} + "]"
        if issue.get("locations"):
            lon, lat = issue["locations"][0]
            line += f" @ {lon:.6f},{lat:.6f}"
        lines.append(line)
    lines.append(
        gettext("%(errors)s errors, %(warnings)s warnings.")
        % {"errors": report.get("errors", 0), "warnings": report.get("warnings", 0)}
    )
    return "\n".join(lines)
