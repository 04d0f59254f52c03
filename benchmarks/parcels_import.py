"""Import of a parcel registry against ``ogr2ogr -f PostgreSQL``.

    .venv/bin/python benchmarks/parcels_import.py [--parcels 1000000] [--rounds 3]

Makes once, cached under ``.local/bench/``, a GeoPackage of N parcels of a
cadastre in EPSG:26191 (a jittered grid of ≈ 25 m quadrilaterals near Rabat whose
neighbours share corners, references ``TF <n>/07`` with 15 % ``R <n>/07``,
official areas written with a decimal comma, addresses) and a second file for
an update of that cadastre: 1 % of the parcels changed (moved corner, new
address), 1 % new, 1 % retired (absent). Then, on a database of this worktree's
embedded cluster (``geoportail_bench_parcels``, or BENCH_PARCELS_DATABASE_URL),
times in one run:

1. ``ogr2ogr -f PostgreSQL`` of the first file into a plain table (the anchor);
2. ``parcels_import`` of it for a throw-away agency whose partition was
   emptied first (every parcel new: the first import's path, loaded bare,
   indexed two indexes at a time and attached);
3. ``parcels_import`` of the update file (changed, new, retired, the rest
   unchanged);

``--rounds`` times (3), interleaved, and prints the medians of the ratios.
Each import runs in its own process, which reports its wall time, its counts
and its peak RSS (``VmHWM``). The throw-away agency is dropped at the end
(``--keep`` keeps it). For a realistic database, point
BENCH_PARCELS_DATABASE_URL at the national one (``generate.py --national``:
29 agencies, 10 M parcels); ``--parcels 10000000`` times a cadastre of ten
million. Nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE = "geoportail_bench_parcels"
AGENCY = "bench-parcels"
ORIGIN_X, ORIGIN_Y = 360_000.0, 360_000.0  # Lambert Nord Maroc, near Rabat
CELL_M = 25.0
STREETS = ["Rue Ibn Sina", "Avenue Hassan II", "Rue Oued Ziz", "Bd Al Massira"]


def cluster_params() -> tuple[str, dict]:
    """The benchmark database URL and libpq parameters (created when missing)."""
    from benchmarks.import_layer import cluster_url

    return cluster_url(DATABASE, "BENCH_PARCELS_DATABASE_URL")


def side_of(count: int) -> int:
    return int(count**0.5) + (0 if int(count**0.5) ** 2 == count else 1)


def write(path: Path, count: int, *, update: bool, seed: int = 18) -> None:
    """Write the cadastre (or its update) of ``count`` parcels as a GeoPackage.

    The grid has room for 1 % more parcels than ``count``: the update's new
    parcels take those cells. Written a million parcels at a time (appended),
    so that ten million fit in memory."""
    import numpy as np

    rng = np.random.default_rng(seed)
    total = count + count // 100
    side = side_of(total)
    jitter = rng.uniform(-0.2, 0.2, size=(side + 1, side + 1, 2)) * CELL_M
    for start in range(1, total + 1, SLICE):
        numbers = np.arange(start, min(start + SLICE, total + 1))
        _write_slice(
            path, numbers, count, side, jitter, update=update, append=start > 1
        )


SLICE = 1_000_000


def _write_slice(path, numbers, count, side, jitter, *, update, append) -> None:
    import numpy as np
    import pyogrio
    import shapely

    if update:
        # 1 % retired (absent), 1 % new (the spare cells), 1 % changed.
        keep = (numbers <= count) & (numbers % 100 != 3)
        keep |= numbers > count
        changed = (numbers % 100 == 7) & (numbers <= count)
    else:
        keep = numbers <= count
        changed = np.zeros(len(numbers), dtype=bool)
    numbers = numbers[keep]
    changed = changed[keep]
    if not len(numbers):
        return
    rows, cols = (numbers - 1) // side, (numbers - 1) % side
    corners = []
    for di, dj in ((0, 0), (1, 0), (1, 1), (0, 1), (0, 0)):
        i, j = cols + di, rows + dj
        corners.append(
            np.column_stack(
                [
                    ORIGIN_X + i * CELL_M + jitter[i, j, 0],
                    ORIGIN_Y + j * CELL_M + jitter[i, j, 1],
                ]
            )
        )
    coords = np.stack(corners, axis=1)
    # A changed parcel: its first corner moved half a metre inwards (and so its
    # closing one), its address rewritten.
    coords[changed, 0] += 0.5
    coords[changed, 4] += 0.5
    geometries = shapely.polygons(coords)
    kinds = np.where(numbers % 7 == 0, "R", "TF")
    references = np.char.add(np.char.add(kinds, " "), numbers.astype(str))
    references = np.char.add(references, "/07").astype(object)
    areas = np.char.replace(
        np.round(shapely.area(geometries), 2).astype(str), ".", ","
    ).astype(object)
    streets = np.array(STREETS, dtype=object)[numbers % len(STREETS)]
    addresses = (numbers % 200 + 1).astype(str).astype(object) + " " + streets
    addresses[changed] = addresses[changed] + ", bis"
    pyogrio.raw.write(
        path,
        np.array(shapely.to_wkb(geometries), dtype=object),
        [references, areas, addresses],
        ["NUM_TF", "SUPERFICIE", "ADRESSE"],
        driver="GPKG",
        layer="parcelles",
        geometry_type="Polygon",
        crs="EPSG:26191",
        append=append,
    )


def files(count: int) -> tuple[Path, Path]:
    """The two GeoPackages, written when missing."""
    folder = ROOT / ".local" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    paths = (folder / f"parcels-{count}.gpkg", folder / f"parcels-{count}-update.gpkg")
    for path, update in zip(paths, (False, True), strict=True):
        if not path.exists():
            start = time.perf_counter()
            partial = path.with_suffix(".partial.gpkg")
            partial.unlink(missing_ok=True)
            write(partial, count, update=update)
            partial.rename(path)
            print(f"  wrote {path.name} in {time.perf_counter() - start:.1f} s")
    return paths


def ogr2ogr(path: Path, params: dict) -> float:
    """Seconds for ``ogr2ogr -f PostgreSQL`` of ``path`` into a plain table."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    with psycopg.connect(autocommit=True, **params) as conn:
        conn.execute("DROP SCHEMA IF EXISTS ogr_bench CASCADE")
        conn.execute("CREATE SCHEMA ogr_bench")
    if "conninfo" in params:
        # Keywords, not a URI: GDAL adds its own options after it.
        pg = "PG:" + make_conninfo(**conninfo_to_dict(params["conninfo"]))
    else:
        pg = (
            f"PG:dbname={params['dbname']} host={params['host']} "
            f"port={params['port']} user={params['user']}"
        )
    argv = ["ogr2ogr", "-f", "PostgreSQL", pg, str(path), "-nln", "ogr_bench.parcels"]
    start = time.perf_counter()
    subprocess.run(argv, check=True)
    elapsed = time.perf_counter() - start
    with psycopg.connect(autocommit=True, **params) as conn:
        conn.execute("DROP SCHEMA ogr_bench CASCADE")
    return elapsed


def peak_rss_mb() -> float:
    """This process's peak resident memory (``VmHWM``). Not ``getrusage``:
    Linux carries ``ru_maxrss`` across exec, so a child started by a parent
    that had just written the files reported the parent's 1.3 GiB."""
    status = Path("/proc/self/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def child(path: Path, count: int, *, fresh: bool, profile: str | None) -> None:
    """In a fresh process: the agency (its parcels deleted when ``fresh``), then
    the timed import."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geoportal.settings")
    django.setup()
    import shapely
    from django.contrib.gis.geos import MultiPolygon, Polygon
    from django.db import connection

    from layers.models import Agency
    from parcels.services import parcels_import

    side = side_of(count + count // 100)
    # A vertex every kilometre: the square's edges, straight in EPSG:26191,
    # are curves in degrees, which a chord between its corners would cut by
    # ≈ 80 m over the 79 km of ten million parcels, leaving parcels of the
    # grid's edges partly outside the territory.
    box = shapely.segmentize(
        shapely.box(
            ORIGIN_X - CELL_M,
            ORIGIN_Y - CELL_M,
            ORIGIN_X + (side + 1) * CELL_M,
            ORIGIN_Y + (side + 1) * CELL_M,
        ),
        1000.0,
    )
    square = Polygon(shapely.get_coordinates(box).tolist(), srid=26191)
    square.transform(4326)
    agency, _ = Agency.objects.update_or_create(
        code=AGENCY,
        defaults={
            "name_fr": "Banc d'essai parcelles",
            "srid": 26191,
            "territory": MultiPolygon(square, srid=4326),
        },
    )
    if fresh:
        # The throw-away agency's partition emptied at once: a DELETE of a
        # million parcels runs the citing check (migration 0007) for each.
        # The import then starts as a real agency's first import would.
        with connection.cursor() as cursor:
            cursor.execute("SELECT parcels_partition_ensure(%s)::text", [agency.pk])
            cursor.execute(f"TRUNCATE {cursor.fetchone()[0]}")
    start = time.perf_counter()
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        result = profiler.runcall(parcels_import, agency=agency, path=path)
        profiler.dump_stats(profile)
    else:
        result = parcels_import(agency=agency, path=path)
    elapsed = time.perf_counter() - start
    print(
        json.dumps(
            {
                "seconds": elapsed,
                "peak_rss_mb": peak_rss_mb(),
                "counts": {
                    name: value
                    for name, value in dataclasses.asdict(result).items()
                    if name != "report"
                },
                "errors": result.report["errors"],
                "warnings": result.report["warnings"],
            }
        )
    )


def run_child(url: str, path: Path, count: int, *, fresh: bool, profile) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
    # Ten million parcels are a 2.4 GB GeoPackage, past the upload limit (an
    # agency's cadastre, ≈ 345,000 parcels at national size, is ≈ 85 MB).
    env["GEOPORTAIL_MAX_UPLOAD_BYTES"] = str(max(path.stat().st_size, 512 << 20))
    argv = [sys.executable, __file__, "--child", str(path), "--parcels", str(count)]
    argv += ["--fresh"] if fresh else []
    argv += ["--profile", profile] if profile else []
    out = subprocess.run(argv, env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def cleanup(url: str) -> None:
    """Drop the throw-away agency and its parcels (TRUNCATE first: a DELETE of
    each parcel runs the citing check), leaving the database as it was."""
    env = {**os.environ, "DATABASE_URL": url}
    code = f"""
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geoportal.settings")
django.setup()
from django.db import connection
from layers.models import Agency
agency = Agency.objects.filter(code={AGENCY!r}).first()
if agency:
    with connection.cursor() as cursor:
        cursor.execute("SELECT parcels_partition_ensure(%s)::text", [agency.pk])
        cursor.execute(f"TRUNCATE {{cursor.fetchone()[0]}}")
    agency.delete()
"""
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--keep", action="store_true", help="keep the throw-away agency afterwards"
    )
    parser.add_argument("--profile", help="write cProfile stats of the imports here")
    parser.add_argument("--child")
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(Path(args.child), args.parcels, fresh=args.fresh, profile=args.profile)
        return
    url, params = cluster_params()
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        check=True,
    )
    first, update = files(args.parcels)
    print(f"{args.parcels:,} parcels, EPSG:26191 GeoPackage ({first.name})")
    print(database_size(params))
    ratios: dict[str, list[float]] = {"first": [], "update": []}
    peaks: list[float] = []
    for round_ in range(1, args.rounds + 1):
        anchor = ogr2ogr(first, params)
        print(f"round {round_}: ogr2ogr -f PostgreSQL: {anchor:7.2f} s")
        for label, path, fresh in (
            ("import_parcels, all new:", first, True),
            ("re-import, 1 % chg/new/retired:", update, False),
        ):
            kind = "first" if fresh else "update"
            profile = f"{args.profile}.{kind}.{round_}" if args.profile else None
            result = run_child(url, path, args.parcels, fresh=fresh, profile=profile)
            ratios[kind].append(result["seconds"] / anchor)
            peaks.append(result["peak_rss_mb"])
            print(
                f"  {label:32} {result['seconds']:7.2f} s  "
                f"({result['seconds'] / anchor:.2f}× ogr2ogr), "
                f"peak RSS {result['peak_rss_mb']:.0f} MiB, {result['counts']}, "
                f"{result['errors']} errors, {result['warnings']} warnings"
            )
    print(
        f"median of {args.rounds}: first import {median(ratios['first']):.2f}× "
        f"ogr2ogr, update {median(ratios['update']):.2f}×; "
        f"peak RSS at most {max(peaks):.0f} MiB"
    )
    if not args.keep:
        cleanup(url)


def database_size(params: dict) -> str:
    """How many agencies and parcels the database holds, and its size."""
    import psycopg

    with psycopg.connect(autocommit=True, **params) as conn:
        name, agencies, parcels, size = conn.execute(
            "SELECT current_database(), (SELECT count(*) FROM layers_agency),"
            " (SELECT count(*) FROM parcels_parcel),"
            " pg_size_pretty(pg_database_size(current_database()))"
        ).fetchone()
    return f"database {name}: {agencies} agencies, {parcels:,} parcels, {size}"


if __name__ == "__main__":
    main()
