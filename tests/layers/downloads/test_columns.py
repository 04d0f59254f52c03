"""The columns of a download: one type per attribute, names the format can
hold, the portal's code and labels beside the source's fields."""

from __future__ import annotations

import datetime

import pyogrio
import pytest

from layers.services import FeatureData, layer_version_create, layer_version_publish
from tests.conftest import square
from tests.layers.downloads.conftest import download

ATTRIBUTES = [
    {"fid": "A-1", "Zone": "UA", "ZONE": "ua", "BIG": 2**70, "MIX": 3, "LIST": [1, 2]},
    {"fid": "A-2", "Zone": "UB", "ZONE": "ub", "BIG": 5, "MIX": "trois", "LIST": None},
]


@pytest.fixture
def odd_layer(zoning_layer):
    features = [
        FeatureData(
            geom=square(-6.9 + 0.01 * index, 33.9, 0.01),
            code=f"Z{index}",
            label_fr=f"Zone {index}",
            label_ar=f"منطقة {index}",
            category="mixed",
            attributes=attributes,
        )
        for index, attributes in enumerate(ATTRIBUTES)
    ]
    layer_version_publish(
        version=layer_version_create(layer=zoning_layer, features=features),
        at=datetime.datetime(2022, 1, 1, tzinfo=datetime.UTC),
    )
    return zoning_layer


@pytest.mark.parametrize(
    ("export", "names"),
    [
        ("gpkg", ["code", "label_fr", "label_ar", "category", "BIG", "fid_1",
                  "LIST", "MIX", "ZONE", "Zone_1"]),
        ("csv", ["WKT", "code", "label_fr", "label_ar", "category", "BIG", "fid",
                 "LIST", "MIX", "ZONE", "Zone_1"]),
    ],
)  # fmt: skip
def test_names_and_types_the_format_can_hold(
    client, odd_layer, tmp_path, export, names
):
    path = download(client, odd_layer, tmp_path, format=export)
    if export == "csv":
        header = path.read_text(encoding="utf-8").splitlines()[0]
        assert header.split(",") == names
        return
    info = pyogrio.read_info(path)
    assert list(info["fields"]) == names
    types = dict(zip(info["fields"], info["dtypes"], strict=True))
    # 2**70 does not fit 64 bits: a real number; a list is JSON text.
    assert (types["BIG"], types["MIX"], types["LIST"]) == (
        "float64",
        "object",
        "object",
    )
    _meta, _fids, _geometry, fields = pyogrio.raw.read(path)
    values = dict(zip(info["fields"], fields, strict=True))
    assert list(values["MIX"]) == ["3", "trois"]
    assert list(values["LIST"]) == ["[1, 2]", None]
    assert list(values["label_ar"]) == ["منطقة 0", "منطقة 1"]


@pytest.mark.parametrize("export", ["gpkg", "shp", "geojson", "csv"])
def test_a_version_without_features_is_an_empty_file(
    client, zoning_layer, tmp_path, export
):
    layer_version_publish(
        version=layer_version_create(layer=zoning_layer, features=[]),
        at=datetime.datetime(2022, 1, 1, tzinfo=datetime.UTC),
    )
    path = download(client, zoning_layer, tmp_path, format=export)
    gdal_path = f"/vsizip/{path}" if export == "shp" else path
    info = pyogrio.read_info(gdal_path)
    assert info["features"] == 0
    if export != "geojson":  # GeoJSON's fields are those its features carry
        assert "label_ar" in list(info["fields"])
