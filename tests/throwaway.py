"""A throw-away portal for the tests that run real processes (granian,
nginx, a standby, a restart): a free loopback port, ``manage.py`` in a
subprocess, and the environment of a portal on an embedded cluster of its
own — never the suite's database."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

from geoportal.embedded_db import ClusterInfo

REPO = Path(__file__).resolve().parents[1]
PYTHON = str(REPO / ".venv" / "bin" / "python")


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(env: dict, *args: str, **options) -> subprocess.CompletedProcess:
    """``manage.py <args>`` in ``env``; raises when it fails."""
    return subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        **options,
    )


def portal_env(root: Path, info: ClusterInfo) -> dict:
    """The environment of a portal on the cluster ``info``, its files under
    ``root``: this process's, without its database, portal and Django
    settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "GEOPORTAIL_", "DJANGO_"))
    }
    return env | {
        "DATABASE_URL": (
            f"postgis://{info.user}@/{info.database}"
            f"?host={info.socket_dir}&port={info.port}"
        ),
        "GEOPORTAIL_LOCAL_DIR": str(root / "local"),
        "MEDIA_ROOT": str(root / "media"),
        "STATIC_ROOT": str(root / "static"),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "geoportal.settings",
    }
