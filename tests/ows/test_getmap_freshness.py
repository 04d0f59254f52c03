"""GetMap draws what is published now, though the layer list is cached: a
new version, a layer just published, a layer withdrawn — at the next request."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from layers.models import Layer
from layers.selectors import catalogue_revision
from layers.services import layer_version_create, layer_version_publish
from tests.ows.conftest import CELL, GRID, ORIGIN, zoning_features

WEST, SOUTH = ORIGIN
BBOX = f"{SOUTH},{WEST},{SOUTH + GRID * CELL},{WEST + GRID * CELL}"


def getmap(client, name):
    return client.get(
        "/ows",
        {
            "SERVICE": "WMS",
            "VERSION": "1.3.0",
            "REQUEST": "GetMap",
            "LAYERS": name,
            "STYLES": "",
            "CRS": "EPSG:4326",
            "BBOX": BBOX,
            "WIDTH": "120",
            "HEIGHT": "120",
            "FORMAT": "image/png",
            "TRANSPARENT": "TRUE",
        },
    )


def coverage(response) -> float:
    assert response.status_code == 200, response.content[:300]
    pixels = np.asarray(Image.open(io.BytesIO(response.content)).convert("RGBA"))
    return (pixels[..., 3] > 0).mean()


def test_a_new_version_shows_at_the_next_request(client, ows_data):
    assert coverage(getmap(client, ows_data.zoning_name)) > 0.9  # 36 zones
    before = catalogue_revision()
    # The bottom row of zones only: a sixth of the view.
    bottom_row = zoning_features("v3")[:GRID]
    layer_version_publish(
        version=layer_version_create(layer=ows_data.zoning, features=bottom_row)
    )
    assert catalogue_revision() != before
    assert 0.1 < coverage(getmap(client, ows_data.zoning_name)) < 0.3


def test_a_layer_just_published_is_known_at_once(client, ows_data):
    assert coverage(getmap(client, ows_data.zoning_name)) > 0.9  # cache built
    layer = Layer.objects.create(
        document=ows_data.document, name="secteurs", title_fr="Secteurs", kind="zoning"
    )
    layer_version_publish(
        version=layer_version_create(layer=layer, features=zoning_features("s"))
    )
    assert coverage(getmap(client, "aurs:pa-1-secteurs")) > 0.9


def test_a_withdrawn_document_stops_drawing(client, ows_data):
    assert coverage(getmap(client, ows_data.zoning_name)) > 0.9
    ows_data.document.status = "draft"
    ows_data.document.save()
    response = getmap(client, ows_data.zoning_name)
    assert response.status_code == 400
    assert b"LayerNotDefined" in response.content
