"""Parcels import from a registry file, matched on their canonical reference."""

from __future__ import annotations

import io

import pytest
import shapely
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import translation

from parcels.models import Parcel
from parcels.services import parcels_import
from tests.importing.conftest import geojson_file, to_srid


def _registry(tmp_path, area="450"):
    squares = [
        shapely.box(-6.85, 33.95, -6.849, 33.951),
        shapely.box(-6.84, 33.95, -6.839, 33.951),
        shapely.box(-6.83, 33.95, -6.829, 33.951),
    ]
    squares = to_srid(squares, 26191)
    rows = [
        {"TITRE": "T.F. 12345/07", "SUPERFICIE": area, "ADRESSE": "Hay Riad"},
        {"TITRE": "R ٤٥٦٧/٠٧", "SUPERFICIE": "1 200", "ADRESSE": ""},
        {"TITRE": "sans numéro", "SUPERFICIE": "", "ADRESSE": ""},
    ]
    path = tmp_path / "parcelles.geojson"
    geojson_file(path, list(zip(squares, rows, strict=True)))
    return path


def test_parcels_import_with_canonical_references(agency, tmp_path):
    result = parcels_import(agency=agency, path=_registry(tmp_path), srid=26191)
    assert (result.created, result.updated) == (2, 0)
    title = Parcel.objects.get(agency=agency, reference_key="TF12345/7")
    assert title.official_area_m2 == 450
    assert title.address == "Hay Riad"
    assert title.geom.geom_type == "MultiPolygon"
    assert Parcel.objects.get(agency=agency, reference_key="R4567/7").kind == "R"
    issues = {issue["code"]: issue for issue in result.report["issues"]}
    assert issues["invalid_reference"]["features"] == ["2"]


def test_reimport_updates_known_parcels(agency, tmp_path):
    parcels_import(agency=agency, path=_registry(tmp_path), srid=26191)
    result = parcels_import(
        agency=agency, path=_registry(tmp_path, area="470"), srid=26191
    )
    assert (result.created, result.updated) == (0, 2)
    title = Parcel.objects.get(agency=agency, reference_key="TF12345/7")
    assert title.official_area_m2 == 470


def test_planner_of_another_agency_cannot_import_parcels(
    agency, other_planner, tmp_path
):
    with pytest.raises(PermissionDenied):
        parcels_import(
            agency=agency, path=_registry(tmp_path), user=other_planner, srid=26191
        )
    assert not Parcel.objects.filter(agency=agency).exists()


def test_import_parcels_command(agency, tmp_path):
    out = io.StringIO()
    call_command(
        "import_parcels",
        str(_registry(tmp_path)),
        "--agency",
        agency.code,
        "--srs",
        "EPSG:26191",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert "2" in out.getvalue()
    assert Parcel.objects.filter(agency=agency).count() == 2


def test_planner_page_imports_parcels_of_the_own_agency(agency, planner, tmp_path):
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    client.force_login(planner)
    with _registry(tmp_path).open("rb") as stream:
        response = client.post(
            "/planner/parcels/", {"file": stream, "srs": "EPSG:26191"}
        )
    assert response.status_code == 200
    page = response.content.decode()
    assert "2 parcelles créées" in page
    assert "sans numéro" in page  # the parcel left out, named in the report
    assert Parcel.objects.filter(agency=agency).count() == 2


def test_parcel_page_refuses_broken_files(planner, tmp_path):
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    client.force_login(planner)
    path = tmp_path / "parcelles.geojson"
    path.write_text("pas un fichier géographique")
    with path.open("rb") as stream:
        response = client.post("/planner/parcels/", {"file": stream})
    assert response.status_code == 400
    assert "parcelles.geojson" in response.content.decode()


def test_parcel_page_refuses_a_crs_int_cannot_read(planner, tmp_path):
    # "²".isdigit() is true, int("²") raises: a 500 until checked as ASCII.
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    client.force_login(planner)
    with _registry(tmp_path).open("rb") as stream:
        response = client.post("/planner/parcels/", {"file": stream, "srs": "EPSG:²"})
    assert response.status_code == 400
    assert "code EPSG" in response.content.decode()


@pytest.mark.parametrize(
    ("language", "read"),
    [
        ("fr", "3 objets lus dans parcelles.geojson (EPSG:26191)."),
        ("ar", "تمت قراءة 3 عناصر من parcelles.geojson (EPSG:26191)."),
    ],
)
def test_import_parcels_reports_the_features_it_read(agency, tmp_path, language, read):
    out = io.StringIO()
    with translation.override(language):
        call_command(
            "import_parcels",
            str(_registry(tmp_path)),
            "--agency",
            agency.code,
            "--srs",
            "EPSG:26191",
            stdout=out,
            stderr=io.StringIO(),
        )
    assert read in out.getvalue()
