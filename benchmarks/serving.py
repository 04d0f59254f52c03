"""The portal's web server as ``scripts/run`` starts it, for the HTTP benchmarks.

granian, WSGI, one blocking thread per worker, prepared statements on and the
per-request health check off — so a benchmark measures what users get.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_portal(
    *, port: int, env: dict | None = None, workers: int = 2, root: Path = ROOT
) -> subprocess.Popen:
    """Start granian on ``port`` and return it once ``/healthz`` answers.

    ``env`` (e.g. ``DATABASE_URL``) overrides the process environment;
    ``root`` is the checkout served (another one's code, to compare). The
    caller terminates the returned process. Raises SystemExit when the server
    does not answer within a minute.
    """
    environment = {
        **os.environ,
        "DATABASE_PREPARED": "true",
        "DATABASE_HEALTH_CHECKS": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        **(env or {}),
    }
    server = subprocess.Popen(
        [
            str(root / ".venv" / "bin" / "granian"),
            *("--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port)),
            *("--workers", str(workers), "--blocking-threads", "1", "--no-ws"),
            *("--log-level", "warning", "geoportal.wsgi:application"),
        ],
        cwd=root,
        env=environment,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            break
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the portal's server did not start")
