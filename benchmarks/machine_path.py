"""The machine requests over HTTP, as ``scripts/run`` serves them.

    .venv/bin/python benchmarks/generate.py           # once: geoportail_bench
    .venv/bin/python benchmarks/machine_path.py [--requests 300] [--workers 1]
    .venv/bin/python benchmarks/machine_path.py --compare /tmp/before  # A/B

Anonymous GetMap (256 × 256 PNG of the 50,000-zone layer, zooms 12–17), z14
vector tiles of the same layer, identify and compose at random points of the
bench territory, one after the other in each round so the machine's load weighs
on all four alike, on one kept-alive connection to granian
(``benchmarks/serving.py``). GetMap and tiles are answered by their lanes,
identify and compose by the machine handler (``geoportal/machine.py``).
Prints p50 and p95 per kind of request.

``--compare CHECKOUT`` serves another checkout of the code too (e.g.
``git archive <commit> | tar -x -C /tmp/before``, with links to this one's
``.venv`` and ``.local``) and sends each request to both servers in turn,
alternating which goes first, so that a change is measured under the same
load: on a shared machine, runs one after the other differ by more than the
change.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# This folder's modules (tiles.py, …) must not shadow the project's apps.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks"]
sys.path.insert(0, str(ROOT))

from benchmarks.generate import bench_url  # noqa: E402
from benchmarks.ows_vs_mapserver import TERRITORY, getmap_query, tiles  # noqa: E402
from benchmarks.serving import free_port, start_portal  # noqa: E402
from benchmarks.tiles import tile_of  # noqa: E402


def layer_names() -> tuple[str, str]:
    """The WMS and the tile name of the bench agency's published zoning."""
    os.environ["DATABASE_URL"] = bench_url()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geoportal.settings")
    import django

    django.setup()
    from layers.models import Layer
    from ows.catalog import catalog_layers
    from tiles import catalog

    wms = next(
        entry.name
        for entry in catalog_layers(agency_code="bench")
        if entry.layer.name == "zonage" and not entry.is_draft
    )
    zoning = Layer.objects.get(document__agency__code="bench", name="zonage")
    return wms, catalog.layer_name(zoning)


def requests(count: int, wms: str, tileset: str) -> list[dict[str, tuple]]:
    """``count`` rounds of (method, path, body) per kind, with a fixed seed."""
    rng = random.Random(7)
    rounds = []
    for tile in tiles(count, seed=42):
        lon = rng.uniform(TERRITORY[0], TERRITORY[2])
        lat = rng.uniform(TERRITORY[1], TERRITORY[3])
        z, x, y = tile_of(lon, lat, 14)
        point = json.dumps({"lon": lon, "lat": lat}).encode()
        rounds.append(
            {
                "GetMap": ("GET", f"/ows?{getmap_query(wms, tile)}", None),
                "tile": ("GET", f"/tiles/{tileset}/{z}/{x}/{y}.mvt", None),
                "identify": ("GET", f"/api/v1/identify?lon={lon}&lat={lat}", None),
                "compose": ("POST", "/api/v1/notes/compose", point),
            }
        )
    return rounds


def summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"p50 {statistics.median(ordered):6.2f} ms  p95 {p95:6.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="rounds of four")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--compare", type=Path, help="another checkout, served too")
    args = parser.parse_args()

    wms, tileset = layer_names()
    rounds = requests(args.requests + 20, wms, tileset)
    checkouts = {"this": ROOT, **({"compared": args.compare} if args.compare else {})}
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    servers, connections = [], {}
    times = {name: {kind: [] for kind in rounds[0]} for name in checkouts}
    try:
        for name, root in checkouts.items():
            port = free_port()
            servers.append(
                start_portal(
                    port=port,
                    env={"DATABASE_URL": bench_url()},
                    workers=args.workers,
                    root=root.resolve(),
                )
            )
            connections[name] = http.client.HTTPConnection(
                "127.0.0.1", port, timeout=60
            )
        headers = {"Host": "127.0.0.1", "Content-Type": "application/json"}
        for index, requests_of_round in enumerate(rounds):
            order = list(connections)[:: 1 if index % 2 else -1]
            for kind, (method, path, body) in requests_of_round.items():
                for name in order:
                    connection = connections[name]
                    start = time.perf_counter()
                    connection.request(method, path, body=body, headers=headers)
                    response = connection.getresponse()
                    response.read()
                    elapsed = (time.perf_counter() - start) * 1000
                    if response.status >= 500:
                        raise SystemExit(f"{name}: {kind} {path}: {response.status}")
                    if index >= 20:  # the first rounds warm the servers and caches
                        times[name][kind].append(elapsed)
    finally:
        for server in servers:
            server.terminate()
            server.wait()
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    for kind in rounds[0]:
        line = "  |  ".join(
            f"{name} {summary(samples[kind])}" for name, samples in times.items()
        )
        if args.compare:
            ratio = statistics.median(times["this"][kind]) / statistics.median(
                times["compared"][kind]
            )
            line += f"  |  p50 this/compared {ratio:.3f}"
        print(f"{kind:<9} {line}")


if __name__ == "__main__":
    main()
