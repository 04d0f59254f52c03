"""Skia paths built from WKB by arrays are the paths the documented API builds."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import shapely
import skia

from ows import paths

POLYGON_WITH_HOLE = shapely.Polygon(
    [(0, 0), (10, 0), (10, 10), (0, 10)], [[(2, 2), (4, 2), (4, 4), (2, 4)]]
)
GEOMETRIES = [
    POLYGON_WITH_HOLE,
    shapely.MultiPolygon([POLYGON_WITH_HOLE, shapely.box(20.5, 20.5, 30.25, 25)]),
    shapely.GeometryCollection(
        [
            shapely.box(40, 40, 41, 41),
            shapely.LineString([(0, 50), (5, 55), (9.5, 50)]),
            shapely.Point(7, 8),
        ]
    ),
    shapely.MultiLineString([[(0, 0), (1, 1)], [(2, 2), (3, 3), (4, 2)]]),
]


def documented(rings, *, closed: bool) -> skia.Path:
    """The path of ``rings`` through moveTo/lineTo/close."""
    path = skia.Path()
    path.setFillType(
        skia.PathFillType.kEvenOdd if closed else skia.PathFillType.kWinding
    )
    for ring in rings:
        coords = ring[:-1] if closed else ring
        path.moveTo(*coords[0])
        for x, y in coords[1:]:
            path.lineTo(x, y)
        if closed:
            path.close()
    return path


def walked(geometries):
    chains = paths.Chains()
    wkbs = [shapely.to_wkb(g, byte_order=1) for g in geometries]
    base = 0
    for wkb in wkbs:
        assert paths.walk(wkb, base, chains) == len(wkb)
        base += len(wkb)
    return np.frombuffer(b"".join(wkbs), np.uint8), chains


def parts_of(geometries, kind):
    parts = shapely.get_parts(shapely.get_parts(geometries))
    return [p for p in parts if shapely.get_type_id(p) == kind]


def rings_of(polygons):
    return [
        np.asarray(ring.coords)
        for polygon in polygons
        for ring in [polygon.exterior, *polygon.interiors]
    ]


def test_the_layout_of_this_skia_is_the_one_paths_writes():
    # If a skia-python release changes how paths are laid out in memory,
    # paths are built the slow way (and correctly); this says it happened.
    assert paths._layout_is_known()


@pytest.mark.parametrize("fast", [True, False], ids=["layout", "documented-api"])
def test_rings_lines_and_points_come_out_of_the_wkb(fast, monkeypatch):
    if not fast:
        monkeypatch.setattr(paths, "_layout_is_known", lambda: False)
    buffer, chains = walked(GEOMETRIES)
    rings = paths.gather(buffer, chains.ring_starts, chains.ring_counts)[0].path()
    assert rings == documented(rings_of(parts_of(GEOMETRIES, 3)), closed=True)
    assert rings.getFillType() == skia.PathFillType.kEvenOdd
    lines = paths.gather(buffer, chains.line_starts, chains.line_counts, closed=False)[
        0
    ].path()
    expected = [np.asarray(line.coords) for line in parts_of(GEOMETRIES, 1)]
    assert lines == documented(expected, closed=False)
    centres = paths.coordinates(buffer, chains.points, [1] * len(chains.points))
    assert centres.tolist() == [[7.0, 8.0]]


def test_collapsed_rings_are_left_out():
    # Simplifying and snapping to pixels can leave a ring of two distinct
    # points: it draws nothing, the other rings still do.
    degenerate = shapely.from_wkt(
        "GEOMETRYCOLLECTION(POLYGON((0 0, 1 1, 0 0)), POLYGON((5 5, 6 5, 6 6, 5 5)))"
    )
    buffer, chains = walked([degenerate])
    rings = paths.gather(buffer, chains.ring_starts, chains.ring_counts)[0].path()
    assert rings == documented([[(5, 5), (6, 5), (6, 6), (5, 5)]], closed=True)


def test_wkb_with_z_or_big_endian_is_refused():
    chains = paths.Chains()
    with pytest.raises(paths.WkbError):
        paths.walk(shapely.to_wkb(shapely.Point(1, 2, 3), flavor="iso"), 0, chains)
    with pytest.raises(paths.WkbError):
        paths.walk(shapely.to_wkb(shapely.Point(1, 2), byte_order=0), 0, chains)


def test_edges_shared_by_adjacent_rings_are_drawn_once():
    # Two zones side by side on the pixel-centre grid share one edge: 7
    # segments, not 8, and each of the 7 edges is there.
    left = shapely.box(0.5, 0.5, 10.5, 10.5)
    right = shapely.box(10.5, 0.5, 20.5, 10.5)
    buffer, chains = walked([left, right])
    rings, _kept = paths.gather(buffer, chains.ring_starts, chains.ring_counts)
    outline = rings.edges_once()
    assert outline.countVerbs() == 2 * 7
    points = [(p.x(), p.y()) for p in outline.getPoints(outline.countPoints())]
    segments = {tuple(sorted(points[i : i + 2])) for i in range(0, len(points), 2)}
    expected = {
        tuple(sorted(pair))
        for ring in (left, right)
        for pair in itertools.pairwise(ring.exterior.coords)
    }
    assert segments == expected
    assert ((10.5, 0.5), (10.5, 10.5)) in segments


def test_edges_off_the_pixel_grid_are_not_merged():
    buffer, chains = walked([shapely.box(0.25, 0, 10, 10)])
    rings, _kept = paths.gather(buffer, chains.ring_starts, chains.ring_counts)
    assert rings.edges_once() is None
