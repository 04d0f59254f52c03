"""The embedded cluster: created once, reused, stopped; found by the settings."""

import json
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from geoportal.embedded_db import EmbeddedCluster

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def cluster(tmp_path):
    cluster = EmbeddedCluster(tmp_path / "checkout")
    yield cluster
    cluster.stop()
    shutil.rmtree(cluster.server_home, ignore_errors=True)  # may live in /var/tmp


def psql(info, sql: str) -> str:
    command = [
        "psql",
        "-h",
        info.socket_dir,
        "-p",
        str(info.port),
        "-U",
        info.user,
        "-d",
        info.database,
        "-tAc",
        sql,
    ]
    if EmbeddedCluster()._as_service_user():
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(
        command, capture_output=True, text=True, check=True
    ).stdout.strip()


@pytest.mark.slow
def test_first_ensure_creates_and_starts_a_postgis_cluster(cluster):
    info, started = cluster.ensure()
    assert started
    assert cluster.is_running()
    assert (cluster.data_dir / "PG_VERSION").exists()
    assert (
        psql(info, "SELECT extname FROM pg_extension WHERE extname = 'postgis'")
        == "postgis"
    )
    # The TCP password is kept out of the repository, readable by its owner only.
    assert (cluster.base / "credentials").stat().st_mode & 0o077 == 0


@pytest.mark.slow
def test_second_ensure_reuses_the_running_cluster_and_its_data(cluster):
    info, _ = cluster.ensure()
    psql(info, "CREATE TABLE kept (x int); INSERT INTO kept VALUES (42)")
    again, started = cluster.ensure()
    assert not started
    assert again == info
    assert cluster.stop()
    restarted, started = cluster.ensure()
    assert started
    assert psql(restarted, "SELECT x FROM kept") == "42"


@pytest.mark.slow
def test_a_restarted_cluster_listens_on_the_same_port(cluster, monkeypatch):
    """Web workers and the import worker keep the port they were given."""
    monkeypatch.delenv("GEOPORTAIL_DB_PORT", raising=False)
    info, _ = cluster.ensure()
    for _attempt in range(2):
        assert cluster.stop()
        restarted, started = cluster.ensure()
        assert started
        assert restarted.port == info.port
        assert psql(restarted, "SELECT 1") == "1"


@pytest.mark.slow
def test_a_port_taken_while_stopped_moves_the_cluster_and_says_so(
    cluster, monkeypatch, capsys
):
    monkeypatch.delenv("GEOPORTAIL_DB_PORT", raising=False)
    info, _ = cluster.ensure()
    cluster.stop()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as squatter:
        squatter.bind(("127.0.0.1", info.port))
        squatter.listen()
        moved, _ = cluster.ensure()
    assert moved.port != info.port
    assert cluster.info().port == moved.port
    assert f"port {info.port} is taken" in capsys.readouterr().err
    assert psql(moved, "SELECT 1") == "1"


def test_settings_follow_the_cluster_state_file(tmp_path):
    """The settings read where the cluster listens from .local/postgres/cluster.json."""
    cluster = EmbeddedCluster(tmp_path)
    assert cluster.info() is None
    cluster.base.mkdir(parents=True)
    cluster.state_file.write_text(
        json.dumps({"socket_dir": "/somewhere/run", "port": 55432})
    )
    info = cluster.info()
    assert info.as_django_database()["HOST"] == "/somewhere/run"
    assert info.as_django_database()["PORT"] == "55432"


def test_manage_py_reaches_the_same_database_from_another_shell():
    """`.venv/bin/python manage.py …` finds the cluster without any environment."""
    if not (REPO / ".local" / "postgres" / "cluster.json").exists():
        pytest.skip("this run uses DATABASE_URL, not the embedded cluster")
    result = subprocess.run(
        [sys.executable, "manage.py", "showmigrations", "layers"],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(Path.home())},
    )
    assert result.returncode == 0, result.stderr
    assert "[X] 0001_initial" in result.stdout
