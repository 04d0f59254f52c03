"""Coordinates as people type them into the search box.

WGS 84 in decimal degrees ("33.9716, -6.8498" or "-6.8498 33.9716") or in
degrees-minutes-seconds ("33°58'17.8\"N 6°50'59.3\"W", "O" for Ouest), and
Moroccan Lambert metres ("x y", tried in Nord Maroc and Sud Maroc). Every
candidate comes back as a WGS 84 point with the CRS it was read in.
"""

from __future__ import annotations

import dataclasses
import re

from django.contrib.gis.geos import Point
from django.utils.translation import gettext_lazy as _

from core.i18n import ascii_number

_NUMBER = r"[+-]?\d+(?:\.\d+)?"
_PAIR = re.compile(rf"^\s*({_NUMBER})\s*(?:[,;]\s*|\s+)({_NUMBER})\s*$")
_DMS = re.compile(
    r"(?P<before>[NSEWO])?\s*"
    r"(?P<deg>\d+(?:[.,]\d+)?)\s*[°º]\s*"
    r"(?:(?P<min>\d+(?:[.,]\d+)?)\s*['′’]\s*)?"
    r"(?:(?P<sec>\d+(?:[.,]\d+)?)\s*(?:\"|″|''|”)\s*)?"
    r"(?P<after>[NSEWO])?",
    re.IGNORECASE,
)

# Projected CRSs a Moroccan surveyor writes x/y in, with where they apply
# (rough WGS 84 boxes: west, south, east, north) to reject absurd readings.
LAMBERT_ZONES = (
    (26191, _("Lambert Nord Maroc"), (-14.5, 27.0, -0.9, 36.0)),
    (26192, _("Lambert Sud Maroc"), (-17.5, 20.5, -0.9, 32.0)),
)
MOROCCO = (-17.5, 20.5, -0.9, 36.0)


@dataclasses.dataclass(frozen=True)
class CoordinateReading:
    """One way of reading the typed text: a WGS 84 point and the source CRS."""

    point: Point  # EPSG:4326, x = longitude
    crs_label: str
    srid: int


def _inside(lon: float, lat: float, box: tuple[float, float, float, float]) -> bool:
    west, south, east, north = box
    return west <= lon <= east and south <= lat <= north


def _wgs84(lon: float, lat: float) -> CoordinateReading:
    return CoordinateReading(Point(lon, lat, srid=4326), "WGS 84", 4326)


def _decimal(a: float, b: float) -> list[CoordinateReading]:
    # "lat, lon" is what phones and web maps copy; "lon lat" is accepted
    # when only that order falls in Morocco or is valid at all.
    if abs(a) <= 90 and abs(b) <= 180 and not _inside(a, b, MOROCCO):
        return [_wgs84(b, a)]
    if abs(b) <= 90 and abs(a) <= 180:
        return [_wgs84(a, b)]
    return []


def _lambert(x: float, y: float) -> list[CoordinateReading]:
    readings = []
    for srid, label, box in LAMBERT_ZONES:
        point = Point(x, y, srid=srid)
        point.transform(4326)
        if _inside(point.x, point.y, box):
            readings.append(CoordinateReading(point, str(label), srid))
    return readings


def _dms_value(match: re.Match, hemisphere: str) -> float:
    def number(text: str | None) -> float:
        return float(text.replace(",", ".")) if text else 0.0

    value = (
        number(match["deg"]) + number(match["min"]) / 60 + number(match["sec"]) / 3600
    )
    return -value if hemisphere in {"S", "W", "O"} else value


def _dms(text: str) -> list[CoordinateReading]:
    matches = [m for m in _DMS.finditer(text) if m["deg"]]
    if len(matches) != 2:
        return []
    one, two = matches
    h1 = (one["before"] or one["after"] or "").upper()
    h2 = (two["before"] or two["after"] or "").upper()
    if one["before"] and one["after"] and not h2:
        # "N33°58' W6°51'": the letter after the first value opens the second.
        h1, h2 = one["before"].upper(), one["after"].upper()
    first, second = _dms_value(one, h1), _dms_value(two, h2)
    if h1 in {"E", "W", "O"} or h2 in {"N", "S"}:
        first, second = second, first
    if abs(first) > 90 or abs(second) > 180:
        return []
    if not (h1 or h2) and second > 0 and _inside(-second, first, MOROCCO):
        second = -second  # Morocco is west of Greenwich: "6°50' " means west
    return [_wgs84(second, first)]


def coordinates_parse(text: str) -> list[CoordinateReading]:
    """Every plausible reading of ``text`` as a point ([] when it is not one).

    Decimal degrees and DMS give one reading; Lambert metres give one per zone
    whose area the point falls in (Nord and Sud Maroc overlap in the middle).
    """
    text = ascii_number(text).strip()
    if "°" in text or "º" in text:
        return _dms(text)
    match = _PAIR.match(text)
    if not match:
        return []
    a, b = float(match[1]), float(match[2])
    if abs(a) >= 1000 and abs(b) >= 1000:
        return _lambert(a, b)
    return _decimal(a, b)
