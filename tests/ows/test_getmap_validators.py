"""Anonymous map images carry a strong ETag from the catalogue revision and
``Cache-Control: public, no-cache`` (``core.http_cache``): a cache revalidates
them each time, gets a 304 while nothing changed, and a new image after a
publication. A planner's stay private."""

from __future__ import annotations

from layers.services import layer_version_create, layer_version_publish
from tests.ows import maps
from tests.ows.conftest import zoning_features

BBOX = f"{maps.SOUTH},{maps.WEST},{maps.NORTH},{maps.EAST}"


def getmap_query(name: str, **params) -> str:
    size = {"WIDTH": "128", "HEIGHT": "128"} | params
    return maps.getmap_query(name, bbox=BBOX, **size)


def test_the_lane_answers_304_until_a_publication(ows_data, wsgi_call):
    query = getmap_query(ows_data.zoning_name)
    first = wsgi_call("/ows", query=query)
    assert first.status == 200
    etag = first.headers["ETag"]
    assert etag.startswith('"')
    assert first.headers["Cache-Control"] == "public, no-cache"

    again = wsgi_call("/ows", query=query, headers={"If-None-Match": etag})
    assert again.status == 304
    assert again.content == b""
    assert again.headers["ETag"] == etag

    # The same parameters in another order name the same image.
    reordered = "&".join(reversed(query.split("&")))
    assert wsgi_call("/ows", query=reordered).headers["ETag"] == etag
    # Another map is another image.
    other = wsgi_call("/ows", query=getmap_query(ows_data.zoning_name, WIDTH="64"))
    assert other.headers["ETag"] != etag

    version = layer_version_create(
        layer=ows_data.zoning, features=zoning_features("v3")[:3]
    )
    layer_version_publish(version=version)
    after = wsgi_call("/ows", query=query, headers={"If-None-Match": etag})
    assert after.status == 200
    assert after.headers["ETag"] != etag
    assert after.content != first.content


def test_the_handler_answers_304_as_the_lane_does(ows_data, client):
    # The test client goes through Django's handler, not the lane.
    query = getmap_query(ows_data.zoning_name)
    first = client.get(f"/ows?{query}")
    assert first["Cache-Control"] == "public, no-cache"
    scoped = client.get(f"/ows/aurs/?{query}")
    assert scoped.status_code == 200
    # The endpoint's agency is part of what the image depends on.
    assert scoped["ETag"] != first["ETag"]
    again = client.get(f"/ows/aurs/?{query}", HTTP_IF_NONE_MATCH=scoped["ETag"])
    assert again.status_code == 304
    assert again.content == b""


def test_a_new_release_of_the_code_draws_the_image_again(ows_data, client, release):
    query = getmap_query(ows_data.zoning_name)
    release("2026.12.1")
    etag = client.get(f"/ows?{query}")["ETag"]
    release("2026.12.2")
    after = client.get(f"/ows?{query}", HTTP_IF_NONE_MATCH=etag)
    assert after.status_code == 200
    assert after["ETag"] != etag


def test_a_planners_images_stay_private(ows_data, planner, client, wsgi_call):
    query = getmap_query(ows_data.zoning_name)
    etag = wsgi_call("/ows", query=query).headers["ETag"]
    client.force_login(planner)
    response = client.get(f"/ows?{query}", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private"
    assert not response.has_header("ETag")


def test_a_304_reads_the_revision_and_draws_nothing(
    ows_data, wsgi_call, django_assert_num_queries
):
    query = getmap_query(ows_data.zoning_name)
    etag = wsgi_call("/ows", query=query).headers["ETag"]
    with django_assert_num_queries(1) as captured:
        response = wsgi_call("/ows", query=query, headers={"If-None-Match": etag})
    assert response.status == 304
    assert "layers_catalogue_revision" in captured.captured_queries[0]["sql"]
