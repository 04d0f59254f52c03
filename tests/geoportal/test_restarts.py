"""The portal outlives a restart of its database, by itself.

A throw-away embedded cluster (never the suite's database) with the demo data
is served by granian as ``scripts/run`` serves it — persistent connections,
no per-request health check, prepared statements — and by the import worker.
The cluster is then stopped and started again under them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from email.message import Message
from pathlib import Path

import psycopg
import pytest

from geoportal.embedded_db import EmbeddedCluster
from tests.throwaway import free_port, manage, portal_env

REPO = Path(__file__).resolve().parents[2]
PYTHON = str(REPO / ".venv" / "bin" / "python")

pytestmark = pytest.mark.slow

# One of each kind of request, each through its own path: the full handler
# (the map page, health), the machine handler (identify), the lanes (tile, map).
LON, LAT = -6.900067, 33.895937
URLS = {
    "map page": "/",
    "identify": f"/api/v1/identify?lon={LON}&lat={LAT}",
    "tile": "/tiles/demo-rabat:pa-oz-2021-zonage/16/31512/26033.mvt",
    "map image": (
        "/ows?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=demo-rabat:"
        "pa-oz-2021-zonage&STYLES=&CRS=EPSG:4326&BBOX=33.89,-6.91,33.90,-6.89"
        "&WIDTH=256&HEIGHT=256&FORMAT=image/png&TRANSPARENT=TRUE"
    ),
    "health": "/healthz",
}


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory):
    """A cluster of its own with the demo data, and the environment to reach it."""
    root = tmp_path_factory.mktemp("restarts")
    cluster = EmbeddedCluster(root / "checkout")
    info, _ = cluster.ensure()
    env = portal_env(root, info)
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "load_demo")
    manage(env, "collectstatic", "--no-input", "-v", "0")
    yield cluster, env
    cluster.stop()
    shutil.rmtree(cluster.server_home, ignore_errors=True)  # may live in /var/tmp


@pytest.fixture
def portal(demo_database):
    """granian serving the demo database as scripts/run does; its base URL."""
    _, env = demo_database
    port = free_port()
    server = subprocess.Popen(
        [
            str(REPO / ".venv" / "bin" / "granian"),
            *("--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port)),
            *("--workers", "1", "--blocking-threads", "1", "--no-ws"),
            *("--log-level", "error", "geoportal.wsgi:application"),
        ],
        cwd=REPO,
        env={**env, "DATABASE_PREPARED": "true", "DATABASE_HEALTH_CHECKS": "false"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while get(base, "/healthz")[0] != 200:
            assert server.poll() is None, "the server stopped"
            assert time.monotonic() < deadline, "the server does not answer"
            time.sleep(0.2)
        yield base, server
    finally:
        # Also when it never answered: no server outlives the test.
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=30)


def get(base: str, path: str) -> tuple[int, Message | dict, bytes]:
    """Status, headers and body of GET ``path``, in French; status 0 if refused."""
    request = urllib.request.Request(base + path, headers={"Accept-Language": "fr"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()
    except OSError:
        return 0, {}, b""


def test_requests_get_503_during_a_restart_and_succeed_right_after(
    demo_database, portal
):
    cluster, _ = demo_database
    base, server = portal
    port = cluster.info().port
    for name, path in URLS.items():
        assert get(base, path)[0] == 200, name

    cluster.stop()
    for name, path in URLS.items():
        status, headers, body = get(base, path)
        assert status == 503, (name, status, body[:300])
        assert int(headers["Retry-After"]) > 0, name
        assert b"Traceback" not in body, name
    status, _, body = get(base, URLS["identify"])
    error = json.loads(body)["error"]
    assert error["code"] == "database_unavailable"
    assert "base de données" in error["message"]  # the client's language
    _, _, body = get(base, URLS["map page"])
    assert "base de données" in body.decode()
    health = json.loads(get(base, "/healthz")[2])
    assert health["status"] == "error"
    assert health["database"] == "unreachable"

    info, started = cluster.ensure()
    assert started
    assert info.port == port
    # The very first request of each kind after the restart succeeds, on the
    # same server process: nobody restarted anything.
    for name, path in URLS.items():
        status, _, body = get(base, path)
        assert status == 200, (name, status, body[:300])
    assert json.loads(get(base, "/healthz")[2])["status"] == "ok"
    assert server.poll() is None


def test_the_first_request_after_a_quick_restart_succeeds(demo_database, portal):
    """No request came during the outage: every connection the worker kept
    is dead, and the next request must not be the one that finds out."""
    cluster, _ = demo_database
    base, server = portal
    for name, path in URLS.items():
        assert get(base, path)[0] == 200, name
    cluster.stop()
    cluster.ensure()
    for name, path in URLS.items():
        status, _, body = get(base, path)
        assert status == 200, (name, status, body[:300])
    assert server.poll() is None


ENQUEUE_AN_IMPORT = """
import json, sys
from django.core.files.uploadedfile import SimpleUploadedFile
from importing.plan import ImportOptions
from layers.models import Layer
from layers.tasks import import_start
side = int(sys.argv[-1]) if sys.argv[-1].isdigit() else 1
step = 0.02 / side
zones = []
for i in range(side):
    for j in range(side):
        x, y = -6.91 + i * step, 33.89 + j * step
        ring = [[x, y], [x + step, y], [x + step, y + step], [x, y + step], [x, y]]
        zones.append({
            "type": "Feature",
            "properties": {"ZONE": "UA", "LIBELLE": "Centre"},
            "geometry": {"type": "Polygon", "coordinates": [ring]},
        })
upload = json.dumps({"type": "FeatureCollection", "features": zones}).encode()
layer = Layer.objects.get(document__reference="PA-OZ-2021", name="zonage")
job = import_start(
    layer=layer,
    upload=SimpleUploadedFile(f"zones-{side}.geojson", upload),
    options=ImportOptions(),
    background=True,
)
print(job.pk)
"""


def enqueue_an_import(env: dict, side: int = 1) -> int:
    """Queue the import of ``side`` × ``side`` square zones; the job's id."""
    script = ENQUEUE_AN_IMPORT.replace("sys.argv[-1]", f"'{side}'")
    return int(manage(env, "shell", "-c", script).stdout.split()[-1])


def job_status(cluster: EmbeddedCluster, job_id: int) -> str:
    """The job's status, with its error when it failed."""
    info = cluster.info()
    with psycopg.connect(
        host=info.socket_dir, port=info.port, dbname=info.database, user=info.user
    ) as connection:
        row = connection.execute(
            "SELECT status, error FROM layers_importjob WHERE id = %s", [job_id]
        ).fetchone()
    return row[0] if row[0] != "failed" else f"failed: {row[1]}"


def other_sessions(cluster: EmbeddedCluster) -> int:
    """Sessions open on the database besides this one."""
    info = cluster.info()
    with psycopg.connect(
        host=info.socket_dir, port=info.port, dbname=info.database, user=info.user
    ) as connection:
        return connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid()"
        ).fetchone()[0]


def test_the_import_worker_waits_out_a_restart_and_imports_after_it(
    demo_database, tmp_path
):
    cluster, env = demo_database
    log = tmp_path / "worker.log"
    with log.open("w") as output:
        worker = subprocess.Popen(
            [PYTHON, "manage.py", "import_worker", "--interval", "0.2", "-v", "0"],
            cwd=REPO,
            env={**env, "PYTHONUNBUFFERED": "1"},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(lambda: other_sessions(cluster) > 0, "no worker session", worker)
        cluster.stop()
        wait_for(
            lambda: log.read_text().count("The database cannot be reached") >= 2,
            "the worker did not wait for the database",
            worker,
        )
        cluster.ensure()
        job_id = enqueue_an_import(env)
        wait_for(
            lambda: job_status(cluster, job_id) not in ("queued", "running"),
            "the job enqueued after the restart was not run",
            worker,
        )
        assert job_status(cluster, job_id) == "done"
        assert worker.poll() is None
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def wait_for(condition, what: str, process: subprocess.Popen) -> None:
    """Poll ``condition`` for 60 s while ``process`` runs."""
    deadline = time.monotonic() + 60
    while not condition():
        assert process.poll() is None, f"{what}: the process exited"
        assert time.monotonic() < deadline, what
        time.sleep(0.2)


def start_worker(env: dict, log: Path) -> subprocess.Popen:
    """manage.py import_worker as scripts/run starts it, logging to ``log``."""
    with log.open("a") as output:
        return subprocess.Popen(
            [PYTHON, "manage.py", "import_worker", "--interval", "0.2", "-v", "0"],
            cwd=REPO,
            env={**env, "PYTHONUNBUFFERED": "1"},
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def test_a_worker_killed_mid_import_leaves_no_job_running_for_ever(
    demo_database, tmp_path
):
    """kill -9 in the middle of an import: the next worker fails it as
    interrupted once its lease runs out, runs the queue, and a retry works."""
    cluster, env = demo_database
    env = {**env, "GEOPORTAIL_IMPORT_LEASE_SECONDS": "4"}
    log = tmp_path / "worker.log"
    killed = enqueue_an_import(env, side=60)
    queued_after = enqueue_an_import(env)
    worker = start_worker(env, log)
    try:
        wait_for(lambda: job_status(cluster, killed) == "running", "no import", worker)
        worker.kill()
        worker.wait(timeout=30)
        worker = start_worker(env, log)  # what the supervisor does
        wait_for(
            lambda: job_status(cluster, killed) != "running",
            "the killed import stays running",
            worker,
        )
        assert job_status(cluster, killed).startswith(
            "failed: L'import a été interrompu"
        )
        wait_for(
            lambda: job_status(cluster, queued_after) == "done",
            "the queue did not go on",
            worker,
        )
        manage(
            env,
            "shell",
            "-c",
            "from layers.models import ImportJob;"
            "from layers.tasks import import_job_retry;"
            f"import_job_retry(job=ImportJob.objects.get(pk={killed}))",
        )
        wait_for(
            lambda: job_status(cluster, killed) == "done",
            "the retried import did not complete",
            worker,
        )
    finally:
        worker.terminate()
        worker.wait(timeout=30)
