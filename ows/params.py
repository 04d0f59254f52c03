"""Request parameters, parsed once: case-insensitive KVP into typed values.

Names are case-insensitive, values are not. Django has already decoded ``+``
and %-escapes; formats whose ``+`` arrived as a space are matched by
``format_key``. Unknown parameters are ignored.
"""

from __future__ import annotations

import dataclasses
import datetime
import math

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from core.dates import FIRST_DAY, LAST_DAY, day_in_range
from ows.exceptions import (
    InvalidDimensionValue,
    InvalidParameterValue,
    MissingParameterValue,
    VersionNegotiationFailed,
)

# No CRS the portal offers reaches a thousand million units (Web Mercator
# stops at 2e7 m); beyond, sizes and scales overflow to infinity.
MAX_COORDINATE = 1e9


@dataclasses.dataclass(frozen=True)
class OwsRequest:
    """One OGC request: its KVP (upper-case names), or its XML body for POST."""

    params: dict[str, str]
    service: str
    request: str
    version: str
    body: bytes = b""

    def get(self, name: str, default: str = "") -> str:
        """The value of parameter ``name`` (any case), or ``default``."""
        return self.params.get(name.upper(), default)

    def has(self, name: str) -> bool:
        return name.upper() in self.params

    def require(self, name: str) -> str:
        """The non-empty value of ``name``; raises MissingParameterValue."""
        value = self.get(name).strip()
        if not value:
            raise MissingParameterValue(
                _("The parameter %(name)s is required.") % {"name": name.upper()},
                locator=name.upper(),
            )
        return value


def kvp_from_items(items) -> dict[str, str]:
    """Upper-case the names of ``items`` (pairs); the last value of a name wins."""
    return {name.upper(): value for name, value in items}


def format_key(value: str) -> str:
    """A MIME type reduced for comparison: case, spaces and ``+``/space mix-ups."""
    return value.lower().replace("+", " ").replace(" ", "").replace('"', "")


def version_key(version: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in version.split("."))
    except ValueError:
        return ()


def negotiate_version(requested: list[str], supported: list[str]) -> str:
    """Pick a version among ``supported`` (ascending) for the ``requested`` ones.

    A supported version asked for wins (first one listed); no version → the
    highest; higher than all → the highest; lower than all → the lowest; in
    between → the highest below. Raises VersionNegotiationFailed on garbage.
    """
    requested = [v.strip() for v in requested if v.strip()]
    if not requested:
        return supported[-1]
    for version in requested:
        if version in supported:
            return version
    key = version_key(requested[0])
    if not key:
        raise VersionNegotiationFailed(
            _("Version %(version)s is not supported.") % {"version": requested[0]},
            locator="VERSION",
        )
    below = [v for v in supported if version_key(v) < key]
    return below[-1] if below else supported[0]


def parse_float(value: str, locator: str) -> float:
    """A finite float (exponent notation accepted); raises InvalidParameterValue."""
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise InvalidParameterValue(
            _("%(name)s is not a number: %(value)s")
            % {"name": locator, "value": value},
            locator=locator,
        )
    return number


def parse_int(
    value: str, locator: str, *, minimum: int = 0, maximum: int | None = None
) -> int:
    """An integer within bounds; raises InvalidParameterValue."""
    try:
        number = int(value.strip())
    except ValueError:
        number = None
    if number is None or number < minimum or (maximum is not None and number > maximum):
        raise InvalidParameterValue(
            _("%(name)s must be an integer between %(min)s and %(max)s.")
            % {"name": locator, "min": minimum, "max": maximum or "∞"},
            locator=locator,
        )
    return number


def parse_bbox(value: str, locator: str = "BBOX") -> tuple[list[float], str]:
    """Four numbers of a BBOX and its optional trailing CRS name.

    Raises InvalidParameterValue unless there are four finite numbers within
    ±MAX_COORDINATE with min < max on both axes.
    """
    parts = [part.strip() for part in value.split(",")]
    if len(parts) not in (4, 5):
        raise InvalidParameterValue(
            _("BBOX must have four numbers: minx,miny,maxx,maxy."), locator=locator
        )
    numbers = [parse_float(part, locator) for part in parts[:4]]
    if any(abs(number) > MAX_COORDINATE for number in numbers):
        raise InvalidParameterValue(
            _("BBOX coordinates are too large for any coordinate system."),
            locator=locator,
        )
    if numbers[0] >= numbers[2] or numbers[1] >= numbers[3]:
        raise InvalidParameterValue(
            _("BBOX minimum must be below its maximum on both axes."), locator=locator
        )
    return numbers, parts[4] if len(parts) == 5 else ""


def parse_instant(value: str, locator: str = "TIME") -> datetime.datetime | None:
    """The instant a TIME value names; a date means the end of that day.

    ``current`` (or empty) gives None, i.e. now. Raises InvalidDimensionValue
    for what is not a date, or a day outside ``core.dates``' range.
    """
    value = value.strip()
    if not value or value.lower() == "current":
        return None
    try:
        day = parse_date(value) if len(value) == 10 else None
        moment = (
            datetime.datetime.combine(day, datetime.time.max)
            if day is not None
            else parse_datetime(value)
        )
    except ValueError:  # well formed, yet no such day or time (2024-13-45)
        moment = None
    if moment is None:
        raise InvalidDimensionValue(
            _("%(name)s must be a date or an ISO 8601 instant: %(value)s")
            % {"name": locator, "value": value},
            locator=locator,
        )
    if not day_in_range(moment.date()):
        raise InvalidDimensionValue(
            _("%(name)s must be a day between %(first)s and %(last)s: %(value)s")
            % {"name": locator, "first": FIRST_DAY, "last": LAST_DAY, "value": value},
            locator=locator,
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment
