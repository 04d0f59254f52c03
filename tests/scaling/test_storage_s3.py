"""Stored files in an S3-compatible bucket (GEOPORTAIL_STORAGE=s3): a real S3
server on loopback (moto's), the settings built from the environment as in
production, and every kind of stored file going through the bucket — nothing
is written under MEDIA_ROOT."""

from __future__ import annotations

import io
import logging
import uuid

import boto3
import numpy as np
import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from moto.server import ThreadedMotoServer
from PIL import Image

from accounts.tokens import api_token_create
from cases.attachments import case_attachment_add
from cases.privacy import case_personal_data_erase
from geoportal.file_storage import file_storage_check
from geoportal.settings import file_storage_settings
from layers.basemaps import base_map_version_publish
from layers.models import ImportJob
from library.models import Text
from library.services import text_pdf_attach
from tests.importing.conftest import geojson_file, zoning_features
from tests.layers.test_basemaps import (
    NORTH,
    WEST,
    orthophoto,  # noqa: F401 - the fixture
    tile_pixel,
    upload,
)
from tests.library.test_import import pdf_bytes
from tests.requete_fixtures import filing

ACCESS_KEY, SECRET_KEY, REGION = "portal-key", "portal-secret", "us-east-1"


def reddish(pixel: tuple) -> bool:
    """The photo's red square, give or take WEBP's losses."""
    return pixel[0] > 180 and max(pixel[1:3]) < 70


@pytest.fixture(scope="module")
def s3_endpoint():
    """The address of an S3 server on a free loopback port."""
    requests_log = logging.getLogger("werkzeug")
    level = requests_log.level
    # Its log of every request would drown a failure's report.
    requests_log.setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()
    requests_log.setLevel(level)


class Bucket:
    """A fresh bucket of the S3 server, as an operator would read it."""

    def __init__(self, endpoint: str) -> None:
        self.name = f"geoportail-{uuid.uuid4().hex[:12]}"
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )
        self.client.create_bucket(Bucket=self.name)

    def keys(self, prefix: str = "") -> list[str]:
        listed = self.client.list_objects_v2(Bucket=self.name, Prefix=prefix)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch, tmp_path):
    """The portal configured with GEOPORTAIL_STORAGE=s3 on a fresh bucket;
    after the test, MEDIA_ROOT must still not exist."""
    bucket = Bucket(s3_endpoint)
    for name, value in {
        "GEOPORTAIL_S3_BUCKET": bucket.name,
        "GEOPORTAIL_S3_ENDPOINT_URL": s3_endpoint,
        "GEOPORTAIL_S3_REGION": REGION,
        "GEOPORTAIL_S3_ACCESS_KEY": ACCESS_KEY,
        "GEOPORTAIL_S3_SECRET_KEY": SECRET_KEY,
        "GEOPORTAIL_S3_ADDRESSING_STYLE": "path",
    }.items():
        monkeypatch.setenv(name, value)
    settings.GEOPORTAIL_STORAGE = "s3"
    settings.STORAGES = {**settings.STORAGES, "default": file_storage_settings("s3")}
    settings.GEOPORTAIL_FILE_CACHE_DIR = tmp_path / "file-cache"
    assert file_storage_check(None) == []
    yield bucket
    assert not settings.MEDIA_ROOT.exists()


@pytest.mark.django_db(transaction=True)
def test_a_background_import_reads_the_upload_from_the_bucket(
    bucket, zoning_layer, planner, settings, tmp_path
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client = Client(
        HTTP_AUTHORIZATION=f"Token {api_token_create(user=planner)[1]}",
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    path = geojson_file(tmp_path / "zonage.geojson", zoning_features())
    with path.open("rb") as stream:
        response = client.post(
            f"/api/v1/layers/{zoning_layer.pk}/versions",
            {"file": stream, "background": "1"},
        )
    assert response.status_code == 202, response.content
    job = ImportJob.objects.get(pk=response.json()["id"])
    # Queued: the upload waits in the bucket, where any node's worker reads it.
    assert bucket.keys("imports/") == [job.upload.name]
    assert bucket.read(job.upload.name) == path.read_bytes()

    call_command("import_worker", "--batch", "--no-startup-delay", verbosity=0)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.error
    assert job.version.feature_count == len(zoning_features())
    # The upload is gone; the draft keeps its original in the bucket.
    assert bucket.keys("imports/") == []
    assert bucket.read(job.version.source_file.name) == path.read_bytes()


def test_an_orthophoto_in_the_bucket_is_served_as_tiles_and_in_wms(
    bucket,
    agency,
    orthophoto,  # noqa: F811 - the fixture
    client,
    settings,
):
    version = upload(agency, orthophoto)
    base_map_version_publish(version=version)
    assert bucket.keys("orthophotos/") == [version.cog.name]

    # The red square, 100 m east and south of the photo's corner, 50 m wide.
    assert reddish(tile_pixel(client, agency, WEST + 125, NORTH - 125, 17))
    response = client.get(
        "/ows",
        {
            "SERVICE": "WMS",
            "VERSION": "1.1.1",
            "REQUEST": "GetMap",
            "LAYERS": f"{agency.code}:ortho.ortho",
            "STYLES": "",
            "SRS": "EPSG:26191",
            "BBOX": f"{WEST + 110},{NORTH - 140},{WEST + 140},{NORTH - 110}",
            "WIDTH": "30",
            "HEIGHT": "30",
            "FORMAT": "image/png",
        },
    )
    assert response.status_code == 200, response.content
    image = np.asarray(Image.open(io.BytesIO(response.content)).convert("RGB"))
    assert all(reddish(pixel) for pixel in image.reshape(-1, 3).tolist())
    # Both read one local copy of the COG, made once for this machine.
    copies = [p for p in settings.GEOPORTAIL_FILE_CACHE_DIR.rglob("*") if p.is_file()]
    assert len(copies) == 1
    assert copies[0].read_bytes() == bucket.read(version.cog.name)


def test_a_library_pdf_round_trips_through_the_bucket(
    bucket, administrator, tmp_path, client
):
    text = Text.objects.create(
        # Not one of the demo's texts (the session's demo data may hold them).
        kind="law",
        number="99-02",
        key="loi-99-02",
        title_fr="Loi 99-02",
    )
    pdf = tmp_path / "loi.pdf"
    pdf.write_bytes(pdf_bytes("Urbanisme et construction"))

    text_pdf_attach(text=text, language="fr", path=pdf, user=administrator)

    text.refresh_from_db()
    assert bucket.keys("library/") == [text.pdf_fr.name]
    with text.pdf_fr.open("rb") as stored:
        assert stored.read() == pdf.read_bytes()
    # At the portal's own address, not the bucket's: the bucket stays private.
    assert text.pdf_fr.url == f"/media/{text.pdf_fr.name}"
    response = client.get(text.pdf_fr.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf.read_bytes()


def test_a_case_attachment_round_trips_and_its_erasure_empties_the_bucket(
    bucket, kind, django_capture_on_commit_callbacks, client
):
    from requete import services

    filed = services.request_file(
        filing=filing(kind), client_address="192.0.2.7", at=timezone.now()
    )
    case = filed.request.case
    content = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

    attachment = case_attachment_add(
        case=case, name="titre.pdf", content=content, by_requester=True
    )

    assert bucket.keys("cases/") == [attachment.file.name]
    with attachment.file.open("rb") as stored:
        assert stored.read() == content
    assert client.get(attachment.file.url).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        case_personal_data_erase(case, at=timezone.now())
    assert bucket.keys("cases/") == []


def test_incomplete_s3_settings_are_an_error_at_start_up(settings, monkeypatch):
    monkeypatch.delenv("GEOPORTAIL_S3_BUCKET", raising=False)
    monkeypatch.setenv("GEOPORTAIL_S3_ACCESS_KEY", ACCESS_KEY)
    monkeypatch.delenv("GEOPORTAIL_S3_SECRET_KEY", raising=False)
    settings.GEOPORTAIL_STORAGE = "s3"
    settings.STORAGES = {**settings.STORAGES, "default": file_storage_settings("s3")}

    errors = file_storage_check(None)

    assert [error.id for error in errors] == ["geoportal.E006", "geoportal.E006"]
    assert "GEOPORTAIL_S3_BUCKET" in errors[0].msg
    assert "GEOPORTAIL_S3_SECRET_KEY" in errors[1].msg
    settings.GEOPORTAIL_STORAGE = "nfs"
    assert [error.id for error in file_storage_check(None)] == ["geoportal.E005"]


def test_stored_files_are_written_by_name_never_over_another(bucket):
    from django.core.files.storage import default_storage

    first = default_storage.save("regulations/2026/reglement.pdf", ContentFile(b"1"))
    second = default_storage.save("regulations/2026/reglement.pdf", ContentFile(b"2"))

    assert first != second
    assert [bucket.read(first), bucket.read(second)] == [b"1", b"2"]
