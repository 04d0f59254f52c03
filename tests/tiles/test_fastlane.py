"""Anonymous tiles through the WSGI application granian serves: the tile lane
(tiles.fastlane), on the machine path, answers what the tile view answers, and
never a stale tile."""

from __future__ import annotations

import json

import mapbox_vector_tile
from django.utils import timezone

from layers.models import PlanningDocument
from layers.services import FeatureData, layer_version_create, layer_version_publish
from tests.conftest import square
from tests.tiles.test_tiles import NAME, tile_url
from tests.wsgi import lane_match
from tiles.fastlane import TileLane

HEADERS = (
    "Content-Type",
    "ETag",
    "Cache-Control",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Content-Security-Policy",
)


def codes(content: bytes) -> set[str]:
    layers = mapbox_vector_tile.decode(content)
    return {
        f["properties"]["code"] for f in layers.get("zoning", {}).get("features", [])
    }


def test_the_lane_serves_what_the_view_serves(client, published_zoning, wsgi_call):
    url = tile_url(NAME)
    view = client.get(url)
    first = wsgi_call(url)  # resolves the name (machine handler) …
    second = wsgi_call(url)  # … then the lane serves it
    assert first.status == second.status == 200
    assert second.content == first.content == view.content
    assert codes(second.content) == {"R+4", "V1"}
    for header in HEADERS:
        assert second.headers[header] == view[header], header


def test_a_new_publication_shows_at_the_next_tile(
    zoning_layer, published_zoning, wsgi_call
):
    url = tile_url(NAME)
    assert wsgi_call(url).status == 200
    etag = wsgi_call(url).headers["ETag"]
    moved = FeatureData(geom=square(-6.8495, 33.9505, 0.001), code="EQ")
    layer_version_publish(
        version=layer_version_create(layer=zoning_layer, features=[moved])
    )
    after = wsgi_call(url)
    assert after.status == 200
    assert after.headers["ETag"] != etag
    assert codes(after.content) == {"EQ"}


def test_a_withdrawn_document_stops_serving(zoning_layer, published_zoning, wsgi_call):
    url = tile_url(NAME)
    assert wsgi_call(url).status == 200
    assert wsgi_call(url).status == 200
    document = zoning_layer.document
    document.status = "draft"
    document.save()
    assert wsgi_call(url).status == 404


def test_an_expired_document_stops_serving(zoning_layer, published_zoning, wsgi_call):
    """The lane's state check asks the rule of ``layers.in_force`` too: a
    document whose expiry date comes (the day passing, or a planner setting it)
    stops serving at once, though no status changed."""
    url = tile_url(NAME)
    assert wsgi_call(url).status == 200
    assert wsgi_call(url).status == 200
    PlanningDocument.objects.filter(pk=zoning_layer.document_id).update(
        expiry_date=timezone.localdate()
    )
    assert wsgi_call(url).status == 404


def test_the_lane_leaves_queries_and_revalidations_to_the_handler():
    def match(path, query="", **headers):
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            **headers,
        }
        lane, arguments = lane_match(environ)
        assert isinstance(lane, TileLane)
        return arguments

    path = "/tiles/aurs:pa-1-zonage/15/16072/13049.mvt"
    assert match(path) == ("aurs:pa-1-zonage", 15, 16072, 13049)
    assert match(path, "at=2023-01-01") is None
    assert match(path, HTTP_IF_NONE_MATCH='"abc"') is None
    assert TileLane().answer("aurs:never-seen", 15, 16072, 13049) is None


def test_out_of_range_tiles_get_the_views_error(published_zoning, wsgi_call):
    # The lane raises it (the tile set is known); the handler answers it in
    # the client's language.
    url = tile_url(NAME)
    wsgi_call(url)
    out_of_range = url.replace("/15/", "/5/", 1)
    response = wsgi_call(out_of_range, headers={"Accept-Language": "fr"})
    assert response.status == 404
    assert b"minzoom" in response.content
    error = json.loads(response.content)["error"]
    assert error["message"].startswith("Cette couche est servie du zoom")
