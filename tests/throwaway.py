"""A throw-away portal for the tests that run real processes (granian,
nginx, a standby, a restart): a free loopback port, ``manage.py`` in a
subprocess, and the environment of a portal on an embedded cluster of its
own — never the suite's database."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from geoportal.embedded_db import ClusterInfo

REPO = Path(__file__).resolve().parents[1]
PYTHON = str(REPO / ".venv" / "bin" / "python")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SHIPPED_NGINX = REPO / "deploy" / "nginx" / "geoportail.conf"


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


def answering(base: str, process: subprocess.Popen, *, seconds: float = 60) -> None:
    """Wait until ``base``'s /healthz answers 200, failing if ``process``
    stops first or it does not answer within ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=10) as response:
                if response.status == 200:
                    return
        except OSError:  # refused, or an error status (HTTPError)
            pass
        assert process.poll() is None, "the server stopped"
        assert time.monotonic() < deadline, "the server does not answer"
        time.sleep(0.2)


def stopped(process: subprocess.Popen) -> None:
    """Stop ``process`` (SIGTERM, then SIGKILL after 30 s) and reap it."""
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=30)


def nginx_config(
    root: Path,
    *,
    port: int,
    upstreams: Sequence[int],
    access_log: Path | None = None,
    cache: bool = True,
) -> Path:
    """The shipped nginx configuration inside a main file nginx can run as this
    user in ``root``; the three lines to set at a deployment pointed at the
    test's: its port, the web nodes on ``upstreams`` and a cache directory.
    With ``access_log``, each request is logged there as ``"<upstream
    addresses>" <status> <method> <uri>`` — which web node answered. Without
    ``cache``, nginx keeps nothing (a proxy alone, to compare)."""
    site = SHIPPED_NGINX.read_text()
    nodes = "".join(f"server 127.0.0.1:{upstream};\n    " for upstream in upstreams)
    for line, ours in (
        ("listen 80;", f"listen 127.0.0.1:{port};"),
        ("server 127.0.0.1:8000;\n    ", nodes),
        ("/var/cache/nginx/geoportail", str(root / "cache")),
        *([] if cache else [("proxy_cache geoportail_maps;", "proxy_cache off;")]),
    ):
        assert site.count(line) == 1, line
        site = site.replace(line, ours)
    (root / "geoportail.conf").write_text(site)
    # As root, nginx's workers would run as nobody, who cannot enter pytest's
    # temporary directory.
    user = "user root;\n" if os.geteuid() == 0 else ""
    log = (
        "  log_format nodes\n"
        "    '\"$upstream_addr\" $status $request_method $request_uri';\n"
        f"  access_log {access_log} nodes;\n"
        if access_log
        else "  access_log off;\n"
    )
    main = root / "nginx.conf"
    main.write_text(
        f"{user}daemon off;\nworker_processes 1;\npid {root / 'nginx.pid'};\n"
        f"error_log {root / 'error.log'} warn;\n"
        "events { worker_connections 256; }\n"
        "http {\n"
        + log
        + "".join(
            f"  {kind}_temp_path {root / kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + f"  include {root / 'geoportail.conf'};\n}}\n"
    )
    return main
