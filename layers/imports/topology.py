"""Overlaps and gaps of a zoning, computed in PostGIS on the stored draft.

The per-batch checks (``importing.geometry``) see one batch at a time; whether
zones overlap or leave gaps inside the document perimeter needs every feature
of the version at once, so it is asked of the database, on the features the
import has just written. This is the one place with raw SQL for those checks.
"""

from __future__ import annotations

import orjson
import shapely
from django.db import connection

from importing.geometry import AREA_TOLERANCE_M2
from importing.issues import Issue, Report
from layers.models import Feature

MAX_ISSUES_PER_KIND = 50  # overlaps/gaps listed one by one
WIDTH_TOLERANCE_M = 0.05  # thinner ones are slivers too (digitising, datum noise)
# Geodesic areas of shapes stored in lon/lat are computed after densifying their
# edges (about 100 m): a long straight lon/lat edge is not a geodesic, and on a
# sliver along a 10 km border the difference would dominate the area.
SEGMENT_DEG = 0.001

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
