"""Mixed load on the portal, then the same load while the database restarts.

    .venv/bin/python benchmarks/load_restart.py            # ≈ 2 min, stops by itself
    .venv/bin/python benchmarks/load_restart.py --seconds 20 --concurrency 4
    .venv/bin/python benchmarks/load_restart.py --bench    # the benchmark database

By default it creates a throw-away embedded cluster in a temporary directory
(never the checkout's), migrates it and loads the demo data. With ``--bench`` it
serves ``geoportail_bench`` (``benchmarks/generate.py``: the 1,000,000-parcel
bench agency beside 28 agencies with their history) from this checkout's
own embedded cluster, which the restart run stops and starts again; the cluster
is left running. Either way it serves as ``scripts/run`` does: granian WSGI, 2
workers, one blocking thread each, prepared statements on, per-request health
checks off, and the import worker beside it. Threads (http.client, one
keep-alive connection each) send a fixed mix of the map's requests over
loopback — vector tiles, WMS GetMap images, identify, compose and the map page —
each at a random parcel (fixed seed): of the demo data, or half of the bench
agency's and half spread over the other agencies, with tiles and images of the
layers in force of the parcel's agency.

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
import contextlib
import dataclasses
import http.client
import json
import math
import os
import random
import shutil
import signal
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
BENCH_DATABASE = "geoportail_bench"
BENCH_AGENCY = "bench"
POINTS_PER_SIDE = 3000  # bench agency's parcels; as many spread over the others
# (kind, weight): a map screen asks for many tiles and images per click.
MIX = (("tile", 40), ("getmap", 20), ("identify", 20), ("compose", 10), ("page", 10))


def tile_xy(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    n = 2**zoom
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


@dataclasses.dataclass(frozen=True)
class Target:
    """A point inside a parcel, and the layers its agency's map shows there."""

    lon: float
    lat: float
    tile_layers: tuple[str, ...]  # one of them per tile request
    map_layers: tuple[str, ...]  # all of them in each GetMap


def _connect(info, database: str):
    import psycopg

    return psycopg.connect(
        host=info.socket_dir, port=info.port, dbname=database, user=info.user
    )


def parcel_points(info) -> list[Target]:
    """A point inside each demo parcel: identify and compose find a parcel."""
    with _connect(info, info.database) as connection:
        rows = connection.execute(
            "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) AS p"
            " FROM parcels_parcel ORDER BY id) AS points"
        ).fetchall()
    return [Target(lon, lat, LAYERS, LAYERS) for lon, lat in rows]


def layer_public_name(agency: str, reference: str, layer: str) -> str:
    """``<agency>:<document>-<layer>`` as ``tiles.catalog.layer_name`` makes it."""
    from django.utils.text import slugify

    def ncname(text: str) -> str:
        slug = slugify(text) or "_"
        return f"_{slug}" if slug[0].isdigit() or slug[0] == "-" else slug

    return f"{ncname(agency)}:{ncname(f'{slugify(reference)}-{layer}')}"


def bench_points(info, seed: int) -> list[Target]:
    """Points in parcels of the bench agency and, as many, of the others.

    Each carries the published layers of its agency's documents in force
    (tiles), and its zoning with the first overlay (GetMap), as the map shows.
    """
    with _connect(info, BENCH_DATABASE) as connection:
        layers = connection.execute(
            """
            SELECT a.code, d.reference, l.name, l.kind
            FROM layers_layerversion v
            JOIN layers_layer l ON l.id = v.layer_id
            JOIN layers_planningdocument d ON d.id = l.document_id
            JOIN layers_agency a ON a.id = d.agency_id
            WHERE v.status = 'published'
              AND d.status IN ('approved', 'under_revision')
              AND d.effective_date <= current_date
              AND (d.expiry_date IS NULL OR d.expiry_date > current_date)
            ORDER BY a.code, d.effective_date DESC, l.position, l.name
            """
        ).fetchall()
        # 1 % of 1.4 million parcels: every agency gets two hundred at least.
        sample = connection.execute(
            """
            SELECT a.code, ST_X(s.p), ST_Y(s.p)
            FROM (SELECT agency_id, ST_PointOnSurface(geom) AS p
                  FROM parcels_parcel TABLESAMPLE BERNOULLI (1)
                  REPEATABLE (%s)) AS s
            JOIN layers_agency a ON a.id = s.agency_id
            ORDER BY a.code, ST_X(s.p), ST_Y(s.p)
            """,
            [seed],
        ).fetchall()
    by_agency: dict[str, list[str]] = defaultdict(list)
    for code, reference, name, _kind in layers:
        by_agency[code].append(layer_public_name(code, reference, name))
    if BENCH_AGENCY not in by_agency:
        raise SystemExit(
            "no bench agency in geoportail_bench: run benchmarks/generate.py"
        )
    points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for code, lon, lat in sample:
        if code in by_agency:
            points[code].append((lon, lat))
    others = sorted(code for code in points if code != BENCH_AGENCY)
    rng = random.Random(seed)
    chosen = rng.sample(points[BENCH_AGENCY], POINTS_PER_SIDE)
    targets = [Target(*p, *_layers_of(by_agency[BENCH_AGENCY])) for p in chosen]
    for code in others:
        share = min(len(points[code]), POINTS_PER_SIDE // max(1, len(others)))
        targets += [
            Target(*p, *_layers_of(by_agency[code]))
            for p in rng.sample(points[code], share)
        ]
    return targets


def _layers_of(names: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(tile layers, GetMap layers): all of them; the zoning and one overlay."""
    return tuple(names), tuple(names[:2])


def request_for(
    kind: str, rng: random.Random, points: list[Target]
) -> tuple[str, str, bytes | None]:
    """(method, path, body) of one request of ``kind`` at a random parcel."""
    target = rng.choice(points)
    lon, lat = target.lon, target.lat
    if kind == "tile":
        zoom = rng.choice((15, 16, 17))
        x, y = tile_xy(lon, lat, zoom)
        layer = rng.choice(target.tile_layers)
        return "GET", f"/tiles/{layer}/{zoom}/{x}/{y}.mvt", None
    if kind == "getmap":
        half = 0.004
        bbox = f"{lat - half},{lon - half},{lat + half},{lon + half}"
        return (
            "GET",
            "/ows?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&STYLES=&CRS=EPSG:4326"
            f"&LAYERS={','.join(target.map_layers)}&BBOX={bbox}&WIDTH=256&HEIGHT=256"
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
    sizes = []
    for pid in server_worker_pids(server):
        process = Path(f"/proc/{pid}")
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


def stop_processes(server: subprocess.Popen | None, others: list) -> None:
    """Stop the server, its workers and ``others``, each by its process id."""
    workers = server_worker_pids(server) if server is not None else []
    for process in (server, *others):
        if process is None or process.poll() is not None:
            continue
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    for pid in workers:  # a worker that outlived its parent (same pid, granian)
        with contextlib.suppress(OSError):
            if b"granian" in Path(f"/proc/{pid}/cmdline").read_bytes():
                os.kill(pid, signal.SIGKILL)


def server_worker_pids(server: subprocess.Popen) -> list[int]:
    """The pids of the server's worker processes (its children), in order."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == server.pid:
            pids.append(int(stat.parent.name))
    return sorted(pids)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30, help="per run")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--outage", type=float, default=3, help="seconds stopped")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--bench",
        action="store_true",
        help="serve geoportail_bench from this checkout's cluster and restart it",
    )
    parser.add_argument(
        "--warm",
        type=float,
        default=None,
        help="seconds of load before measuring (default 3, 10 with --bench)",
    )
    args = parser.parse_args()
    warm = args.warm if args.warm is not None else (10 if args.bench else 3)
    if args.bench and os.environ.get("BENCH_DATABASE_URL"):
        raise SystemExit(
            "--bench restarts this checkout's embedded cluster; unset "
            "BENCH_DATABASE_URL (that database would not be restarted)"
        )

    workdir = Path(tempfile.mkdtemp(prefix="geoportail-load-restart-"))
    cluster = EmbeddedCluster(ROOT if args.bench else workdir / "checkout")
    server = worker = None
    try:
        if args.bench:
            print("serving geoportail_bench from this checkout's cluster…", flush=True)
        else:
            print("setting up a throw-away cluster with the demo data…", flush=True)
        info, _ = cluster.ensure()
        database = BENCH_DATABASE if args.bench else info.database
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DATABASE_", "GEOPORTAIL_", "DJANGO_"))
        }
        env |= {
            "DATABASE_URL": (
                f"postgis://{info.user}@/{database}"
                f"?host={info.socket_dir}&port={info.port}"
            ),
            "GEOPORTAIL_LOCAL_DIR": str(workdir / "local"),
            "MEDIA_ROOT": str(workdir / "media"),
            "STATIC_ROOT": str(workdir / "static"),
        }
        if args.bench:
            points = bench_points(info, args.seed)  # fails early without the data
        else:
            manage(env, "migrate", "--no-input", "-v", "0")
            manage(env, "load_demo")
        manage(env, "collectstatic", "--no-input", "-v", "0")
        if not args.bench:
            points = parcel_points(info)
        port = free_port()
        server = start_portal(port=port, env=env, workers=2)
        worker = subprocess.Popen(
            [PYTHON, "manage.py", "import_worker", "--interval", "1", "-v", "0"],
            cwd=ROOT,
            env=env,
        )
        load = Load(port, args.concurrency, args.seed, points)
        agencies = len({t.tile_layers[0].split(":")[0] for t in points})
        print(
            f"{len(points)} parcels of {agencies} "
            f"{'agency' if agencies == 1 else 'agencies'}, "
            f"{len({name for t in points for name in t.tile_layers})} layers"
        )
        warmed = load.run_for(warm)  # caches, prepared statements, mapcache
        print(
            f"warm-up {warm:.0f} s: {len(warmed)} requests, errors "
            f"{dict(error_statuses(warmed))}"
        )

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
        stop_processes(server, [worker])
        if args.bench:
            if not cluster.is_running():  # interrupted during the outage
                cluster.ensure()
        else:
            cluster.stop()
            shutil.rmtree(cluster.server_home, ignore_errors=True)
        shutil.rmtree(workdir, ignore_errors=True)
        print(
            "stopped: server and import worker; cluster "
            f"{'left running' if args.bench else 'removed'}"
        )


if __name__ == "__main__":
    main()
