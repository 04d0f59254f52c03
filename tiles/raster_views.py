"""Image tiles of the raster base maps (orthophotos): a thin adapter over
``tiles/raster.py``. Only published versions are served."""

from __future__ import annotations

from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from core.api import api_view
from core.errors import NotFound
from layers.selectors import base_map_published
from tiles.raster import cog_tile

WEBP_CONTENT_TYPE = "image/webp"


@api_view("GET", "HEAD")
def raster_tile(
    request: HttpRequest, agency: str, name: str, z: int, x: int, y: int
) -> HttpResponse:
    """One WEBP tile of a published base map; 304 when the client's ETag
    still holds, transparent where the photo has no pixel, 404 at a zoom it
    is not served at."""
    version = base_map_published(agency_code=agency, name=name)
    if version is None:
        raise NotFound(_("There is no published base map of that name."))
    # A version's COG never changes, so the version and the tile make the
    # ETag; the address outlives versions, so its lifetime is as short as the
    # vector tiles' (a new publication shows soon; revalidating is a 304).
    etag = f'"basemap-{version.pk}-{z}-{x}-{y}"'
    headers = {"ETag": etag, "Cache-Control": "public, max-age=300"}
    if etag in request.headers.get("If-None-Match", ""):
        return HttpResponse(status=304, headers=headers)
    body = cog_tile(Path(version.cog.path), z, x, y)
    if body is None:
        raise NotFound(_("The base map is not served at that zoom."))
    return HttpResponse(body, content_type=WEBP_CONTENT_TYPE, headers=headers)
