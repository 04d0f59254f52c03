"""Vector tiles: content, zoom limits, caching, visibility."""

from __future__ import annotations

import dataclasses
import datetime
import math

import mapbox_vector_tile
import pytest
from django.urls import reverse

from layers.services import FeatureData, layer_version_create, layer_version_publish
from layers.styles import ZONE_OPACITY, zone_swatch
from parcels.models import Parcel
from parcels.references import ParcelReference
from tests.conftest import square
from tests.tiles.conftest import ZONES

NAME = "aurs:pa-1-zonage"
pytestmark = pytest.mark.urls("tests.tiles.urls")


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return z, x, y


def tile_url(name: str, lon=-6.849, lat=33.951, z=15, query="") -> str:
    z, x, y = tile_of(lon, lat, z)
    url = reverse("tiles:tile", args=[name, z, x, y])
    return f"{url}?{query}" if query else url


def decode(response) -> dict:
    return mapbox_vector_tile.decode(response.content)


def test_zoning_tile_carries_zones_with_codes_and_categories(client, published_zoning):
    response = client.get(tile_url(NAME))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    features = decode(response)["zoning"]["features"]
    by_code = {f["properties"]["code"]: f["properties"] for f in features}
    assert set(by_code) == {"R+4", "V1"}
    # The category comes from the feature, else from the document's rule.
    assert by_code["V1"]["category"] == "villa"
    assert by_code["R+4"]["category"] == "collective_housing"


def test_tile_far_away_is_empty(client, published_zoning):
    response = client.get(tile_url(NAME, lon=-5.0, lat=35.0))

    assert response.status_code == 200
    assert decode(response) == {}


def test_below_min_zoom_is_refused(client, published_zoning):
    response = client.get(tile_url(NAME, z=5))

    assert response.status_code == 404
    assert response.json()["error"]["details"]["minzoom"] == 10


def test_tile_outside_the_grid_is_refused(client, published_zoning):
    response = client.get(reverse("tiles:tile", args=[NAME, 12, 5000, 1]))

    assert response.status_code == 404


def test_unknown_layer_is_404(client, published_zoning):
    for name in ("aurs:pa-1-nothing", "nowhere:pa-1-zonage", "no-colon"):
        response = client.get(tile_url(name))
        assert response.status_code == 404, name
        assert response.json()["error"]["code"] == "tileset_not_found"


def test_etag_answers_304_then_changes_after_a_new_publication(
    client, zoning_layer, published_zoning
):
    first = client.get(tile_url(NAME))
    etag = first["ETag"]
    # Kept by shared caches but revalidated on each use: never a stale tile.
    assert first["Cache-Control"] == "public, no-cache"

    again = client.get(tile_url(NAME), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""

    moved = FeatureData(geom=square(-6.8495, 33.9505, 0.001), code="EQ")
    version = layer_version_create(layer=zoning_layer, features=[moved])
    layer_version_publish(version=version)

    after = client.get(tile_url(NAME), HTTP_IF_NONE_MATCH=etag)
    assert after.status_code == 200
    assert after["ETag"] != etag
    codes = {f["properties"]["code"] for f in decode(after)["zoning"]["features"]}
    assert codes == {"EQ"}


def test_a_new_release_of_the_code_changes_the_etag(client, published_zoning, release):
    # A new style or encoder draws other tiles from the same data: caches
    # must not keep what the release before drew.
    release("2026.12.1")
    etag = client.get(tile_url(NAME))["ETag"]
    assert client.get(tile_url(NAME), HTTP_IF_NONE_MATCH=etag).status_code == 304
    release("2026.12.2")
    after = client.get(tile_url(NAME), HTTP_IF_NONE_MATCH=etag)
    assert after.status_code == 200
    assert after["ETag"] != etag


def test_as_of_date_serves_the_version_then_in_force(
    client, zoning_layer, published_zoning
):
    moved = FeatureData(geom=square(-6.8495, 33.9505, 0.001), code="EQ")
    version = layer_version_create(layer=zoning_layer, features=[moved])
    layer_version_publish(version=version)

    old = client.get(tile_url(NAME, query="at=2024-06-01"))
    codes = {f["properties"]["code"] for f in decode(old)["zoning"]["features"]}
    assert codes == {"R+4", "V1"}
    before_anything = client.get(tile_url(NAME, query="at=2020-01-01"))
    assert before_anything.status_code == 404
    bad = client.get(tile_url(NAME, query="at=yesterday"))
    assert bad.status_code == 400


def test_drafts_are_hidden_from_the_public_and_shown_to_their_planners(
    client,
    zoning_layer,
    published_zoning,
    draft_document_layer,
    planner,
    other_planner,
):
    draft_name = "aurs:pa-projet-zonage"
    assert client.get(tile_url(draft_name)).status_code == 404
    # A draft version of a published layer, asked for by number.
    layer_version_create(layer=zoning_layer, features=ZONES[1:])
    assert client.get(tile_url(NAME, query="version=2")).status_code == 404

    client.force_login(other_planner)
    assert client.get(tile_url(draft_name)).status_code == 404

    client.force_login(planner)
    response = client.get(tile_url(draft_name))
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert len(decode(response)["zoning"]["features"]) == 1
    draft = client.get(tile_url(NAME, query="version=2"))
    codes = {f["properties"]["code"] for f in decode(draft)["zoning"]["features"]}
    assert codes == {"V1"}


def test_parcels_tiles_carry_references_from_their_min_zoom(client, parcels):
    name = "aurs:parcels"
    assert client.get(tile_url(name, z=14)).status_code == 404

    response = client.get(tile_url(name, z=16))

    assert response.status_code == 200
    refs = {
        f["properties"]["reference"] for f in decode(response)["parcels"]["features"]
    }
    assert refs == {"TF 101/07", "TF 102/07"}


def test_tilejson_describes_the_set(client, published_zoning):
    response = client.get(reverse("tiles:tilejson", args=[NAME]))

    assert response.status_code == 200
    document = response.json()
    assert document["tilejson"] == "3.0.0"
    assert document["minzoom"] == 10
    assert document["tiles"][0].endswith("/tiles/aurs:pa-1-zonage/{z}/{x}/{y}.mvt")
    west, south, east, north = document["bounds"]
    assert west == pytest.approx(-6.85)
    assert east == pytest.approx(-6.846)
    assert south == pytest.approx(33.95)
    assert north == pytest.approx(33.952)
    assert document["vector_layers"][0]["id"] == "zoning"
    assert response["ETag"]
    # The portal's style, from the one palette (what the map page draws).
    style = document["style"]
    assert style["property"] == "category"
    assert style["opacity"] == ZONE_OPACITY
    assert style["swatches"]["villa"] == dataclasses.asdict(zone_swatch("villa"))


def test_index_lists_public_sets_only(
    client, published_zoning, draft_document_layer, parcels
):
    names = {t["name"] for t in client.get(reverse("tiles:index")).json()["tilesets"]}

    assert {NAME, "aurs:parcels"} <= names
    assert "aurs:pa-projet-zonage" not in names


def test_index_as_of_a_date_before_publication_has_no_zoning(client, published_zoning):
    day = datetime.date(2023, 6, 1).isoformat()
    response = client.get(reverse("tiles:index"), {"at": day})
    names = {t["name"] for t in response.json()["tilesets"]}

    assert NAME not in names


def test_parcels_etag_changes_when_parcels_are_added(client, agency, parcels):
    url = tile_url("aurs:parcels", z=16)
    etag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304

    reference = ParcelReference.parse("TF 103/07")
    Parcel.objects.create(
        agency=agency,
        kind=reference.kind,
        reference=reference.display,
        reference_key=reference.key,
        geom=square(-6.8490, 33.9510, 0.0003),
    )

    after = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert after.status_code == 200
    refs = {f["properties"]["reference"] for f in decode(after)["parcels"]["features"]}
    assert "TF 103/07" in refs


@pytest.mark.parametrize(
    "at", ["9999-12-31", "9999-12-31T23:59:59-12:00", "0001-01-01", "1899-12-31"]
)
@pytest.mark.parametrize("view", ["tile", "tilejson", "index"])
def test_a_day_out_of_range_is_an_invalid_date(client, published_zoning, at, view):
    # at=9999-12-31 overflowed when the end of the day was computed (a 500).
    url = {
        "tile": tile_url(NAME),
        "tilejson": reverse("tiles:tilejson", args=[NAME]),
        "index": reverse("tiles:index"),
    }[view]
    response = client.get(url, {"at": at}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_date"
    assert error["message"].startswith("« at » doit être un jour entre")


@pytest.mark.parametrize(
    ("version", "status", "code"),
    [
        ("²", 400, "invalid_version"),  # a digit int() refuses
        ("99999999999999999999", 404, "version_not_found"),  # beyond a bigint
    ],
)
def test_version_numbers_no_version_can_have(
    client, published_zoning, version, status, code
):
    for url in (tile_url(NAME), reverse("tiles:tilejson", args=[NAME])):
        response = client.get(url, {"version": version}, HTTP_ACCEPT_LANGUAGE="fr")
        assert response.status_code == status
        assert response.json()["error"]["code"] == code


def test_numbers_of_thousands_of_digits(client, published_zoning, wsgi_call):
    # int() refuses them: the lane failed outside any handler, the view's
    # version parser with a 500.
    digits = "9" * 5000
    assert wsgi_call(f"/tiles/{NAME}/{digits}/1/1.mvt").status == 404
    response = client.get(tile_url(NAME), {"version": digits})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "version_not_found"


def test_a_bare_day_means_what_was_in_force_when_it_ended(client, zoning_layer):
    # Published at noon: in force "on" that day, as WMS TIME and notes read it.
    noon = datetime.datetime(2024, 6, 1, 12, tzinfo=datetime.UTC)
    version = layer_version_create(
        layer=zoning_layer,
        features=[FeatureData(geom=square(-6.8495, 33.9505, 0.001), code="EQ")],
    )
    layer_version_publish(version=version, at=noon)

    that_day = client.get(tile_url(NAME, query="at=2024-06-01"))

    codes = {f["properties"]["code"] for f in decode(that_day)["zoning"]["features"]}
    assert codes == {"EQ"}


def test_tilejson_in_another_language_is_another_document(client, published_zoning):
    # A cache holding the French document must not have it confirmed (304)
    # for a reader who chose Arabic.
    url = reverse("tiles:tilejson", args=[NAME])
    french = client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
    assert french["Cache-Control"] == "public, no-cache"
    assert (
        client.get(
            url, HTTP_ACCEPT_LANGUAGE="fr", HTTP_IF_NONE_MATCH=french["ETag"]
        ).status_code
        == 304
    )
    arabic = client.get(
        url, HTTP_ACCEPT_LANGUAGE="ar", HTTP_IF_NONE_MATCH=french["ETag"]
    )
    assert arabic.status_code == 200
    assert arabic["ETag"] != french["ETag"]
    assert arabic.json()["description"] != french.json()["description"]
