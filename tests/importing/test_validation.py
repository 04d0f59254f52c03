"""Each validation rule reports what is wrong, where, and whether it blocks."""

from __future__ import annotations

import pytest
import shapely
from django.utils import translation

from importing.report import report_render
from layers.services import VersionStateError, layer_import, layer_version_publish

from .conftest import geojson_file, zoning_cells, zoning_features


def _import(layer, tmp_path, features):
    path = geojson_file(tmp_path / "zonage.geojson", features)
    version = layer_import(layer=layer, path=path)
    issues = {}
    for issue in version.report["issues"]:
        issues.setdefault(issue["code"], issue)
    return version, issues


def test_clean_zoning_has_no_error_and_publishes(zoning_layer, tmp_path):
    version, issues = _import(zoning_layer, tmp_path, zoning_features())
    assert version.report["errors"] == 0, issues
    layer_version_publish(version=version)


def test_invalid_geometry_is_repaired_and_listed_with_its_id(zoning_layer, tmp_path):
    features = zoning_features()
    cell = features[0][0]
    xmin, ymin, xmax, ymax = cell.bounds
    # A bow tie: the classic self-intersecting ring; its two triangles cover
    # the cell's diagonals only, so the rest of the cell becomes a gap.
    bowtie = shapely.Polygon([(xmin, ymin), (xmax, ymax), (xmax, ymin), (xmin, ymax)])
    features[0] = (bowtie, features[0][1])
    version, issues = _import(zoning_layer, tmp_path, features)
    repaired = issues["invalid_geometry"]
    assert repaired["severity"] == "warning"
    assert repaired["features"] == ["0"]
    stored = version.features.get(source_id="0")
    assert stored.geom.valid
    assert stored.geom.geom_type in {"MultiPolygon", "Polygon"}


def test_line_in_a_zoning_layer_is_an_error(zoning_layer, tmp_path):
    features = zoning_features()
    features.append((shapely.LineString([(-6.85, 33.91), (-6.84, 33.92)]), {}))
    version, issues = _import(zoning_layer, tmp_path, features)
    assert issues["wrong_geometry_type"]["severity"] == "error"
    assert issues["wrong_geometry_type"]["features"] == ["4"]
    assert version.feature_count == 4
    with pytest.raises(VersionStateError):
        layer_version_publish(version=version)


def test_features_outside_territory_and_perimeter(zoning_layer, tmp_path):
    features = zoning_features()
    features.append((shapely.box(-5.0, 35.0, -4.99, 35.01), {"ZONE": "X"}))
    features.append((shapely.box(-6.81, 33.95, -6.79, 33.96), {"ZONE": "Y"}))
    _version, issues = _import(zoning_layer, tmp_path, features)
    assert issues["outside_territory"]["features"] == ["4"]
    assert issues["outside_territory"]["severity"] == "error"
    assert issues["partly_outside_territory"]["features"] == ["5"]
    assert issues["partly_outside_perimeter"]["severity"] == "warning"
    lon, lat = issues["outside_territory"]["locations"][0]
    assert lon == pytest.approx(-4.995, abs=0.01)
    assert lat == pytest.approx(35.005, abs=0.01)


def test_overlapping_zones_are_an_error_with_area_and_place(zoning_layer, tmp_path):
    cells = zoning_cells()
    cells[0] = shapely.box(*cells[0].bounds[:2], -6.84, 33.95)  # 0.01° too far east
    _version, issues = _import(zoning_layer, tmp_path, zoning_features(cells))
    overlap = issues["zones_overlap"]
    assert overlap["severity"] == "error"
    assert overlap["features"] == ["0", "1"]
    # 0.01° × 0.05° at 33.92° N ≈ 924 m × 5,547 m.
    assert overlap["area_m2"] == pytest.approx(5.13e6, rel=0.01)
    assert overlap["geometry"]["type"] == "Polygon"


def test_gap_in_the_zoning_is_an_error_with_its_area(zoning_layer, tmp_path):
    features = zoning_features()[:3]
    _version, issues = _import(zoning_layer, tmp_path, features)
    gap = issues["zoning_gap"]
    assert gap["severity"] == "error"
    assert gap["area_m2"] == pytest.approx(2.56e7, rel=0.01)
    lon, lat = gap["locations"][0]
    assert -6.85 < lon < -6.8
    assert 33.95 < lat < 34.0


def test_empty_and_inconsistent_codes(zoning_layer, tmp_path):
    features = zoning_features()
    features[3] = (features[3][0], {"ZONE": "", "LIBELLE": "Sans code"})
    features[1] = (features[1][0], {"ZONE": "r+4", "LIBELLE": "Immeubles"})
    _version, issues = _import(zoning_layer, tmp_path, features)
    assert issues["empty_code"]["severity"] == "error"
    assert issues["empty_code"]["features"] == ["3"]
    assert issues["duplicate_code"]["params"]["variants"] == "R+4, r+4"


def test_z_coordinates_are_flattened_and_said(zoning_layer, tmp_path):
    features = zoning_features()
    features[2] = (shapely.force_3d(features[2][0], 120.0), features[2][1])
    version, issues = _import(zoning_layer, tmp_path, features)
    assert issues["flattened"]["features"] == ["2"]
    assert not version.features.get(source_id="2").geom.hasz
    assert version.report["errors"] == 0


def test_report_reads_in_the_planners_language(zoning_layer, tmp_path):
    features = zoning_features()[:3]
    version, _issues = _import(zoning_layer, tmp_path, features)
    with translation.override("fr"):
        french = report_render(version.report)
    with translation.override("ar"):
        arabic = report_render(version.report)
    gap_fr = next(i for i in french["issues"] if i["code"] == "zoning_gap")
    gap_ar = next(i for i in arabic["issues"] if i["code"] == "zoning_gap")
    assert "lacune" in gap_fr["message"] or "vide" in gap_fr["message"]
    assert any("\u0600" <= char <= "\u06ff" for char in gap_ar["message"])
