"""The bootstrap shared by scripts/run and scripts/test."""

import shlex
import subprocess
import time
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


def _supervised(tmp_path: Path, command: str) -> subprocess.Popen:
    script = (
        f'source "{REPO}/scripts/lib/bootstrap.sh"; '
        f"supervise 'the probe' bash -c '{command}'"
    )
    return subprocess.Popen(
        ["bash", "-c", script],
        stderr=subprocess.PIPE,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )


def _wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def test_the_supervisor_starts_again_a_command_that_exits(tmp_path):
    """scripts/run's import worker comes back if it dies."""
    runs = tmp_path / "runs"
    supervisor = _supervised(tmp_path, f"echo run >> {runs}; exit 3")
    try:
        _wait_for(
            lambda: runs.exists() and len(runs.read_text().split()) >= 2,
            "the command was not started again",
        )
    finally:
        supervisor.terminate()
        _, stderr = supervisor.communicate(timeout=30)
    assert supervisor.returncode == 0
    assert "the probe exited (status 3); starting it again" in stderr


def test_stopping_the_supervisor_stops_its_command(tmp_path):
    pid_file = tmp_path / "pid"
    supervisor = _supervised(tmp_path, f"echo $$ > {pid_file}; exec sleep 300")
    _wait_for(lambda: pid_file.exists() and pid_file.read_text().strip(), "no pid")
    pid = int(pid_file.read_text())
    supervisor.terminate()
    supervisor.communicate(timeout=30)
    _wait_for(lambda: not Path(f"/proc/{pid}").exists(), "the command still runs")


def test_a_server_that_ignores_the_interrupt_is_stopped_all_the_same(tmp_path):
    """Ctrl-C of scripts/run ends even when the server does not stop on INT
    (granian sometimes leaves a worker waiting for ever)."""
    pid_file = tmp_path / "pid"
    stubborn = (
        "import os, signal, time; signal.signal(signal.SIGINT, signal.SIG_IGN);"
        f"open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(300)"
    )
    result = bootstrap(
        f"python3 -c {shlex.quote(stubborn)} & pid=$!;"
        f"while [ ! -s {pid_file} ]; do sleep 0.1; done;"
        "stop_within $pid 1; wait $pid || true; echo stopped",
    )
    assert result.stdout.strip() == "stopped", result.stderr
    assert "did not stop within 1 s; terminating it" in result.stderr
    pid = int(pid_file.read_text())
    assert not Path(f"/proc/{pid}").exists()


def test_a_server_that_stops_on_the_interrupt_is_not_terminated(tmp_path):
    # Background commands of a script start with INT ignored: this one asks
    # for it again, as granian does.
    obedient = "import signal, time; signal.signal(signal.SIGINT, signal.SIG_DFL);"
    obedient += "time.sleep(300)"
    result = bootstrap(
        f"python3 -c {shlex.quote(obedient)} & pid=$!; sleep 0.5;"
        "stop_within $pid 5; status=0; wait $pid || status=$?; echo $status"
    )
    # It dies of the INT itself (128 + 2): no termination was needed.
    assert result.stdout.strip() == "130", result.stderr
    assert "terminating" not in result.stderr
