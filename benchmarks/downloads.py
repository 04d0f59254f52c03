"""Layer downloads: time, size and memory of the largest published layer in
each format and CRS.

    .venv/bin/python benchmarks/downloads.py            # the demo database
    .venv/bin/python benchmarks/generate.py             # once: geoportail_bench
    .venv/bin/python benchmarks/downloads.py --bench    # its 50,000-zone layer

Each download goes through Django's full handler (test client, anonymous, as
a citizen's click): the version is chosen, its features streamed out of
PostGIS in batches and written by GDAL into a temporary folder, and the
response read to its last byte. Prints, per format and CRS, the best wall
time of ``--repeat`` runs, the CPU time of this process (Django and GDAL;
PostgreSQL's is apart, in its own process: on a busy machine the CPU time says
more than the wall time), the file size and the process's peak RSS so far
(flat when the layer grows: the writer holds one batch at a time). Nothing
asserts on time.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate import bench_url  # noqa: E402

FORMATS = ("gpkg", "geojson", "shp", "csv")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", action="store_true", help="geoportail_bench")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.bench:
        os.environ["DATABASE_URL"] = bench_url()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geoportal.settings")
    import django

    django.setup()
    from django.test import Client

    from layers.in_force import versions_public_in_force

    version = (
        versions_public_in_force()
        .select_related("layer__document__agency")
        .order_by("-feature_count")
        .first()
    )
    layer = version.layer
    print(
        f"{layer.document.agency.code} {layer.document.reference}/{layer.name} "
        f"v{version.number}: {version.feature_count:,} features"
    )
    client = Client(HTTP_HOST="localhost")
    for srid in (4326, layer.document.agency.srid):
        for export in FORMATS:
            best, cpu, size = float("inf"), float("inf"), 0
            for _ in range(args.repeat):
                start, start_cpu = time.perf_counter(), time.process_time()
                response = client.get(
                    f"/api/v1/layers/{layer.pk}/download",
                    {"format": export, "crs": f"EPSG:{srid}"},
                )
                size = sum(len(chunk) for chunk in response.streaming_content)
                best = min(best, time.perf_counter() - start)
                cpu = min(cpu, time.process_time() - start_cpu)
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(
                f"  {export:8} EPSG:{srid:<6} {best * 1000:9.1f} ms "
                f"(CPU here {cpu * 1000:8.1f} ms) "
                f"{size / 1e6:8.2f} MB  peak RSS {peak:6.0f} MB"
            )


if __name__ == "__main__":
    main()
