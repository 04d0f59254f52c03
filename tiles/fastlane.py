"""The fast lane of anonymous vector tile requests (see ``core.lanes.Lane``).

The map page asks for a tile per layer per square of the screen, again on
every pan. The lane, attached to the tile route in ``tiles.urls``, serves the
published version of a tile set this process has already resolved: the
version's state (``sql.version_state``) travels in the same round trip as the
tile query, and a changed state leaves the request to the machine handler,
which resolves the name again. Requests with a query (``at``, ``version``) or
a conditional header go to the handler too.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.http import HttpResponse

from core.lanes import Lane
from tiles import catalog, sql
from tiles.views import MVT_CONTENT_TYPE, cache_headers, layer_tile_args


class TileLane(Lane):
    """Anonymous tiles of published layers, answered without Django's handler."""

    def match(self, environ: dict, kwargs: Mapping) -> tuple | None:
        if (
            environ.get("REQUEST_METHOD") != "GET"
            or environ.get("QUERY_STRING")
            or "HTTP_IF_NONE_MATCH" in environ
        ):
            return None
        return kwargs["name"], kwargs["z"], kwargs["x"], kwargs["y"]

    def answer(self, name: str, z: int, x: int, y: int) -> HttpResponse | None:
        cached = catalog.cached_public_tileset(name)
        if cached is None:
            return None
        tileset, expected = cached
        tileset.check_tile(z, x, y)  # out of range: the handler says why
        state, body = sql.layer_tile_checked(**layer_tile_args(tileset, z, x, y))
        if state != expected:
            catalog.forget(name)
            return None
        response = HttpResponse(body, content_type=MVT_CONTENT_TYPE)
        return cache_headers(response, tileset, tileset.etag(f"{z}/{x}/{y}"))
