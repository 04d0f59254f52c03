"""Image tiles of the raster base maps (orthophotos): a thin adapter over
``tiles/raster.py``, which reads the COG at a path on this machine
(``core.stored_files``: the storage's own, or a copy of the bucket's). Only
published versions are served."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from core import http_cache
from core.api import api_view
from core.errors import NotFound
from core.stored_files import stored_file_path
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
    # ETag, with the release of the code that encodes it; the address
    # outlives versions, so caches revalidate on each use, as the vector
    # tiles' (``core.http_cache``: a new publication shows at once;
    # revalidating is a 304).
    etag = http_cache.strong_etag("basemap", version.pk, z, x, y)
    if http_cache.none_match_holds(request.headers.get("If-None-Match", ""), etag):
        return http_cache.shared_revalidated(HttpResponse(status=304), etag)
    path = stored_file_path(storage=version.cog.storage, name=version.cog.name)
    body = cog_tile(path, z, x, y)
    if body is None:
        raise NotFound(_("The base map is not served at that zoom."))
    response = HttpResponse(body, content_type=WEBP_CONTENT_TYPE)
    return http_cache.shared_revalidated(response, etag)
