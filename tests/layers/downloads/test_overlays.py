"""Overlays of points and lines download and read back too; a CSV of points
holds X and Y columns, one of lines its WKT."""

from __future__ import annotations

import datetime

import pytest
import shapely

from importing.plan import ImportOptions
from layers.models import Feature, Layer
from layers.services import layer_import, layer_version_publish
from tests.importing.conftest import geojson_file
from tests.layers.downloads.conftest import download, same_shape

SOURCES = {
    "point": [
        (shapely.Point(-6.85, 33.95), {"CODE": "ECOLE", "LIBELLE": "École"}),
        (shapely.Point(-6.84, 33.96), {"CODE": "DISP", "LIBELLE": "Dispensaire"}),
    ],
    "line": [
        (
            shapely.LineString([(-6.89, 33.91), (-6.81, 33.99)]),
            {"CODE": "V-1", "LIBELLE": "Boulevard, emprise 40 m"},
        ),
        (
            shapely.MultiLineString([[(-6.88, 33.95), (-6.82, 33.95)]]),
            {"CODE": "V-2", "LIBELLE": "Avenue, emprise 30 m"},
        ),
    ],
}


def _overlay(document, name: str) -> Layer:
    return Layer.objects.create(
        document=document,
        name=name,
        title_fr=name,
        kind=Layer.Kind.OVERLAY,
        overlay_type=Layer.OverlayType.RESERVED_SITE,
    )


@pytest.mark.parametrize("export", ["gpkg", "geojson", "shp", "csv"])
@pytest.mark.parametrize("geometry", ["point", "line"])
def test_an_overlay_downloads_and_reimports(
    client, document, tmp_path, geometry, export
):
    layer = _overlay(document, f"overlay-{geometry}")
    source = geojson_file(tmp_path / "source.geojson", SOURCES[geometry])
    layer_version_publish(
        version=layer_import(layer=layer, path=source),
        at=datetime.datetime(2022, 1, 1, tzinfo=datetime.UTC),
    )
    layer.refresh_from_db()
    assert layer.geometry_type == geometry

    path = download(client, layer, tmp_path, format=export)
    if export == "csv":
        header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
        geometry_columns = ["X", "Y"] if geometry == "point" else ["WKT"]
        assert header[: len(geometry_columns)] == geometry_columns
        assert "WKT" not in header or geometry == "line"
    options = ImportOptions(srid=4326) if export == "csv" else None
    copy = layer_import(layer=_overlay(document, "copy"), path=path, options=options)
    original = {f.code: f for f in Feature.objects.filter(version__layer=layer)}
    again = {f.code: f for f in Feature.objects.filter(version=copy)}
    assert sorted(again) == sorted(original)
    for code, feature in original.items():
        assert again[code].label_fr == feature.label_fr
        assert same_shape(
            shapely.from_wkb(bytes(again[code].geom.wkb)),
            shapely.from_wkb(bytes(feature.geom.wkb)),
            1e-8,
        )
