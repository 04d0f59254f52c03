"""Real clients against a live server: OWSLib, GDAL's WFS and WMS drivers."""

from __future__ import annotations

import io
import json
import subprocess

import numpy as np
import pytest
from PIL import Image

from layers.models import Feature
from tests.ows.conftest import CELL, GRID, ORIGIN

WEST, SOUTH = ORIGIN
EAST, NORTH = WEST + GRID * CELL, SOUTH + GRID * CELL


@pytest.fixture
def live(transactional_db, live_server, ows_data):
    return live_server.url, ows_data


def run(*args: str) -> str:
    result = subprocess.run(
        args, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def database_features(data) -> dict[str, dict]:
    return {
        feature.source_id: feature
        for feature in Feature.objects.filter(version=data.zoning_v2)
    }


def test_owslib_wms_130_and_111(live):
    from owslib.wms import WebMapService

    url, data = live
    for version, crs, bbox in (
        # OWSLib takes x/y and swaps to lat/lon itself for 1.3.0 EPSG:4326.
        ("1.3.0", "EPSG:4326", (WEST, SOUTH, EAST, NORTH)),
        ("1.1.1", "EPSG:4326", (WEST, SOUTH, EAST, NORTH)),
    ):
        wms = WebMapService(f"{url}/ows", version=version)
        layer = wms[data.zoning_name]
        assert "EPSG:26191" in layer.crsOptions
        assert layer.boundingBoxWGS84 == pytest.approx((WEST, SOUTH, EAST, NORTH))
        assert "default" in layer.styles
        image = wms.getmap(
            layers=[data.zoning_name],
            styles=[""],
            srs=crs,
            bbox=bbox,
            size=(256, 256),
            format="image/png",
            transparent=True,
        )
        pixels = np.asarray(Image.open(io.BytesIO(image.read())).convert("RGBA"))
        assert (pixels[..., 3] > 0).mean() > 0.9


def test_owslib_wfs_200_counts_equal_database(live):
    from owslib.wfs import WebFeatureService

    url, data = live
    wfs = WebFeatureService(f"{url}/ows", version="2.0.0")
    assert data.zoning_name in wfs.contents
    response = wfs.getfeature(
        typename=[data.zoning_name], outputFormat="application/json"
    )
    collection = json.loads(response.read())
    assert (
        len(collection["features"])
        == Feature.objects.filter(version=data.zoning_v2).count()
    )


@pytest.mark.parametrize("version", ["2.0.0", "1.1.0"])
def test_ogr2ogr_pages_through_every_feature(live, tmp_path, version):
    url, data = live
    out = tmp_path / "out.geojson"
    run(
        "ogr2ogr",
        "-f",
        "GeoJSON",
        str(out),
        f"WFS:{url}/ows?SERVICE=WFS&VERSION={version}",
        data.zoning_name,
        "-oo",
        "PAGING_ALLOWED=ON",
        "-oo",
        "PAGE_SIZE=10",
        "--config",
        "GDAL_HTTP_TIMEOUT",
        "60",
    )
    collection = json.loads(out.read_text())
    expected = database_features(data)
    got = {f["properties"]["source_id"]: f for f in collection["features"]}
    assert set(got) == set(expected)
    for source_id, feature in expected.items():
        props = got[source_id]["properties"]
        assert props["code"] == feature.code
        assert props["label_fr"] == feature.label_fr
        assert props["label_ar"] == feature.label_ar
        assert props["height_m"] == feature.attributes["height_m"]
        assert props["note"] == feature.attributes["note"]
        ring = np.array(got[source_id]["geometry"]["coordinates"][0][0])
        original = np.array(feature.geom.coords[0][0])
        # Degrees to metres, roughly: 1 cm ≈ 9e-8 degree.
        assert np.abs(ring - original).max() < 9e-8


def test_ogrinfo_lists_the_layer_and_counts(live):
    url, data = live
    output = run(
        "ogrinfo",
        "-ro",
        "-so",
        f"WFS:{url}/ows?SERVICE=WFS&VERSION=2.0.0",
        data.zoning_name,
    )
    assert f"Feature Count: {GRID * GRID}" in output


def test_gdal_translate_through_the_wms_driver(live, tmp_path):
    url, data = live
    out = tmp_path / "map.png"
    source = (
        f"WMS:{url}/ows?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap"
        f"&LAYERS={data.zoning_name}&CRS=EPSG:4326&FORMAT=image/png"
        f"&BBOX={SOUTH},{WEST},{NORTH},{EAST}"
    )
    run("gdal_translate", "-of", "PNG", "-outsize", "256", "256", source, str(out))
    pixels = np.asarray(Image.open(out).convert("RGBA"))
    assert pixels.shape[:2] == (256, 256)
    assert (pixels[..., :3].max(axis=2) < 250).mean() > 0.5
