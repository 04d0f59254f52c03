"""Coordinate reference systems: names clients send, SRIDs and axis order.

WMS 1.3.0 and WFS URN/URI names follow the EPSG axis order (latitude first for
geographic CRSs); ``CRS:84``, WMS 1.1.1 and WFS's short ``EPSG:4326`` are
longitude first, as GeoServer does and QGIS expects.
"""

from __future__ import annotations

import dataclasses
import functools
import re

from core.replicas import read_connection

# Offered for every layer, besides the layer's own source CRS.
COMMON_SRIDS = (4326, 3857, 26191, 26192, 26194, 26195)

# No EPSG code has more digits (int() refuses thousands of them: a 500).
MAX_CODE_DIGITS = 9
_PATTERNS = (
    (re.compile(r"^EPSG:(\d+)$", re.I), "short"),
    (re.compile(r"^urn:ogc:def:crs:EPSG:[\d.]*:(\d+)$", re.I), "uri"),
    (re.compile(r"^urn:x-ogc:def:crs:EPSG:[\d.]*:(\d+)$", re.I), "uri"),
    (re.compile(r"^https?://www\.opengis\.net/def/crs/EPSG/0/(\d+)$", re.I), "uri"),
    (
        re.compile(r"^https?://www\.opengis\.net/gml/srs/epsg\.xml#(\d+)$", re.I),
        "short",
    ),
)
_CRS84 = re.compile(
    r"^(CRS:84|urn:ogc:def:crs:OGC:1\.3:CRS84|"
    r"https?://www\.opengis\.net/def/crs/OGC/1\.3/CRS84)$",
    re.I,
)


@dataclasses.dataclass(frozen=True)
class Crs:
    """A CRS as named in a request, and whether its first axis is latitude."""

    srid: int
    name: str
    lat_first: bool


@functools.cache
def is_geographic(srid: int) -> bool:
    """Whether EPSG ``srid`` is geographic (lat/lon in the EPSG axis order)."""
    with read_connection().cursor() as cursor:
        cursor.execute("SELECT srtext FROM spatial_ref_sys WHERE srid = %s", [srid])
        row = cursor.fetchone()
    return bool(row and row[0].startswith("GEOGCS"))


@functools.cache
def srid_exists(srid: int) -> bool:
    """Whether PostGIS knows ``srid``."""
    with read_connection().cursor() as cursor:
        cursor.execute("SELECT 1 FROM spatial_ref_sys WHERE srid = %s", [srid])
        return cursor.fetchone() is not None


def is_crs84(name: str) -> bool:
    """Whether ``name`` is one of the names of OGC's CRS:84."""
    return bool(_CRS84.match(name.strip()))


def parse_crs(name: str, *, wms_version: str | None = None) -> Crs | None:
    """The CRS ``name`` designates, or None when the name is not understood.

    ``wms_version`` selects WMS rules (``EPSG:`` short names follow the EPSG
    axis order in 1.3.0 only); otherwise WFS rules apply.
    """
    name = name.strip()
    if is_crs84(name):
        return Crs(4326, name, False)
    for pattern, style in _PATTERNS:
        match = pattern.match(name)
        if match and len(match.group(1)) <= MAX_CODE_DIGITS:
            srid = int(match.group(1))
            if style == "uri" or wms_version == "1.3.0":
                lat_first = is_geographic(srid)
            else:
                lat_first = False
            return Crs(srid, name, lat_first)
    return None


def transform_bbox(
    bbox: tuple[float, float, float, float], srid: int
) -> tuple[float, float, float, float]:
    """The envelope in ``srid`` of the lon/lat ``bbox`` (edges densified)."""
    from django.contrib.gis.geos import Polygon

    if srid == 4326:
        return tuple(bbox)
    minx, miny, maxx, maxy = bbox
    steps = 16
    ring = (
        [(minx + (maxx - minx) * i / steps, miny) for i in range(steps)]
        + [(maxx, miny + (maxy - miny) * i / steps) for i in range(steps)]
        + [(maxx - (maxx - minx) * i / steps, maxy) for i in range(steps)]
        + [(minx, maxy - (maxy - miny) * i / steps) for i in range(steps)]
    )
    ring.append(ring[0])
    polygon = Polygon(ring, srid=4326)
    return polygon.transform(srid, clone=True).extent


def axis_ordered(
    bbox: tuple[float, float, float, float], lat_first: bool
) -> tuple[float, float, float, float]:
    """``bbox`` (x/y order) swapped to lat/lon when the CRS puts latitude first."""
    if lat_first:
        return (bbox[1], bbox[0], bbox[3], bbox[2])
    return tuple(bbox)
