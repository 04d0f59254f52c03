"""Import of a 100,000-polygon zoning layer against ``ogr2ogr -f PostgreSQL``.

    .venv/bin/python benchmarks/import_layer.py [--features 100000] [--memory]

Generates a partition of N zones (a grid whose shared edges are cut into random
numbers of wiggling segments, so each zone has 20–60 vertices) in EPSG:26191 as a
GeoPackage in a temporary folder, then, on the same database of the embedded
cluster (``geoportail_bench_import``, or BENCH_IMPORT_DATABASE_URL):

1. ``ogr2ogr -f PostgreSQL`` into a scratch schema, without and with
   ``-t_srs EPSG:4326``;
2. the portal's import (``layers.services.layer_import``: read, reproject,
   validate, COPY, overlap and gap checks in PostGIS, report) in a child process
   that reports its own wall time and peak RSS.

Prints both times, their ratio, and with ``--memory`` the import's peak RSS at
half the size as well (memory flat in file size). Each tool runs in its own
process; nothing here is a test and nothing asserts on time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE = "geoportail_bench_import"
ORIGIN_X, ORIGIN_Y = 360_000.0, 360_000.0  # Lambert Nord Maroc, near Rabat
CELL_M = 60.0
CODES = ["UA", "UB", "UC", "VE", "ZI", "EQ", "ZV", "NA"]


def cluster_url(
    database: str = DATABASE, variable: str = "BENCH_IMPORT_DATABASE_URL"
) -> tuple[str, dict]:
    """The URL and libpq parameters of the benchmark database ``database`` of
    the embedded cluster (created when missing), or of the environment's
    ``variable``."""
    import psycopg

    from geoportal.embedded_db import EmbeddedCluster

    url = os.environ.get(variable)
    if url:
        return url, {"conninfo": url.replace("postgis://", "postgresql://")}
    cluster = EmbeddedCluster(ROOT)
    info = cluster.info()
    if info is None or not cluster.is_running():
        info, _started = cluster.ensure()
    params = {"host": info.socket_dir, "port": info.port, "user": info.user}
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [database]
        ).fetchone()
        if not exists:
            conn.execute(f"CREATE DATABASE {database}")
    with psycopg.connect(dbname=database, autocommit=True, **params) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    url = f"postgis://{info.user}@/{database}?host={info.socket_dir}&port={info.port}"
    return url, {"dbname": database, **params}


def generate(path: Path, count: int, seed: int = 7) -> tuple[float, ...]:
    """Write ``count`` zones partitioning a square as a GeoPackage; return bbox."""
    import numpy as np
    import pyogrio
    import shapely

    rng = np.random.default_rng(seed)
    # A full rectangle of zones (side × rows == count), so it has no hole.
    side = int(np.ceil(np.sqrt(count)))
    while count % side:
        side += 1
    rows = count // side

    def edge(x0, y0, x1, y1, segments, amplitude):
        # Interior points of an edge, wiggling perpendicular to it: the same for
        # both zones that share the edge, so the partition stays exact.
        t = np.linspace(0, 1, segments + 1)[1:-1]
        wiggle = amplitude * np.sin(np.pi * t * segments)
        dx, dy = x1 - x0, y1 - y0
        length = np.hypot(dx, dy)
        nx, ny = -dy / length, dx / length
        return np.column_stack([x0 + t * dx + wiggle * nx, y0 + t * dy + wiggle * ny])

    # Segments per edge: 5–15, so four edges give 20–60 vertices.
    horizontal = rng.integers(5, 16, size=(rows + 1, side))
    vertical = rng.integers(5, 16, size=(rows, side + 1))
    amplitude = CELL_M * 0.08
    polygons = []
    for row in range(rows):
        y0, y1 = ORIGIN_Y + row * CELL_M, ORIGIN_Y + (row + 1) * CELL_M
        for col in range(side):
            if len(polygons) == count:
                break
            x0, x1 = ORIGIN_X + col * CELL_M, ORIGIN_X + (col + 1) * CELL_M
            ring = [
                [[x0, y0]],
                edge(x0, y0, x1, y0, horizontal[row, col], amplitude),
                [[x1, y0]],
                edge(x1, y0, x1, y1, vertical[row, col + 1], amplitude),
                [[x1, y1]],
                edge(x1, y1, x0, y1, horizontal[row + 1, col], -amplitude)[::1],
                [[x0, y1]],
                edge(x0, y1, x0, y0, vertical[row, col], -amplitude),
                [[x0, y0]],
            ]
            polygons.append(shapely.Polygon(np.vstack(ring)))
    geometries = np.array(polygons, dtype=object)
    codes = np.array([CODES[i % len(CODES)] for i in range(count)], dtype=object)
    labels = np.array([f"Zone {code}" for code in codes], dtype=object)
    cos = np.array([1.0 + 0.25 * (i % len(CODES)) for i in range(count)])
    pyogrio.raw.write(
        path,
        np.array(shapely.to_wkb(geometries), dtype=object),
        [codes, labels, cos],
        ["ZONE", "LIBELLE", "COS"],
        driver="GPKG",
        layer="zonage",
        geometry_type="Polygon",
        crs="EPSG:26191",
    )
    return (ORIGIN_X, ORIGIN_Y, ORIGIN_X + side * CELL_M, ORIGIN_Y + rows * CELL_M)


def ogr2ogr(path: Path, params: dict, *, reproject: bool) -> float:
    """Seconds for ``ogr2ogr -f PostgreSQL`` of ``path`` into a scratch schema."""
    import psycopg

    with psycopg.connect(autocommit=True, **params) as conn:
        conn.execute("DROP SCHEMA IF EXISTS ogr_bench CASCADE")
        conn.execute("CREATE SCHEMA ogr_bench")
    if "conninfo" in params:
        pg = "PG:" + params["conninfo"]
    else:
        pg = (
            f"PG:dbname={params['dbname']} host={params['host']} "
            f"port={params['port']} user={params['user']}"
        )
    argv = [
        "ogr2ogr",
        "-f",
        "PostgreSQL",
        pg,
        str(path),
        "-nln",
        "ogr_bench.zonage",
        "-lco",
        "GEOMETRY_NAME=geom",
        *(["-t_srs", "EPSG:4326"] if reproject else []),
    ]
    start = time.perf_counter()
    subprocess.run(argv, check=True)
    return time.perf_counter() - start


def child(path: Path, bbox: tuple[float, ...]) -> None:
    """In a fresh process: set up agency/document/layer, time the import."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geoportal.settings")
    django.setup()
    from django.contrib.gis.geos import MultiPolygon, Polygon
    from django.core.management import call_command

    from layers.models import Agency, Layer, PlanningDocument
    from layers.services import layer_import

    call_command("migrate", verbosity=0)
    # The perimeter follows the zones' outer edges: drawn in the same CRS, with
    # the same vertices every 60 m, then reprojected like them.
    xmin, ymin, xmax, ymax = bbox
    ring = (
        [(x, ymin) for x in _steps(xmin, xmax)]
        + [(xmax, y) for y in _steps(ymin, ymax)]
        + [(x, ymax) for x in _steps(xmax, xmin)]
        + [(xmin, y) for y in _steps(ymax, ymin)]
        + [(xmin, ymin)]
    )
    square = Polygon(ring, srid=26191)
    square.transform(4326)
    territory = MultiPolygon(square.buffer(0.01), srid=4326)
    perimeter = MultiPolygon(square, srid=4326)
    agency, _ = Agency.objects.update_or_create(
        code="bench-import",
        defaults={"name_fr": "Banc d'essai", "srid": 26191, "territory": territory},
    )
    document, _ = PlanningDocument.objects.update_or_create(
        agency=agency,
        reference="BENCH-IMPORT",
        defaults={"kind": "pa", "title_fr": "Banc d'essai", "perimeter": perimeter},
    )
    layer, _ = Layer.objects.get_or_create(
        document=document, name="zonage", defaults={"kind": "zoning"}
    )
    layer.versions.all().delete()
    start = time.perf_counter()
    version = layer_import(layer=layer, path=path)
    elapsed = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "seconds": elapsed,
                "peak_rss_mb": peak_kb / 1024,
                "features": version.feature_count,
                "errors": version.report["errors"],
                "warnings": version.report["warnings"],
                "issues": sorted({i["code"] for i in version.report["issues"]}),
            }
        )
    )


def _steps(start: float, end: float) -> list[float]:
    count = round(abs(end - start) / CELL_M)
    return [start + (end - start) * i / count for i in range(count)]


def run_child(url: str, path: Path, bbox) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            str(path),
            "--bbox",
            ",".join(map(str, bbox)),
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--features", type=int, default=100_000)
    parser.add_argument("--memory", action="store_true", help="also at half size")
    parser.add_argument("--child")
    parser.add_argument("--bbox")
    args = parser.parse_args()
    if args.child:
        child(Path(args.child), tuple(float(v) for v in args.bbox.split(",")))
        return
    url, params = cluster_url()
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        sizes = [args.features] + ([args.features // 2] if args.memory else [])
        for size in sizes:
            path = Path(tmp) / f"zonage-{size}.gpkg"
            start = time.perf_counter()
            bbox = generate(path, size)
            print(
                f"{size:,} zones generated in {time.perf_counter() - start:.1f} s "
                f"({path.stat().st_size / 2**20:.0f} MiB GeoPackage, EPSG:26191)"
            )
            plain = ogr2ogr(path, params, reproject=False)
            reprojected = ogr2ogr(path, params, reproject=True)
            result = run_child(url, path, bbox)
            print(f"  ogr2ogr -f PostgreSQL:                   {plain:6.2f} s")
            print(f"  ogr2ogr -f PostgreSQL -t_srs EPSG:4326:  {reprojected:6.2f} s")
            print(
                f"  import_layer (read, reproject, validate, COPY, report): "
                f"{result['seconds']:6.2f} s — {result['features']:,} features, "
                f"{result['errors']} errors, {result['warnings']} warnings"
            )
            print(
                f"  ratio import / ogr2ogr with reprojection: "
                f"{result['seconds'] / reprojected:.2f}"
            )
            print(f"  import peak RSS: {result['peak_rss_mb']:.0f} MiB")


if __name__ == "__main__":
    main()
