"""The geometry of published layer versions, in memory, for Web Mercator maps.

A version's features never change once it is created; only drafts are
replaced before they are published (``layers.services``). So each web worker
may keep the EPSG:3857 geometry of the versions it draws: coordinates and
ring offsets as flat arrays (GeoArrow's layout), each feature's zone code,
own category and label point, and an index of their boxes. A map image then
reads no geometry from PostgreSQL: the index finds the features whose boxes
meet the view, numpy moves their rings to pixels, snaps them to the
pixel-centre grid and drops the vertices that fall together — what the
PostGIS query of ``ows.render`` does, without a round trip or WKB to walk
(a z14 tile of the benchmark zones: 2.1 instead of 3.7 ms from query to
drawn image). Skia leaves out what lies outside the image. The 50,000
benchmark zones (350,000 coordinates) take ≈ 12 MB of arrays.

Only polygon layers come here, and only while they fit: versions of more
than ``MAX_FEATURES`` features, with a feature of more than
``MAX_FEATURE_COORDINATES`` vertices (clipping it in PostGIS is cheaper
than moving all of it), or beyond the worker's budget of
``settings.OWS_MAP_CACHE_COORDINATES`` (least recently drawn versions go
first) are drawn through PostGIS, as are drafts and other CRSs. The first
map of a version loads it (the 50,000 benchmark zones: ≈ 0.3 s).
"""

from __future__ import annotations

import collections
import dataclasses
import threading

import numpy as np
import shapely
from django.conf import settings

from core.replicas import read_connection
from layers.models import LayerVersion
from ows import paths

MAX_FEATURES = 200_000
MAX_FEATURE_COORDINATES = 10_000

_LOAD_SQL = """
SELECT f.category, f.code, ST_AsBinary(f.geom_3857)
FROM layers_feature f
WHERE f.version_id = %s AND NOT ST_IsEmpty(f.geom_3857)
ORDER BY f.id
"""


class BoxIndex:
    """The features' bounding boxes, and which of them meet a box, in numpy.

    GEOS geometries (and an STRtree of them) weigh about as much as small
    polygons themselves, ten times their coordinates; these arrays weigh 40
    bytes a feature. Boxes are sorted by their west edge: the candidates for
    a query are a strip as wide as the widest box, so the few boxes far wider
    than the others are set apart and tested every time.
    """

    def __init__(self, bounds: np.ndarray) -> None:
        widths = bounds[:, 2] - bounds[:, 0]
        wide = widths > 8 * np.median(widths)
        self.wide = np.flatnonzero(wide)
        self.wide_bounds = bounds[self.wide]
        narrow = np.flatnonzero(~wide)
        self.order = narrow[np.argsort(bounds[narrow, 0], kind="stable")]
        self.bounds = np.ascontiguousarray(bounds[self.order].T)  # 4 rows
        self.width = widths[narrow].max() if len(narrow) else 0.0

    def query(self, minx: float, miny: float, maxx: float, maxy: float):
        """The indexes of the boxes that meet this one (edges included)."""
        west, south, east, north = self.bounds
        first = np.searchsorted(west, minx - self.width)
        last = np.searchsorted(west, maxx, side="right")
        strip = slice(first, last)
        meets = (east[strip] >= minx) & (south[strip] <= maxy) & (north[strip] >= miny)
        hits = self.order[first + np.flatnonzero(meets)]
        if len(self.wide):
            w = self.wide_bounds
            also = (w[:, 0] <= maxx) & (w[:, 2] >= minx)
            also &= (w[:, 1] <= maxy) & (w[:, 3] >= miny)
            hits = np.concatenate((hits, self.wide[also]))
        return hits

    @property
    def size(self) -> int:
        return len(self.order) + len(self.wide)


@dataclasses.dataclass(frozen=True)
class VersionGeometry:
    """One version's polygons in EPSG:3857: flat arrays and a box index."""

    index: BoxIndex
    coords: np.ndarray  # (n, 2) float64, every ring closed (GeoArrow)
    ring_offsets: np.ndarray  # ring i: coords[ring_offsets[i]:ring_offsets[i+1]]
    feature_rings: np.ndarray  # feature j: rings feature_rings[j]…[j+1]
    codes: np.ndarray  # zone code of each feature (str objects)
    # Each feature's (own category or "", zone code) as an index into
    # ``kinds``: a feature's category is its own, else its code's rule's.
    kind: np.ndarray
    kinds: list[tuple[str, str]]
    # Where codes are written: each feature's area (m², 0 without a code)
    # and a point on its surface.
    areas: np.ndarray
    label_points: np.ndarray

    @classmethod
    def from_rows(cls, rows) -> VersionGeometry | None:
        """From (category, code, EPSG:3857 WKB) rows; None if they are not
        all polygons, or a feature is too large to be worth it."""
        geoms = shapely.from_wkb([bytes(row[2]) for row in rows])
        if not len(geoms) or not np.isin(shapely.get_type_id(geoms), (3, 6)).all():
            return None
        if shapely.get_num_coordinates(geoms).max() > MAX_FEATURE_COORDINATES:
            return None
        _kind, coords, offsets = shapely.to_ragged_array(geoms)
        kinds: dict[tuple[str, str], int] = {}
        # Polygons: feature → rings; multipolygons: feature → polygons → rings.
        rings = offsets[1] if len(offsets) == 2 else offsets[1][offsets[2]]
        codes = [row[1] for row in rows]
        named = np.array([bool(code) for code in codes])
        return cls(
            index=BoxIndex(shapely.bounds(geoms)),
            coords=coords,
            ring_offsets=offsets[0],
            feature_rings=rings,
            codes=np.array(codes, dtype=object),
            kind=np.array(
                [kinds.setdefault((row[0] or "", row[1]), len(kinds)) for row in rows]
            ),
            kinds=list(kinds),
            areas=np.where(named, shapely.area(geoms), 0.0),
            label_points=shapely.get_coordinates(shapely.point_on_surface(geoms)),
        )

    @property
    def size(self) -> int:
        """What it weighs against the budget: its coordinates (16 bytes
        each, and about a hundred a feature for the other arrays)."""
        return len(self.coords)

    def shapes(self, view, categories, *, labels: bool) -> paths.Shapes | None:
        """The features whose boxes meet ``view`` (EPSG:3857), in pixels,
        their rings grouped by category (own, else ``categories`` by zone
        code); None if there are none."""
        hits = self.index.query(view.minx, view.miny, view.maxx, view.maxy)
        sx = view.width / (view.maxx - view.minx)
        sy = view.height / (view.maxy - view.miny)
        codes = self._labels(view, sx, sy) if labels else []
        if not len(hits):
            return paths.Shapes(paths.NO_RINGS, [], labels=codes) if codes else None
        hits.sort()  # the features' order, as the query's
        # Categories by kind (a few dozen), then each feature's.
        names: dict[str, int] = {}
        category_of_kind = np.array(
            [
                names.setdefault(own or categories.get(code, ""), len(names))
                for own, code in self.kinds
            ]
        )
        group = category_of_kind[self.kind[hits]]
        order = np.argsort(group, kind="stable")
        features = hits[order]
        # The rings of those features, and the coordinates of those rings
        # without their closing point (the close verb draws that edge).
        first, last = self.feature_rings[features], self.feature_rings[features + 1]
        rings = _ranges(first, last - first)
        rings_of_group = np.repeat(group[order], last - first)
        starts = self.ring_offsets[rings]
        sizes = self.ring_offsets[rings + 1] - starts - 1
        coords = self.coords[_ranges(starts, sizes)]
        pixels = np.empty(coords.shape, np.float32)
        # Snapped to the pixel-centre grid, as ST_SnapToGrid(…, 0.5, 0.5, 1, 1).
        pixels[:, 0] = np.floor((coords[:, 0] - view.minx) * sx) + 0.5
        pixels[:, 1] = np.floor((view.maxy - coords[:, 1]) * sy) + 0.5
        rings_at = np.cumsum(sizes) - sizes
        # Vertices that fell on the previous one of their ring go.
        repeated = np.zeros(len(pixels), bool)
        repeated[1:] = (pixels[1:] == pixels[:-1]).all(axis=1)
        repeated[rings_at] = False
        kept = np.bincount(
            np.repeat(np.arange(len(sizes)), sizes), ~repeated, minlength=len(sizes)
        ).astype(np.int64)
        # Rings that collapsed to fewer than 3 points go too.
        whole = kept >= 3
        keep = ~repeated & np.repeat(whole, sizes)
        bounds = np.concatenate(
            ([0], np.cumsum(np.bincount(rings_of_group[whole], minlength=len(names))))
        )
        return paths.Shapes(
            paths.Gathered(pixels[keep], kept[whole], closed=True),
            [
                (name, int(bounds[index]), int(bounds[index + 1]))
                for index, name in enumerate(names)
                if bounds[index] < bounds[index + 1]
            ],
            labels=codes,
        )

    def _labels(self, view, sx: float, sy: float) -> list[tuple[str, float, float]]:
        """(code, x, y) in pixels of the zones to label: big enough, and near
        enough for their text to reach into the view."""
        reach_x, reach_y = paths.LABEL_REACH / sx, paths.LABEL_REACH / sy
        near = self.index.query(
            view.minx - reach_x,
            view.miny - reach_y,
            view.maxx + reach_x,
            view.maxy + reach_y,
        )
        near.sort()
        shown = near[self.areas[near] * (sx * sy) >= paths.LABEL_MIN_AREA]
        xs = (self.label_points[shown, 0] - view.minx) * sx
        ys = (view.maxy - self.label_points[shown, 1]) * sy
        return list(
            zip(self.codes[shown].tolist(), xs.tolist(), ys.tolist(), strict=True)
        )


def _ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The indexes starts[i] … starts[i] + counts[i] - 1, for every i."""
    before = np.cumsum(counts) - counts
    return np.repeat(starts - before, counts) + np.arange(int(counts.sum()))


class _Cache:
    """Versions' geometry by key, least recently drawn first out."""

    def __init__(self) -> None:
        self.entries: collections.OrderedDict = collections.OrderedDict()
        self.refused: set = set()
        self.lock = threading.Lock()

    def get(self, version_id: int, key: tuple) -> VersionGeometry | None:
        with self.lock:
            geometry = self.entries.get(key)
            if geometry is not None:
                self.entries.move_to_end(key)
                return geometry
            if key in self.refused:
                return None
        geometry = self._load(version_id, key)
        with self.lock:
            if geometry is None:
                self.refused.add(key)
                return None
            self.entries[key] = geometry
            budget = settings.OWS_MAP_CACHE_COORDINATES
            while sum(entry.size for entry in self.entries.values()) > budget:
                self.entries.popitem(last=False)
            return self.entries.get(key)

    @staticmethod
    def _load(version_id: int, key: tuple) -> VersionGeometry | None:
        _id, _created, feature_count = key
        if feature_count > MAX_FEATURES:
            return None
        with read_connection().cursor() as cursor:
            cursor.execute(_LOAD_SQL, [version_id])
            rows = cursor.fetchall()
        geometry = VersionGeometry.from_rows(rows)
        if geometry is None or geometry.size > settings.OWS_MAP_CACHE_COORDINATES:
            return None
        return geometry


_CACHE = _Cache()


def version_key(version: LayerVersion) -> tuple | None:
    """What identifies ``version``'s features for good (a version's id is
    never given to other features; its creation time tells it from one a
    test database reused the id for); None for a draft, whose features may
    still be replaced."""
    if version.status == LayerVersion.Status.DRAFT:
        return None
    return (version.pk, version.created_at, version.feature_count)


def version_geometry(version_id: int, key: tuple) -> VersionGeometry | None:
    """The geometry of a version that can no longer change, identified by
    ``key`` (its id, creation time and feature count: never reused for other
    features), loaded on first use; None if it is not kept in memory."""
    return _CACHE.get(version_id, key)
