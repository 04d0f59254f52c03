"""The bootstrap shared by scripts/run and scripts/test."""

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def bootstrap(snippet: str, **env: str) -> subprocess.CompletedProcess:
    script = f'source "{REPO}/scripts/lib/bootstrap.sh"; {snippet}'
    return subprocess.run(
        ["bash", "-c", script],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin:/usr/local/bin", "HOME": str(Path.home()), **env},
    )


def test_database_url_replaces_the_embedded_cluster():
    result = bootstrap(
        "ensure_database; echo started=$STARTED_DATABASE",
        DATABASE_URL="postgis://someone@db.example.ma/geo",
    )
    assert result.returncode == 0, result.stderr
    assert "using DATABASE_URL" in result.stderr
    assert result.stdout.strip() == "started=0"


def test_an_already_running_cluster_is_reused_not_restarted():
    result = bootstrap("ensure_database; echo started=$STARTED_DATABASE")
    assert result.returncode == 0, result.stderr
    assert "already running" in result.stderr
    assert result.stdout.strip() == "started=0"


def test_a_python_of_at_least_3_12_is_found():
    result = bootstrap(
        '"$(find_python)" -c "import sys; print(sys.version_info >= (3, 12))"'
    )
    assert result.stdout.strip() == "True", result.stderr


def test_no_suitable_python_is_said_clearly(tmp_path):
    result = bootstrap(
        f'VENV="{tmp_path}/venv"; ensure_venv ""',
        PATH=f"{tmp_path}:/usr/bin:/bin",  # /usr/bin/python3 is Debian's 3.11
        HOME=str(tmp_path),
    )
    assert result.returncode != 0
    assert "Python 3.12 or newer" in result.stderr
