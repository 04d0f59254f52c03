"""Parcels import from a registry file, matched on their canonical reference."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
import shapely
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import translation

from notes.sql import parcels_at_point
from parcels.models import Parcel
from parcels.selectors import addresses_matching, parcels_matching
from parcels.services import parcels_import
from tests.importing.conftest import geojson_file, to_srid
from tests.tiles.test_tiles import decode, tile_url

pytestmark = pytest.mark.usefixtures("parcel_loads_swept")


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
    # Only the title's area changed: the requisition is left as it was.
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
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


def _cadastre(tmp_path, rows, name="cadastre.geojson"):
    """A registry of ≈ 90 m squares in a row in the agency's territory, one per
    (slot, reference, address, shift in degrees) row, in EPSG:26191."""
    squares = [
        shapely.box(-6.85 + 0.002 * slot + shift, 33.95, -6.849 + 0.002 * slot, 33.951)
        for slot, _reference, _address, shift in rows
    ]
    features = [
        (square, {"TITRE": reference, "SUPERFICIE": "625", "ADRESSE": address})
        for square, (_slot, reference, address, _shift) in zip(
            to_srid(squares, 26191), rows, strict=True
        )
    ]
    path = tmp_path / name
    geojson_file(path, features)
    return path


def _row_versions(agency) -> dict[str, tuple]:
    """Each parcel's physical row version (ctid, xmin): a rewritten row gets a
    new one."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reference_key, ctid::text, xmin::text FROM parcels_parcel "
            "WHERE agency_id = %s",
            [agency.pk],
        )
        return {key: (ctid, xmin) for key, ctid, xmin in cursor.fetchall()}


@pytest.fixture
def cadastre_update(agency, tmp_path):
    """A first cadastre of four parcels, then its update: TF 1/07 unchanged,
    TF 2/07 moved, TF 3/07 with a new address, TF 4/07 gone, TF 5/07 new."""
    first = [
        (0, "TF 1/07", "Rue Oued Ziz", 0),
        (1, "TF 2/07", "Rue Ibn Sina", 0),
        (2, "TF 3/07", "Hay Riad", 0),
        (3, "TF 4/07", "Bd Al Massira", 0),
    ]
    parcels_import(agency=agency, path=_cadastre(tmp_path, first), srid=26191)
    before = _row_versions(agency)
    update = [
        (0, "TF 1/07", "Rue Oued Ziz", 0),
        (1, "TF 2/07", "Rue Ibn Sina", 0.0005),
        (2, "TF 3/07", "Hay Riad, bis", 0),
        (4, "TF 5/07", "Avenue Hassan II", 0),
    ]
    path = _cadastre(tmp_path, update, name="update.geojson")
    result = parcels_import(agency=agency, path=path, srid=26191)
    return before, result


def test_an_update_of_the_cadastre_counts_what_changed(agency, cadastre_update):
    _before, result = cadastre_update
    assert (result.created, result.updated, result.unchanged, result.retired) == (
        1,
        2,
        1,
        1,
    )
    moved = Parcel.objects.get(agency=agency, reference_key="TF2/7")
    assert (
        moved.geom.extent[0]
        > Parcel.objects.get(agency=agency, reference_key="TF1/7").geom.extent[0]
        + 0.0003
    )  # 40 m on, plus 5
    assert Parcel.objects.get(agency=agency, reference_key="TF3/7").address == (
        "Hay Riad, bis"
    )


def test_an_update_leaves_unchanged_parcels_unwritten(agency, cadastre_update):
    before, _result = cadastre_update
    after = _row_versions(agency)
    assert after["TF1/7"] == before["TF1/7"]
    assert after["TF2/7"] != before["TF2/7"]
    assert after["TF3/7"] != before["TF3/7"]


def test_a_parcel_absent_from_the_update_is_retired_not_deleted(
    agency, cadastre_update
):
    retired = Parcel.objects.get(agency=agency, reference_key="TF4/7")
    assert retired.retired_at is not None
    assert retired.address == "Bd Al Massira"
    point = retired.geom.point_on_surface
    assert parcels_at_point(lon=point.x, lat=point.y) == []
    assert [p.reference for p in parcels_matching("TF 4/07")] == []
    assert "Bd Al Massira" not in [p.address for p in addresses_matching("Massira")]
    kept = Parcel.objects.get(agency=agency, reference_key="TF1/7").geom
    point = kept.point_on_surface
    assert [p.reference for p in parcels_at_point(lon=point.x, lat=point.y)] == [
        "TF 1/07"
    ]


def test_a_retired_parcel_has_no_page_any_more(agency, cadastre_update, client):
    assert client.get(f"/parcels/{agency.code}/TF1/7/").status_code == 200
    assert client.get(f"/parcels/{agency.code}/TF4/7/").status_code == 404


def test_a_retired_parcel_is_not_drawn_on_the_map(agency, cadastre_update, client):
    def drawn(lon: float) -> set[str]:
        url = tile_url(f"{agency.code}:parcels", lon=lon, lat=33.9505, z=16)
        layer = decode(client.get(url)).get("parcels", {"features": []})
        return {feature["properties"]["reference"] for feature in layer["features"]}

    assert "TF 1/07" in drawn(-6.8495)
    assert "TF 4/07" not in drawn(-6.8435)
    assert "TF 5/07" in drawn(-6.8415)


def test_a_retired_parcel_back_in_the_file_is_current_again(
    agency, cadastre_update, tmp_path
):
    rows = [(3, "TF 4/07", "Bd Al Massira", 0)]
    result = parcels_import(
        agency=agency, path=_cadastre(tmp_path, rows, name="back.geojson"), srid=26191
    )
    assert (result.created, result.updated, result.retired) == (0, 1, 4)
    assert Parcel.objects.get(agency=agency, reference_key="TF4/7").retired_at is None


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "fr",
            "1 parcelle créée, 2 mises à jour. 1 parcelle inchangée. "
            "1 parcelle retirée (absente du fichier).",
        ),
        (
            "ar",
            "أُنشئت قطعة واحدة، حُدِّثت قطعتان. قطعة واحدة دون تغيير. "
            "سُحبت قطعة واحدة لم تعد في الملف.",
        ),
    ],
)
def test_an_update_says_what_it_did(cadastre_update, language, expected):
    _before, result = cadastre_update
    with translation.override(language):
        assert result.summary == expected


ODD_ADDRESSES = [
    "12\tRue\\Oued\nZiz\r",  # the COPY format's own characters
    "Bd Al\x00 Massira",  # NUL, where GDAL ends the text
    "حي الرياض " * 40,  # past the column's 300 characters
]


def _in_a_row(tmp_path, properties: list[dict]):
    """A registry of ≈ 90 m squares in a row, one per feature's
    ``properties``, in EPSG:26191."""
    squares = [
        shapely.box(-6.85 + 0.002 * n, 33.95, -6.849 + 0.002 * n, 33.951)
        for n in range(len(properties))
    ]
    path = tmp_path / "cadastre.geojson"
    geojson_file(path, list(zip(to_srid(squares, 26191), properties, strict=True)))
    return path


def _path_chosen(agency, *, first: bool) -> None:
    """Unless ``first``, a parcel of the agency already there: its import is
    then an update of the partition, staged, not a bare load."""
    if not first:
        Parcel.objects.create(
            agency=agency,
            kind="TF",
            reference="TF 9/07",
            reference_key="TF9/7",
            geom=MultiPolygon(Polygon.from_bbox((-6.9, 33.9, -6.899, 33.901))),
        )


@pytest.mark.parametrize("first", [True, False], ids=["first import", "update"])
def test_registry_values_are_stored_as_written(agency, tmp_path, first):
    # A file written as registries write throughout (read a batch at a time),
    # with addresses holding what the bulk load must escape.
    path = _in_a_row(
        tmp_path,
        [
            {"NUM_TF": reference, "SUPERFICIE": area, "ADRESSE": address}
            for reference, area, address in zip(
                ("TF 12345/07", "R 4567/07", "TF 8/07"),
                ("450,5", "", "1200"),
                ODD_ADDRESSES,
                strict=True,
            )
        ],
    )
    _path_chosen(agency, first=first)
    result = parcels_import(agency=agency, path=path, srid=26191)
    assert result.created == 3
    stored = {
        parcel.reference_key: parcel
        for parcel in Parcel.objects.filter(agency=agency).exclude(
            reference_key="TF9/7"
        )
    }
    assert sorted(stored) == ["R4567/7", "TF12345/7", "TF8/7"]
    title, requisition, small = (
        stored[key] for key in ("TF12345/7", "R4567/7", "TF8/7")
    )
    assert (title.kind, title.reference) == ("TF", "TF 12345/07")
    assert (requisition.kind, requisition.reference) == ("R", "R 4567/07")
    assert (title.official_area_m2, requisition.official_area_m2) == (
        Decimal("450.50"),
        None,
    )
    assert small.official_area_m2 == 1200
    assert title.address == ODD_ADDRESSES[0]
    assert requisition.address == "Bd Al"
    assert small.address == ODD_ADDRESSES[2][:300]
    assert title.address_folded == "12\true\\oued\nziz\r"


@pytest.mark.parametrize("first", [True, False], ids=["first import", "update"])
def test_a_repeated_reference_keeps_its_first_parcel(agency, tmp_path, first):
    # "TF 1/07" three times, written two ways: the first is kept, the two
    # others left out and named in the report; whether the file is read a
    # batch at a time or a reference at a time, loaded bare or staged.
    references = ("TF 1/07", "TF 2/07", "TF 1/07", "T.F. 01/7")
    path = _in_a_row(
        tmp_path,
        [
            {"NUM_TF": reference, "ADRESSE": f"parcelle {n}"}
            for n, reference in enumerate(references)
        ],
    )
    _path_chosen(agency, first=first)
    result = parcels_import(agency=agency, path=path, srid=26191)
    assert result.created == 2
    kept = Parcel.objects.get(agency=agency, reference_key="TF1/7")
    assert kept.address == "parcelle 0"
    issues = {issue["code"]: issue for issue in result.report["issues"]}
    assert issues["duplicate_reference"]["count"] == 2
    assert issues["duplicate_reference"]["features"] == ["2", "3"]
