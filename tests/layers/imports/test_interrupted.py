"""A killed import does not stay "running": its lease runs out, the next
worker fails it as interrupted and goes on with the queue, and the planner
retries it from the API or the layer's page."""

from __future__ import annotations

import datetime
import html
import time

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.tokens import api_token_create
from layers.models import ImportJob
from layers.tasks import _ProgressWriter, import_jobs_reap
from tests.importing.conftest import geojson_file, zoning_features

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def database_tasks(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


def _client(user) -> Client:
    key = api_token_create(user=user, name="script")[1]
    return Client(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="fr")


def _queue(client, layer, tmp_path, name: str) -> ImportJob:
    path = geojson_file(tmp_path / name, zoning_features())
    with path.open("rb") as stream:
        response = client.post(
            f"/api/v1/layers/{layer.pk}/versions", {"file": stream, "background": "1"}
        )
    assert response.status_code == 202, response.content
    return ImportJob.objects.get(pk=response.json()["id"])


def _kill_mid_import(job: ImportJob, *, silent_for: datetime.timedelta) -> None:
    """What a worker killed mid-import leaves: its task claimed, the job
    running, and no heartbeat since."""
    DBTaskResult.objects.get(id=job.task_id).claim("killed-worker")
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING,
        done=2,
        heartbeat_at=timezone.now() - silent_for,
    )


def _work() -> None:
    call_command("import_worker", "--batch", "--no-startup-delay", verbosity=0)


def test_the_next_worker_fails_a_killed_import_and_runs_the_queue(
    zoning_layer, planner, tmp_path
):
    client = _client(planner)
    killed = _queue(client, zoning_layer, tmp_path, "killed.geojson")
    waiting = _queue(client, zoning_layer, tmp_path, "waiting.geojson")
    _kill_mid_import(killed, silent_for=datetime.timedelta(minutes=10))

    _work()

    job = client.get(f"/api/v1/imports/{killed.pk}").json()
    assert job["status"] == "failed"
    assert job["error_code"] == "interrupted"
    assert job["error"].startswith("L'import a été interrompu")
    assert job["retryable"]
    assert DBTaskResult.objects.get(id=killed.task_id).status == "FAILED"
    waiting.refresh_from_db()
    assert waiting.status == "done", waiting.error
    assert waiting.version.feature_count == 4


def test_an_import_within_its_lease_is_left_running(zoning_layer, planner, tmp_path):
    job = _queue(_client(planner), zoning_layer, tmp_path, "slow.geojson")
    _kill_mid_import(job, silent_for=datetime.timedelta(seconds=10))
    assert import_jobs_reap() == []
    job.refresh_from_db()
    assert job.status == "running"


def test_a_running_import_keeps_its_lease_alive(
    zoning_layer, planner, tmp_path, settings
):
    settings.GEOPORTAIL_IMPORT_LEASE_SECONDS = 1  # a heartbeat every 0.25 s
    job = _queue(_client(planner), zoning_layer, tmp_path, "long.geojson")
    _kill_mid_import(job, silent_for=datetime.timedelta(minutes=10))
    job.refresh_from_db()
    writer = _ProgressWriter(job.pk)  # what the worker runs beside the import
    try:
        deadline = time.monotonic() + 30
        silent_since = job.heartbeat_at
        while job.heartbeat_at == silent_since:
            assert time.monotonic() < deadline, "no heartbeat"
            time.sleep(0.1)
            job.refresh_from_db()
        assert import_jobs_reap(lease=datetime.timedelta(minutes=1)) == []
        job.refresh_from_db()
        assert job.status == "running"
    finally:
        writer.close()


def test_an_interrupted_import_is_retried_from_the_api(zoning_layer, planner, tmp_path):
    client = _client(planner)
    job = _queue(client, zoning_layer, tmp_path, "zonage.geojson")
    _kill_mid_import(job, silent_for=datetime.timedelta(minutes=10))
    _work()

    response = client.post(f"/api/v1/imports/{job.pk}/retry")
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "queued"
    assert response.json()["error"] == ""
    _work()
    job = client.get(f"/api/v1/imports/{job.pk}").json()
    assert job["status"] == "done"
    assert job["version"]["feature_count"] == 4
    again = client.post(f"/api/v1/imports/{job['id']}/retry")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "not_retryable"


def test_another_agency_cannot_retry_an_import(
    zoning_layer, planner, other_planner, tmp_path
):
    job = _queue(_client(planner), zoning_layer, tmp_path, "zonage.geojson")
    _kill_mid_import(job, silent_for=datetime.timedelta(minutes=10))
    _work()
    response = _client(other_planner).post(f"/api/v1/imports/{job.pk}/retry")
    # Another agency's import jobs are not theirs to read: not found.
    assert response.status_code == 404
    job.refresh_from_db()
    assert job.status == "failed"


def test_the_layer_page_offers_to_retry_an_interrupted_import(
    zoning_layer, planner, tmp_path
):
    job = _queue(_client(planner), zoning_layer, tmp_path, "zonage.geojson")
    _kill_mid_import(job, silent_for=datetime.timedelta(minutes=10))
    _work()
    browser = Client(HTTP_ACCEPT_LANGUAGE="fr")
    browser.force_login(planner)
    page = html.unescape(
        browser.get(f"/planner/layers/{zoning_layer.pk}/").content.decode()
    )
    assert "L'import a été interrompu" in page
    assert f"/planner/imports/{job.pk}/retry" in page
    assert "Relancer l'import" in page

    response = browser.post(f"/planner/imports/{job.pk}/retry", follow=True)
    assert "L'import a été remis en file d'attente." in html.unescape(
        response.content.decode()
    )
    _work()
    job.refresh_from_db()
    assert job.status == "done"


def test_another_agency_cannot_retry_an_import_from_the_planner_page(
    zoning_layer, planner, other_planner, tmp_path
):
    job = _queue(_client(planner), zoning_layer, tmp_path, "zonage.geojson")
    _kill_mid_import(job, silent_for=datetime.timedelta(minutes=10))
    _work()
    browser = Client()
    browser.force_login(other_planner)
    response = browser.post(f"/planner/imports/{job.pk}/retry")
    assert response.status_code == 404
    job.refresh_from_db()
    assert job.status == "failed"


def test_the_worker_deletes_the_results_of_tasks_finished_long_ago(
    zoning_layer, planner, tmp_path, settings
):
    # Three imports done: one finished 15 days ago, one 13 days ago, one
    # queued now. The worker keeps what finished within the 14 days and
    # what has not finished; the import jobs keep their status.
    settings.GEOPORTAIL_TASK_RESULTS_DAYS = 14
    client = _client(planner)
    old, recent = (
        _queue(client, zoning_layer, tmp_path, f"{name}.geojson")
        for name in ("old", "recent")
    )
    _work()
    for job, days in ((old, 15), (recent, 13)):
        DBTaskResult.objects.filter(id=job.task_id).update(
            finished_at=timezone.now() - datetime.timedelta(days=days)
        )
    waiting = _queue(client, zoning_layer, tmp_path, "waiting.geojson")
    DBTaskResult.objects.filter(id=waiting.task_id).update(
        run_after=timezone.now() + datetime.timedelta(hours=1)
    )

    _work()

    kept = set(DBTaskResult.objects.values_list("id", flat=True))
    assert {str(task) for task in kept} == {recent.task_id, waiting.task_id}
    old.refresh_from_db()
    assert old.status == "done"
    assert client.get(f"/api/v1/imports/{old.pk}").json()["status"] == "done"
