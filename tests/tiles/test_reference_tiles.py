"""Reference data (streets, neighbourhoods) is served like the plan: vector
tiles carrying the names the map labels, TileJSON with its style, the tile
lane, and WMS drawing streets in the palette's colour."""

from __future__ import annotations

import mapbox_vector_tile
import numpy as np
import pytest
from django.contrib.gis.geos import LineString, MultiLineString, MultiPoint, Point
from django.urls import reverse

from layers.models import Layer
from layers.services import FeatureData, layer_version_create, layer_version_publish
from layers.styles import REFERENCE_TYPE_SWATCHES, rgb
from tests.conftest import square
from tests.ows.maps import MERCATOR, getmap, image
from tests.tiles.test_tiles import tile_url

STREETS = "aurs:ref-1-rues"
NEIGHBOURHOODS = "aurs:ref-1-quartiers"


def _published(document, name: str, reference_type: str, features) -> Layer:
    layer = Layer.objects.create(
        document=document,
        name=name,
        title_fr=name,
        kind=Layer.Kind.REFERENCE,
        reference_type=reference_type,
        geometry_type={"street": "line", "landmark": "point"}.get(
            reference_type, "polygon"
        ),
    )
    layer_version_publish(version=layer_version_create(layer=layer, features=features))
    return layer


@pytest.fixture
def bearings(agency, make_document):
    document = make_document(agency, "REF-1", kind="reference", expiry_date=None)
    _published(
        document,
        "rues",
        "street",
        [
            FeatureData(
                # West to east across the middle of the box the WMS test draws.
                geom=MultiLineString(
                    LineString((-6.852, 33.951), (-6.846, 33.951)), srid=4326
                ),
                label_fr="Avenue Hassan II",
                label_ar="شارع الحسن الثاني",
                category="avenue",
            )
        ],
    )
    _published(
        document,
        "quartiers",
        "neighbourhood",
        [
            FeatureData(
                geom=square(-6.852, 33.948, 0.006),
                label_fr="Hay Al Amal",
                label_ar="حي الأمل",
            )
        ],
    )
    return document


@pytest.mark.urls("tests.tiles.urls")
def test_street_tiles_carry_names_in_both_languages(client, bearings):
    response = client.get(tile_url(STREETS))

    assert response.status_code == 200
    features = mapbox_vector_tile.decode(response.content)["reference"]["features"]
    assert [f["properties"] for f in features] == [
        {
            "code": "",
            "label_fr": "Avenue Hassan II",
            "label_ar": "شارع الحسن الثاني",
            "reference_type": "street",
        }
    ]
    neighbourhoods = client.get(tile_url(NEIGHBOURHOODS))
    [neighbourhood] = mapbox_vector_tile.decode(neighbourhoods.content)["reference"][
        "features"
    ]
    assert neighbourhood["properties"]["label_ar"] == "حي الأمل"
    # Its label point, inside it (Web Mercator metres): the map names it once.
    x, y = (
        neighbourhood["properties"]["anchor_x"],
        neighbourhood["properties"]["anchor_y"],
    )
    lon, lat = MERCATOR.transform(x, y, direction="INVERSE")
    assert -6.852 < lon < -6.846
    assert 33.948 < lat < 33.954


@pytest.mark.urls("tests.tiles.urls")
def test_tilejson_says_how_streets_are_drawn_and_labelled(client, bearings):
    response = client.get(reverse("tiles:tilejson", args=[STREETS]))

    style = response.json()["style"]
    street = REFERENCE_TYPE_SWATCHES["street"]
    assert style["swatch"]["outline"] == street.outline
    assert style["line_width"] == street.width
    assert style["labels"] == "line"
    fields = response.json()["vector_layers"][0]["fields"]
    assert {"label_fr", "label_ar"} <= set(fields)


def test_the_tile_lane_serves_reference_tiles(client, bearings, wsgi_call):
    url = tile_url(STREETS)
    first = wsgi_call(url)  # resolves the name (machine handler) …
    second = wsgi_call(url)  # … then the lane serves it, its state checked

    assert first.status == second.status == 200
    assert second.content == first.content
    [feature] = mapbox_vector_tile.decode(second.content)["reference"]["features"]
    assert feature["properties"]["label_fr"] == "Avenue Hassan II"


def test_wms_draws_streets_in_the_palette_colour(client, bearings):
    response = getmap(
        client,
        f"{STREETS},{NEIGHBOURHOODS}",
        bbox="33.948,-6.852,33.954,-6.846",  # WMS 1.3.0 EPSG:4326: lat, lon
    )

    assert response.status_code == 200
    pixels = image(response)
    row = 128  # the street's latitude, in the middle of the image
    street = np.array(rgb(REFERENCE_TYPE_SWATCHES["street"].outline))
    on_street = pixels[row - 2 : row + 3, 20:236, :3]
    assert (np.abs(on_street.astype(int) - street).sum(axis=2) < 30).any(axis=0).all()
    # Neighbourhoods are outlined, not filled: the middle of a quarter is empty.
    assert pixels[60, 60, 3] == 0


@pytest.mark.urls("tests.tiles.urls")
def test_landmarks_are_points_named_beside_them(client, bearings):
    _published(
        bearings,
        "reperes",
        "landmark",
        [
            FeatureData(
                geom=MultiPoint(Point(-6.849, 33.951), srid=4326),
                label_fr="Grande mosquée",
                label_ar="المسجد الكبير",
            )
        ],
    )
    name = "aurs:ref-1-reperes"

    style = client.get(reverse("tiles:tilejson", args=[name])).json()["style"]
    tile = client.get(tile_url(name))

    assert style["labels"] == "point"
    assert style["swatch"]["outline"] == REFERENCE_TYPE_SWATCHES["landmark"].outline
    [landmark] = mapbox_vector_tile.decode(tile.content)["reference"]["features"]
    assert landmark["geometry"]["type"] == "Point"
    assert landmark["properties"]["label_ar"] == "المسجد الكبير"
