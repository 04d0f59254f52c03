"""Vector tiles on the benchmark database: the portal's tiles against raw ST_AsMVT.

    .venv/bin/python benchmarks/generate.py      # once: geoportail_bench
    .venv/bin/python benchmarks/tiles.py [--tiles 200]

For the same random z14 tiles of the 50,000-zone layer it times, in one process:
(a) the raw query — a bare ``ST_AsMVT(ST_AsMVTGeom(...))`` of the version's zones
on a psycopg connection with a prepared statement; (b) the portal's tile SQL
(``tiles.sql.layer_tile``, which also joins the rules for the category);
(c) the whole endpoint through Django's full handler and middleware (test
client: URL resolution, visibility, ETag, response — the path of a planner's
logged-in request), prepared statements on; (d) anonymous requests over HTTP
from granian (one WSGI worker, as ``scripts/run`` serves it) on a kept-alive
connection — the machine handler resolves a name once, then the tile lane
(``tiles.fastlane``) serves it. Then the size and time of parcel and zone tiles per
zoom, which set the minimum zooms.
"""

from __future__ import annotations

import argparse
import functools
import http.client
import math
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate import bench_url  # noqa: E402
from benchmarks.serving import start_portal  # noqa: E402

RAW_SQL = """
SELECT ST_AsMVT(t, 'zoning', 4096, 'geom') FROM (
  SELECT f.id, f.code,
         ST_AsMVTGeom(f.geom_3857, ST_TileEnvelope(%(z)s, %(x)s, %(y)s), 4096, 64, true)
           AS geom
  FROM layers_feature f
  WHERE f.version_id = %(version)s
    AND f.geom_3857 && ST_TileEnvelope(%(z)s, %(x)s, %(y)s)
) t
"""


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return z, x, y


def summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"p50 {statistics.median(ordered):6.2f} ms  p95 {p95:6.2f} ms"


def timed(function, repeat: int = 1) -> tuple[float, object]:
    best = math.inf
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        best = min(best, (time.perf_counter() - start) * 1000)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiles", type=int, default=200)
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = bench_url()
    os.environ["DATABASE_PREPARED"] = "true"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geoportal.settings")
    import django

    django.setup()
    import psycopg
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from layers.models import Agency, Layer
    from layers.selectors import version_in_force
    from tiles import catalog, sql

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    agency = Agency.objects.get(code="bench")
    zoning = Layer.objects.get(document__agency=agency, name="zonage")
    version = version_in_force(layer=zoning)
    name = catalog.layer_name(zoning)
    west, south, east, north = agency.territory.extent

    rng = random.Random(42)
    tiles = [
        tile_of(rng.uniform(west, east), rng.uniform(south, north), 14)
        for _ in range(args.tiles)
    ]

    def zoning_tile(z: int, x: int, y: int) -> bytes:
        return sql.layer_tile(
            kind="zoning",
            version_id=version.pk,
            document_id=zoning.document_id,
            overlay_type="",
            layer="zoning",
            z=z,
            x=x,
            y=y,
        )

    dsn = bench_url().replace("postgis://", "postgresql://")
    raw, ours, through_client, served, sizes = [], [], [], [], []
    client = Client()
    port = 8700 + os.getpid() % 200
    server = start_portal(port=port, env={"DATABASE_URL": bench_url()}, workers=1)
    # All four measured tile after tile, so the machine's load weighs on each.
    try:
        keep_alive = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

        def over_http(path: str) -> bytes:
            keep_alive.request("GET", path)
            response = keep_alive.getresponse()
            body = response.read()
            assert response.status == 200, response.status
            return body

        with psycopg.connect(dsn, prepare_threshold=0) as raw_connection:
            for z, x, y in tiles[:20]:  # warm the connections, caches, server
                raw_connection.execute(
                    RAW_SQL, {"z": z, "x": x, "y": y, "version": version.pk}
                ).fetchone()
                client.get(f"/tiles/{name}/{z}/{x}/{y}.mvt")
                over_http(f"/tiles/{name}/{z}/{x}/{y}.mvt")
            for z, x, y in tiles:
                params = {"z": z, "x": x, "y": y, "version": version.pk}
                path = f"/tiles/{name}/{z}/{x}/{y}.mvt"
                ms, _ = timed(
                    lambda p=params: raw_connection.execute(RAW_SQL, p).fetchone()
                )
                raw.append(ms)
                ms, body = timed(functools.partial(zoning_tile, z, x, y))
                ours.append(ms)
                sizes.append(len(body))
                ms, response = timed(lambda path=path: client.get(path))
                assert response.status_code == 200, response.content
                through_client.append(ms)
                ms, _ = timed(lambda path=path: over_http(path))
                served.append(ms)
    finally:
        server.terminate()
        server.wait(timeout=10)

    print(f"z14 tiles of the {version.feature_count:,}-zone layer ({len(tiles)} tiles)")
    print(f"  (a) raw ST_AsMVT, psycopg prepared : {summary(raw)}")
    print(f"  (b) portal tile SQL (Django cursor): {summary(ours)}")
    print(f"  (c) whole endpoint (Django client) : {summary(through_client)}")
    print(f"  (d) HTTP from granian, kept alive  : {summary(served)}")
    ratio = statistics.median(served) / statistics.median(raw)
    print(
        f"  HTTP endpoint / raw (p50): {ratio:.2f}x;"
        f"  mean tile {statistics.mean(sizes):,.0f} B"
    )

    lon, lat = (west + east) / 2, (south + north) / 2
    print("\nOne tile at the centre of the territory, per zoom (best of 3):")
    print("  zoom  zones: bytes      ms   | parcels: bytes      ms")
    for zoom in range(10, 18):
        z, x, y = tile_of(lon, lat, zoom)
        zone_ms, zone_body = timed(functools.partial(zoning_tile, z, x, y), repeat=3)
        parcel_ms, parcel_body = timed(
            lambda z=z, x=x, y=y: sql.parcels_tile(
                agency_id=agency.pk, layer="parcels", z=z, x=x, y=y
            ),
            repeat=1 if zoom < 13 else 3,
        )
        print(
            f"  {zoom:4d}  {len(zone_body):12,d} {zone_ms:7.1f}   |"
            f" {len(parcel_body):14,d} {parcel_ms:7.1f}"
        )
    print(
        f"\nMinimum zooms served: layers {catalog.LAYER_MIN_ZOOM} "
        f"({catalog.DENSE_LAYER_MIN_ZOOM} above {catalog.DENSE_LAYER_FEATURES:,} "
        f"features), parcels {catalog.PARCELS_MIN_ZOOM}"
    )
    connection.close()


if __name__ == "__main__":
    main()
