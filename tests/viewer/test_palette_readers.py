"""Every reader of the one palette shows its colours: for each zone category
and overlay type, the map page's configuration, a WMS GetMap pixel inside a
feature, the legend graphic's swatch and the note PDF's map pixel all match
``layers.styles`` (the fill at its opacity over white, ``Swatch.blended``), and
so do the note's legend colours."""

from __future__ import annotations

import io
import json
import re

import numpy as np
import pytest
from PIL import Image

from layers.models import Layer, ZoneCategory
from layers.services import FeatureData, layer_version_create, layer_version_publish
from layers.styles import WHITE, overlay_swatch, rgb, zone_swatch
from notes.pdf import mapimage
from tests.conftest import square
from tiles.catalog import layer_name

# Zones in a row from here, one per category, then overlays in a row above.
WEST, SOUTH = -6.85, 33.95
CELL = 0.002
PX = 16  # pixels per cell in the GetMaps
# 8-bit compositing in skia, the browser's arithmetic and PNG rounding.
TOLERANCE = 2
CATEGORIES = list(ZoneCategory.values)
OVERLAY_TYPES = list(Layer.OverlayType.values)


def over_white(pixel) -> tuple[int, ...]:
    """What an RGBA pixel (straight alpha) shows over white, or an RGB one."""
    if len(pixel) == 3:
        return tuple(int(value) for value in pixel)
    alpha = pixel[3] / 255
    return tuple(round(c * alpha + 255 * (1 - alpha)) for c in pixel[:3])


def assert_close(seen, expected, what: str) -> None:
    difference = max(abs(a - b) for a, b in zip(seen, expected, strict=True))
    assert difference <= TOLERANCE, f"{what}: {seen} instead of {expected}"


@pytest.fixture
def palette_site(agency, document, zoning_layer):
    """A published zoning of one zone per category and a published polygon
    overlay layer of each type; returns their layers and versions."""
    version = layer_version_create(
        layer=zoning_layer,
        features=[
            FeatureData(
                geom=square(WEST + index * CELL, SOUTH, CELL),
                code=f"Z{index}",
                category=category,
            )
            for index, category in enumerate(CATEGORIES)
        ],
    )
    layer_version_publish(version=version)
    overlays = {}
    for index, overlay_type in enumerate(OVERLAY_TYPES):
        layer = Layer.objects.create(
            document=document,
            name=f"servitude-{index}",
            title_fr=f"Servitude {index}",
            kind=Layer.Kind.OVERLAY,
            overlay_type=overlay_type,
            geometry_type=Layer.GeometryType.POLYGON,
            position=index + 1,
        )
        overlay_version = layer_version_create(
            layer=layer,
            features=[
                FeatureData(
                    geom=square(WEST + index * CELL, SOUTH + CELL, CELL),
                    code=f"S{index}",
                )
            ],
        )
        layer_version_publish(version=overlay_version)
        overlays[overlay_type] = (layer, overlay_version)
    return zoning_layer, version, overlays


def cell_centre(index: int, row: int) -> tuple[float, float]:
    return WEST + (index + 0.5) * CELL, SOUTH + (row + 0.5) * CELL


def getmap_row(client, name: str, row: int, count: int, **extra) -> np.ndarray:
    response = client.get(
        "/ows",
        {
            "SERVICE": "WMS",
            "VERSION": "1.3.0",
            "REQUEST": "GetMap",
            "LAYERS": name,
            "STYLES": "",
            "CRS": "CRS:84",
            "BBOX": f"{WEST},{SOUTH + row * CELL},"
            f"{WEST + count * CELL},{SOUTH + (row + 1) * CELL}",
            "WIDTH": str(count * PX),
            "HEIGHT": str(PX),
            "FORMAT": "image/png",
            **extra,
        },
    )
    assert response.status_code == 200, response.content
    return np.asarray(Image.open(io.BytesIO(response.content)))


def legend_graphic(client, name: str) -> np.ndarray:
    response = client.get(
        "/ows",
        {
            "SERVICE": "WMS",
            "VERSION": "1.3.0",
            "REQUEST": "GetLegendGraphic",
            "LAYER": name,
            "FORMAT": "image/png",
        },
    )
    assert response.status_code == 200, response.content
    return np.asarray(Image.open(io.BytesIO(response.content)).convert("RGBA"))


def note_map(version_id: int, lon: float, lat: float, key: str):
    """The note map's pixel a little east of a tiny subject at (lon, lat),
    and the colour of the legend entry ``key`` (a zone code, an overlay type)."""
    step = CELL / 100
    subject = square(lon - step / 2, lat - step / 2, step)
    excerpt = mapimage.render_map(
        {
            "subject": {"geometry": json.loads(subject.geojson)},
            "layer_versions": [{"version_id": version_id}],
        }
    )
    pixels = np.frombuffer(excerpt.rgb, np.uint8).reshape(
        excerpt.height, excerpt.width, 3
    )
    pixel = tuple(pixels[excerpt.height // 2, excerpt.width // 2 + 60])
    (legend,) = [entry.color for entry in excerpt.legend if entry.key == key]
    return pixel, rgb(legend)


def map_page_styles(client) -> dict[str, dict]:
    """Each layer's style, by name, as the map page gets it; checked to be
    what the layer's TileJSON says."""
    config = map_page_config(client)
    styles = {
        entry["name"]: entry["style"]
        for agency in config["tree"]
        for document in agency["documents"]
        for entry in document["layers"]
    }
    for name, style in styles.items():
        tilejson = client.get(f"/tiles/{name}.json").json()
        assert tilejson["style"] == style, name
    return styles


def map_page_config(client) -> dict:
    html = client.get("/").content.decode()
    found = re.search(
        r'<script id="map-config" type="application/json">(.*?)</script>', html, re.S
    )
    assert found, "the map page has no configuration"
    return json.loads(found.group(1))


def page_colour(fill: str, layer_opacity: float) -> tuple[int, ...]:
    """What the map page shows over a white base map: mvt.js paints fills
    opaque on the tile canvas and Leaflet lays the layer at its style's
    opacity (map.js)."""
    return tuple(
        round(c * layer_opacity + 255 * (1 - layer_opacity)) for c in rgb(fill)
    )


def test_zone_colours_agree_with_the_palette(client, palette_site):
    zoning, version, _overlays = palette_site
    name = layer_name(zoning)
    style = map_page_styles(client)[name]
    opaque = getmap_row(client, name, 0, len(CATEGORIES), TRANSPARENT="FALSE")
    transparent = getmap_row(client, name, 0, len(CATEGORIES), TRANSPARENT="TRUE")
    legend = legend_graphic(client, name)
    for index, category in enumerate(CATEGORIES):
        expected = zone_swatch(category).blended(WHITE)
        served = style["swatches"][category]
        assert_close(
            page_colour(served["fill"], style["opacity"]),
            expected,
            f"map page, {category}",
        )
        x = index * PX + PX // 2
        assert_close(over_white(opaque[PX // 2, x]), expected, f"GetMap, {category}")
        assert_close(
            over_white(transparent[PX // 2, x]),
            expected,
            f"transparent GetMap, {category}",
        )
        assert_close(
            over_white(legend[index * 20 + 10, 15]), expected, f"legend, {category}"
        )
        pixel, legend_colour = note_map(version.pk, *cell_centre(index, 0), f"Z{index}")
        assert_close(pixel, expected, f"note map, {category}")
        assert_close(legend_colour, expected, f"note legend, {category}")


def test_overlay_colours_agree_with_the_palette(client, palette_site):
    _zoning, _version, overlays = palette_site
    styles = map_page_styles(client)
    for index, overlay_type in enumerate(OVERLAY_TYPES):
        layer, version = overlays[overlay_type]
        name = layer_name(layer)
        expected = overlay_swatch(overlay_type).blended(WHITE)
        style = styles[name]
        assert_close(
            page_colour(style["swatch"]["fill"], style["opacity"]),
            expected,
            f"map page, {overlay_type}",
        )
        # Each overlay's own square, seen alone (the cell of the row).
        row = getmap_row(client, name, 1, len(OVERLAY_TYPES), TRANSPARENT="FALSE")
        pixel = row[PX // 2, index * PX + PX // 2]
        assert_close(over_white(pixel), expected, f"GetMap, {overlay_type}")
        legend = legend_graphic(client, name)
        assert_close(over_white(legend[10, 15]), expected, f"legend, {overlay_type}")
        pixel, legend_colour = note_map(
            version.pk, *cell_centre(index, 1), overlay_type
        )
        assert_close(pixel, expected, f"note map, {overlay_type}")
        assert_close(legend_colour, expected, f"note legend, {overlay_type}")


def test_every_zone_is_outlined_alike_and_zones_share_one_opacity():
    # The map page draws the zoning layer at one opacity and WMS strokes each
    # shared edge once: both need these to be the same for every category.
    swatches = [zone_swatch(category) for category in CATEGORIES]
    assert len({swatch.outline for swatch in swatches}) == 1
    assert len({swatch.opacity for swatch in swatches}) == 1
