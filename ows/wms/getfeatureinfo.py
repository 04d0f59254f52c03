"""WMS GetFeatureInfo: the features under a pixel, as HTML, JSON or XML."""

from __future__ import annotations

import dataclasses

from django.http import HttpResponse
from django.utils.translation import gettext as _

from core.replicas import read_connection
from layers.models import Feature
from ows.catalog import CatalogLayer
from ows.exceptions import (
    InvalidFormat,
    InvalidPoint,
    LayerNotDefined,
    LayerNotQueryable,
)
from ows.formats import featureinfo, featureinfo_gml
from ows.limits import map_limits
from ows.params import OwsRequest, format_key, parse_int
from ows.wms.common import (
    check_styles,
    request_crs,
    request_extent,
    request_layers,
    require_version,
)
from ows.wms.getmap import image_size
from ows.wms.rasters import rasters_split

INFO_FORMATS = {
    "1.3.0": {
        "text/html": featureinfo.html,
        "application/json": featureinfo.geojson,
        "text/xml": featureinfo.xml,
    },
    "1.1.1": {
        "text/html": featureinfo.html,
        "application/json": featureinfo.geojson,
        "text/xml": featureinfo.xml,
        "application/vnd.ogc.gml": featureinfo_gml.gml,
    },
}
# INFO_FORMAT is optional in 1.1.1 (mandatory in 1.3.0): the answer is then
# GML, the format the 1.1.1 specification names for feature information.
DEFAULT_INFO_FORMAT = {"1.1.1": "application/vnd.ogc.gml"}
TOLERANCE_PX = 3


@dataclasses.dataclass(frozen=True)
class LayerFeatures:
    entry: CatalogLayer
    features: list[Feature]


def handle(ows_request: OwsRequest, context) -> HttpResponse:
    """The features of QUERY_LAYERS at pixel I/J (X/Y in 1.1.1)."""
    require_version(ows_request)
    writers = INFO_FORMATS[ows_request.version]
    default = DEFAULT_INFO_FORMAT.get(ows_request.version)
    if default:
        info_format = ows_request.get("INFO_FORMAT").strip() or default
    else:
        info_format = ows_request.require("INFO_FORMAT")
    by_key = {format_key(name): (name, writer) for name, writer in writers.items()}
    if format_key(info_format) not in by_key:
        raise InvalidFormat(
            _("Unsupported INFO_FORMAT: %(name)s.") % {"name": info_format},
            locator="INFO_FORMAT",
        )
    content_type, writer = by_key[format_key(info_format)]
    # Orthophotos may be among LAYERS (a client asks about what it shows),
    # but they are not queryable.
    _photos, vectors = rasters_split(ows_request, context)
    layers = request_layers(vectors, context) if vectors.get("LAYERS") else []
    photos, _others = rasters_split(ows_request, context, "QUERY_LAYERS")
    if photos:
        raise LayerNotQueryable(
            _("%(name)s is not queryable.") % {"name": photos[0].name},
            locator="QUERY_LAYERS",
        )
    queried = request_layers(ows_request, context, "QUERY_LAYERS")
    names = {entry.name for entry in layers}
    for entry in queried:
        if entry.name not in names:
            raise LayerNotDefined(
                _("%(name)s is not among LAYERS.") % {"name": entry.name},
                locator="QUERY_LAYERS",
            )
    check_styles(ows_request)
    crs = request_crs(ows_request, layers)
    width, height = image_size(ows_request)
    extent = request_extent(ows_request, crs, width, height)
    i_name, j_name = ("I", "J") if ows_request.version == "1.3.0" else ("X", "Y")
    i = _pixel(ows_request, i_name, width)
    j = _pixel(ows_request, j_name, height)
    # Any count is a fair wish (QGIS asks for 10, some clients for thousands);
    # a pixel never holds more than OWS_MAX_FEATURE_INFO features worth showing.
    count = min(
        parse_int(ows_request.get("FEATURE_COUNT", "1"), "FEATURE_COUNT", minimum=1),
        map_limits().feature_info,
    )
    sx = (extent.maxx - extent.minx) / width
    sy = (extent.maxy - extent.miny) / height
    x = extent.minx + (i + 0.5) * sx
    y = extent.maxy - (j + 0.5) * sy
    box = (
        x - TOLERANCE_PX * sx,
        y - TOLERANCE_PX * sy,
        x + TOLERANCE_PX * sx,
        y + TOLERANCE_PX * sy,
    )
    results = [
        LayerFeatures(entry, features_near(entry, box, (x, y), crs.srid, count))
        for entry in queried
    ]
    body = writer(featureinfo.FeatureInfo(results, crs, context.url))
    charset = "" if content_type == "application/json" else "; charset=UTF-8"
    return HttpResponse(body, content_type=content_type + charset)


def _pixel(ows_request: OwsRequest, name: str, size: int) -> int:
    value = ows_request.require(name)
    try:
        pixel = int(float(value))
    except (ValueError, OverflowError):  # not a number, NaN, infinity
        pixel = -1
    if not 0 <= pixel < size:
        raise InvalidPoint(
            _("%(name)s is outside the image.") % {"name": name}, locator=name
        )
    return pixel


def features_near(
    entry: CatalogLayer, box, point, srid: int, count: int
) -> list[Feature]:
    """Up to ``count`` features of ``entry`` touching ``box``, nearest first.

    ``box`` and ``point`` are in the map's CRS ``srid``.
    """
    sql = (
        "SELECT f.id FROM layers_feature f WHERE f.version_id = %s AND "
        "ST_Intersects(f.geom, "
        "ST_Transform(ST_MakeEnvelope(%s, %s, %s, %s, %s), 4326)) "
        "ORDER BY ST_Distance(f.geom, "
        "ST_Transform(ST_SetSRID(ST_MakePoint(%s, %s), %s), 4326)), f.id LIMIT %s"
    )
    with read_connection().cursor() as cursor:
        cursor.execute(sql, [entry.version.pk, *box, srid, *point, srid, count])
        ids = [row[0] for row in cursor]
    features = Feature.objects.in_bulk(ids)
    return [features[pk] for pk in ids]
