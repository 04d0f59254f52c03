"""An orthophoto of ≈ 50 MB: conversion to a COG, then its tiles over HTTP.

    .venv/bin/python benchmarks/raster_tiles.py [--size 4200] [--requests 400]

Writes a synthetic orthophoto (``geoportal.demo_orthophoto``: fields, blocks,
streets; ``--size``² RGB pixels, 4200² ≈ 53 MB uncompressed, 0.3 m a pixel) in
EPSG:26191 (Nord Maroc) near Rabat, uploads it to a throw-away agency of the
worktree's database through the portal's own service (``base_map_upload``:
inspection, ``gdal_translate`` to a WEBP COG in EPSG:3857), times that, and
publishes it. Then granian serves it as ``scripts/run`` does (``MEDIA_ROOT`` a
temporary folder) and anonymous requests for random z17 tiles over the photo,
on a kept-alive connection, give p50/p95 (goal: p50 < 20 ms); z19 (full
resolution) and z15 (an overview whose tiles are put together) for comparison.
The agency, its base map and the files are removed at the end.
"""

from __future__ import annotations

import argparse
import http.client
import math
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.serving import free_port, start_portal  # noqa: E402

HALF = 20037508.342789244
AGENCY = "bench-ortho"


def summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(int(len(ordered) * 0.95) - 1, 0)]
    return f"p50 {statistics.median(ordered):6.2f} ms  p95 {p95:6.2f} ms"


def tiles_over(extent: tuple[float, ...], z: int) -> list[tuple[int, int, int]]:
    """The XYZ tiles of zoom ``z`` over (west, south, east, north) degrees."""

    def tile(lon: float, lat: float) -> tuple[int, int]:
        n = 2**z
        x = int((lon + 180) / 360 * n)
        y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
        return x, y

    west, south, east, north = extent
    (x0, y0), (x1, y1) = tile(west, north), tile(east, south)
    return [(z, x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=4200)
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()

    media = Path(tempfile.mkdtemp(prefix="geoportail-bench-media-"))
    os.environ["MEDIA_ROOT"] = str(media)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geoportal.settings")
    import django

    django.setup()
    from django.contrib.gis.geos import MultiPolygon, Polygon
    from django.core.files import File

    from geoportal.demo_orthophoto import orthophoto_pixels, orthophoto_write
    from layers.basemaps import base_map_upload, base_map_version_publish
    from layers.models import Agency

    Agency.objects.filter(code=AGENCY).delete()
    agency = Agency.objects.create(
        code=AGENCY,
        name_fr="Agence de mesure (orthophoto)",
        srid=26191,
        note_prefix="BORTHO",
        territory=MultiPolygon(Polygon.from_bbox((-6.9, 33.9, -6.8, 34.0))),
    )
    try:
        started = time.perf_counter()
        pixels = orthophoto_pixels(width=args.size, height=args.size)
        source = orthophoto_write(
            path=media / "orthophoto.tif",
            pixels=pixels,
            srid=26191,
            west=380000.0,
            north=370000.0,
            resolution=0.3,
        )
        print(
            f"source: {args.size}×{args.size} RGB, EPSG:26191, 0.3 m, "
            f"{source.stat().st_size / 1e6:.1f} MB "
            f"(written in {time.perf_counter() - started:.1f} s)"
        )
        started = time.perf_counter()
        with source.open("rb") as upload:
            version = base_map_upload(
                agency=agency,
                name="ortho",
                title_fr="Orthophoto",
                upload=File(upload, name=source.name),
                background=False,
            )
        seconds = time.perf_counter() - started
        assert version.status == "draft", version.error
        cog = Path(version.cog.path)
        print(
            f"conversion (inspection + gdal_translate → WEBP COG, EPSG:3857): "
            f"{seconds:.1f} s; COG {cog.stat().st_size / 1e6:.1f} MB, "
            f"zoom {version.min_zoom}–{version.max_zoom}"
        )
        base_map_version_publish(version=version)
        extent = version.extent.extent

        port = free_port()
        server = start_portal(port=port, env={"MEDIA_ROOT": str(media)}, workers=1)
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

            def fetch(z: int, x: int, y: int) -> tuple[int, int]:
                connection.request(
                    "GET", f"/tiles/raster/{AGENCY}/ortho/{z}/{x}/{y}.webp"
                )
                response = connection.getresponse()
                return response.status, len(response.read())

            rng = random.Random(17)
            for z in (17, version.max_zoom, 15):
                tiles = tiles_over(extent, z)
                for tile in tiles[:20]:  # warm the worker: routes, file index
                    fetch(*tile)
                samples, sizes = [], []
                for _ in range(args.requests):
                    tile = rng.choice(tiles)
                    start = time.perf_counter()
                    status, size = fetch(*tile)
                    samples.append((time.perf_counter() - start) * 1000)
                    if status == 200:
                        sizes.append(size)
                print(
                    f"z{z} tiles over HTTP ({len(tiles)} tiles, {args.requests} "
                    f"requests): {summary(samples)}, "
                    f"{statistics.mean(sizes) / 1000:.1f} kB a tile"
                )
        finally:
            server.terminate()
            server.wait()
    finally:
        agency.delete()
        for path in sorted(media.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
        media.rmdir()


if __name__ == "__main__":
    main()
