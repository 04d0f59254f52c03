"""Vector tiles (Mapbox Vector Tile) and their TileJSON: thin adapters."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from core import http_cache
from core.api import api_view, json_response
from tiles import catalog, sql
from tiles.params import TileSetQuery
from tiles.style import palette_digest, tileset_style

MVT_CONTENT_TYPE = "application/vnd.mapbox-vector-tile"


def cache_headers(response: HttpResponse, tileset: catalog.TileSet, etag: str):
    """``response`` with its ETag: a public set's kept by any cache and
    revalidated on each use (``core.http_cache``: a new publication changes
    the ETag, so no cache serves the old tile), a planner's kept privately."""
    if tileset.public:
        return http_cache.shared_revalidated(response, etag)
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    patch_vary_headers(response, ["Cookie"])
    return response


def _not_modified(request: HttpRequest, etag: str) -> bool:
    return http_cache.none_match_holds(request.headers.get("If-None-Match", ""), etag)


def layer_tile_args(tileset: catalog.TileSet, z: int, x: int, y: int) -> dict:
    """The arguments of ``sql.layer_tile`` for a zoning, overlay or reference
    tile set."""
    return {
        "kind": tileset.kind,
        "version_id": tileset.version.pk,
        "document_id": tileset.layer.document_id,
        "overlay_type": tileset.layer.overlay_type or "other",
        "reference_type": tileset.layer.reference_type,
        "layer": tileset.source_layer,
        "z": z,
        "x": x,
        "y": y,
    }


def _tile_bytes(tileset: catalog.TileSet, z: int, x: int, y: int) -> bytes:
    if tileset.kind == catalog.PARCELS:
        return sql.parcels_tile(
            agency_id=tileset.agency.pk, layer=tileset.source_layer, z=z, x=x, y=y
        )
    return sql.layer_tile(**layer_tile_args(tileset, z, x, y))


@api_view("GET", "HEAD")
def tile(request: HttpRequest, name: str, z: int, x: int, y: int) -> HttpResponse:
    """One MVT tile; 304 when the client's ETag still holds."""
    query = TileSetQuery.parse(request.GET)
    tileset = catalog.tileset_get(
        name, user=request.user, at=query.at, version=query.version
    )
    tileset.check_tile(z, x, y)
    etag = tileset.etag(f"{z}/{x}/{y}")
    if _not_modified(request, etag):
        return cache_headers(HttpResponse(status=304), tileset, etag)
    body = _tile_bytes(tileset, z, x, y)
    return cache_headers(
        HttpResponse(body, content_type=MVT_CONTENT_TYPE), tileset, etag
    )


@api_view("GET", "HEAD")
def tilejson(request: HttpRequest, name: str) -> HttpResponse:
    """The TileJSON 3.0 document of one tile set."""
    query = TileSetQuery.parse(request.GET)
    tileset = catalog.tileset_get(
        name, user=request.user, at=query.at, version=query.version
    )
    # The style is in the document: a new palette is a new document; so is
    # its title in another language (which a cookie may choose: a cache
    # varying on Accept-Language alone would revalidate the wrong one).
    etag = tileset.etag(f"tilejson|{palette_digest()}|{get_language()}")
    if _not_modified(request, etag):
        return cache_headers(HttpResponse(status=304), tileset, etag)
    document = tilejson_document(request, tileset, query)
    return cache_headers(json_response(document), tileset, etag)


def tilejson_document(
    request: HttpRequest, tileset: catalog.TileSet, query: TileSetQuery
) -> dict:
    """TileJSON 3.0.0 for ``tileset``, with absolute tile URLs and the
    portal's ``style`` (``tiles.style``)."""
    template = reverse("tiles:tile", args=[tileset.name, 0, 0, 0])
    template = template.replace("/0/0/0.mvt", "/{z}/{x}/{y}.mvt")
    suffix = query.urlencode()
    url = request.build_absolute_uri(template)
    url = url.replace("%7Bz%7D/%7Bx%7D/%7By%7D", "{z}/{x}/{y}")
    if suffix:
        url = f"{url}?{suffix}"
    bounds = catalog.tileset_bounds(tileset) or [-180.0, -85.0511, 180.0, 85.0511]
    fields = {"id": "Number", "code": "String"}
    if tileset.kind == catalog.PARCELS:
        fields = {"id": "Number", "reference": "String"}
    elif tileset.kind == "zoning":
        fields |= {"category": "String"}
    elif tileset.kind == "reference":
        fields |= {
            "label_fr": "String",
            "label_ar": "String",
            "reference_type": "String",
            "anchor_x": "Number",
            "anchor_y": "Number",
        }
    else:
        fields |= {
            "label_fr": "String",
            "label_ar": "String",
            "overlay_type": "String",
        }
    document = {
        "tilejson": "3.0.0",
        "name": tileset.name,
        "description": tileset.title,
        "scheme": "xyz",
        "tiles": [url],
        "minzoom": tileset.minzoom,
        "maxzoom": tileset.maxzoom,
        "bounds": bounds,
        "center": [
            (bounds[0] + bounds[2]) / 2,
            (bounds[1] + bounds[3]) / 2,
            max(tileset.minzoom, 14),
        ],
        "vector_layers": [
            {
                "id": tileset.source_layer,
                "fields": fields,
                "minzoom": tileset.minzoom,
                "maxzoom": tileset.maxzoom,
            }
        ],
    }
    if tileset.version is not None:
        document["version"] = str(tileset.version.number)
    document["style"] = tileset_style(tileset)
    return document


@api_view("GET", "HEAD")
def index(request: HttpRequest) -> dict:
    """Names and TileJSON addresses of every tile set the requester may see."""
    query = TileSetQuery.parse(request.GET)
    return {
        "tilesets": [
            {
                "name": tileset.name,
                "kind": tileset.kind,
                "title": tileset.title,
                "tilejson": request.build_absolute_uri(
                    reverse("tiles:tilejson", args=[tileset.name])
                ),
            }
            for tileset in catalog.tilesets_visible(user=request.user, at=query.at)
        ]
    }
