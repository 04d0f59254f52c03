"""Text encodings are detected and repaired; CRSs are identified and checked."""

from __future__ import annotations

import codecs

import pytest
import shapely
from django.urls import reverse
from django.utils import translation
from pyproj import CRS
from pyproj.enums import WktVersion

from importing.crs import crs_identify
from importing.encoding import cpg_encoding, encoding_detect, mojibake_repair
from importing.errors import UnknownCRS
from importing.plan import ImportOptions
from importing.report import report_render, report_text
from layers.services import layer_import

from .conftest import (
    PLU,
    geojson_file,
    shapefile_zip,
    to_srid,
    zip_files,
    zoning_cells,
    zoning_features,
    zoning_file,
)

MERCHICH_NORD_ESRI = (
    'PROJCS["Merchich_Nord_Maroc",GEOGCS["GCS_Merchich",DATUM["D_Merchich",'
    'SPHEROID["Clarke_1880_IGN",6378249.2,293.46602]],PRIMEM["Greenwich",0.0],'
    'UNIT["Degree",0.0174532925199433]],PROJECTION["Lambert_Conformal_Conic"],'
    'PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",300000.0],'
    'PARAMETER["Central_Meridian",-5.4],PARAMETER["Standard_Parallel_1",33.3],'
    'PARAMETER["Scale_Factor",0.999625769],PARAMETER["Latitude_Of_Origin",33.3],'
    'UNIT["Meter",1.0]]'
)


def test_mojibake_is_repaired():
    assert mojibake_repair("oÃ¹ l'Ã©volution") == "où l'évolution"
    assert mojibake_repair("déjà correct") == "déjà correct"


def test_utf8_in_a_file_declaring_latin1_is_detected():
    raw = ["Zone urbanisÃ©e".encode().decode("latin-1"), "UA"]
    raw = ["Zone urbanisée".encode().decode("latin-1"), "UA"]
    guess = encoding_detect(raw, declared="ISO-8859-1")
    assert guess.detected == "utf-8"
    assert guess.mismatch
    assert guess.samples[0] == ("Zone urbanisÃ©e", "Zone urbanisée")


def test_real_latin1_is_kept():
    raw = ["Zone urbanisée", "Espace boisé"]  # read byte for byte as Latin-1
    guess = encoding_detect(raw, declared="ISO-8859-1")
    assert guess.detected == "iso8859-1"
    assert not guess.mismatch


def test_planner_can_force_the_declared_encoding(plu_zoning, tmp_path):
    version = layer_import(
        layer=plu_zoning,
        path=shapefile_zip(tmp_path),
        options=ImportOptions(encoding="latin-1"),
    )
    labels = version.features.values_list("label_fr", flat=True)
    assert any("Ã©" in label for label in labels)  # what they asked for


def test_cp1252_shapefile_keeps_its_accents(zoning_layer, tmp_path):
    path = zoning_file(
        tmp_path, driver="ESRI Shapefile", suffix=".shp", encoding="cp1252"
    )
    version = layer_import(layer=zoning_layer, path=path)
    labels = set(version.features.values_list("label_fr", flat=True))
    assert "Zone d'activités économiques" in labels


def test_garbled_geojson_text_is_repaired_and_said(zoning_layer, tmp_path):
    features = zoning_features()
    garbled = "Zone d'activités économiques".encode().decode("cp1252")
    features[2] = (features[2][0], {"ZONE": "ZI", "LIBELLE": garbled})
    version = layer_import(
        layer=zoning_layer, path=geojson_file(tmp_path / "z.geojson", features)
    )
    assert version.features.get(code="ZI").label_fr == "Zone d'activités économiques"
    codes = {issue["code"] for issue in version.report["issues"]}
    assert "mojibake_repaired" in codes


@pytest.mark.parametrize(
    ("definition", "srid"),
    [
        ((PLU / "ZONE_URBA.prj").read_text(), 2154),
        (MERCHICH_NORD_ESRI, 26191),
        (CRS(26192).to_wkt(WktVersion.WKT1_ESRI), 26192),
        ("EPSG:4326", 4326),
    ],
)
def test_esri_prj_without_epsg_code_is_identified(definition, srid):
    assert crs_identify(definition) == srid


def test_unknown_crs_is_refused_with_a_message():
    with pytest.raises(UnknownCRS):
        crs_identify("PROJCS[nonsense")


def test_merchich_coordinates_declared_as_wgs84_are_recognised(zoning_layer, tmp_path):
    # GeoJSON is WGS 84 by definition; these coordinates are Lambert metres.
    cells = to_srid(zoning_cells(), 26191)
    features = [(cell, {"ZONE": f"Z{i}"}) for i, cell in enumerate(cells)]
    version = layer_import(
        layer=zoning_layer, path=geojson_file(tmp_path / "z.geojson", features)
    )
    issue = next(i for i in version.report["issues"] if i["code"] == "crs_suggestion")
    assert issue["severity"] == "error"
    assert issue["params"]["suggested_srid"] == 26191
    assert "Nord Maroc" in issue["params"]["suggested"]


def test_lon_lat_read_in_the_agency_crs_is_caught(zoning_layer, tmp_path):
    path = tmp_path / "zonage.csv"
    rows = ["WKT,ZONE"]
    rows += [f'"{shapely.to_wkt(c)}",Z{i}' for i, c in enumerate(zoning_cells())]
    path.write_text("\n".join(rows))
    version = layer_import(layer=zoning_layer, path=path)  # agency CRS: 26191
    issue = next(i for i in version.report["issues"] if i["code"] == "crs_suggestion")
    assert issue["params"]["suggested_srid"] == 4326
    fixed = layer_import(
        layer=zoning_layer, path=path, options=ImportOptions(srid=4326)
    )
    assert fixed.report["errors"] == 0


def _shapefile_with_prj(tmp_path, prj: str):
    files = [PLU / f"ZONE_URBA{suffix}" for suffix in (".shp", ".shx", ".dbf")]
    (tmp_path / "ZONE_URBA.prj").write_text(prj)
    return zip_files(tmp_path / "zonage.zip", [*files, tmp_path / "ZONE_URBA.prj"])


@pytest.mark.parametrize("prj", ["Lambert 93, je crois", ""])
def test_prj_that_proj_cannot_read_is_an_error_in_the_report(plu_zoning, tmp_path, prj):
    """Not silently replaced by the agency's CRS: the planner is told."""
    path = _shapefile_with_prj(tmp_path, prj)
    version = layer_import(layer=plu_zoning, path=path)
    with translation.override("fr"):
        issues = report_render(version.report)["issues"]
    issue = next(i for i in issues if i["code"] == "crs_unreadable")
    assert issue["severity"] == "error"
    assert "ZONE_URBA.prj" in issue["message"]
    assert "RGF93" in issue["message"]  # the CRS assumed, by its name
    assert "illisible" in issue["message"]


def test_prj_chosen_over_by_the_planner_is_no_error(plu_zoning, tmp_path):
    path = _shapefile_with_prj(tmp_path, "Lambert 93, je crois")
    version = layer_import(
        layer=plu_zoning, path=path, options=ImportOptions(srid=2154)
    )
    codes = {issue["code"] for issue in version.report["issues"]}
    assert "crs_unreadable" not in codes


def test_malformed_prj_is_refused_naming_it(plu_zoning, tmp_path):
    path = _shapefile_with_prj(tmp_path, 'PROJCS["Lambert-93",GEOGCS[')
    with pytest.raises(UnknownCRS) as caught, translation.override("fr"):
        layer_import(layer=plu_zoning, path=path)
    assert caught.value.code == "unreadable_crs"
    assert "ZONE_URBA.prj" in caught.value.message


def _shapefile_with_cpg(tmp_path, *, text_encoding: str, cpg: str | None):
    """The synthetic zoning as a shapefile whose text is in ``text_encoding``
    and whose .cpg says ``cpg`` (no .cpg for None)."""
    path = zoning_file(
        tmp_path, driver="ESRI Shapefile", suffix=".shp", encoding=text_encoding
    )
    sidecar = path.with_suffix(".cpg")
    sidecar.unlink(missing_ok=True)
    if cpg is not None:
        sidecar.write_text(cpg)
    return path


@pytest.mark.parametrize(
    ("text_encoding", "cpg", "declared_by", "said"),
    [
        (
            "cp1252",
            "1252",
            ".cpg",
            {
                "fr": "Encodage du texte : CP1252 déclaré dans le fichier .cpg, "
                "lu en CP1252.",
                "ar": "ترميز النص: CP1252 مصرّح به في ملف",
            },
        ),
        (
            "UTF-8",
            "UTF-8",
            ".cpg",
            {
                "fr": "Encodage du texte : UTF-8 déclaré dans le fichier .cpg, "
                "lu en UTF-8.",
                "ar": "ترميز النص: UTF-8 مصرّح به في ملف",
            },
        ),
        (
            "UTF-8",
            None,
            "",
            {
                "fr": "Encodage du texte : aucun déclaré, lu en UTF-8.",
                "ar": "ترميز النص: لا ترميز مصرّح به، تمت قراءته بـ UTF-8.",
            },
        ),
    ],
)
def test_the_report_says_the_encoding_declared_and_the_one_used(
    zoning_layer, tmp_path, text_encoding, cpg, declared_by, said
):
    path = _shapefile_with_cpg(tmp_path, text_encoding=text_encoding, cpg=cpg)
    version = layer_import(layer=zoning_layer, path=path)
    labels = set(version.features.values_list("label_fr", flat=True))
    assert "Zone d'activités économiques" in labels
    encoding = version.report["summary"]["encoding"]
    assert encoding["declared_by"] == declared_by
    assert encoding["detected"] == codecs.lookup(text_encoding).name
    codes = {issue["code"] for issue in version.report["issues"]}
    # A file that says what it is needs no warning; nothing declared does.
    assert "encoding_repaired" not in codes
    assert ("encoding_undeclared" in codes) == (cpg is None)
    for language, sentence in said.items():
        with translation.override(language):
            assert sentence in report_text(version.report)
            assert sentence in report_render(version.report)["encoding_text"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("1252\n", "cp1252"),
        ("88591", "iso8859-1"),
        ("8859-6", "iso8859-6"),
        ("ANSI 1251", "cp1251"),
        ("UTF8", "utf-8"),
        ("utf-8", "utf-8"),
        ("nonsense", None),
        ("12\x0052", None),
    ],
)
def test_a_cpg_is_read_as_gdal_reads_it(text, name):
    assert cpg_encoding(text) == name


@pytest.mark.parametrize(
    ("language", "said"),
    [
        (
            "fr",
            "Encodage du texte : CP1252 déclaré dans le fichier .cpg, lu en CP1252.",
        ),
        ("ar", "ترميز النص: CP1252 مصرّح به في ملف"),
    ],
)
def test_the_version_page_says_the_encoding(
    client, zoning_layer, planner, tmp_path, language, said
):
    path = _shapefile_with_cpg(tmp_path, text_encoding="cp1252", cpg="1252")
    version = layer_import(layer=zoning_layer, path=path)
    client.force_login(planner)
    page = client.get(
        reverse("layers:version", args=[version.pk]), HTTP_ACCEPT_LANGUAGE=language
    )
    assert page.status_code == 200
    assert said in page.content.decode()
