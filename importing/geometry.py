"""Checks of each batch of geometries while an upload streams (vectorised).

Missing, unreadable, non-numeric, out-of-range and wrongly typed geometries are
dropped with an error; Z/M values are flattened and invalid geometries repaired
with a warning; features outside an area (the agency territory, the document
perimeter) are reported. The checks that need every feature at once — zones
that overlap, gaps in the zoning — run later in PostGIS on the stored draft
(``layers.imports.topology``).
"""

from __future__ import annotations

import numpy as np
import shapely

from importing.issues import MAX_LISTED, Report
from importing.vocabulary import Family

AREA_TOLERANCE_M2 = 1.0  # overlaps and gaps smaller than this are slivers
EDGE_TOLERANCE_DEG = 1e-5  # about a metre: borders that only touch are inside

_FAMILIES = {
    shapely.GeometryType.POINT: Family.POINT,
    shapely.GeometryType.MULTIPOINT: Family.POINT,
    shapely.GeometryType.LINESTRING: Family.LINE,
    shapely.GeometryType.MULTILINESTRING: Family.LINE,
    shapely.GeometryType.POLYGON: Family.POLYGON,
    shapely.GeometryType.MULTIPOLYGON: Family.POLYGON,
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
        if expected == Family.POLYGON:
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
