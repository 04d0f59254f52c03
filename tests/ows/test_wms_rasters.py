"""Orthophotos in WMS: GetCapabilities lists them, GetMap draws them under
the vector layers, whatever their place in LAYERS."""

from __future__ import annotations

import io

import numpy as np
import pytest
from lxml import etree
from PIL import Image

from geoportal.demo_orthophoto import demo_orthophoto_ensure
from tests.ows.conftest import CELL, GRID, ORIGIN, load_schema
from tests.ows.test_wms_capabilities import NS

WHITE = (255, 255, 255, 255)


@pytest.fixture
def photo(ows_data) -> str:
    """The demo's synthetic orthophoto over the zoning grid; its WMS name."""
    demo_orthophoto_ensure(ows_data.agency)
    return f"{ows_data.agency.code}:ortho.orthophoto-demo"


def get_map(client, layers: str, **extra) -> np.ndarray:
    """A 200 × 100 map in EPSG:4326 whose left half is the zoning grid and
    right half lies east of it (no photo there)."""
    west, south = ORIGIN
    size = CELL * GRID
    params = {
        "SERVICE": "WMS",
        "VERSION": "1.1.1",
        "REQUEST": "GetMap",
        "LAYERS": layers,
        "STYLES": "",
        "SRS": "EPSG:4326",
        "BBOX": f"{west},{south},{west + 2 * size},{south + size}",
        "WIDTH": "200",
        "HEIGHT": "100",
        "FORMAT": "image/png",
        **extra,
    }
    response = client.get("/ows", params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "image/png"
    return np.asarray(Image.open(io.BytesIO(response.content)).convert("RGBA"))


def test_getmap_draws_the_photo_where_it_is(client, photo):
    image = get_map(client, photo)

    inside, outside = image[:, 10:90], image[:, 110:190]
    assert (inside[..., 3] == 255).all()
    # The photo's own pixels: no white, and more than a few colours.
    assert not (inside == WHITE).all(axis=2).any()
    assert len(np.unique(inside.reshape(-1, 4), axis=0)) > 50
    assert (outside == WHITE).all()


def test_getmap_lays_the_vector_layers_over_the_photo(client, ows_data, photo):
    zoning = get_map(client, ows_data.zoning_name)
    photo_alone = get_map(client, photo)
    both = get_map(client, f"{photo},{ows_data.zoning_name}")
    reversed_order = get_map(client, f"{ows_data.zoning_name},{photo}")

    inside = (slice(10, 90), slice(10, 90))
    # The zones (half-transparent fills) are drawn over the photo, which
    # shows through them.
    assert (both[inside] != zoning[inside]).any(axis=2).mean() > 0.5
    assert (both[inside] != photo_alone[inside]).any(axis=2).mean() > 0.5
    # The photo is a background wherever LAYERS names it.
    assert (both == reversed_order).all()
    # East of the grid: neither zones nor photo.
    assert (both[:, 110:190] == WHITE).all()


def test_an_unknown_orthophoto_is_not_defined(client, ows_data, photo):
    response = client.get(
        "/ows",
        {
            "SERVICE": "WMS",
            "VERSION": "1.3.0",
            "REQUEST": "GetMap",
            "LAYERS": f"{ows_data.agency.code}:ortho.nothing",
            "STYLES": "",
            "CRS": "EPSG:3857",
            "BBOX": "0,0,1,1",
            "WIDTH": "10",
            "HEIGHT": "10",
            "FORMAT": "image/png",
        },
    )

    assert b"LayerNotDefined" in response.content


def test_capabilities_list_the_photo_schema_valid(client, photo):
    response = client.get("/ows?SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.3.0")
    document = etree.fromstring(response.content)
    combined = load_schema("http://schemas.opengis.net/sld/1.1.0/sld_capabilities.xsd")
    assert combined.validate(document), combined.error_log
    layer = document.xpath(f"//wms:Layer[wms:Name='{photo}']", namespaces=NS)[0]
    assert layer.get("opaque") == "1"
    assert layer.xpath("wms:EX_GeographicBoundingBox", namespaces=NS)

    old = client.get("/wms?REQUEST=GetCapabilities&VERSION=1.1.1")
    assert photo in etree.fromstring(old.content).xpath("//Layer/Name/text()")
