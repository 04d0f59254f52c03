"""MapProxy's cached WMS tiles against MapServer drawing the same tiles.

The portal (granian, 1 worker) on the benchmark database; MapProxy configured
by ``manage.py mapproxy_config`` and served as docs/scaling.md says (granian,
1 worker, a WSGI module reloading the configuration). The tiles of the
replayed map session of ``benchmarks/cache.py`` (the bench agency's zoning,
50,000 zones) are asked from MapProxy once (each a GetMap of the portal: the
fill), then, interleaved with MapServer in-process (python3-mapscript, the
mapfile of ``benchmarks/ows_vs_mapserver.py``) drawing the same GetMap
tiles: MapProxy's cached tile over HTTP, and its WSGI application called in
this process (no HTTP). Printed: p50, p95 and the ratios to MapServer.

    .venv/bin/python benchmarks/mapproxy.py [--views 20] [--repeat 3]

Needs: MapProxy (the ``test`` extra), python3-mapscript, the database
``geoportail_bench`` (``benchmarks/generate.py``).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# This folder's modules (tiles.py, …) must not shadow the project's apps.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks"]
sys.path.insert(0, str(ROOT))

from benchmarks.cache import Connection, bench_zoning, session  # noqa: E402
from benchmarks.ows_vs_mapserver import (  # noqa: E402
    MapscriptWorker,
    getmap_query,
    interleaved,
    mapfile,
    summary,
)
from benchmarks.serving import free_port, start_portal  # noqa: E402
from tests.throwaway import NGINX, nginx_config  # noqa: E402

WSGI_MODULE = """from mapproxy.wsgiapp import make_wsgi_app

application = make_wsgi_app({path!r}, reloader=True)
"""
# MapProxy beside the portal in the shipped nginx configuration, as
# docs/scaling.md says: an upstream, and a location under /mapproxy/.
NGINX_UPSTREAM = """upstream mapproxy {{
    server 127.0.0.1:{port};
    keepalive 16;
}}

server {{"""
NGINX_LOCATION = """
    location /mapproxy/ {
        proxy_pass http://mapproxy/;
        # A proxy_set_header here drops the server's: all of them again.
        proxy_set_header Connection "";
        proxy_set_header Host $http_host;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_set_header X-Script-Name /mapproxy;
    }
}
"""


def nginx_started(root: Path, *, portal: int, mapproxy: int) -> tuple:
    """nginx with the shipped configuration and MapProxy's location."""
    port = free_port()
    root.mkdir()
    main = nginx_config(root, port=port, upstreams=[portal])
    site = root / "geoportail.conf"
    text = site.read_text()
    assert text.count("\nserver {") == 1
    assert text.endswith("}\n")
    text = text.replace("\nserver {", "\n" + NGINX_UPSTREAM.format(port=mapproxy))
    site.write_text(text[: -len("}\n")] + NGINX_LOCATION)
    process = subprocess.Popen([NGINX, "-p", str(root), "-c", str(main)])
    return answering(process, port, "/healthz", seconds=30, name="nginx"), port


def answering(
    process: subprocess.Popen, port: int, path: str, *, seconds: float, name: str
) -> subprocess.Popen:
    """``process`` once ``path`` on ``port`` answers; stopped, and the
    benchmark too, if it does not within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        try:
            Connection(port).get(path)
            return process
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise SystemExit(f"{name} did not start")


def mapproxy_started(directory: Path, config: Path) -> tuple[subprocess.Popen, int]:
    """MapProxy under granian (1 worker) on a free port, once it answers."""
    (directory / "mapproxy_app.py").write_text(WSGI_MODULE.format(path=str(config)))
    port = free_port()
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "granian"),
            *("--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port)),
            *("--workers", "1", "--blocking-threads", "1", "--no-ws"),
            *("--log-level", "warning", "mapproxy_app:application"),
        ],
        cwd=directory,
    )
    path = "/wmts/1.0.0/WMTSCapabilities.xml"
    return answering(server, port, path, seconds=60, name="MapProxy's server"), port


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--views", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3, help="passes over the tiles")
    args = parser.parse_args()

    database_url, entry = bench_zoning()
    from mapproxy.wsgiapp import make_wsgi_app

    from ows.mapproxy import mapproxy_config_build, mapproxy_config_write
    from tests.scaling.test_mapproxy import mapproxy_get
    from tiles.catalog import DENSE_LAYER_MIN_ZOOM

    tiles = sorted(set(session(args.views, minzoom=DENSE_LAYER_MIN_ZOOM)))
    grid = f"/wmts/{entry.name}/GLOBAL_WEBMERCATOR"
    paths = [f"{grid}/{z}/{x}/{y}.png" for z, x, y in tiles]
    print(
        f"layer {entry.name} ({entry.version.feature_count:,} zones); "
        f"{len(tiles)} distinct tiles of a {args.views}-view session, "
        f"{args.repeat} passes"
    )

    upstream = free_port()
    portal = start_portal(port=upstream, env={"DATABASE_URL": database_url}, workers=1)
    with tempfile.TemporaryDirectory(prefix="mapproxy-bench-") as tmp:
        directory = Path(tmp)
        config = mapproxy_config_build(
            portal_url=f"http://127.0.0.1:{upstream}", cache_dir=directory / "cache"
        )
        mapproxy_config_write(text=config.text, path=directory / "mapproxy.yaml")
        server, port = mapproxy_started(directory, directory / "mapproxy.yaml")
        nginx, nginx_port = nginx_started(
            directory / "nginx", portal=upstream, mapproxy=port
        )
        worker = None
        try:
            # Behind nginx, MapProxy writes its addresses under /mapproxy/.
            capabilities = urllib.request.urlopen(
                f"http://127.0.0.1:{nginx_port}/mapproxy/wmts/1.0.0/WMTSCapabilities.xml"
            ).read()
            assert b"/mapproxy/wmts/" in capabilities
            proxy = Connection(port)
            fills = []
            for path in paths:  # the fill: each tile a GetMap of the portal
                status, _headers, seconds = proxy.get(path)
                assert status == 200, (status, path)
                fills.append(seconds)
            sizes = sorted(
                png.stat().st_size for png in (directory / "cache").rglob("*.png")
            )
            print(
                f"MapProxy's cache: {len(sizes)} tiles, "
                f"median {sizes[len(sizes) // 2]:,} bytes"
            )
            worker = MapscriptWorker(
                mapfile(
                    directory, database_url, entry.version.pk, entry.layer.document_id
                )
            )
            theirs = [getmap_query("zones", tile) for tile in tiles]

            def over_http(path: str) -> None:
                status, _headers, _seconds = proxy.get(path)
                assert status == 200, (status, path)

            cached, mapserver = interleaved(
                over_http, paths, theirs, worker, repeat=args.repeat
            )
            front = Connection(nginx_port)

            def through_nginx(path: str) -> None:
                status, _headers, _seconds = front.get("/mapproxy" + path)
                assert status == 200, (status, path)

            behind, mapserver_nginx = interleaved(
                through_nginx, paths, theirs, worker, repeat=args.repeat
            )
            app = make_wsgi_app(str(directory / "mapproxy.yaml"))

            def in_process(path: str) -> None:
                assert mapproxy_get(app, path)[0] == 200, path

            in_app, mapserver_again = interleaved(
                in_process, paths, theirs, worker, repeat=args.repeat
            )
        finally:
            if worker is not None:
                worker.close()
            nginx.terminate()
            nginx.wait(timeout=20)
            server.terminate()
            server.wait(timeout=20)
            portal.terminate()
            portal.wait(timeout=20)

    rows = {
        "MapProxy fill (portal GetMap), http": fills,
        "MapProxy cached tile, http": cached,
        "MapProxy cached tile, through nginx": behind,
        "MapProxy cached tile, in-process": in_app,
        "MapServer in-process (1st run)": mapserver,
        "MapServer in-process (2nd run)": mapserver_nginx,
        "MapServer in-process (3rd run)": mapserver_again,
    }
    print(f"\n{'measure':38} {'p50 ms':>9} {'p95 ms':>9} {'mean ms':>9} {'n':>5}")
    results = {}
    for name, times in rows.items():
        row = results[name] = summary(times)
        print(
            f"{name:38} {row['p50']:9.2f} {row['p95']:9.2f} {row['mean']:9.2f} "
            f"{row['n']:5d}"
        )
    print("\nratios (p50, each against the MapServer run it was interleaved with)")
    for mine, theirs in (
        ("MapProxy cached tile, http", "MapServer in-process (1st run)"),
        ("MapProxy cached tile, through nginx", "MapServer in-process (2nd run)"),
        ("MapProxy cached tile, in-process", "MapServer in-process (3rd run)"),
    ):
        ratio = results[mine]["p50"] / results[theirs]["p50"]
        print(f"  {mine:34} / {theirs:32} = {ratio:5.3f}")


if __name__ == "__main__":
    main()
