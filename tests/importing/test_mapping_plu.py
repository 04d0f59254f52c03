"""The real CNIG PLU of commune 41175 imports completely and correctly."""

from __future__ import annotations

import numpy as np
import pyogrio
import pytest
import shapely
from pyproj import Geod, Transformer

from importing.plan import ImportOptions
from layers.models import Feature
from layers.services import VersionStateError, layer_import, layer_version_publish

from .conftest import PLU, shapefile_zip

# The real PLU's zones overlap here and there along their borders (330 pieces,
# the largest 448 m²): the default report says so; a tolerance lets the planner
# accept digitising slivers up to a chosen area.
PLU_TOLERANCE = ImportOptions(tolerance_m2=500)


@pytest.fixture
def plu_version(plu_zoning, tmp_path):
    return layer_import(
        layer=plu_zoning, path=shapefile_zip(tmp_path), options=PLU_TOLERANCE
    )


def test_zone_urba_imports_118_zones_with_readable_labels(plu_version):
    assert plu_version.feature_count == 118
    assert plu_version.source_srid == 2154
    labels = set(
        Feature.objects.filter(version=plu_version).values_list("label_fr", flat=True)
    )
    assert (
        "Secteur de zone naturelle où l'évolution modéré du bâti existant est admis"
        in labels
    )
    assert not any("Ã" in label for label in labels)
    codes = plu_version.report["summary"]["codes"]
    assert {"UJ", "1AUa", "Nh"} <= set(codes)
    issues = {issue["code"] for issue in plu_version.report["issues"]}
    # The PLU's .dbf declares no encoding (no .cpg, language driver id 0): its
    # UTF-8 is detected and said so, not taken for a declared Latin-1.
    assert "encoding_undeclared" in issues
    assert plu_version.report["summary"]["encoding"]["detected"] == "utf-8"
    assert plu_version.report["errors"] == 0, plu_version.report["issues"]


def test_overlapping_zones_of_the_real_plu_are_errors_with_areas_and_places(
    plu_zoning, tmp_path
):
    version = layer_import(layer=plu_zoning, path=shapefile_zip(tmp_path))
    overlaps = [i for i in version.report["issues"] if i["code"] == "zones_overlap"]
    assert overlaps
    assert version.report["errors"] >= len(overlaps)
    largest = max(overlaps, key=lambda issue: issue["area_m2"])
    assert largest["area_m2"] == pytest.approx(448, abs=5)
    lon, lat = largest["locations"][0]
    assert 1.0 < lon < 1.3  # in the commune, in EPSG:4326
    assert 47.7 < lat < 48.0
    assert largest["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    with pytest.raises(VersionStateError):
        layer_version_publish(version=version)
    assert not version.layer.document.rules.exists()


def test_zone_areas_match_an_independent_geodesic_computation(plu_version):
    _meta, _fids, wkb, _fields = pyogrio.raw.read(
        PLU / "ZONE_URBA.shp", return_fids=True
    )
    transformer = Transformer.from_crs(2154, 4326, always_xy=True)
    geod = Geod(ellps="WGS84")
    expected = 0.0
    for geometry in shapely.from_wkb(wkb):
        lonlat = shapely.transform(
            geometry, lambda xy: np.column_stack(transformer.transform(*xy.T))
        )
        expected += abs(geod.geometry_area_perimeter(lonlat)[0])
    stored = plu_version.report["summary"]["area_m2"]
    assert stored == pytest.approx(expected, rel=0.001)


def test_plu_zoning_publishes_and_fills_zone_rules(plu_version):
    layer_version_publish(version=plu_version)
    rules = plu_version.layer.document.rules
    assert rules.count() == len(plu_version.report["summary"]["codes"])
    rule = rules.get(code="Nh")
    assert rule.label_fr.startswith("Secteur de zone naturelle où")
    assert rule.category == "natural"
    assert rules.get(code="1AUa").category == "to_urbanise"


@pytest.mark.parametrize(
    ("stem", "count", "geometry_type"),
    [
        ("PRESCRIPTION_SURF", 23, "polygon"),
        ("PRESCRIPTION_LIN", 10, "line"),
        ("PRESCRIPTION_PCT", 26, "point"),
    ],
)
def test_prescriptions_import_as_overlays(
    plu_overlay, tmp_path, stem, count, geometry_type
):
    layer = plu_overlay(stem.lower().replace("_", "-"))
    version = layer_import(layer=layer, path=shapefile_zip(tmp_path, stem))
    assert version.feature_count == count
    assert version.report["errors"] == 0, version.report["issues"]
    layer.refresh_from_db()
    assert layer.geometry_type == geometry_type
    layer_version_publish(version=version)
