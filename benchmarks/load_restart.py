"""Mixed load on the portal, then the same load while the database restarts.

    .venv/bin/python benchmarks/load_restart.py            # ≈ 2 min, stops by itself
    .venv/bin/python benchmarks/load_restart.py --seconds 20 --concurrency 4

Creates a throw-away embedded cluster in a temporary directory (never the
checkout's), migrates it and loads the demo data, then serves it as
``scripts/run`` does: granian WSGI, 2 workers, one blocking thread each,
prepared statements on, per-request health checks off, and the import worker
beside it. Threads (http.client, one keep-alive connection each) send a fixed
mix of the map's requests over loopback — vector tiles, WMS GetMap images,
identify, compose and the map page — on random parcels of the demo data
(fixed seed), each on a parcel.

- **steady**: throughput, p50/p99 per kind, errors, and the web workers'
  resident memory at the start and the end of the run (flat?).
- **restart**: the same load while the cluster is stopped and started again in
  the middle (``EmbeddedCluster.stop`` then ``ensure``, what
  ``python -m geoportal.embedded_db stop`` and ``ensure`` do): errors before,
  during and after the outage with their statuses, and the time from the
  database being back to the first success and to full recovery (every kind
  answered again, no error since). The goal is under 10 s.
"""

from __future__ import annotations

import argparse
import dataclasses
import http.client
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.serving import free_port, start_portal  # noqa: E402
from geoportal.embedded_db import EmbeddedCluster  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python")
LAYERS = ("demo-rabat:pa-oz-2021-zonage", "demo-rabat:pa-oz-2021-equipements")
# (kind, weight): a map screen asks for many tiles and images per click.
MIX = (("tile", 40), ("getmap", 20), ("identify", 20), ("compose", 10), ("page", 10))


def tile_xy(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    n = 2**zoom
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def parcel_points(info) -> list[tuple[float, float]]:
    """A point inside each demo parcel: identify and compose find a parcel."""
    import psycopg

    with psycopg.connect(
        host=info.socket_dir, port=info.port, dbname=info.database, user=info.user
    ) as connection:
        return connection.execute(
            "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) AS p"
            " FROM parcels_parcel ORDER BY id) AS points"
        ).fetchall()


def request_for(
    kind: str, rng: random.Random, points: list[tuple[float, float]]
) -> tuple[str, str, bytes | None]:
    """(method, path, body) of one request of ``kind`` at a random parcel."""
    lon, lat = rng.choice(points)
    if kind == "tile":
        zoom = rng.choice((15, 16, 17))
        x, y = tile_xy(lon, lat, zoom)
        return "GET", f"/tiles/{rng.choice(LAYERS)}/{zoom}/{x}/{y}.mvt", None
    if kind == "getmap":
        half = 0.004
        bbox = f"{lat - half},{lon - half},{lat + half},{lon + half}"
        return (
            "GET",
            "/ows?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&STYLES=&CRS=EPSG:4326"
            f"&LAYERS={','.join(LAYERS)}&BBOX={bbox}&WIDTH=256&HEIGHT=256"
            "&FORMAT=image/png&TRANSPARENT=TRUE",
            None,
        )
    if kind == "identify":
        return "GET", f"/api/v1/identify?lon={lon:.6f}&lat={lat:.6f}", None
    if kind == "compose":
        body = json.dumps({"lon": round(lon, 6), "lat": round(lat, 6)}).encode()
        return "POST", "/api/v1/notes/compose", body
    return "GET", "/", None


@dataclasses.dataclass(frozen=True)
class Outcome:
    kind: str
    started: float
    ended: float
    status: int  # 0: no HTTP answer (connection refused or reset)


class Load:
    """``concurrency`` threads sending the mix until ``stop`` is set."""

    def __init__(
        self, port: int, concurrency: int, seed: int, points: list[tuple]
    ) -> None:
        self.port = port
        self.points = points
        self.concurrency = concurrency
        self.seed = seed
        self.stop = threading.Event()
        self.outcomes: list[Outcome] = []
        self.lock = threading.Lock()

    def run_for(self, seconds: float, during=None) -> list[Outcome]:
        """Load for ``seconds``; ``during(started)`` runs meanwhile, if given."""
        self.stop.clear()
        self.outcomes = []
        threads = [
            threading.Thread(target=self._client, args=(self.seed + n,))
            for n in range(self.concurrency)
        ]
        for thread in threads:
            thread.start()
        started = time.monotonic()
        if during is not None:
            during(started)
        time.sleep(max(0.0, started + seconds - time.monotonic()))
        self.stop.set()
        for thread in threads:
            thread.join()
        return self.outcomes

    def _client(self, seed: int) -> None:
        rng = random.Random(seed)
        kinds, weights = zip(*MIX, strict=True)
        connection = None
        local = []
        while not self.stop.is_set():
            kind = rng.choices(kinds, weights)[0]
            method, path, body = request_for(kind, rng, self.points)
            started = time.monotonic()
            try:
                if connection is None:
                    connection = http.client.HTTPConnection(
                        "127.0.0.1", self.port, timeout=30
                    )
                headers = {"Accept-Language": "fr"}
                if body is not None:
                    headers["Content-Type"] = "application/json"
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                status = 0
                if connection is not None:
                    connection.close()
                connection = None
                time.sleep(0.05)  # the server is not listening: do not spin
            local.append(Outcome(kind, started, time.monotonic(), status))
        with self.lock:
            self.outcomes.extend(local)


def server_workers_rss(server: subprocess.Popen) -> list[int]:
    """Resident memory (MiB) of the granian processes serving requests."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == server.pid:
            children.append(stat.parent)
    sizes = []
    for process in sorted(children, key=lambda p: int(p.name)):
        for line in (process / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) // 1024)
    return sizes


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(outcomes: list[Outcome], seconds: float) -> None:
    ok = [o for o in outcomes if o.status == 200]
    print(
        f"  {len(outcomes)} requests in {seconds:.0f} s: "
        f"{len(outcomes) / seconds:.0f} req/s, "
        f"errors {len(outcomes) - len(ok)} {dict(error_statuses(outcomes))}"
    )
    by_kind = defaultdict(list)
    for outcome in ok:
        by_kind[outcome.kind].append((outcome.ended - outcome.started) * 1000)
    print(f"  {'kind':<10}{'count':>7}{'p50 ms':>9}{'p99 ms':>9}")
    for kind, _ in MIX:
        times = by_kind.get(kind, [])
        print(
            f"  {kind:<10}{len(times):>7}"
            f"{percentile(times, 0.5):>9.1f}{percentile(times, 0.99):>9.1f}"
        )
    every = [t for times in by_kind.values() for t in times]
    print(
        f"  {'all':<10}{len(every):>7}"
        f"{percentile(every, 0.5):>9.1f}{percentile(every, 0.99):>9.1f}"
    )


def error_statuses(outcomes: list[Outcome]) -> Counter:
    return Counter(o.status for o in outcomes if o.status != 200)


def manage(env: dict, *args: str) -> None:
    subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30, help="per run")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--outage", type=float, default=3, help="seconds stopped")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="geoportail-load-restart-"))
    cluster = EmbeddedCluster(workdir / "checkout")
    server = worker = None
    try:
        print("setting up a throw-away cluster with the demo data…", flush=True)
        info, _ = cluster.ensure()
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DATABASE_", "GEOPORTAIL_", "DJANGO_"))
        }
        env |= {
            "DATABASE_URL": (
                f"postgis://{info.user}@/{info.database}"
                f"?host={info.socket_dir}&port={info.port}"
            ),
            "GEOPORTAIL_LOCAL_DIR": str(workdir / "local"),
            "MEDIA_ROOT": str(workdir / "media"),
            "STATIC_ROOT": str(workdir / "static"),
        }
        manage(env, "migrate", "--no-input", "-v", "0")
        manage(env, "load_demo")
        manage(env, "collectstatic", "--no-input", "-v", "0")
        port = free_port()
        server = start_portal(port=port, env=env, workers=2)
        worker = subprocess.Popen(
            [PYTHON, "manage.py", "import_worker", "--interval", "1", "-v", "0"],
            cwd=ROOT,
            env=env,
        )
        load = Load(port, args.concurrency, args.seed, parcel_points(info))
        load.run_for(3)  # warm: caches, prepared statements, mapcache

        print(
            f"\nsteady: granian WSGI 2 workers, {args.concurrency} clients, "
            f"{args.seconds:.0f} s"
        )
        rss_start = server_workers_rss(server)
        outcomes = load.run_for(args.seconds)
        rss_end = server_workers_rss(server)
        report(outcomes, args.seconds)
        print(f"  web workers' RSS MiB: start {rss_start}, end {rss_end}")

        print(
            f"\nrestart: the same load; at {args.seconds / 3:.0f} s the database "
            f"stops, {args.outage:.0f} s later it starts again"
        )
        marks = {}

        def restart(started: float) -> None:
            time.sleep(args.seconds / 3)
            marks["down"] = time.monotonic()
            cluster.stop()
            marks["stopped"] = time.monotonic()
            time.sleep(args.outage)
            marks["starting"] = time.monotonic()
            again, _ = cluster.ensure()
            marks["back"] = time.monotonic()
            marks["same port"] = again.port == info.port

        rss_start = server_workers_rss(server)
        outcomes = load.run_for(args.seconds, during=restart)
        rss_end = server_workers_rss(server)
        report(outcomes, args.seconds)
        down, back = marks["down"], marks["back"]
        before = [o for o in outcomes if o.ended < down]
        during = [o for o in outcomes if down <= o.ended < back]
        after = [o for o in outcomes if o.ended >= back]
        print(
            f"  database stopped in {marks['stopped'] - down:.1f} s, started in "
            f"{back - marks['starting']:.1f} s, same port: {marks['same port']}"
        )
        for name, part in (("before", before), ("during", during), ("after", after)):
            errors = error_statuses(part)
            print(
                f"  {name:<7} the outage: {len(part):>6} requests, "
                f"{sum(errors.values()):>5} errors {dict(errors)}"
            )
        first = min((o.ended for o in after if o.status == 200), default=None)
        last_error = max((o.ended for o in after if o.status != 200), default=None)
        kinds_back = {
            kind: min(
                (o.ended for o in after if o.kind == kind and o.status == 200),
                default=None,
            )
            for kind, _ in MIX
        }
        if first is None:
            print("  no success after the database came back")
        else:
            print(f"  first success {first - back:.2f} s after the database was back")
            missing = [kind for kind, t in kinds_back.items() if t is None]
            if missing:
                print(f"  not recovered: no success since for {missing}")
            else:
                recovered = max([*kinds_back.values(), last_error or back])
                print(
                    f"  full recovery (every kind answered, no error since) "
                    f"{recovered - back:.2f} s after"
                )
        print(f"  web workers' RSS MiB: start {rss_start}, end {rss_end}")
        print(
            f"  server restarted: no (pid {server.pid} "
            f"{'running' if server.poll() is None else 'EXITED'}); import worker "
            f"{'running' if worker.poll() is None else 'EXITED'}"
        )
    finally:
        for process in (server, worker):
            if process is not None:
                process.terminate()
                process.wait(timeout=30)
        cluster.stop()
        shutil.rmtree(cluster.server_home, ignore_errors=True)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
