"""WMS GetMap: images of the right size, format and content; axis order; TIME."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from layers.models import Layer
from layers.styles import overlay_swatch
from tests.ows.conftest import CELL
from tests.ows.maps import EAST, NORTH, SOUTH, WEST, getmap, image

LATLON = f"{SOUTH},{WEST},{NORTH},{EAST}"
LONLAT = f"{WEST},{SOUTH},{EAST},{NORTH}"


def test_png_shows_zones_where_data_is(client, ows_data, tmp_path):
    response = getmap(client, ows_data.zoning_name, bbox=LATLON)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "image/png"
    pixels = image(response)
    assert pixels.shape == (256, 256, 4)
    assert (pixels[..., 3] > 0).mean() > 0.9  # the grid fills the view
    (tmp_path / "map.png").write_bytes(response.content)


def test_axis_order_130_latlon_and_111_lonlat_draw_the_same(client, ows_data):
    a = image(getmap(client, ows_data.zoning_name, bbox=LATLON))
    b = image(getmap(client, ows_data.zoning_name, version="1.1.1", bbox=LONLAT))
    c = image(getmap(client, ows_data.zoning_name, crs=("CRS", "CRS:84"), bbox=LONLAT))
    assert np.array_equal(a, b)
    assert np.array_equal(a, c)
    # Swapped axes look at the Indian Ocean: nothing there.
    swapped = image(getmap(client, ows_data.zoning_name, bbox=LONLAT))
    assert swapped[..., 3].max() == 0


@pytest.mark.parametrize("crs", ["EPSG:3857", "EPSG:26191", "EPSG:26192"])
def test_projected_crs_draw_the_zones(client, ows_data, crs):
    from ows.crs import transform_bbox

    srid = int(crs.split(":")[1])
    box = transform_bbox((WEST, SOUTH, EAST, NORTH), srid)
    response = getmap(
        client, ows_data.zoning_name, crs=("CRS", crs), bbox=",".join(map(str, box))
    )
    assert response.status_code == 200, response.content
    assert (image(response)[..., 3] > 0).mean() > 0.8


def test_bbox_outside_data_is_an_empty_image(client, ows_data):
    response = getmap(client, ows_data.zoning_name, bbox="30,-9,30.1,-8.9")
    assert response.status_code == 200
    assert image(response)[..., 3].max() == 0


def test_exponent_notation_and_stretched_size(client, ows_data):
    bbox = f"{SOUTH * 1e0:e},{WEST:e},{NORTH:e},{EAST:e}"
    response = getmap(client, ows_data.zoning_name, bbox=bbox, WIDTH="300", HEIGHT="97")
    assert response.status_code == 200
    assert image(response).shape == (97, 300, 4)


def test_smallest_and_large_sizes(client, ows_data):
    small = getmap(client, ows_data.zoning_name, bbox=LATLON, WIDTH="8", HEIGHT="5")
    assert image(small).shape == (5, 8, 4)
    large = getmap(
        client, ows_data.zoning_name, bbox=LATLON, WIDTH="2048", HEIGHT="2048"
    )
    assert image(large).shape == (2048, 2048, 4)


def test_opaque_background_and_jpeg_and_png8(client, ows_data):
    opaque = image(
        getmap(
            client, ows_data.zoning_name, bbox="30,-9,30.1,-8.9", TRANSPARENT="FALSE"
        )
    )
    assert (opaque[..., 3] == 255).all()
    assert (opaque[..., :3] == 255).all()
    jpeg = getmap(client, ows_data.zoning_name, bbox=LATLON, FORMAT="image/jpeg")
    assert jpeg["Content-Type"] == "image/jpeg"
    assert jpeg.content[:2] == b"\xff\xd8"
    png8 = getmap(
        client, ows_data.zoning_name, bbox=LATLON, FORMAT="image/png; mode=8bit"
    )
    assert png8["Content-Type"] == "image/png; mode=8bit"
    assert Image.open(io.BytesIO(png8.content)).mode == "P"


def test_first_layer_is_drawn_at_the_bottom(client, ows_data):
    layers = f"{ows_data.zoning_name},{ows_data.roads_name}"
    on_top = image(getmap(client, layers, bbox=LATLON))
    below = image(
        getmap(client, f"{ows_data.roads_name},{ows_data.zoning_name}", bbox=LATLON)
    )
    # The road (its palette outline: a grey 8 levels from the zones' outline)
    # shows only when drawn last.
    ink = np.array(overlay_swatch(Layer.OverlayType.ROAD_ALIGNMENT).outline_rgba())
    road = lambda px: np.abs(px.astype(int) - ink).max(axis=2) <= 2  # noqa: E731
    assert road(on_top).sum() > 100
    assert road(below).sum() < road(on_top).sum() / 4


def test_time_renders_the_layer_as_of_a_date(client, ows_data):
    now = image(getmap(client, ows_data.zoning_name, bbox=LATLON))
    then = image(getmap(client, ows_data.zoning_name, bbox=LATLON, TIME="2021-03-01"))
    # Version 1 had 10 of the 36 zones.
    assert (then[..., 3] > 0).mean() < (now[..., 3] > 0).mean() / 2
    # Before the layer's first version: outside its time dimension.
    before = getmap(client, ows_data.zoning_name, bbox=LATLON, TIME="2010-01-01")
    assert before.status_code == 400
    assert b'code="InvalidDimensionValue" locator="TIME"' in before.content


def test_legend_graphic(client, ows_data):
    response = client.get(
        "/ows",
        {
            "SERVICE": "WMS",
            "VERSION": "1.3.0",
            "REQUEST": "GetLegendGraphic",
            "LAYER": ows_data.zoning_name,
            "FORMAT": "image/png",
        },
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    legend = Image.open(io.BytesIO(response.content))
    assert legend.size[1] >= 20 * 10


def test_zone_codes_are_labelled_at_large_scales(client, ows_data, tmp_path):
    ink = lambda px: (px[..., :3].max(axis=2) < 45) & (px[..., 3] > 200)  # noqa: E731
    small_scale = image(getmap(client, ows_data.zoning_name, bbox=LATLON))
    assert ink(small_scale).sum() == 0
    zoom = f"{SOUTH},{WEST},{SOUTH + 2 * CELL},{WEST + 2 * CELL}"
    layers = f"{ows_data.zoning_name},{ows_data.roads_name}"
    response = getmap(client, layers, bbox=zoom, WIDTH="512", HEIGHT="512")
    (tmp_path / "zoom.png").write_bytes(response.content)
    assert ink(image(response)).sum() > 50
