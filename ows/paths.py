"""Skia paths straight from PostGIS's WKB, without a Python call per vertex.

A map tile holds hundreds to thousands of vertices. Building skia paths with
``moveTo``/``lineTo`` (or ``addPoly``, which wants ``skia.Point`` objects)
costs about a microsecond per vertex in Python — more than drawing them.
Here Python only walks the WKB headers (one step per ring or line) to note
where each chain's coordinates are; numpy gathers the coordinates of all
chains at once and lays out the path's points and verbs, and skia reads them
with ``Path.readFromMemory``.

That memory layout is skia's own and not a documented interface, so it is
checked once against the documented API (``moveTo``/``lineTo``/``close``) on
a sample path; if a skia release changes it, paths are built the slow,
documented way from the same arrays, and the test suite says so.
"""

from __future__ import annotations

import dataclasses
import functools
import struct

import numpy as np
import shapely
import skia

_HEAD = struct.Struct("<BI").unpack_from  # byte order, geometry type
_COUNT = struct.Struct("<I").unpack_from
_PATH_HEADER = struct.Struct("<4i")  # packed version/fill type, points, conics, verbs
_PATH_VERSION = 5
MOVE, LINE, CLOSE = 0, 1, 5
POINT_BYTES = 16  # two little-endian float64
LABEL_MIN_AREA = 900.0  # px²: smaller zones stay unlabelled
# How far (px) a zone code's text may reach from its anchor. The codes of
# zones that far outside a view are written too, so that a label across the
# edge of two map tiles is whole on both.
LABEL_REACH = 48.0


class WkbError(ValueError):
    """WKB this reader does not take (big-endian, or with Z/M)."""


@dataclasses.dataclass
class Chains:
    """Where the coordinates of rings, lines and points are in a WKB buffer.

    Offsets are byte offsets of a chain's first coordinate; counts are in
    points. Fed by :func:`walk`, one call per geometry.
    """

    ring_starts: list[int] = dataclasses.field(default_factory=list)
    ring_counts: list[int] = dataclasses.field(default_factory=list)
    line_starts: list[int] = dataclasses.field(default_factory=list)
    line_counts: list[int] = dataclasses.field(default_factory=list)
    points: list[int] = dataclasses.field(default_factory=list)


def walk(wkb: bytes, base: int, chains: Chains, offset: int = 0) -> int:
    """Note the chains of the 2D little-endian WKB geometry at ``offset`` of
    ``wkb``, as offsets into a buffer where ``wkb`` starts at ``base``.

    Returns the offset just past the geometry. Raises WkbError.
    """
    order, kind = _HEAD(wkb, offset)
    if order != 1 or kind > 7:
        raise WkbError(f"unsupported WKB (byte order {order}, type {kind})")
    offset += 5
    if kind == 3:  # polygon: its rings
        (rings,) = _COUNT(wkb, offset)
        offset += 4
        for _ in range(rings):
            (count,) = _COUNT(wkb, offset)
            chains.ring_starts.append(base + offset + 4)
            chains.ring_counts.append(count)
            offset += 4 + POINT_BYTES * count
    elif kind == 2:
        (count,) = _COUNT(wkb, offset)
        chains.line_starts.append(base + offset + 4)
        chains.line_counts.append(count)
        offset += 4 + POINT_BYTES * count
    elif kind == 1:
        chains.points.append(base + offset)
        offset += POINT_BYTES
    else:  # multi-geometries and collections: their members
        (members,) = _COUNT(wkb, offset)
        offset += 4
        for _ in range(members):
            offset = walk(wkb, base, chains, offset)
    return offset


def coordinates(buffer: np.ndarray, starts, counts) -> np.ndarray:
    """The (n, 2) float64 coordinates of chains of ``buffer`` (uint8), in order."""
    starts = np.asarray(starts, np.int64)
    sizes = np.asarray(counts, np.int64) * POINT_BYTES
    before = np.cumsum(sizes) - sizes
    index = np.repeat(starts - before, sizes) + np.arange(int(sizes.sum()))
    return buffer[index].view("<f8").reshape(-1, 2)


@dataclasses.dataclass(frozen=True)
class Gathered:
    """The coordinates of chains, gathered: float32 ``points`` (n, 2), the
    number of points of each chain (``sizes``), and whether they are rings
    (each without the repeated closing point; the close verb draws that edge).
    """

    points: np.ndarray
    sizes: np.ndarray
    closed: bool

    @functools.cached_property
    def offsets(self) -> np.ndarray:
        """Where each chain's points start, and the total, in ``points``."""
        return np.concatenate(([0], np.cumsum(self.sizes)))

    @functools.cached_property
    def verbs(self) -> np.ndarray:
        """The path verbs of all chains: move, lines, and close for rings."""
        steps = self.sizes + 1 if self.closed else self.sizes  # verbs per chain
        verbs = np.full(int(steps.sum()), LINE, np.uint8)
        firsts = np.cumsum(steps) - steps
        verbs[firsts] = MOVE
        if self.closed:
            verbs[firsts + self.sizes] = CLOSE
        return verbs

    def path(self, first: int = 0, last: int | None = None) -> skia.Path:
        """The path of chains ``first`` … ``last`` (excluded; None: all):
        even-odd rings, or lines."""
        last = len(self.sizes) if last is None else last
        start, end = self.offsets[first], self.offsets[last]
        points = self.points[start:end]
        if self.closed:  # a ring has a verb more than points (close)
            verbs = self.verbs[start + first : end + last]
            return from_arrays(points, verbs, skia.PathFillType.kEvenOdd)
        return from_arrays(points, self.verbs[start:end], skia.PathFillType.kWinding)

    def edges_once(self) -> skia.Path | None:
        """The edges of the rings as separate segments, each edge shared by
        two rings (adjacent zones) only once; None when the points are not
        all on the half-pixel grid of a map image (then draw ``path()``).

        An antialiased 1-pixel outline costs skia per segment, and adjacent
        zones share most of their edges: this halves the outline's work.
        """
        doubled = np.rint(self.points * 2).astype(np.int64)
        if not len(doubled) or not np.array_equal(doubled, self.points * 2):
            return None
        low = doubled.min()
        if doubled.max() - low >= 1 << 15:  # two points of 15 bits: an int64
            return None
        keys = (doubled[:, 0] - low) << 15 | (doubled[:, 1] - low)
        following = np.arange(1, len(keys) + 1)
        following[self.offsets[1:] - 1] = self.offsets[:-1]  # closing edges
        start, end = keys, keys[following]
        # An edge is its two points' keys, the smaller first; sorted unique
        # edges give their points back.
        edges = np.unique(np.minimum(start, end) << 30 | np.maximum(start, end))
        ends = np.empty(2 * len(edges), np.int64)
        ends[0::2], ends[1::2] = edges >> 30, edges & ((1 << 30) - 1)
        segments = np.empty((len(ends), 2), np.float32)
        segments[:, 0] = ((ends >> 15) + low) / 2
        segments[:, 1] = ((ends & ((1 << 15) - 1)) + low) / 2
        verbs = np.tile(np.array([MOVE, LINE], np.uint8), len(edges))
        return from_arrays(segments, verbs, skia.PathFillType.kWinding)


@dataclasses.dataclass
class Shapes:
    """A layer's features in a view, in pixels, ready to draw.

    ``rings`` are grouped by category: ``groups`` holds (category, first
    ring, last ring excluded). ``points`` are (category, centres (n, 2));
    ``labels`` (code, x, y) are filled only at label scales.
    """

    rings: Gathered
    groups: list[tuple[str, int, int]]
    lines: Gathered | None = None
    points: list[tuple[str, np.ndarray]] = dataclasses.field(default_factory=list)
    labels: list[tuple[str, float, float]] = dataclasses.field(default_factory=list)


NO_RINGS = Gathered(np.empty((0, 2), np.float32), np.empty(0, np.int64), True)


def gather(
    buffer: np.ndarray, starts: list[int], counts: list[int], *, closed: bool = True
) -> tuple[Gathered, np.ndarray]:
    """The chains of ``buffer``: rings (``closed``) or lines, and the mask of
    those kept. Rings of fewer than 3 distinct points and lines of fewer than
    2 are left out (simplifying and snapping to pixels collapses some)."""
    counts = np.asarray(counts, np.int64)
    starts = np.asarray(starts, np.int64)
    if closed:
        keep = counts >= 4  # a WKB ring repeats its first point last
        used = counts[keep] - 1
    else:
        keep = counts >= 2
        used = counts[keep]
    points = coordinates(buffer, starts[keep], used).astype(np.float32)
    return Gathered(points, used, closed), keep


def from_arrays(
    points: np.ndarray, verbs: np.ndarray, fill: skia.PathFillType
) -> skia.Path:
    """A path of move/line/close ``verbs`` over float32 ``points`` (n, 2)."""
    if _layout_is_known():
        result = skia.Path()
        if result.readFromMemory(_layout(points, verbs, fill)):
            return result
    return _built(points, verbs, fill)


def _layout(points: np.ndarray, verbs: np.ndarray, fill: skia.PathFillType) -> bytes:
    head = _PATH_HEADER.pack(
        _PATH_VERSION | (int(fill) << 8), len(points), 0, len(verbs)
    )
    padding = b"\0" * (-len(verbs) % 4)
    return b"".join((head, points.tobytes(), verbs.tobytes(), padding))


def _built(points: np.ndarray, verbs: np.ndarray, fill: skia.PathFillType):
    """The same path through the documented API (slow: a call per vertex)."""
    result = skia.Path()
    result.setFillType(fill)
    xy = iter(points.tolist())
    for verb in verbs.tolist():
        if verb == MOVE:
            result.moveTo(*next(xy))
        elif verb == LINE:
            result.lineTo(*next(xy))
        else:
            result.close()
    return result


@functools.cache
def _layout_is_known() -> bool:
    """Whether this skia reads the layout of :func:`_layout` (checked once)."""
    points = np.array([[0, 0], [4, 0], [4, 3], [1.5, 7.25], [9, 9]], np.float32)
    verbs = np.array([MOVE, LINE, LINE, CLOSE, MOVE, LINE], np.uint8)
    fill = skia.PathFillType.kEvenOdd
    candidate = skia.Path()
    if not candidate.readFromMemory(_layout(points, verbs, fill)):
        return False
    expected = _built(points, verbs, fill)
    return candidate == expected and bytes(candidate.serialize()) == bytes(
        expected.serialize()
    )


def label_anchors(geoms: np.ndarray, codes, pixel_area: float) -> list:
    """(code, x, y) of the zones worth a label: named, and of at least
    LABEL_MIN_AREA pixels (``pixel_area``: the area of a pixel in the
    geometries' units); x, y in the geometries' coordinates."""
    named = np.array([bool(code) for code in codes], bool)
    areas = shapely.area(geoms) / pixel_area
    shown = np.flatnonzero(named & (areas >= LABEL_MIN_AREA))
    anchors = shapely.get_coordinates(shapely.point_on_surface(geoms[shown]))
    return [
        (codes[index], x, y)
        for (x, y), index in zip(anchors.tolist(), shown.tolist(), strict=True)
    ]
