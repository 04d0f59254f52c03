"""What WMS operations share: layer lookup, CRS and BBOX of the request."""

from __future__ import annotations

import datetime
import math

from django.utils.translation import gettext as _

from ows.catalog import CatalogLayer, catalog_layers, find_layers
from ows.crs import COMMON_SRIDS, Crs, is_crs84, parse_crs, srid_exists
from ows.exceptions import (
    InvalidCRS,
    InvalidDimensionValue,
    LayerNotDefined,
    MissingParameterValue,
    StyleNotDefined,
)
from ows.limits import check_layer_count
from ows.params import OwsRequest, parse_bbox, parse_instant
from ows.render import View
from ows.styles import DEFAULT_STYLE

WGS84 = 4326
# Where no data is known yet: Morocco, lon/lat.
MOROCCO = (-17.2, 20.7, -0.9, 36.0)


def crs_names(entry: CatalogLayer | None, version: str) -> list[str]:
    """The CRS names a layer offers (``CRS:84`` first in 1.3.0)."""
    srids = list(COMMON_SRIDS)
    if entry is not None and entry.source_srid not in srids:
        srids.append(entry.source_srid)
    names = [f"EPSG:{srid}" for srid in srids]
    return ["CRS:84", *names] if version == "1.3.0" else names


def crs_param(version: str) -> str:
    return "CRS" if version == "1.3.0" else "SRS"


def require_version(ows_request: OwsRequest) -> None:
    """VERSION (or old clients' WMTVER) is mandatory but for GetCapabilities.

    Raises MissingParameterValue with the locator the OGC suite looks for.
    """
    if not (ows_request.get("VERSION").strip() or ows_request.get("WMTVER").strip()):
        raise MissingParameterValue(
            _("The parameter %(name)s is required.") % {"name": "VERSION"},
            locator="Version",
        )


def request_instant(ows_request: OwsRequest) -> datetime.datetime | None:
    """The instant TIME asks for (None: now); raises InvalidDimensionValue.

    An interval ``start/end[/resolution]`` asks for the map at its end — the
    layers show the one version in force at an instant, never several — and
    ``current`` as either end means now.
    """
    value = ows_request.get("TIME").strip()
    parts = value.split("/")
    if len(parts) not in (2, 3):
        return parse_instant(value)
    start, end = parse_instant(parts[0]), parse_instant(parts[1])
    if start is not None and end is not None and start > end:
        raise InvalidDimensionValue(
            _("TIME must not end before it starts: %(value)s") % {"value": value},
            locator="TIME",
        )
    return end


def request_layers(
    ows_request: OwsRequest,
    context,
    names_param: str = "LAYERS",
    *,
    checked: bool = True,
) -> list[CatalogLayer]:
    """The catalogue entries named by ``names_param``, in order.

    ``checked``: see ``catalog_layers``. Raises InvalidParameterValue for
    more names than ``OWS_MAX_LAYERS``, LayerNotDefined for an unknown or
    invisible name.
    """
    names = [name.strip() for name in ows_request.require(names_param).split(",")]
    check_layer_count(names, names_param)
    at = request_instant(ows_request)
    catalog = catalog_layers(
        user=context.user, agency_code=context.agency_code, at=at, checked=checked
    )
    entries = find_layers(names, catalog)
    for name, entry in zip(names, entries, strict=True):
        if entry is None:
            if at is not None and _exists_now(name, context, checked=checked):
                # The layer's time dimension starts after the instant asked.
                raise InvalidDimensionValue(
                    _("%(name)s has no version in force at %(time)s.")
                    % {"name": name, "time": ows_request.get("TIME").strip()},
                    locator="TIME",
                )
            raise LayerNotDefined(
                _("Unknown layer: %(name)s.") % {"name": name}, locator=names_param
            )
    return entries


def _exists_now(name: str, context, *, checked: bool) -> bool:
    catalog = catalog_layers(
        user=context.user, agency_code=context.agency_code, checked=checked
    )
    return find_layers([name], catalog)[0] is not None


def check_styles(ows_request: OwsRequest) -> None:
    """STYLES empty or ``,,`` means defaults; any other name is unknown.

    Raises MissingParameterValue without STYLES in 1.3.0, where it is
    mandatory (the OGC 1.1.1 suite never leaves it out: 1.1.1 clients may),
    and StyleNotDefined.
    """
    if ows_request.version == "1.3.0" and not ows_request.has("STYLES"):
        raise MissingParameterValue(
            _("The parameter %(name)s is required.") % {"name": "STYLES"},
            locator="STYLES",
        )
    for name in ows_request.get("STYLES").split(","):
        if name.strip() and name.strip() != DEFAULT_STYLE:
            raise StyleNotDefined(
                _("Unknown style: %(name)s.") % {"name": name.strip()},
                locator="STYLES",
            )


def request_crs(ows_request: OwsRequest, entries: list[CatalogLayer]) -> Crs:
    """The CRS of the request; raises InvalidCRS unless every layer offers it."""
    param = crs_param(ows_request.version)
    name = ows_request.require(param)
    crs = parse_crs(name, wms_version=ows_request.version)
    offered = set(COMMON_SRIDS)
    if (
        crs is not None
        # CRS:84 is a 1.3.0 name; 1.1.1 capabilities advertise EPSG:4326.
        and not (param == "SRS" and is_crs84(name))
        and all(
            crs.srid in offered or crs.srid == entry.source_srid for entry in entries
        )
        and srid_exists(crs.srid)
    ):
        return crs
    raise InvalidCRS(
        _("CRS %(name)s is not offered by these layers.") % {"name": name},
        locator=param,
    )


def request_extent(ows_request: OwsRequest, crs: Crs, width: int, height: int) -> View:
    """The BBOX in x/y order (swapped when the CRS is lat/lon first), with the
    image size.

    A longitude box wholly beyond the antimeridian (359.99 for -0.01) is the
    same place one turn back, as the OGC 1.1.1 suite checks (bbox-12).
    """
    numbers, _crs = parse_bbox(ows_request.require("BBOX"))
    if crs.lat_first:
        numbers = [numbers[1], numbers[0], numbers[3], numbers[2]]
    if crs.srid == WGS84:
        turns = 360 * math.floor((numbers[0] + 180) / 360)
        if numbers[2] - turns <= 180:
            numbers = [numbers[0] - turns, numbers[1], numbers[2] - turns, numbers[3]]
    return View(crs.srid, *numbers, width, height)
