"""Every input format imports through GDAL: shapefile, GeoPackage, GeoJSON,
KML/KMZ, CSV (WKT or x/y) and DXF. Inputs are written here with GDAL."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from pyproj import CRS
from pyproj.enums import WktVersion

from importing.errors import AmbiguousSource
from importing.plan import ImportOptions
from layers.models import Layer, ZoneRule
from layers.services import layer_import, layer_version_publish

from .conftest import (
    ZONES,
    to_srid,
    write_vector,
    zip_files,
    zoning_cells,
    zoning_file,
    zoning_records,
)

CODES = {zone[0] for zone in ZONES}


def _assert_clean_zoning(version, srid):
    assert version.feature_count == 4
    assert version.source_srid == srid
    assert set(version.report["summary"]["codes"]) == CODES
    assert version.report["errors"] == 0, version.report["issues"]


def test_zipped_shapefile_in_merchich_with_esri_prj_and_cp1252(zoning_layer, tmp_path):
    path = zoning_file(
        tmp_path, driver="ESRI Shapefile", suffix=".shp", encoding="cp1252"
    )
    # An ESRI-style .prj, as ArcGIS writes it: no EPSG code anywhere.
    path.with_suffix(".prj").write_text(CRS(26191).to_wkt(WktVersion.WKT1_ESRI))
    parts = [path.with_suffix(s) for s in (".shp", ".shx", ".dbf", ".prj", ".cpg")]
    version = layer_import(
        layer=zoning_layer, path=zip_files(tmp_path / "zonage.zip", parts)
    )
    _assert_clean_zoning(version, 26191)


def test_geopackage_with_several_layers_imports_the_chosen_one(zoning_layer, tmp_path):
    path = zoning_file(tmp_path, driver="GPKG", suffix=".gpkg", layer="zonage")
    write_vector(
        path,
        driver="GPKG",
        layer="limites",
        geometries=to_srid([shapely.box(-6.9, 33.9, -6.8, 34.0).boundary], 26191),
        names=[],
        columns=[],
        srid=26191,
        geometry_type="LineString",
        append=False,
    )
    with pytest.raises(AmbiguousSource):
        layer_import(
            layer=zoning_layer, path=path, options=ImportOptions(source_layer="x")
        )
    version = layer_import(
        layer=zoning_layer, path=path, options=ImportOptions(source_layer="zonage")
    )
    _assert_clean_zoning(version, 26191)


def test_geojson_in_wgs84(zoning_layer, tmp_path):
    path = zoning_file(tmp_path, driver="GeoJSON", suffix=".geojson", srid=4326)
    _assert_clean_zoning(layer_import(layer=zoning_layer, path=path), 4326)


def _kml(tmp_path):
    _names, columns = zoning_records()
    return write_vector(
        tmp_path / "zonage.kml",
        driver="KML",
        geometries=zoning_cells(),
        names=["Name", "Description"],
        columns=[columns[0], columns[1]],
    )


def test_kml_names_become_zone_codes(zoning_layer, tmp_path):
    _assert_clean_zoning(layer_import(layer=zoning_layer, path=_kml(tmp_path)), 4326)


def test_kmz_is_unpacked_safely_and_read(zoning_layer, tmp_path):
    kmz = zip_files(tmp_path / "zonage.kmz", [_kml(tmp_path)], names=["doc.kml"])
    _assert_clean_zoning(layer_import(layer=zoning_layer, path=kmz), 4326)


def test_csv_with_wkt_in_the_agency_crs(zoning_layer, tmp_path):
    names, columns = zoning_records()
    path = tmp_path / "zonage.csv"
    wkt = shapely.to_wkt(to_srid(zoning_cells(), 26191), rounding_precision=-1)
    header = ",".join(["WKT", *names])
    lines = [header]
    for index, geometry in enumerate(wkt):
        values = [str(column[index] or "") for column in columns]
        lines.append(",".join([f'"{geometry}"', *(f'"{v}"' for v in values)]))
    path.write_text("\n".join(lines) + "\n")
    version = layer_import(layer=zoning_layer, path=path)
    # A CSV has no CRS: the agency's native one (Merchich Nord Maroc) applies.
    _assert_clean_zoning(version, 26191)
    assert version.report["summary"]["srid_origin"] == "agency"


def test_csv_with_x_y_columns_imports_points_as_an_overlay(document, tmp_path):
    layer = Layer.objects.create(
        document=document, name="equipements", title_fr="Équipements", kind="overlay"
    )
    path = tmp_path / "equipements.csv"
    path.write_text(
        "x,y,CODE,LABEL\n-6.85,33.95,EQ1,École\n-6.86,33.96,EQ2,Dispensaire\n"
    )
    version = layer_import(layer=layer, path=path, options=ImportOptions(srid=4326))
    assert version.feature_count == 2
    assert version.report["errors"] == 0, version.report["issues"]
    layer.refresh_from_db()
    assert layer.geometry_type == "point"
    labels = set(version.features.values_list("label_fr", flat=True))
    assert labels == {"École", "Dispensaire"}


def test_dxf_closed_polylines_become_zones(zoning_layer, tmp_path):
    cells = to_srid(zoning_cells(), 26191)
    # DXF has no polygons: CAD draws zones as closed polylines on named layers.
    rings = [shapely.LineString(shapely.get_coordinates(c.exterior)) for c in cells]
    path = write_vector(
        tmp_path / "zonage.dxf",
        driver="DXF",
        geometries=rings,
        names=[],
        columns=[],
        srid=None,
        geometry_type="LineString",
    )
    version = layer_import(layer=zoning_layer, path=path)
    assert version.feature_count == 4
    assert version.source_srid == 26191
    types = {f.geom.geom_type for f in version.features.all()}
    assert types == {"Polygon"}
    codes = set(version.report["summary"]["codes"])
    assert codes <= {"0", ""} or codes == set()  # DXF layer "0" holds them all


def test_moroccan_rules_are_read_and_applied_on_publication(zoning_layer, tmp_path):
    path = zoning_file(tmp_path, driver="GeoJSON", suffix=".geojson", srid=4326)
    version = layer_import(layer=zoning_layer, path=path)
    assert version.report["summary"]["mapping"]["schema"] == "moroccan_zoning"
    assert not ZoneRule.objects.filter(document=zoning_layer.document).exists()
    layer_version_publish(version=version)
    rule = ZoneRule.objects.get(document=zoning_layer.document, code="R+4")
    assert rule.cos == pytest.approx(2.5)
    assert rule.ces == pytest.approx(60)
    assert rule.max_height_m == pytest.approx(17)
    assert rule.height_label == "R+4"  # five levels: ground floor and four
    villas = ZoneRule.objects.get(document=zoning_layer.document, code="V1")
    assert villas.ces == pytest.approx(20)  # a ratio of 0.2 is 20 %
    assert villas.category == "villa"
    warnings = {i["code"]: i for i in version.report["issues"]}
    assert "EV" in warnings["code_without_rule"]["params"]["codes"]
    # 0.1° × 0.1° at 34° N: 11.1 km × 9.2 km.
    assert np.isclose(version.report["summary"]["area_m2"], 1.0253e8, rtol=0.01)
