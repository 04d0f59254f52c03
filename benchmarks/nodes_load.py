"""Mixed read load through nginx in front of two web nodes.

    .venv/bin/python benchmarks/nodes_load.py                  # the demo database
    .venv/bin/python benchmarks/nodes_load.py --database-url postgis://…
    .venv/bin/python benchmarks/nodes_load.py --clients 8 --seconds 20 --workers 1

Two granian nodes as ``scripts/run`` serves (``benchmarks/serving.py``:
WSGI, one blocking thread per worker, prepared statements; ``--workers``
each) on the same database, behind Debian's nginx started as the current user
with the shipped ``deploy/nginx/geoportail.conf`` (both nodes its upstream,
round robin) — once with its map cache, once without (``proxy_cache off``).
``--clients`` threads, each a keep-alive connection to nginx, ask for
``--seconds`` a seeded mix of the public's reads around random parcels of the
agency (``--agency``, the demo's by default), in French and Arabic:

  map page 5 %, WMS GetMap of a tile (z 16) 15 %, vector tile 30 %,
  identify 15 %, compose (POST) 10 %, WFS GetFeature in a 60 m box 5 %,
  search by land title 10 %, parcel page 5 %, a note's verification page 5 %

(one note is issued first, through nginx, for the last one). Printed, with the
cache on and off: requests per second, p50/p95/p99 per kind and overall, the
errors (any answer but 200, or no answer: there must be none), each node's
share of the answers (nginx's ``$upstream_addr``) and the cache's hit ratio.

The machine has 2 cores: both nodes, nginx, PostgreSQL and the clients (Python
threads) share them, so the figures are per machine, not per node; a node on
its own cores would serve about what both serve here.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# This folder's modules (tiles.py, …) must not shadow the project's apps.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks"]
sys.path.insert(0, str(ROOT))

from benchmarks.ows_vs_mapserver import getmap_query  # noqa: E402
from benchmarks.serving import free_port, start_portal  # noqa: E402
from tests.throwaway import NGINX, nginx_config  # noqa: E402

MIX = {
    "map page": 5,
    "getmap": 15,
    "tile": 30,
    "identify": 15,
    "compose": 10,
    "wfs": 5,
    "search": 10,
    "parcel page": 5,
    "verify": 5,
}
ZOOM = 16
CACHED = ("HIT", "REVALIDATED")


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return z, x, y


def targets(agency: str, count: int) -> tuple[str, list[dict]]:
    """The agency's published zoning layer's public name, and ``count``
    parcels (seeded: the same ones every run) with what the requests need."""
    import django

    django.setup()
    from django.db import connection

    from ows.catalog import catalog_layers

    layer = next(
        entry.name
        for entry in catalog_layers(agency_code=agency)
        if entry.layer.kind == "zoning" and not entry.is_draft
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.reference, p.reference_key, ST_X(s.point), ST_Y(s.point)"
            " FROM parcels_parcel p JOIN layers_agency a ON a.id = p.agency_id"
            " CROSS JOIN LATERAL (SELECT ST_PointOnSurface(p.geom) point) s"
            " WHERE a.code = %s AND p.retired_at IS NULL"
            " ORDER BY md5(p.reference) LIMIT %s",
            [agency, count],
        )
        parcels = [
            {"reference": ref, "key": key, "lon": lon, "lat": lat}
            for ref, key, lon, lat in cursor.fetchall()
        ]
    return layer, parcels


def request_of(
    kind: str, parcel: dict, *, layer: str, agency: str, verify: str
) -> tuple[str, str, bytes | None]:
    """(method, path, body) of one request of ``kind`` about ``parcel``."""
    lon, lat = parcel["lon"], parcel["lat"]
    z, x, y = tile_of(lon, lat, ZOOM)
    if kind == "map page":
        return "GET", "/", None
    if kind == "getmap":
        return "GET", "/ows?" + getmap_query(layer, (z, x, y)), None
    if kind == "tile":
        return "GET", f"/tiles/{layer}/{z}/{x}/{y}.mvt", None
    if kind == "identify":
        return "GET", f"/api/v1/identify?lon={lon:.7f}&lat={lat:.7f}", None
    if kind == "compose":
        body = json.dumps({"parcel": parcel["reference"]}).encode()
        return "POST", "/api/v1/notes/compose", body
    if kind == "wfs":
        d = 0.0003  # ≈ 30 m each side
        query = urllib.parse.urlencode(
            {
                "SERVICE": "WFS",
                "VERSION": "2.0.0",
                "REQUEST": "GetFeature",
                "TYPENAMES": layer,
                "COUNT": "50",
                "BBOX": f"{lat - d},{lon - d},{lat + d},{lon + d},"
                "urn:ogc:def:crs:EPSG::4326",
                "OUTPUTFORMAT": "application/json",
            }
        )
        return "GET", "/ows?" + query, None
    if kind == "search":
        return (
            "GET",
            "/api/v1/search?" + urllib.parse.urlencode({"q": parcel["reference"]}),
            None,
        )
    if kind == "parcel page":
        key = urllib.parse.quote(parcel["key"], safe="/")
        return "GET", f"/parcels/{agency}/{key}/", None
    return "GET", verify, None


class Client(threading.Thread):
    """One user: a keep-alive connection to nginx, asking the mix until
    ``deadline``; records (kind, status, seconds, cache status)."""

    def __init__(self, number: int, port: int, deadline: float, plan) -> None:
        super().__init__(daemon=True)
        self.rng = random.Random(number)
        self.port, self.deadline, self.plan = port, deadline, plan
        self.language = ("fr", "ar")[number % 2]
        self.records: list[tuple[str, int, float, str]] = []

    def run(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        kinds, weights = list(MIX), list(MIX.values())
        while time.monotonic() < self.deadline:
            kind = self.rng.choices(kinds, weights)[0]
            method, path, body = self.plan(kind, self.rng)
            headers = {"Accept-Language": self.language}
            if body is not None:
                headers["Content-Type"] = "application/json"
            start = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
                cache = response.headers.get("X-Cache-Status", "")
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port)
                status, cache = 0, ""
            self.records.append((kind, status, time.perf_counter() - start, cache))
        connection.close()


def percentiles(seconds: list[float]) -> tuple[float, float, float]:
    ms = sorted(s * 1000 for s in seconds)

    def at(share: float) -> float:
        return ms[min(len(ms) - 1, int(len(ms) * share))]

    return statistics.median(ms), at(0.95), at(0.99)


def nginx_started(root: Path, nodes: list[int], *, cache: bool):
    root.mkdir()
    port, log = free_port(), root / "access.log"
    config = nginx_config(root, port=port, upstreams=nodes, access_log=log, cache=cache)
    process = subprocess.Popen(
        [NGINX, "-p", str(root), "-c", str(config), "-e", "stderr"]
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            probe.request("GET", "/healthz")
            probe.getresponse().read()
            return process, port, log
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise SystemExit("nginx did not start") from None
            time.sleep(0.1)


def note_issued(port: int, reference: str) -> str:
    """The path of the verification page of a note issued for ``reference``."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    body = json.dumps({"parcel": reference})
    connection.request(
        "POST", "/api/v1/notes", body, {"Content-Type": "application/json"}
    )
    response = connection.getresponse()
    answer = response.read()
    if response.status != 201:
        raise SystemExit(f"no note issued: {response.status} {answer[:300]!r}")
    url = urllib.parse.urlsplit(json.loads(answer)["verify_url"])
    return url.path


def phase(name: str, port: int, log: Path, nodes: list[int], args, plan) -> None:
    # Each kind once per parcel's first few, unmeasured: the nodes' caches
    # per revision warm, as on a portal that has been serving.
    warm = Client(-1, port, time.monotonic() + 3, plan)
    warm.run()
    logged = len(log.read_text().splitlines())
    deadline = time.monotonic() + args.seconds
    clients = [Client(n, port, deadline, plan) for n in range(args.clients)]
    start = time.monotonic()
    for client in clients:
        client.start()
    for client in clients:
        client.join()
    elapsed = time.monotonic() - start
    load = os.getloadavg()[0]
    records = [record for client in clients for record in client.records]
    lines = log.read_text().splitlines()[logged:]
    answered = collections.Counter(line[1:].split('"', 1)[0] for line in lines)
    errors = [(kind, status) for kind, status, _, _ in records if status != 200]
    print(
        f"\n{name}: {len(records)} requests in {elapsed:.1f} s = "
        f"{len(records) / elapsed:.0f} req/s, {args.clients} clients, "
        f"errors {len(errors)}; load average {load:.1f} after"
        + (f" {collections.Counter(errors).most_common(5)}" if errors else "")
    )
    shares = ", ".join(
        f"{node}: {sum(n for a, n in answered.items() if a.endswith(f':{node}'))}"
        for node in nodes
    )
    print(f"  answered by node (port): {shares}")
    mapped = [r for r in records if r[0] in ("getmap", "tile")]
    if mapped:
        hits = sum(1 for r in mapped if r[3] in CACHED)
        print(f"  map cache hit ratio (GetMap and tiles): {hits / len(mapped):.0%}")
    print(f"  {'kind':12} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for kind in [*MIX, "overall"]:
        times = [r[2] for r in records if kind in (r[0], "overall")]
        if times:
            p50, p95, p99 = percentiles(times)
            print(f"  {kind:12} {len(times):6d} {p50:8.1f} {p95:8.1f} {p99:8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--agency", default="demo-rabat")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=1, help="per node")
    parser.add_argument("--parcels", type=int, default=200)
    args = parser.parse_args()
    env = {"GEOPORTAIL_PROXY_COUNT": "1", "GEOPORTAIL_PADES_TEST_CA": "true"}
    if args.database_url:
        os.environ["DATABASE_URL"] = env["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geoportal.settings")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        check=True,
    )
    layer, parcels = targets(args.agency, args.parcels)
    print(
        f"layer {layer}, {len(parcels)} parcels; two nodes × {args.workers} "
        f"granian worker(s); {os.cpu_count()} cores for everything; "
        f"load average {os.getloadavg()[0]:.1f} before"
    )
    nodes = [free_port(), free_port()]
    servers = [start_portal(port=port, env=env, workers=args.workers) for port in nodes]
    try:
        with tempfile.TemporaryDirectory(prefix="nodes-load-") as tmp:
            for cache in (True, False):
                nginx, port, log = nginx_started(
                    Path(tmp) / f"cache-{cache}", nodes, cache=cache
                )
                try:
                    verify = note_issued(port, parcels[0]["reference"])

                    def plan(kind, rng, verify=verify):
                        return request_of(
                            kind,
                            rng.choice(parcels),
                            layer=layer,
                            agency=args.agency,
                            verify=verify,
                        )

                    name = "nginx map cache on" if cache else "nginx cache off"
                    phase(name, port, log, nodes, args, plan)
                finally:
                    nginx.terminate()
                    nginx.wait(timeout=20)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
