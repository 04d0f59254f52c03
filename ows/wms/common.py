"""What WMS operations share: layer lookup, CRS and BBOX of the request."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from ows.catalog import CatalogLayer, catalog_layers, find_layers
from ows.crs import COMMON_SRIDS, Crs, parse_crs, srid_exists
from ows.exceptions import InvalidCRS, LayerNotDefined, StyleNotDefined
from ows.limits import check_layer_count
from ows.params import OwsRequest, parse_bbox, parse_instant
from ows.render import View
from ows.styles import DEFAULT_STYLE

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


def request_instant(ows_request: OwsRequest) -> datetime.datetime | None:
    """The TIME asked for (None: now); raises InvalidDimensionValue."""
    return parse_instant(ows_request.get("TIME"))


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
    catalog = catalog_layers(
        user=context.user,
        agency_code=context.agency_code,
        at=request_instant(ows_request),
        checked=checked,
    )
    entries = find_layers(names, catalog)
    for name, entry in zip(names, entries, strict=True):
        if entry is None:
            raise LayerNotDefined(
                _("Unknown layer: %(name)s.") % {"name": name}, locator=names_param
            )
    return entries


def check_styles(ows_request: OwsRequest) -> None:
    """STYLES empty or ``,,`` means defaults; any other name is unknown."""
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
    image size."""
    numbers, _crs = parse_bbox(ows_request.require("BBOX"))
    if crs.lat_first:
        numbers = [numbers[1], numbers[0], numbers[3], numbers[2]]
    return View(crs.srid, *numbers, width, height)
