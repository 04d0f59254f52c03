"""GDAL's own command-line tools read every download unchanged: ogrinfo sees
the layer, its CRS, fields and features; ogr2ogr converts it to GeoJSON with
the same attributes and geometries."""

from __future__ import annotations

import json
import subprocess

import pytest
import shapely

from layers.models import Feature
from tests.layers.downloads.conftest import download, same_shape


def _gdal_path(path) -> str:
    return f"/vsizip/{path}" if path.suffix == ".zip" else str(path)


def _open_options(path) -> list[str]:
    # A CSV is text until asked to type its columns, as the portal's reader does.
    return ["-oo", "AUTODETECT_TYPE=YES"] if path.suffix == ".csv" else []


@pytest.mark.parametrize("export", ["gpkg", "geojson", "shp", "csv"])
def test_ogrinfo_and_ogr2ogr_read_the_download(client, published, tmp_path, export):
    path = download(client, published.layer, tmp_path, format=export)
    run = subprocess.run(
        ["ogrinfo", "-ro", "-al", "-so", *_open_options(path), _gdal_path(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    # Debian's GDAL reads the file without a warning (GeoPackage 1.2).
    assert run.stderr == ""
    info = run.stdout
    assert "Feature Count: 4" in info
    for field in ("ZONE", "LIBELLE", "NOM_AR", "COS", "NIVEAUX"):
        assert f"\n{field}: " in info
    if export != "csv":  # a CSV does not say its CRS
        assert 'ID["EPSG",4326]' in info

    converted = tmp_path / "converted.geojson"
    subprocess.run(
        [
            "ogr2ogr",
            "-f",
            "GeoJSON",
            *_open_options(path),
            str(converted),
            _gdal_path(path),
        ],
        capture_output=True,
        check=True,
        timeout=60,
    )
    read = {
        feature["properties"]["ZONE"]: feature
        for feature in json.loads(converted.read_text(encoding="utf-8"))["features"]
    }
    for feature in Feature.objects.filter(version=published.v2):
        copy = read[feature.code]
        assert copy["properties"]["LIBELLE"] == feature.label_fr
        assert copy["properties"]["NOM_AR"] == feature.label_ar
        assert copy["properties"]["NIVEAUX"] == feature.attributes["NIVEAUX"]
        geometry = shapely.from_geojson(json.dumps(copy["geometry"]))
        assert same_shape(geometry, shapely.from_wkb(bytes(feature.geom.wkb)), 1e-8)
