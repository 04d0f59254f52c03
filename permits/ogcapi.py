"""OGC API – Features (Part 1: Core, GeoJSON) over the public permit files:
one collection, ``permits``, whose features are the files' points with
their BLDS properties (``permits.blds``) — public files only, never
personal data. Its feature id is the portal's reference.

Parameters are checked before any query: ``limit`` (1–1000, 100 by
default), ``offset``, ``bbox`` (four finite CRS84 numbers, west ≤ east,
south ≤ north), ``agency`` (a code); anything wrong is a 400 with the OGC
API's JSON exception (``code``, ``description``) in the reader's language.
"""

from __future__ import annotations

import dataclasses
import math

from django.contrib.gis.geos import Polygon
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.errors import BadRequest, NotFound
from permits.blds import blds_record, blds_rows
from permits.selectors import public_files

COLLECTION = "permits"
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
]
GEOJSON = "application/geo+json"


@dataclasses.dataclass(frozen=True)
class ItemsQuery:
    limit: int
    offset: int
    bbox: tuple[float, float, float, float] | None
    agency: str


def _integer(query, name: str, default: int, low: int, high: int) -> int:
    text = query.get(name)
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise BadRequest(
            _("“%(name)s” is a whole number from %(low)d to %(high)d.")
            % {"name": name, "low": low, "high": high},
            locator=name,
        )
    return value


def _bbox(text: str | None) -> tuple[float, float, float, float] | None:
    if text is None:
        return None
    try:
        values = tuple(float(part) for part in text.split(","))
    except ValueError:
        values = ()
    valid = (
        len(values) == 4
        and all(math.isfinite(value) for value in values)
        and -180 <= values[0] <= values[2] <= 180
        and -90 <= values[1] <= values[3] <= 90
    )
    if not valid:
        raise BadRequest(
            _("“bbox” is west,south,east,north in degrees (CRS84)."), locator="bbox"
        )
    return values


def items_query(query) -> ItemsQuery:
    """The items' parameters, checked; raises BadRequest."""
    return ItemsQuery(
        limit=_integer(query, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT),
        offset=_integer(query, "offset", 0, 0, 10**7),
        bbox=_bbox(query.get("bbox")),
        agency=query.get("agency", "")[:40],
    )


def _error(exc) -> JsonResponse:
    return JsonResponse(
        {"code": exc.code, "description": str(exc.message)}, status=exc.http_status
    )


def _url(request: HttpRequest, name: str, *args) -> str:
    return request.build_absolute_uri(reverse(f"permits:{name}", args=args))


def _feature(record: dict, reference: str) -> dict:
    longitude, latitude = record["Longitude"], record["Latitude"]
    geometry = (
        {"type": "Point", "coordinates": [longitude, latitude]}
        if longitude is not None
        else None
    )
    return {
        "type": "Feature",
        "id": reference,
        "geometry": geometry,
        "properties": record,
    }


@require_http_methods(["GET"])
def landing(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {
            "title": _("Building permits"),
            "description": _("The opinions given on permit files, anonymised."),
            "links": [
                {
                    "href": _url(request, "ogcapi"),
                    "rel": "self",
                    "type": "application/json",
                },
                {
                    "href": _url(request, "ogcapi_conformance"),
                    "rel": "conformance",
                    "type": "application/json",
                },
                {
                    "href": _url(request, "ogcapi_collections"),
                    "rel": "data",
                    "type": "application/json",
                },
            ],
        }
    )


@require_http_methods(["GET"])
def conformance(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"conformsTo": CONFORMANCE})


def _collection(request: HttpRequest) -> dict:
    return {
        "id": COLLECTION,
        "title": _("Permit files"),
        "itemType": "feature",
        "crs": ["http://www.opengis.net/def/crs/OGC/1.3/CRS84"],
        "extent": {"spatial": {"bbox": [[-17.1, 20.7, -1.0, 35.95]]}},
        "links": [
            {
                "href": _url(request, "ogcapi_collection", COLLECTION),
                "rel": "self",
                "type": "application/json",
            },
            {
                "href": _url(request, "ogcapi_items", COLLECTION),
                "rel": "items",
                "type": GEOJSON,
            },
        ],
    }


@require_http_methods(["GET"])
def collections(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {
            "collections": [_collection(request)],
            "links": [
                {
                    "href": _url(request, "ogcapi_collections"),
                    "rel": "self",
                    "type": "application/json",
                }
            ],
        }
    )


def _known(collection: str) -> None:
    if collection != COLLECTION:
        raise NotFound(_("No such collection."), code="collection_not_found")


@require_http_methods(["GET"])
def collection(request: HttpRequest, collection: str) -> JsonResponse:
    try:
        _known(collection)
    except NotFound as exc:
        return _error(exc)
    return JsonResponse(_collection(request))


@require_http_methods(["GET"])
def items(request: HttpRequest, collection: str) -> JsonResponse:
    try:
        _known(collection)
        query = items_query(request.GET)
    except (BadRequest, NotFound) as exc:
        return _error(exc)
    files = public_files()
    if query.agency:
        files = files.filter(agency__code=query.agency)
    if query.bbox is not None:
        files = files.filter(point__intersects=Polygon.from_bbox(query.bbox))
    matched = files.count()
    rows = blds_rows(files)[query.offset : query.offset + query.limit]
    features = [_feature(blds_record(row), row["reference"]) for row in rows]
    base = _url(request, "ogcapi_items", COLLECTION)
    links = [{"href": request.build_absolute_uri(), "rel": "self", "type": GEOJSON}]
    if query.offset + len(features) < matched:
        following = request.GET.copy()
        following["offset"] = str(query.offset + query.limit)
        links.append(
            {"href": f"{base}?{following.urlencode()}", "rel": "next", "type": GEOJSON}
        )
    response = JsonResponse(
        {
            "type": "FeatureCollection",
            "features": features,
            "numberMatched": matched,
            "numberReturned": len(features),
            "links": links,
        }
    )
    response["Content-Type"] = GEOJSON
    return response


@require_http_methods(["GET"])
def item(request: HttpRequest, collection: str, reference: str) -> JsonResponse:
    try:
        _known(collection)
        row = blds_rows(public_files().filter(case__reference=reference)).first()
        if row is None:
            raise NotFound(_("No such feature."), code="feature_not_found")
    except NotFound as exc:
        return _error(exc)
    response = JsonResponse(_feature(blds_record(row), row["reference"]))
    response["Content-Type"] = GEOJSON
    return response
