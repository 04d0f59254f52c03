"""The terminal path: create_agency, create_document, import_layer."""

from __future__ import annotations

import io

import pytest
import shapely
from django.core.management import CommandError, call_command

from layers.models import Agency, LayerVersion, PlanningDocument
from tests.importing.conftest import geojson_file, shapefile_zip, zoning_features


def _run(*args, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_create_agency_reads_its_territory_from_any_vector_file(db, tmp_path):
    path = geojson_file(
        tmp_path / "territoire.geojson",
        # Clear of the demo agency's territory, which a test may have loaded.
        [(shapely.box(-6.0, 35.5, -5.5, 36.0), {"nom": "Rabat-Salé"})],
    )
    out, _err = _run(
        "create_agency",
        "aurs-test",
        "--name",
        "Agence urbaine de Rabat-Salé",
        "--name-ar",
        "الوكالة الحضرية للرباط وسلا",
        "--srs",
        "EPSG:26191",
        "--territory",
        str(path),
    )
    agency = Agency.objects.get(code="aurs-test")
    assert agency.srid == 26191
    assert agency.territory.geom_type == "MultiPolygon"
    assert agency.territory.extent == pytest.approx((-6.0, 35.5, -5.5, 36.0))
    assert "aurs-test" in out


def test_create_agency_without_territory_is_refused(db):
    # An agency without territory made every note on its land fail "outside
    # every agency" once its zoning was published: it is refused up front.
    with pytest.raises(CommandError) as refused:
        _run(
            "create_agency",
            "auk",
            "--name",
            "Agence urbaine de Kénitra",
            "--srs",
            "26191",
        )
    assert "territoire" in str(refused.value)
    assert not Agency.objects.filter(code="auk").exists()


def test_create_document_approved_on_a_date(agency):
    _run(
        "create_document",
        "--agency",
        agency.code,
        "--ref",
        "PA-2024-01",
        "--kind",
        "pa",
        "--title",
        "Plan d'aménagement de Témara",
        "--approved",
        "2024-03-01",
        "--expires",
        "2034-03-01",
    )
    document = PlanningDocument.objects.get(agency=agency, reference="PA-2024-01")
    assert document.status == "approved"
    assert str(document.effective_date) == "2024-03-01"


def test_create_document_refuses_a_bad_date(agency):
    with pytest.raises(CommandError, match="AAAA-MM-JJ"):
        _run(
            "create_document",
            "--agency",
            agency.code,
            "--ref",
            "X",
            "--kind",
            "pa",
            "--title",
            "X",
            "--approved",
            "01/03/2024",
        )


def test_import_layer_creates_the_document_and_publishes(plu_agency, tmp_path):
    out, err = _run(
        "import_layer",
        str(shapefile_zip(tmp_path)),
        "--agency",
        plu_agency.code,
        "--document",
        "PLU-41175",
        "--create-document",
        "--kind",
        "zoning",
        "--tolerance",
        "500",
        "--publish",
    )
    version = LayerVersion.objects.get(layer__document__agency=plu_agency)
    assert version.status == "published"
    assert version.feature_count == 118
    assert "100 %" in err  # the progress bar reached the end
    assert "118" in out


def test_import_layer_with_errors_exits_non_zero_and_keeps_a_draft(
    plu_agency, plu_document, tmp_path
):
    with pytest.raises(CommandError, match="brouillon"):
        _run(
            "import_layer",
            str(shapefile_zip(tmp_path)),
            "--agency",
            plu_agency.code,
            "--document",
            plu_document.reference,
            "--kind",
            "zoning",
            "--publish",
        )
    version = LayerVersion.objects.get(layer__document=plu_document)
    assert version.status == "draft"


def test_import_layer_of_a_hostile_file_is_a_clear_error(document, tmp_path):
    path = tmp_path / "zonage.geojson"
    path.write_text("not geographic at all")
    with pytest.raises(CommandError, match=r"zonage\.geojson"):
        _run(
            "import_layer",
            str(path),
            "--agency",
            document.agency.code,
            "--document",
            document.reference,
            "--kind",
            "zoning",
        )


def test_import_layer_with_mapping_and_crs_options(document, tmp_path):
    features = [
        (geometry, {"Z": properties["ZONE"], "LIB": properties["LIBELLE"]})
        for geometry, properties in zoning_features()
    ]
    path = geojson_file(tmp_path / "zones.geojson", features)
    _run(
        "import_layer",
        str(path),
        "--agency",
        document.agency.code,
        "--document",
        document.reference,
        "--kind",
        "zoning",
        "--srs",
        "EPSG:4326",
        "--map",
        "code=Z",
        "--map",
        "label_fr=LIB",
    )
    version = LayerVersion.objects.get(layer__document=document)
    assert set(version.features.values_list("code", flat=True)) == {
        "R+4",
        "V1",
        "ZI",
        "EV",
    }
    with pytest.raises(CommandError, match="NOPE"):
        _run(
            "import_layer",
            str(path),
            "--agency",
            document.agency.code,
            "--document",
            document.reference,
            "--kind",
            "zoning",
            "--map",
            "code=NOPE",
        )


def test_planner_of_another_agency_cannot_import(document, other_planner, tmp_path):
    path = geojson_file(tmp_path / "zones.geojson", zoning_features())
    with pytest.raises(CommandError, match=r"agency|agence"):
        _run(
            "import_layer",
            str(path),
            "--agency",
            document.agency.code,
            "--document",
            document.reference,
            "--kind",
            "zoning",
            "--user",
            other_planner.username,
        )
    assert not LayerVersion.objects.filter(layer__document=document).exists()
