"""Read replicas: a real primary and a hot standby, streaming, on loopback.

A throw-away embedded cluster (never the suite's database), migrated, and a
standby made of it by ``pg_basebackup -R``; granian serves the portal with
``DATABASE_REPLICA_URLS`` naming the standby, as a deployment would. Which
server answered is seen in the answers: the standby's replay is paused, then
a law text is added on the primary — an answer that has it came from the
primary, one that lacks it from the standby.
"""

from __future__ import annotations

import html
import http.cookiejar
import json
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg
import pytest

from geoportal.embedded_db import EmbeddedCluster, EmbeddedStandby
from tests.throwaway import free_port, manage, portal_env

REPO = Path(__file__).resolve().parents[2]
PLANNER, PASSWORD = "replica-planner", "a long enough passphrase 42"

pytestmark = pytest.mark.slow

CREATE_PLANNER = f"""
from accounts.models import User
User.objects.create_user({PLANNER!r}, password={PASSWORD!r})
"""


@pytest.fixture(scope="module")
def replicated(tmp_path_factory):
    """A migrated primary with a planner, its streaming standby, and the
    environment of a portal that reads the standby."""
    root = tmp_path_factory.mktemp("replicas")
    primary = EmbeddedCluster(root / "checkout")
    info, _ = primary.ensure()
    env = portal_env(root, info)
    standby = EmbeddedStandby(primary, primary.server_home / "standby")
    try:
        manage(env, "migrate", "--no-input", "-v", "0")
        manage(env, "shell", "-c", CREATE_PLANNER)
        manage(env, "collectstatic", "--no-input", "-v", "0")
        standby.create()
        standby.start()
        primary_conninfo = (
            f"host={info.socket_dir} port={info.port} user=geoportail dbname=geoportail"
        )
        yield primary_conninfo, standby, env | {"DATABASE_REPLICA_URLS": standby.url}
    finally:
        # Also when setting up failed: no server outlives the test.
        standby.stop(check=False)
        primary.stop()
        shutil.rmtree(primary.server_home, ignore_errors=True)  # may live in /var/tmp


@pytest.fixture
def portal(replicated):
    """granian serving the portal as scripts/run does, reading the standby."""
    _, _, env = replicated
    port = free_port()
    server = subprocess.Popen(
        [
            str(REPO / ".venv" / "bin" / "granian"),
            *("--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port)),
            *("--workers", "1", "--blocking-threads", "1", "--no-ws"),
            *("--log-level", "warning", "geoportal.wsgi:application"),
        ],
        cwd=REPO,
        env={
            **env,
            "DATABASE_PREPARED": "true",
            "DATABASE_HEALTH_CHECKS": "false",
            "DATABASE_REPLICA_RETRY_SECONDS": "0.5",
        },
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while Client(base).get("/healthz")[0] != 200:
            assert server.poll() is None, "the server stopped"
            assert time.monotonic() < deadline, "the server does not answer"
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=30)


class Client:
    """A browser's cookies over urllib."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies)
        )

    def get(self, path: str) -> tuple[int, str]:
        return self.request(urllib.request.Request(self.base + path))

    def post(self, path: str, data: dict) -> tuple[int, str]:
        token = self.cookie("csrftoken") or ""
        request = urllib.request.Request(
            self.base + path,
            data=urllib.parse.urlencode(
                {**data, "csrfmiddlewaretoken": token}
            ).encode(),
            headers={"Referer": self.base + path},
        )
        return self.request(request)

    def request(self, request: urllib.request.Request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()
        except OSError:
            return 0, ""

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.cookies if c.name == name), None)

    def finds(self, word: str) -> bool:
        """Whether the library's JSON search (a machine route) finds ``word``."""
        status, body = self.get("/api/v1/library/search?q=" + word)
        assert status == 200, body[:300]
        return any(word in text["title_fr"] for text in json.loads(body)["texts"])

    def page_finds(self, word: str) -> bool:
        """Whether the library's search page (the full path) finds ``word``."""
        status, body = self.get("/library/?q=" + word)
        assert status == 200, body[:300]
        return f"Loi témoin {word}" in html.unescape(body)  # a result, not the query


def add_text(conninfo: str, word: str) -> None:
    """A law text titled with ``word``, written on the primary."""
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO library_text (kind, number, key, title_fr, title_ar,"
            " published_on, in_force_on, bulletin, authority_fr, authority_ar,"
            " status, is_excerpt, pdf_fr, pdf_ar, extracted_fr, extracted_ar,"
            " from_demo_data) VALUES ('law', %s, %s, %s, '', '2000-01-01',"
            " '2000-01-01', '', '', '', 'in_force', false, '', '', '', '', false)",
            [word, "loi-" + word, f"Loi témoin {word}"],
        )


def replayed(standby: EmbeddedStandby, word: str) -> bool:
    with psycopg.connect(standby.conninfo, autocommit=True) as conn:
        found = conn.execute(
            "SELECT 1 FROM library_text WHERE number = %s", [word]
        ).fetchone()
    return found is not None


def wait_for(predicate, *args, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate(*args):
        assert time.monotonic() < deadline, f"{predicate.__name__}{args} never held"
        time.sleep(0.1)


def replay(standby: EmbeddedStandby, *, paused: bool) -> None:
    function = "pg_wal_replay_pause" if paused else "pg_wal_replay_resume"
    with psycopg.connect(standby.conninfo, autocommit=True) as conn:
        conn.execute(f"SELECT {function}()")


def test_anonymous_reads_come_from_the_standby_and_writers_read_the_primary(
    replicated, portal
):
    primary, standby, _ = replicated
    add_text(primary, "alphaxyl")
    wait_for(replayed, standby, "alphaxyl")
    replay(standby, paused=True)
    try:
        add_text(primary, "betaxyl")  # on the primary only, for now
        citizen = Client(portal)
        assert citizen.finds("alphaxyl")
        # The standby answered, on the machine path and on the full path.
        assert not citizen.finds("betaxyl")
        assert not citizen.page_finds("betaxyl")

        # A planner logs in — the session is written, on the primary: a
        # standby would refuse the write — and reads the primary from then on.
        planner = Client(portal)
        planner.get("/planner/login/")
        status, _ = planner.post(
            "/planner/login/", {"username": PLANNER, "password": PASSWORD}
        )
        assert status == 200
        assert planner.cookie("sessionid")
        assert planner.page_finds("betaxyl")

        # A citizen who just wrote (an unsafe request, here choosing a
        # language) reads the primary for a while, then the standby again.
        citizen.get("/library/")
        status, _ = citizen.post("/i18n/setlang/", {"language": "fr", "next": "/"})
        assert status == 200
        assert citizen.cookie("geoportail_primary")
        assert citizen.page_finds("betaxyl")
        assert not Client(portal).page_finds("betaxyl")
    finally:
        replay(standby, paused=False)
    wait_for(replayed, standby, "betaxyl")
    assert Client(portal).finds("betaxyl")


def test_reads_fall_back_to_the_primary_while_the_standby_is_stopped(
    replicated, portal
):
    primary, standby, _ = replicated
    citizen = Client(portal)
    assert citizen.finds("alphaxyl")
    standby.stop()
    try:
        add_text(primary, "gammaxyl")
        # Not an error: the primary answers, and it has the new text.
        assert citizen.finds("gammaxyl")
        assert citizen.page_finds("gammaxyl")
    finally:
        standby.start()
    wait_for(replayed, standby, "gammaxyl")
    replay(standby, paused=True)
    try:
        add_text(primary, "deltaxyl")
        time.sleep(0.6)  # DATABASE_REPLICA_RETRY_SECONDS: the standby is tried again
        wait_for(lambda: not citizen.finds("deltaxyl"))
        assert citizen.finds("gammaxyl")
    finally:
        replay(standby, paused=False)
