"""The map and tile cache: a replayed session of map browsing through nginx.

The shipped ``deploy/nginx/geoportail.conf`` (started as in
``tests/scaling/test_map_cache.py``) in front of granian (1 worker) on the
benchmark database. A user pans and zooms over the bench agency's zoning: each
view a 3×3 screen of 256-px tiles, each tile asked both as a WMS GetMap and
as a vector tile; the next view moves by one tile or one zoom level, so views
come back. The session is replayed by a first user (a cold cache) and by a
second one (the same places: a press article's link). Printed:

  * the cache hit ratio (answers nginx served from its copy, HIT or
    REVALIDATED) for the first user and for both;
  * p50 of a cached GetMap and a cached tile through nginx, and of MapServer
    in-process (python3-mapscript, the mapfile of
    ``benchmarks/ows_vs_mapserver.py``) drawing the same GetMap tiles;
  * straight to granian: a draw against the 304 of a revalidation.

    .venv/bin/python benchmarks/cache.py [--views 20]

Needs: Debian's nginx-light; python3-mapscript for the MapServer column; the
database ``geoportail_bench`` (``benchmarks/generate.py``).
"""

from __future__ import annotations

import argparse
import collections
import http.client
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from email.message import Message
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# This folder's modules (tiles.py, …) must not shadow the project's apps.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks"]
sys.path.insert(0, str(ROOT))

from benchmarks.generate import bench_url  # noqa: E402
from benchmarks.ows_vs_mapserver import (  # noqa: E402
    MapscriptWorker,
    getmap_query,
    mapfile,
    summary,
)
from benchmarks.serving import free_port, start_portal  # noqa: E402
from tests.throwaway import NGINX, nginx_config  # noqa: E402

CENTRE = (-6.78, 33.94)  # lon/lat, inside the bench territory
CACHED = ("HIT", "REVALIDATED")


def session(views: int, *, minzoom: int, seed: int = 7) -> list[tuple[int, int, int]]:
    """The tiles (z, x, y) of ``views`` screens of a user panning and zooming
    from zoom 14 (never below ``minzoom``, never above 17)."""
    rng = random.Random(seed)
    z = 14
    n = 2**z
    cx = int((CENTRE[0] + 180) / 360 * n)
    cy = int((1 - math.asinh(math.tan(math.radians(CENTRE[1]))) / math.pi) / 2 * n)
    tiles = []
    for _ in range(views):
        tiles += [(z, cx + dx, cy + dy) for dy in (-1, 0, 1) for dx in (-1, 0, 1)]
        move = rng.choice(("pan", "pan", "pan", "in", "out"))
        if move == "in" and z < 17:
            z, cx, cy = z + 1, 2 * cx, 2 * cy
        elif move == "out" and z > max(minzoom, 13):
            z, cx, cy = z - 1, cx // 2, cy // 2
        else:
            cx += rng.choice((-1, 0, 1))
            cy += rng.choice((-1, 0, 1))
    return tiles


class Connection:
    """A keep-alive HTTP connection: GET → (status, headers, seconds)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.http = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def get(self, path: str, **headers: str) -> tuple[int, Message, float]:
        start = time.perf_counter()
        try:
            self.http.request("GET", path, headers=headers)
            response = self.http.getresponse()
        except (http.client.RemoteDisconnected, ConnectionError):
            self.http.close()
            self.http = http.client.HTTPConnection("127.0.0.1", self.port)
            self.http.request("GET", path, headers=headers)
            response = self.http.getresponse()
        response.read()
        elapsed = time.perf_counter() - start
        return response.status, response.headers, elapsed


def nginx_started(root: Path, *, upstream: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    config = nginx_config(root, port=port, upstreams=[upstream])
    process = subprocess.Popen([NGINX, "-p", str(root), "-c", str(config)])
    deadline = time.monotonic() + 30
    while True:
        try:
            Connection(port).get("/healthz")
            return process, port
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise SystemExit("nginx did not start") from None
            time.sleep(0.1)


def mapserver_times(directory: Path, database_url: str, entry, tiles) -> list | None:
    """MapServer in-process drawing the GetMap ``tiles`` of the layer of
    ``entry``: their times, or None without python3-mapscript."""
    probe = subprocess.run(
        ["/usr/bin/python3", "-c", "import mapscript"], capture_output=True
    )
    if probe.returncode != 0:
        return None
    map_path = mapfile(
        directory, database_url, entry.version.pk, entry.layer.document_id
    )
    worker = MapscriptWorker(map_path)
    try:
        queries = [getmap_query("zones", tile) for tile in tiles]
        for query in queries[:5]:
            worker.time(query)
        return [worker.time(query) for query in queries]
    finally:
        worker.close()


def bench_zoning():
    """The bench database's URL, Django set up on it, and the bench agency's
    zoning in force (its catalogue entry)."""
    database_url = bench_url()
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geoportal.settings")
    import django

    django.setup()
    from ows.catalog import catalog_layers

    entry = next(
        e
        for e in catalog_layers(agency_code="bench")
        if e.layer.name == "zonage" and not e.is_draft
    )
    return database_url, entry


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--views", type=int, default=20)
    args = parser.parse_args()

    database_url, entry = bench_zoning()
    from tiles.catalog import DENSE_LAYER_MIN_ZOOM

    tiles = session(args.views, minzoom=DENSE_LAYER_MIN_ZOOM)
    maps = {tile: "/ows?" + getmap_query(entry.name, tile) for tile in tiles}
    vectors = {(z, x, y): f"/tiles/{entry.name}/{z}/{x}/{y}.mvt" for z, x, y in tiles}
    urls = [(kind, tile) for tile in tiles for kind in ("getmap", "tile")]
    print(
        f"layer {entry.name} ({entry.version.feature_count:,} zones); session: "
        f"{args.views} views, {len(urls)} URLs, {len(set(tiles))} distinct tiles"
    )

    upstream = free_port()
    portal = start_portal(port=upstream, env={"DATABASE_URL": database_url}, workers=1)
    with tempfile.TemporaryDirectory(prefix="cache-bench-") as tmp:
        nginx, port = nginx_started(Path(tmp), upstream=upstream)
        try:
            proxy = Connection(port)
            statuses: dict[str, collections.Counter] = {}
            cached_times: dict[str, list[float]] = {"getmap": [], "tile": []}
            for user in ("first user", "second user"):
                counts = statuses[user] = collections.Counter()
                for kind, tile in urls:
                    path = maps[tile] if kind == "getmap" else vectors[tile]
                    status, headers, seconds = proxy.get(path)
                    assert status == 200, (status, path)
                    counts[headers.get("X-Cache-Status", "none")] += 1
                    if headers.get("X-Cache-Status") in CACHED:
                        cached_times[kind].append(seconds)

            direct = Connection(upstream)
            draws, revalidations = [], []
            for tile in sorted(set(tiles))[:60]:
                status, headers, seconds = direct.get(maps[tile])
                draws.append(seconds)
                status, _, seconds = direct.get(
                    maps[tile], **{"If-None-Match": headers["ETag"]}
                )
                assert status == 304, status
                revalidations.append(seconds)
        finally:
            nginx.terminate()
            nginx.wait(timeout=20)
            portal.terminate()
            portal.wait(timeout=20)

        mapserver = mapserver_times(Path(tmp), database_url, entry, tiles)

    print("\ncache status (X-Cache-Status) per replay:")
    total = collections.Counter()
    for user, counts in statuses.items():
        total += counts
        served = sum(counts[name] for name in CACHED)
        print(
            f"  {user:12} {dict(counts)}  hit ratio {served / sum(counts.values()):.0%}"
        )
    served = sum(total[name] for name in CACHED)
    print(f"  {'both':12} hit ratio {served / sum(total.values()):.0%}")

    rows = {
        "getmap cached, through nginx": cached_times["getmap"],
        "tile cached, through nginx": cached_times["tile"],
        "getmap drawn, granian": draws,
        "getmap 304, granian": revalidations,
    }
    if mapserver is not None:
        rows["getmap MapServer in-process"] = mapserver
    print(f"\n{'measure':36} {'p50 ms':>9} {'p95 ms':>9} {'mean ms':>9} {'n':>5}")
    results = {}
    for name, times in rows.items():
        row = results[name] = summary(times)
        print(
            f"{name:36} {row['p50']:9.2f} {row['p95']:9.2f} {row['mean']:9.2f} "
            f"{row['n']:5d}"
        )
    print("\nratios (p50)")
    pairs = [("getmap 304, granian", "getmap drawn, granian")]
    if mapserver is not None:
        pairs += [
            ("getmap cached, through nginx", "getmap MapServer in-process"),
            ("tile cached, through nginx", "getmap MapServer in-process"),
        ]
    for mine, theirs in pairs:
        ratio = results[mine]["p50"] / results[theirs]["p50"]
        print(f"  {mine:30} / {theirs:30} = {ratio:5.2f}")


if __name__ == "__main__":
    main()
