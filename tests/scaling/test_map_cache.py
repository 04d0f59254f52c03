"""The nginx configuration the project ships keeps the public's maps and tiles,
and never serves an old one after a publish.

A throw-away embedded cluster (never the suite's database) with the demo data,
served by granian, behind Debian's nginx started as the current user with
``deploy/nginx/geoportail.conf`` — its listen address, upstream and cache
directory pointed at this test's — all on free loopback ports.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import urllib.error
import urllib.request
from email.message import Message
from pathlib import Path

import pytest

from geoportal.embedded_db import EmbeddedCluster
from tests.throwaway import (
    NGINX,
    answering,
    free_port,
    manage,
    nginx_config,
    portal_env,
    stopped,
)

REPO = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx is not installed"),
]

NAME = "demo-rabat:pa-oz-2021-zonage"
Z, X, Y = 16, 31511, 26202  # around the demo's parcel of identify
TILE = f"/tiles/{NAME}/{Z}/{X}/{Y}.mvt"

# A new version of the demo's zoning, with one of its zones: what a planner's
# upload and publish do, through the same services.
PUBLISH = f"""
from layers.models import Feature, Layer
from layers.services import FeatureData, layer_version_create, layer_version_publish
from tiles.catalog import layer_name
layer = next(one for one in Layer.objects.all() if layer_name(one) == {NAME!r})
current = layer.versions.get(status="published")
kept = Feature.objects.filter(version=current).order_by("pk")[:1]
features = [FeatureData(geom=f.geom, code=f.code, category=f.category) for f in kept]
layer_version_publish(version=layer_version_create(layer=layer, features=features))
"""


def tile_bbox(z: int, x: int, y: int) -> str:
    """The EPSG:3857 bounding box of tile z/x/y, as a map client asks it."""
    half = math.pi * 6378137
    size = 2 * half / 2**z
    west, north = -half + x * size, half - y * size
    return f"{west},{north - size},{west + size},{north}"


GETMAP = (
    "/ows?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS="
    f"{NAME}&STYLES=&CRS=EPSG:3857&BBOX={tile_bbox(Z, X, Y)}"
    "&WIDTH=256&HEIGHT=256&FORMAT=image/png&TRANSPARENT=TRUE"
)


def get(base: str, path: str, **headers: str) -> tuple[int, Message, bytes]:
    """Status, headers and body of GET ``path``; status 0 if refused."""
    request = urllib.request.Request(base + path, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()
    except OSError:
        return 0, Message(), b""


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory):
    """A cluster of its own with the demo data, and the environment to reach it."""
    root = tmp_path_factory.mktemp("map-cache")
    cluster = EmbeddedCluster(root / "checkout")
    info, _ = cluster.ensure()
    env = portal_env(root, info)
    try:
        manage(env, "migrate", "--no-input", "-v", "0")
        manage(env, "load_demo")
        yield env
    finally:
        cluster.stop()
        shutil.rmtree(cluster.server_home, ignore_errors=True)


@pytest.fixture
def proxy(demo_env, tmp_path):
    """granian behind nginx; the proxy's base URL and granian's."""
    port, upstream = free_port(), free_port()
    granian = subprocess.Popen(
        [
            str(REPO / ".venv" / "bin" / "granian"),
            *("--interface", "wsgi", "--host", "127.0.0.1", "--port", str(upstream)),
            *("--workers", "1", "--blocking-threads", "1", "--no-ws"),
            *("--log-level", "error", "geoportal.wsgi:application"),
        ],
        cwd=REPO,
        env=demo_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    nginx = None
    try:
        answering(f"http://127.0.0.1:{upstream}", granian)
        config = nginx_config(tmp_path, port=port, upstreams=[upstream])
        nginx = subprocess.Popen(
            [NGINX, "-p", str(tmp_path), "-c", str(config), "-e", "stderr"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        answering(f"http://127.0.0.1:{port}", nginx)
        yield f"http://127.0.0.1:{port}", f"http://127.0.0.1:{upstream}"
    finally:
        # Also when one never answered: no server outlives the test.
        if nginx is not None:
            stopped(nginx)
        stopped(granian)


def test_nginx_keeps_maps_and_tiles_and_never_serves_them_stale(demo_env, proxy):
    base, upstream = proxy
    first = {}
    for path in (GETMAP, TILE):
        status, headers, body = get(base, path)
        assert status == 200, (path, body[:300])
        assert headers["X-Cache-Status"] == "MISS", path
        assert body, path
        status, again, cached = get(base, path)
        assert status == 200, path
        # Served by nginx: its stored copy, the portal saying only 304.
        assert again["X-Cache-Status"] in ("HIT", "REVALIDATED"), path
        assert cached == body, path
        assert again["ETag"] == headers["ETag"], path
        first[path] = headers["ETag"], body
    # The portal itself answers the cache's question without the body.
    etag = first[GETMAP][0]
    status, _, body = get(upstream, GETMAP, **{"If-None-Match": etag})
    assert (status, body) == (304, b"")

    manage(demo_env, "shell", "-c", PUBLISH)

    for path in (GETMAP, TILE):
        status, headers, body = get(base, path)
        assert status == 200, path
        assert headers["X-Cache-Status"] not in ("HIT", "REVALIDATED"), path
        assert headers["ETag"] != first[path][0], path
        assert body != first[path][1], path


def test_a_session_is_never_served_from_the_cache(demo_env, proxy):
    base, _ = proxy
    for path in (GETMAP, TILE):
        assert get(base, path)[0] == 200
        assert get(base, path)[1]["X-Cache-Status"] in ("HIT", "REVALIDATED")
        status, headers, _ = get(base, path, Cookie="sessionid=a-planners-session")
        assert status == 200, path
        assert headers["X-Cache-Status"] == "BYPASS", path
        status, headers, _ = get(base, path, Authorization="Token a-token")
        assert headers["X-Cache-Status"] == "BYPASS", path
