"""Two stateless web nodes behind nginx: a planner's whole flow works whichever
node answers each request, and a node stopped mid-way costs no error.

A throw-away embedded cluster with the demo data (never the suite's
database); two granian nodes on their own ports, each with its own local
directory (``GEOPORTAIL_LOCAL_DIR``) and ``TMPDIR`` and one import worker,
sharing only what a deployment shares: the database, ``MEDIA_ROOT`` (a shared
volume) and the settings (secret key, signing key). In front, Debian's nginx
started as the current user with ``deploy/nginx/geoportail.conf``, both nodes
as its upstream; its access log names the node (``$upstream_addr``) that
answered each request.
"""

from __future__ import annotations

import base64
import http.cookiejar
import json
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django_tasks_db.models import DBTaskResult

from geoportal.embedded_db import EmbeddedCluster
from tests.throwaway import (
    NGINX,
    PYTHON,
    REPO,
    answering,
    free_port,
    manage,
    nginx_config,
    portal_env,
    stopped,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx is not installed"),
]

PASSWORD = "two nodes, one portal 42"
# The demo's zoning of 2021 as first approved: uploaded again over its
# modification of 2023, it puts this parcel back from zone B4 into D2.
ZONING_2021 = REPO / "data" / "demo" / "pa-2021" / "zonage-v1.geojson"
PARCEL = "TF 40724/07"


@dataclass
class Node:
    name: str
    port: int
    server: subprocess.Popen
    worker: subprocess.Popen

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def address(self) -> str:
        """How nginx's ``$upstream_addr`` names it."""
        return f"127.0.0.1:{self.port}"


@dataclass
class Nodes:
    proxy: str
    a: Node
    b: Node
    access_log: Path
    conninfo: str
    lon: float  # a point of PARCEL
    lat: float

    def answered(self, since: int = 0, *, count: int = 0) -> list[tuple[str, str]]:
        """(upstream addresses, request) of each request nginx logged, from
        line ``since`` on; a request retried on another node names both.
        Waits (5 s at most) for ``count`` of them: nginx logs a request once
        its answer is sent, so the client may read it first."""
        deadline = time.monotonic() + 5
        while True:
            lines = self.access_log.read_text().splitlines()[since:]
            if len(lines) >= count or time.monotonic() > deadline:
                return [tuple(line[1:].split('" ', 1)) for line in lines]
            time.sleep(0.05)

    def logged(self) -> int:
        return len(self.access_log.read_text().splitlines())


class Browser:
    """One browser: its cookies go to every port of 127.0.0.1 (cookies do not
    name a port), so one session talks to nginx and to each node directly."""

    def __init__(self) -> None:
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies)
        )

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.cookies if c.name == name), None)

    def get(self, url: str) -> tuple[int, bytes]:
        return self.send(urllib.request.Request(url))

    def form(self, url: str, fields: dict) -> tuple[int, bytes]:
        token = {"csrfmiddlewaretoken": self.cookie("csrftoken") or ""}
        body = urllib.parse.urlencode(fields | token).encode()
        return self.send(urllib.request.Request(url, data=body))

    def post_json(self, url: str, payload: dict) -> tuple[int, bytes]:
        headers = {"Content-Type": "application/json", **self._csrf()}
        body = json.dumps(payload).encode()
        return self.send(urllib.request.Request(url, data=body, headers=headers))

    def upload(self, url: str, fields: dict, path: Path) -> tuple[int, bytes]:
        """A multipart form with ``fields`` and ``path`` as its field "file"."""
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
            for name, value in fields.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{path.name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode()
            + path.read_bytes()
            + f"\r\n--{boundary}--\r\n".encode()
        )
        headers = {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            **self._csrf(),
        }
        return self.send(urllib.request.Request(url, b"".join(parts), headers))

    def _csrf(self) -> dict:
        token = self.cookie("csrftoken")
        return {"X-CSRFToken": token} if token else {}

    def send(self, request: urllib.request.Request) -> tuple[int, bytes]:
        request.add_header("Accept-Language", "en")
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()
        except OSError:
            return 0, b""


def node_start(name: str, env: dict, root: Path) -> Node:
    """granian as scripts/run serves (one worker here) and an import worker,
    with this node's own local directory and temporary files."""
    home = root / name
    for folder in ("local", "tmp"):
        (home / folder).mkdir(parents=True)
    env = env | {
        "GEOPORTAIL_LOCAL_DIR": str(home / "local"),
        "TMPDIR": str(home / "tmp"),
    }
    port = free_port()
    log = (home / "granian.log").open("w")
    server = subprocess.Popen(
        [
            str(REPO / ".venv" / "bin" / "granian"),
            *("--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port)),
            *("--workers", "1", "--blocking-threads", "1", "--no-ws"),
            *("--log-level", "warning", "geoportal.wsgi:application"),
        ],
        cwd=REPO,
        env=env | {"DATABASE_PREPARED": "true", "DATABASE_HEALTH_CHECKS": "false"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    worker = subprocess.Popen(
        [
            *(PYTHON, "manage.py", "import_worker", "--worker-id", name),
            *("--interval", "0.2", "--no-startup-delay", "--no-reload"),
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(home / "worker.log").open("w"),
    )
    return Node(name=name, port=port, server=server, worker=worker)


@pytest.fixture(scope="module")
def nodes(tmp_path_factory):
    """The demo portal on two web nodes behind nginx."""
    root = tmp_path_factory.mktemp("two-nodes")
    cluster = EmbeddedCluster(root / "checkout")
    info, _ = cluster.ensure()
    signing_key = Ed25519PrivateKey.generate().private_bytes_raw()
    # What every node is given alike, as a deployment's settings would.
    env = portal_env(root, info) | {
        "DJANGO_SECRET_KEY": base64.b64encode(uuid.uuid4().bytes * 4).decode(),
        "GEOPORTAIL_SIGNING_KEY": base64.b64encode(signing_key).decode(),
        "GEOPORTAIL_DEMO_PASSWORD": PASSWORD,
        "GEOPORTAIL_PROXY_COUNT": "1",
        # Each node's own test CA signs the PDFs it issues (a deployment
        # gives every node the same GEOPORTAIL_PADES_DIR).
        "GEOPORTAIL_PADES_TEST_CA": "true",
    }
    # The static files (one release, one manifest for both nodes) meanwhile.
    static = subprocess.Popen(
        [PYTHON, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=REPO,
        env=env,
    )
    started: list[subprocess.Popen] = [static]
    try:
        manage(env, "migrate", "--no-input", "-v", "0")
        manage(env, "load_demo")
        assert static.wait(timeout=120) == 0, "collectstatic failed"
        a = node_start("node-a", env, root)
        b = node_start("node-b", env, root)
        started += [a.server, a.worker, b.server, b.worker]
        answering(a.base, a.server)
        answering(b.base, b.server)
        port, access_log = free_port(), root / "access.log"
        config = nginx_config(
            root, port=port, upstreams=[a.port, b.port], access_log=access_log
        )
        nginx = subprocess.Popen(
            [NGINX, "-p", str(root), "-c", str(config), "-e", "stderr"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started.append(nginx)
        proxy = f"http://127.0.0.1:{port}"
        answering(proxy, nginx)
        conninfo = (
            f"host={info.socket_dir} port={info.port} user={info.user} "
            f"dbname={info.database}"
        )
        with psycopg.connect(conninfo) as conn:
            lon, lat = conn.execute(
                "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) p"
                " FROM parcels_parcel WHERE reference = %s) AS point",
                [PARCEL],
            ).fetchone()
        yield Nodes(
            proxy=proxy,
            a=a,
            b=b,
            access_log=access_log,
            conninfo=conninfo,
            lon=lon,
            lat=lat,
        )
    finally:
        # Also when setting up failed: no process outlives the test.
        for process in reversed(started):
            stopped(process)
        cluster.stop()


def zones_of(body: bytes) -> list[tuple[str, int]]:
    """(code, version number) of the zones a note or its composition states."""
    content = json.loads(body)
    content = content.get("content", content)
    return [(zone["code"], zone["version"]) for zone in content["zones"]]


def import_waited(planner: Browser, proxy: str, job: int) -> dict:
    """The import job once a worker has run it, polled through nginx."""
    deadline = time.monotonic() + 60
    while True:
        status, body = planner.get(f"{proxy}/api/v1/imports/{job}")
        assert status == 200, body[:300]
        answer = json.loads(body)
        if answer["status"] not in ("queued", "running"):
            return answer
        assert time.monotonic() < deadline, answer
        time.sleep(0.2)


def claimed_by(conninfo: str, job: int) -> list[str]:
    """The workers that claimed the task of import job ``job``."""
    with psycopg.connect(conninfo) as conn:
        (workers,) = conn.execute(
            f"SELECT t.worker_ids FROM {DBTaskResult._meta.db_table} t "
            "JOIN layers_importjob j ON j.task_id = t.id::text WHERE j.id = %s",
            [job],
        ).fetchone()
    return workers


def zoning_layer(planner: Browser, proxy: str) -> int:
    status, body = planner.get(f"{proxy}/api/v1/agencies/demo-rabat/documents")
    assert status == 200, body[:300]
    return next(
        layer["id"]
        for document in json.loads(body)
        if document["reference"] == "PA-OZ-2021"
        for layer in document["layers"]
        if layer["kind"] == "zoning"
    )


def planner_logged_in(proxy: str) -> Browser:
    planner = Browser()
    assert planner.get(f"{proxy}/planner/login/")[0] == 200
    status, body = planner.form(
        f"{proxy}/planner/login/", {"username": "planner", "password": PASSWORD}
    )
    assert status == 200, body[:300]
    assert planner.cookie("sessionid")
    assert b"/planner/logout/" in body
    return planner


def test_a_planners_flow_works_whichever_node_answers(nodes):
    proxy, a, b = nodes.proxy, nodes.a, nodes.b
    citizen = Browser()
    status, body = citizen.post_json(
        f"{proxy}/api/v1/notes/compose", {"parcel": PARCEL}
    )
    assert status == 200, body[:300]
    [(code, published)] = zones_of(body)
    assert code == "B4"

    # Logged in through nginx (the login page and the form from whichever
    # nodes it picks), the session in the database.
    planner = planner_logged_in(proxy)
    layer = zoning_layer(planner, proxy)
    # The session is good on each node: the same secret key signs it.
    for node in (a, b):
        status, body = planner.get(f"{node.base}/planner/")
        assert status == 200, (node.name, body[:300])
        assert b"/planner/logout/" in body, node.name

    # Uploaded to node A, stored in the shared media folder, imported by
    # whichever worker claims it, polled through nginx.
    status, body = planner.upload(
        f"{a.base}/api/v1/layers/{layer}/versions", {"background": "1"}, ZONING_2021
    )
    assert status == 202, body[:300]
    job = json.loads(body)["id"]
    done = import_waited(planner, proxy, job)
    assert done["status"] == "done", done
    assert claimed_by(nodes.conninfo, job) in (["node-a"], ["node-b"])
    version = done["version"]
    assert version["feature_count"] == 113

    # Published on node B.
    status, body = planner.post_json(
        f"{b.base}/api/v1/versions/{version['id']}/publish", {}
    )
    assert status == 200, body[:300]
    assert json.loads(body)["status"] == "published"

    # A citizen's note through nginx states the new zoning at once, and
    # each node verifies it: the same signing key.
    status, body = citizen.post_json(f"{proxy}/api/v1/notes", {"parcel": PARCEL})
    assert status == 201, body[:300]
    assert zones_of(body) == [("D2", version["number"])]
    assert version["number"] > published
    note = json.loads(body)
    verify = urllib.parse.urlsplit(note["verify_url"])
    for node in (a, b):
        status, page = citizen.get(f"{node.base}{verify.path}?lang=en")
        assert status == 200, node.name
        assert b"This document is authentic and valid" in page, node.name
        status, pdf = citizen.get(note["pdf_url"].replace(proxy, node.base))
        assert status == 200, node.name
        assert pdf.startswith(b"%PDF"), node.name

    # Both nodes answered through nginx.
    answered = {upstream for upstream, _ in nodes.answered()}
    assert {a.address, b.address} <= answered, answered


def test_two_workers_never_run_one_import_twice(nodes):
    proxy = nodes.proxy
    planner = planner_logged_in(proxy)
    layer = zoning_layer(planner, proxy)
    jobs = []
    # Both workers held while the six are queued: otherwise whichever polls
    # first may take each as it comes (one node took all six in a CI run).
    workers_held = (nodes.a.worker, nodes.b.worker)
    for worker in workers_held:
        worker.send_signal(signal.SIGSTOP)
    try:
        for _ in range(6):
            status, body = planner.upload(
                f"{proxy}/api/v1/layers/{layer}/versions",
                {"background": "1"},
                ZONING_2021,
            )
            assert status == 202, body[:300]
            jobs.append(json.loads(body)["id"])
    finally:
        for worker in workers_held:
            worker.send_signal(signal.SIGCONT)
    drafts = set()
    workers = []
    for job in jobs:
        done = import_waited(planner, proxy, job)
        assert done["status"] == "done", done
        drafts.add(done["version"]["id"])
        claimed = claimed_by(nodes.conninfo, job)
        assert len(claimed) == 1, claimed
        workers += claimed
    assert len(drafts) == len(jobs)
    # Both nodes' workers took their share of the queue.
    assert set(workers) == {"node-a", "node-b"}, workers


def test_a_stopped_node_leaves_its_requests_to_the_other(nodes):
    proxy, a, b = nodes.proxy, nodes.a, nodes.b
    planner = planner_logged_in(proxy)
    citizen = Browser()
    stopped(a.server)
    since = nodes.logged()
    for _ in range(4):
        for browser, path in (
            (citizen, "/"),
            (citizen, f"/api/v1/identify?lon={nodes.lon}&lat={nodes.lat}"),
            (citizen, "/tiles/demo-rabat:pa-oz-2021-zonage/16/31511/26202.mvt"),
            (planner, "/planner/"),
        ):
            status, body = browser.get(proxy + path)
            assert status == 200, (path, status, body[:300])
    answered = nodes.answered(since, count=16)
    assert len(answered) == 16
    # Every answer came from node B; a request nginx first tried on node A
    # (before it set A aside) names both.
    assert all(upstream.endswith(b.address) for upstream, _ in answered), answered
