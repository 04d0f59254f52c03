"""XYZ image tiles read from a Cloud-Optimized GeoTIFF in Web Mercator.

A COG written on the GoogleMapsCompatible scheme (``importing/orthophoto.py``)
holds, at each aligned zoom level, the XYZ tiles themselves as WEBP images: a
tile is then a window read of exactly one of the file's tiles, whose bytes are
the answer (no decoding, a ``pread``). At the other levels (overviews below the
aligned ones) the window straddles up to four of the file's tiles, which are
decoded, put together and encoded again.

The file's directory (where each level's tiles lie) is read once per process
and per file version, by this small TIFF/BigTIFF reader: the portal's Python
has no GDAL raster bindings, and running a GDAL tool per tile would cost more
than the tile.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import math
import os
import struct
from pathlib import Path

from PIL import Image

HALF = 20037508.342789244
TILE = 256
WEBP_QUALITY = 80

_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 7: 1, 12: 8, 16: 8}
_TYPE_CODES = {1: "B", 2: "B", 3: "H", 4: "I", 7: "B", 12: "d", 16: "Q"}
_SUBFILE_TYPE, _WIDTH, _HEIGHT = 254, 256, 257
_TILE_WIDTH, _TILE_OFFSETS, _TILE_BYTE_COUNTS = 322, 324, 325
_PIXEL_SCALE, _TIEPOINT = 33550, 33922
_MASK = 4


class NotCloudOptimized(ValueError):
    """The file is not a tiled GeoTIFF in Web Mercator as the portal writes."""


@dataclasses.dataclass(frozen=True)
class Level:
    """One resolution of the file: its zoom and where its tiles lie."""

    zoom: int
    # The level's top-left corner in pixels of its zoom's world grid.
    left: int
    top: int
    width: int
    height: int
    across: int
    offsets: tuple[int, ...]
    counts: tuple[int, ...]

    def tile_bytes(self, fd: int, column: int, row: int) -> bytes | None:
        """The stored bytes of the file's tile (``column``, ``row``), or None."""
        if not (0 <= column < self.across and 0 <= row * TILE < self.height):
            return None
        index = row * self.across + column
        if self.counts[index] == 0:
            return None
        return os.pread(fd, self.counts[index], self.offsets[index])


def _ifds(data: bytes):
    """Every IFD of a TIFF or BigTIFF header block, as {tag: values}."""
    order = {b"II": "<", b"MM": ">"}.get(data[:2])
    if order is None:
        raise NotCloudOptimized("not a TIFF")
    (magic,) = struct.unpack_from(order + "H", data, 2)
    big = magic == 43
    if magic not in (42, 43):
        raise NotCloudOptimized("not a TIFF")
    offset = struct.unpack_from(order + ("Q" if big else "I"), data, 8 if big else 4)[0]
    count_code, entry_size, inline = ("Q", 20, 8) if big else ("H", 12, 4)
    value_code = "Q" if big else "I"
    while offset:
        (entries,) = struct.unpack_from(order + count_code, data, offset)
        start = offset + (8 if big else 2)
        tags = {}
        for number in range(entries):
            at = start + number * entry_size
            tag, kind = struct.unpack_from(order + "HH", data, at)
            (count,) = struct.unpack_from(order + value_code, data, at + 4)
            if kind not in _TYPE_SIZES or kind == 2:
                continue
            where = at + (12 if big else 8)
            if count * _TYPE_SIZES[kind] > inline:
                (where,) = struct.unpack_from(order + value_code, data, where)
            tags[tag] = struct.unpack_from(
                f"{order}{count}{_TYPE_CODES[kind]}", data, where
            )
        yield tags
        (offset,) = struct.unpack_from(
            order + value_code, data, start + entries * entry_size
        )


def _zoom_of(resolution: float) -> int:
    return round(math.log2(2 * HALF / (TILE * resolution)))


@functools.lru_cache(maxsize=64)
def _levels(path: str, _mtime_ns: int, _size: int) -> dict[int, Level]:
    with open(path, "rb") as file:
        # The COG driver writes every directory (and tile index) first.
        data = file.read(1 << 24)
    levels: dict[int, Level] = {}
    origin = scale = full_width = None
    for tags in _ifds(data):
        if tags.get(_SUBFILE_TYPE, (0,))[0] & _MASK or _TILE_OFFSETS not in tags:
            continue
        width, height = tags[_WIDTH][0], tags[_HEIGHT][0]
        if origin is None:
            if _PIXEL_SCALE not in tags or _TIEPOINT not in tags:
                raise NotCloudOptimized("not georeferenced")
            scale, origin, full_width = tags[_PIXEL_SCALE][0], tags[_TIEPOINT], width
        if tags[_TILE_WIDTH][0] != TILE:
            raise NotCloudOptimized("tiles are not 256 pixels wide")
        resolution = scale * full_width / width
        zoom = _zoom_of(resolution)
        world = 2 * HALF / (TILE * 2**zoom)
        levels[zoom] = Level(
            zoom=zoom,
            left=round((origin[3] + HALF) / world),
            top=round((HALF - origin[4]) / world),
            width=width,
            height=height,
            across=math.ceil(width / TILE),
            offsets=tags[_TILE_OFFSETS],
            counts=tags[_TILE_BYTE_COUNTS],
        )
    return levels


def cog_levels(path: Path) -> dict[int, Level]:
    """The levels of the COG at ``path`` by zoom (read once per file version).

    Raises OSError when the file cannot be read, NotCloudOptimized when it is
    not a tiled GeoTIFF.
    """
    stat = os.stat(path)
    return _levels(str(path), stat.st_mtime_ns, stat.st_size)


@functools.cache
def empty_tile() -> bytes:
    """A transparent tile: what a zoom the file has shows where it has no pixel
    (a map asks for every tile its bounding box touches)."""
    out = io.BytesIO()
    Image.new("RGBA", (TILE, TILE)).save(out, "WEBP", lossless=True)
    return out.getvalue()


def cog_tile(path: Path, z: int, x: int, y: int) -> bytes | None:
    """The WEBP image of XYZ tile ``z/x/y`` of the COG at ``path`` (transparent
    where the photo has no pixel), or None when the file has no level at
    that zoom."""
    level = cog_levels(path).get(z)
    if level is None:
        return None
    left, top = x * TILE - level.left, y * TILE - level.top
    if left >= level.width or top >= level.height or left <= -TILE or top <= -TILE:
        return empty_tile()
    fd = os.open(path, os.O_RDONLY)
    try:
        if left % TILE == 0 and top % TILE == 0:
            stored = level.tile_bytes(fd, left // TILE, top // TILE)
        else:
            stored = _tile_composed(level, fd, left, top)
    finally:
        os.close(fd)
    return empty_tile() if stored is None else stored


def _tile_composed(level: Level, fd: int, left: int, top: int) -> bytes | None:
    """The tile whose window starts at (``left``, ``top``) of the level,
    put together from the file's tiles it straddles."""
    canvas = Image.new("RGBA", (TILE, TILE))
    found = False
    for row in range(top // TILE, (top + TILE - 1) // TILE + 1):
        for column in range(left // TILE, (left + TILE - 1) // TILE + 1):
            stored = level.tile_bytes(fd, column, row)
            if stored is None:
                continue
            found = True
            with Image.open(io.BytesIO(stored)) as image:
                canvas.paste(
                    image.convert("RGBA"), (column * TILE - left, row * TILE - top)
                )
    if not found:
        return None
    out = io.BytesIO()
    canvas.save(out, "WEBP", quality=WEBP_QUALITY)
    return out.getvalue()
