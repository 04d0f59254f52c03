"""The fast lane of anonymous vector tile requests (see ``core.lanes.Lane``).

The map page asks for a tile per layer per square of the screen, again on
every pan. The lane serves the published version of a tile set this process
has already resolved: the version's state (``sql.version_state``) travels in
the same round trip as the tile query, and a changed state sends the request
to the light path, which resolves the name again. Requests with a query
(``at``, ``version``) or a conditional header go to the light path too.
"""

from __future__ import annotations

import re

from django.http import HttpResponse

from core.lanes import Lane
from tiles import catalog, sql
from tiles.views import MVT_CONTENT_TYPE, cache_headers, layer_tile_args

# At most ten digits (zoom 32 has 2**32 columns): int() refuses thousands of
# them, and the light path answers what the lane leaves.
PATH = re.compile(
    r"/tiles/(?P<name>[^/]+)/(?P<z>\d{1,10})/(?P<x>\d{1,10})/(?P<y>\d{1,10})\.mvt"
)


class TileLane(Lane):
    """Anonymous tiles of published layers, answered without Django's handler."""

    def match(self, environ: dict) -> tuple | None:
        if (
            environ.get("REQUEST_METHOD") != "GET"
            or environ.get("QUERY_STRING")
            or "HTTP_IF_NONE_MATCH" in environ
        ):
            return None
        path = PATH.fullmatch(environ.get("PATH_INFO", ""))
        if path is None:
            return None
        return path["name"], int(path["z"]), int(path["x"]), int(path["y"])

    def answer(self, name: str, z: int, x: int, y: int) -> HttpResponse | None:
        cached = catalog.cached_public_tileset(name)
        if cached is None:
            return None
        tileset, expected = cached
        tileset.check_tile(z, x, y)  # out of range: the light path says why
        state, body = sql.layer_tile_checked(**layer_tile_args(tileset, z, x, y))
        if state != expected:
            catalog.forget(name)
            return None
        response = HttpResponse(body, content_type=MVT_CONTENT_TYPE)
        return cache_headers(response, tileset, tileset.etag(f"{z}/{x}/{y}"))
