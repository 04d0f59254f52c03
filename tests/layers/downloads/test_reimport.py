"""Each download format reads back through the portal's own import pipeline
with the same features, attributes and geometries, in EPSG:4326 and in the
agency's CRS."""

from __future__ import annotations

import pytest
import shapely

from importing.plan import ImportOptions
from layers.models import Feature, Layer
from layers.services import layer_import
from tests.layers.downloads.conftest import download, same_shape

# Degrees in EPSG:4326 (≈ 1 mm); CSV's WKT has 15 significant digits, and a
# trip through the agency's metres and back rounds a little more.
TOLERANCE = {4326: 1e-8, 26191: 1e-7}


def _shape(geometry) -> shapely.Geometry:
    return shapely.from_wkb(bytes(geometry.wkb))


def _features(version) -> dict[str, Feature]:
    return {
        feature.code: feature for feature in Feature.objects.filter(version=version)
    }


@pytest.fixture
def second_layer(published):
    """Another layer of the same document to import the downloads into."""
    return Layer.objects.create(
        document=published.layer.document,
        name="reimport",
        title_fr="Réimport",
        kind=Layer.Kind.ZONING,
    )


@pytest.mark.parametrize("srid", [4326, 26191])
@pytest.mark.parametrize("export", ["gpkg", "geojson", "shp", "csv"])
def test_a_download_reimports_unchanged(
    client, published, second_layer, tmp_path, export, srid
):
    path = download(
        client, published.layer, tmp_path, format=export, crs=f"EPSG:{srid}"
    )
    # A CSV says nothing of its CRS: the planner names it, as for any CSV.
    options = ImportOptions(srid=srid) if export == "csv" else None
    version = layer_import(layer=second_layer, path=path, options=options)

    assert version.source_srid == srid
    assert version.report.get("errors", 0) == 0, version.report
    original, again = _features(published.v2), _features(version)
    assert sorted(again) == sorted(original) == ["EV", "R+4", "V1", "ZI"]
    for code, feature in original.items():
        copy = again[code]
        assert (copy.label_fr, copy.label_ar, copy.category) == (
            feature.label_fr,
            feature.label_ar,
            feature.category,
        )
        # Every source attribute comes back with its value and type (CSV has
        # no null: an empty text cell reads back as an empty text).
        kept = {name: copy.attributes.get(name) for name in feature.attributes}
        expected = dict(feature.attributes)
        if export == "csv":
            expected = {k: "" if v is None else v for k, v in expected.items()}
        assert kept == expected
        assert same_shape(_shape(copy.geom), _shape(feature.geom), TOLERANCE[srid])
