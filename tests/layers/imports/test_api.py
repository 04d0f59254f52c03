"""The JSON API for scripts: token authentication, upload → draft + report,
publish, restore, history, and agency/document creation by administrators."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.tokens import api_token_create
from layers.models import Agency, ImportJob, LayerVersion, PlanningDocument
from tests.importing.conftest import geojson_file, shapefile_zip, zoning_features


@pytest.fixture
def token(planner):
    return api_token_create(user=planner, name="script")[1]


def _client(key):
    return Client(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="fr")


def _upload(client, layer, path, **fields):
    with path.open("rb") as stream:
        return client.post(
            f"/api/v1/layers/{layer.pk}/versions", {"file": stream, **fields}
        )


def test_upload_with_a_token_makes_a_draft_with_its_report(
    zoning_layer, token, tmp_path
):
    path = geojson_file(tmp_path / "zonage.geojson", zoning_features()[:3])
    response = _upload(_client(token), zoning_layer, path)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "draft"
    assert data["feature_count"] == 3
    gap = next(i for i in data["report"]["issues"] if i["code"] == "zoning_gap")
    assert gap["severity"] == "error"
    assert gap["message"]  # a sentence in the request's language
    assert data["errors"] >= 1
    refused = _client(token).post(f"/api/v1/versions/{data['id']}/publish")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "version_state"


def test_publish_restore_and_history(zoning_layer, token, tmp_path):
    client = _client(token)
    path = geojson_file(tmp_path / "zonage.geojson", zoning_features())
    first = _upload(client, zoning_layer, path).json()
    assert client.post(f"/api/v1/versions/{first['id']}/publish").status_code == 200
    second = _upload(client, zoning_layer, path, comment="v2").json()
    client.post(f"/api/v1/versions/{second['id']}/publish")
    restored = client.post(f"/api/v1/versions/{first['id']}/restore")
    assert restored.status_code == 200
    assert restored.json()["restored_from"] == first["id"]
    history = client.get(f"/api/v1/layers/{zoning_layer.pk}/versions").json()
    assert [v["status"] for v in history] == ["published", "superseded", "superseded"]
    assert history[1]["valid_to"] == history[0]["valid_from"]
    detail = client.get(f"/api/v1/versions/{first['id']}").json()
    assert detail["status"] == "superseded"
    assert len(detail["source_sha256"]) == 64


def test_invalid_token_is_refused(zoning_layer):
    response = _client("not-a-token").get(f"/api/v1/layers/{zoning_layer.pk}/versions")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"


def test_session_post_needs_the_csrf_token(zoning_layer, planner, tmp_path):
    client = Client(enforce_csrf_checks=True)
    client.force_login(planner)
    path = geojson_file(tmp_path / "zonage.geojson", zoning_features())
    assert _upload(client, zoning_layer, path).status_code == 403
    assert not LayerVersion.objects.filter(layer=zoning_layer).exists()


def test_anonymous_is_asked_to_log_in(zoning_layer):
    response = Client().get(f"/api/v1/layers/{zoning_layer.pk}/versions")
    assert response.status_code == 401


def test_planner_of_another_agency_is_forbidden(zoning_layer, other_planner, tmp_path):
    key = api_token_create(user=other_planner)[1]
    path = geojson_file(tmp_path / "zonage.geojson", zoning_features())
    response = _upload(_client(key), zoning_layer, path)
    assert response.status_code == 403
    assert not LayerVersion.objects.filter(layer=zoning_layer).exists()


def test_hostile_upload_is_a_400_with_a_message(zoning_layer, token, tmp_path):
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("../../evil.geojson", "{}")
    response = _upload(_client(token), zoning_layer, path)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "unsafe_archive"
    assert "evil.geojson" in error["message"]


def test_upload_over_the_limit_is_a_413(zoning_layer, token, tmp_path, settings):
    settings.GEOPORTAIL_MAX_UPLOAD_BYTES = 100
    response = _upload(_client(token), zoning_layer, shapefile_zip(tmp_path))
    assert response.status_code == 413


def test_a_tolerance_that_is_not_a_number_is_a_400(zoning_layer, token, tmp_path):
    path = geojson_file(tmp_path / "zonage.geojson", zoning_features()[:3])
    response = _upload(_client(token), zoning_layer, path, tolerance="beaucoup")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert not LayerVersion.objects.filter(layer=zoning_layer).exists()


def test_inspect_previews_encoding_crs_and_mapping(plu_zoning, tmp_path):
    from accounts.models import User

    user = User.objects.create_user("plu-planner", agency=plu_zoning.document.agency)
    key = api_token_create(user=user)[1]
    with shapefile_zip(tmp_path).open("rb") as stream:
        response = _client(key).post(
            f"/api/v1/layers/{plu_zoning.pk}/inspect", {"file": stream}
        )
    assert response.status_code == 200, response.content
    plan = response.json()
    assert plan["srid"] == 2154
    assert plan["encoding"]["detected"] == "utf-8"
    assert plan["mapping"]["fields"]["code"] == "LIBELLE"
    assert plan["mapping"]["schema"] == "cnig_plu_zone_urba"
    assert any("où" in (row["LIBELONG"] or "") for row in plan["preview"])
    assert not LayerVersion.objects.filter(layer=plu_zoning).exists()


def test_administrator_creates_agency_and_document(administrator):
    key = api_token_create(user=administrator)[1]
    client = _client(key)
    response = client.post(
        "/api/v1/agencies",
        {
            "code": "aut",
            "name_fr": "Agence urbaine de Tanger",
            "srid": "EPSG:26191",
            "territory": {
                "type": "Polygon",
                "coordinates": [
                    [[-6, 35.6], [-5.7, 35.6], [-5.7, 35.9], [-6, 35.9], [-6, 35.6]]
                ],
            },
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert Agency.objects.get(code="aut").territory.geom_type == "MultiPolygon"
    response = client.post(
        "/api/v1/agencies/aut/documents",
        {
            "reference": "PA-TNG",
            "kind": "pa",
            "title_fr": "Plan d'aménagement de Tanger",
            "approval_date": "2020-01-15",
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    document = PlanningDocument.objects.get(reference="PA-TNG")
    layer = client.post(
        f"/api/v1/documents/{document.pk}/layers",
        {"name": "zonage", "kind": "zoning", "title_fr": "Zonage"},
        content_type="application/json",
    )
    assert layer.json()["kind"] == "zoning"


def test_planner_cannot_create_an_agency(token):
    response = _client(token).post(
        "/api/v1/agencies",
        {"code": "x", "name_fr": "X", "srid": 26191},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not Agency.objects.filter(code="x").exists()


def test_background_import_reports_progress(zoning_layer, token, tmp_path, settings):
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}
    }
    path = geojson_file(tmp_path / "zonage.geojson", zoning_features())
    response = _upload(_client(token), zoning_layer, path, background="1")
    assert response.status_code == 202
    job = _client(token).get(f"/api/v1/imports/{response.json()['id']}").json()
    assert job["status"] == "done"
    assert job["done"] == 4
    assert job["version"]["feature_count"] == 4


@pytest.mark.django_db(transaction=True)
def test_database_task_backend_queues_and_the_worker_imports(
    make_agency, make_document, tmp_path, settings
):
    """The default path: the job waits in PostgreSQL until db_worker runs it."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from accounts.models import User
    from layers.models import Layer

    agency = make_agency("aubg")
    document = make_document(agency)
    layer = Layer.objects.create(document=document, name="zonage", kind="zoning")
    user = User.objects.create_user("bg-planner", agency=agency)
    key = api_token_create(user=user)[1]
    path = geojson_file(tmp_path / "zonage.geojson", zoning_features())
    response = _upload(_client(key), layer, path, background="true")
    assert response.status_code == 202
    job = ImportJob.objects.get(pk=response.json()["id"])
    assert job.status == "queued"
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    job.refresh_from_db()
    assert job.status == "done", job.error
    assert job.version.feature_count == 4
    assert job.done == 4


def test_bad_values_are_400_with_a_message(administrator):
    client = _client(api_token_create(user=administrator)[1])
    line = {"type": "LineString", "coordinates": [[-6, 35], [-5, 36]]}
    for payload in (
        {"code": "aua", "name_fr": "A", "srid": "EPSG:26191", "territory": line},
        {"code": "aub", "name_fr": "B", "srid": "Lambert"},
    ):
        response = client.post(
            "/api/v1/agencies", payload, content_type="application/json"
        )
        assert response.status_code == 400, response.content
        assert response.json()["error"]["message"]
    assert not Agency.objects.filter(code__in=["aua", "aub"]).exists()


def _media_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())


def test_refused_upload_leaves_nothing_in_the_media_folder(
    zoning_layer, token, tmp_path, settings
):
    path = tmp_path / "zonage.geojson"
    path.write_text("Réunion du conseil : ordre du jour\n")
    response = _upload(_client(token), zoning_layer, path)
    assert response.status_code == 400
    assert _media_files(settings) == []
    job = ImportJob.objects.get(layer=zoning_layer)
    assert job.status == "failed"
    assert not job.upload


def test_imported_upload_is_kept_once_as_the_drafts_original(
    zoning_layer, token, tmp_path, settings
):
    path = geojson_file(tmp_path / "zonage.geojson", zoning_features())
    response = _upload(_client(token), zoning_layer, path)
    assert response.status_code == 201
    version = LayerVersion.objects.get(pk=response.json()["id"])
    assert _media_files(settings) == [
        Path(version.source_file.path).relative_to(settings.MEDIA_ROOT)
    ]


def test_refused_background_import_leaves_nothing_in_the_media_folder(
    zoning_layer, token, tmp_path, settings
):
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}
    }
    path = tmp_path / "zonage.csv"
    path.write_text("ZONE,LIBELLE\nR+4,Immeubles\n")
    response = _upload(_client(token), zoning_layer, path, background="1")
    assert response.status_code == 202
    job = _client(token).get(f"/api/v1/imports/{response.json()['id']}").json()
    assert job["status"] == "failed"
    assert job["error_code"] == "no_geometry"
    assert _media_files(settings) == []


def test_import_refused_to_a_planner_moved_away_leaves_nothing_in_the_media_folder(
    zoning_layer, planner, other_agency, tmp_path, settings
):
    """A queued import whose planner moved to another agency before the worker
    ran is refused (not an internal error), and its stored upload removed."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from importing.plan import ImportOptions
    from layers.tasks import import_job_run

    path = geojson_file(tmp_path / "zonage.geojson", zoning_features())
    upload = SimpleUploadedFile("zonage.geojson", path.read_bytes())
    job = ImportJob(
        layer=zoning_layer,
        upload_name="zonage.geojson",
        options=ImportOptions().as_dict(),
        created_by=planner,
    )
    job.upload.save(job.upload_name, upload, save=False)
    job.save()
    assert _media_files(settings)
    planner.agency = other_agency
    planner.save()
    import_job_run(job)
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error_code == "permission_denied"
    assert "agence" in job.error  # the message, in the default language
    assert not job.retryable
    assert _media_files(settings) == []


@pytest.mark.parametrize("srid", ["²", "EPSG:²", "99999999999999999999", "٣٣"])
def test_a_crs_that_is_no_epsg_code_is_refused(administrator, srid):
    # "²".isdigit() is true but int("²") raises: a 500 until checked as ASCII.
    key = api_token_create(user=administrator)[1]
    response = _client(key).post(
        "/api/v1/agencies",
        {"code": "aunb", "name_fr": "Nord", "srid": srid},
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert "EPSG" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    "body",
    [
        {"reference": "PA\u00002", "title_fr": "Plan"},
        {"reference": "PA-2", "title_fr": "Plan\u0000"},
        {"reference": "PA-2", "title_fr": "Plan", "x\u0000": 1},
        {"reference": "PA-2", "title_fr": ["\u0000"]},
    ],
)
def test_a_nul_character_in_a_json_body_is_refused(document, token, body):
    # PostgreSQL refuses NUL in text: DataError, a 500 until read_json said no.
    response = _client(token).post(
        f"/api/v1/agencies/{document.agency.code}/documents",
        body,
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "nul_byte"
    assert "NUL" in error["message"]


@pytest.mark.parametrize(
    "perimeter", [{}, {"type": "Point"}, {"type": "Polygon", "coordinates": "x"}]
)
def test_a_perimeter_gdal_cannot_read_is_refused(document, token, perimeter):
    # Found by schemathesis: GDAL's own error on {} escaped the API (a 500).
    response = _client(token).post(
        f"/api/v1/agencies/{document.agency.code}/documents",
        {"reference": "PA-2", "title_fr": "Plan", "perimeter": perimeter},
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "invalid"


def test_a_reference_layer_is_created_with_its_type(document, token):
    client = _client(token)

    response = client.post(
        f"/api/v1/documents/{document.pk}/layers",
        {"name": "rues", "kind": "reference", "reference_type": "street"},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["kind"] == "reference"
    assert response.json()["reference_type"] == "street"


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_reference_layer_without_its_type_is_a_clear_400(document, token, language):
    client = Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT_LANGUAGE=language)

    response = client.post(
        f"/api/v1/documents/{document.pk}/layers",
        {"name": "rues", "kind": "reference"},
        content_type="application/json",
    )

    assert response.status_code == 400
    message = response.json()["error"]["message"]
    assert (
        message
        == {
            "fr": "Une couche de référence dit ce qu'elle contient (rues, quartiers ou "
            "points de repère) ; les autres couches non.",
            "ar": "تحدد الطبقة المرجعية ما تحتويه (شوارع أو أحياء أو معالم)، ولا تحدده "
            "الطبقات الأخرى.",
        }[language]
    )
