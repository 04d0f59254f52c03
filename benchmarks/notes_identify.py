"""Measure the urban information note's hot paths on the benchmark database.

    .venv/bin/python benchmarks/generate.py        # once
    .venv/bin/python benchmarks/notes_identify.py  # ≈ 2 min; needs wrk (Debian)

Over a few thousand random points in the benchmark agency it measures:
(a) the raw SQL of point → parcel → zones with areas (``notes.sql.IDENTIFY``),
    one round trip, prepared, one connection: p50/p95 and queries/s;
(b) ``GET /api/v1/identify`` and ``POST /api/v1/notes/compose`` through HTTP on
    granian as ``scripts/run`` starts it (WSGI, 2 workers, 1 blocking thread,
    prepared statements), loaded by wrk: p50/p95 on one connection and
    throughput on four;
(c) PDF rendering in a warm process, French and Arabic: p50;
and profiles one identify request inside Django (where the time goes).

``--agencies all`` spreads the clicks over every agency in turn (the bench
agency's 50,000 zones and the 28 others' histories: a plan fast beside one
agency may not be beside the others); ``--interleaved`` measures only (a) and
(b) at one connection, the raw statement, identify and compose point by point in
one loop, so their ratios are taken under the same load:

    .venv/bin/python benchmarks/notes_identify.py --interleaved --agencies all

``--compare CHECKOUT`` (with ``--interleaved``) serves another checkout beside
this one, asks both the same clicks in the same loop and compares their compose
answers: a change's before and after under the same load. ``--cpu`` measures
the CPU time of compose and identify in process instead (Python, and the
PostgreSQL backend's when the database runs on this machine): on a loaded
machine, steadier than latencies.

``--national`` measures the national database (``generate.py --national``:
10,000,000 parcels) instead; ``--standby`` (with ``--interleaved``) measures
twice, on the primary and then through a hot standby of the embedded cluster
(``standby.py``): the server reads it as production does, through
``DATABASE_REPLICA_URLS`` (identify and compose take the machine path, whose
reads go to a replica), and the raw statement runs on the standby too; the
transactions each server committed during the run say who answered:

    .venv/bin/python benchmarks/notes_identify.py --national --interleaved \
        --agencies all --standby

``--buffers`` prints instead the pages one click's IDENTIFY touches
(``EXPLAIN (ANALYZE, BUFFERS)``), a size's cost that the load does not blur.

Figures go to stdout; tests never assert on them.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import hashlib
import io
import json
import os
import pstats
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
# This folder's modules (documents.py, …) must not shadow the project's apps.
sys.path[:] = [
    p for p in sys.path if Path(p or ".").resolve() != REPO_ROOT / "benchmarks"
]
sys.path.insert(0, str(REPO_ROOT))

from benchmarks.generate import NATIONAL_DATABASE, bench_url  # noqa: E402
from benchmarks.serving import free_port, start_portal  # noqa: E402

# The inner part of the benchmark territory (lon/lat), away from its edges.
LON = (-6.90, -6.66)
LAT = (33.84, 34.04)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def random_points(count: int, seed: int = 7) -> list[tuple[float, float]]:
    rng = random.Random(seed)
    return [(rng.uniform(*LON), rng.uniform(*LAT)) for _ in range(count)]


def agency_points(
    url: str, count: int, seed: int = 7
) -> tuple[list[tuple[float, float]], list[str]]:
    """``count`` random points spread over every agency of the database, taken
    in turn (bench, casablanca, …, bench, …), each inside the inner 80 % of its
    agency's territory box (the territories are squares that do not overlap):
    the points and the code of the agency each falls in."""
    import psycopg

    libpq = "postgresql" + url[url.index(":") :]
    with psycopg.connect(libpq) as conn:
        boxes = conn.execute(
            "SELECT code, ST_XMin(territory), ST_XMax(territory),"
            " ST_YMin(territory), ST_YMax(territory)"
            " FROM layers_agency WHERE territory IS NOT NULL ORDER BY id"
        ).fetchall()
    rng = random.Random(seed)
    points, codes = [], []
    for index in range(count):
        code, x0, x1, y0, y1 = boxes[index % len(boxes)]
        dx, dy = (x1 - x0) / 10, (y1 - y0) / 10
        points.append((rng.uniform(x0 + dx, x1 - dx), rng.uniform(y0 + dy, y1 - dy)))
        codes.append(code)
    return points, codes


def bench_raw_sql(url: str, points: list[tuple[float, float]]) -> dict:
    """(a) the identify statement from a plain loop on one prepared connection."""
    import psycopg

    from notes.sql import IDENTIFY

    libpq = "postgresql" + url[url.index(":") :]
    now = datetime.datetime.now(datetime.UTC)
    params = {"day": now.date(), "at": now}
    timings = []
    with psycopg.connect(libpq, prepare_threshold=0) as conn:
        for lon, lat in points[:200]:  # warm the cache and the prepared plan
            conn.execute(IDENTIFY, {**params, "lon": lon, "lat": lat}).fetchall()
        start = time.perf_counter()
        for lon, lat in points:
            t0 = time.perf_counter()
            conn.execute(IDENTIFY, {**params, "lon": lon, "lat": lat}).fetchall()
            timings.append((time.perf_counter() - t0) * 1000)
        elapsed = time.perf_counter() - start
    return {
        "p50_ms": percentile(timings, 50),
        "p95_ms": percentile(timings, 95),
        "qps": len(points) / elapsed,
    }


LUA = """
local points = {%(points)s}
local index = 0
local method = "%(method)s"
request = function()
  index = index %% #points + 1
  local p = points[index]
  if method == "GET" then
    return wrk.format("GET", "/api/v1/identify?lon=" .. p[1] .. "&lat=" .. p[2])
  end
  local body = '{"lon":' .. p[1] .. ',"lat":' .. p[2] .. '}'
  return wrk.format("POST", "/api/v1/notes/compose",
                    {["Content-Type"] = "application/json"}, body)
end
local statuses = {}
response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%f %%f %%f %%d %%d\\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    summary.requests / (summary.duration / 1e6), summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.timeout))
end
"""


def run_wrk(port: int, points, method: str, connections: int, seconds: int) -> dict:
    lua = LUA % {
        "points": ",".join(f"{{{lon:.7f},{lat:.7f}}}" for lon, lat in points),
        "method": method,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(lua)
    try:
        output = subprocess.run(
            [
                "wrk",
                "-t",
                str(min(connections, 2)),
                "-c",
                str(connections),
                "-d",
                f"{seconds}s",
                "-s",
                handle.name,
                f"http://127.0.0.1:{port}",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(handle.name)
    line = next(line for line in output.splitlines() if line.startswith("RESULT"))
    p50, p95, rps, requests, errors = line.split()[1:]
    return {
        "p50_ms": float(p50),
        "p95_ms": float(p95),
        "rps": float(rps),
        "requests": int(requests),
        "errors": int(errors),
    }


def bench_http(url: str, points, seconds: int) -> dict:
    """(b) identify and compose through granian, loaded by wrk."""
    port = free_port()
    process = start_portal(port=port, env={"DATABASE_URL": url})
    try:
        results = {}
        for name, method in (("identify", "GET"), ("compose", "POST")):
            run_wrk(port, points, method, 2, 3)  # warm both workers
            one = run_wrk(port, points, method, 1, seconds)
            four = run_wrk(port, points, method, 4, seconds)
            results[name] = {
                "p50_ms": one["p50_ms"],
                "p95_ms": one["p95_ms"],
                "rps_1_conn": one["rps"],
                "rps_4_conns": four["rps"],
                "errors": one["errors"] + four["errors"],
            }
        return results
    finally:
        process.terminate()
        process.wait(timeout=20)


def bench_interleaved(
    url: str,
    points,
    codes,
    rounds: int = 1,
    compare: Path | None = None,
    replica: str | None = None,
) -> dict:
    """(a) and (b) in one loop, point by point: the raw statement on its own
    prepared connection, then ``GET /api/v1/identify`` and ``POST
    /api/v1/notes/compose`` on one keep-alive HTTP connection to granian (as
    ``scripts/run`` serves), so the three see the same machine load. Latency
    from a Python client (``http.client``), which adds its own ≈ 0.05–0.1 ms.

    With ``compare`` (another checkout), a second server serves that code and
    is asked the same identify then compose at every point
    (``identify_compared``, ``compose_compared``): each server's pair runs
    together, the raw statement and the two pairs in a rotating order, so
    neither server is the idle one (on a loaded machine a server asked one
    request in four answered ≈ 30 % slower than the other at the same code).
    ``answers_differing`` counts the points whose two compose answers differ.

    With ``replica`` (a hot standby's URL), the server reads it through
    ``DATABASE_REPLICA_URLS`` and the raw statement runs on it;
    ``transactions`` counts what the primary and the replica committed
    meanwhile (the server's reads are one transaction each)."""
    import http.client

    import psycopg

    from notes.sql import IDENTIFY

    libpq = "postgresql" + url[url.index(":") :]
    read_libpq = "postgresql" + (replica or url)[(replica or url).index(":") :]
    server_env = {"DATABASE_URL": url}
    if replica is not None:
        server_env["DATABASE_REPLICA_URLS"] = replica
    committed = {"primary": _commits(libpq), "replica": _commits(read_libpq)}
    port = free_port()
    process = start_portal(port=port, env=server_env)
    servers = [process]
    timings: dict[str, list[tuple[str, float]]] = {
        "raw": [],
        "identify": [],
        "compose": [],
    }
    answers: dict[str, dict[int, bytes]] = {"compose": {}, "compose_compared": {}}
    try:
        http_conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Content-Type": "application/json"}
        if compare is not None:
            compared_port = free_port()
            servers.append(
                start_portal(port=compared_port, env=server_env, root=compare)
            )
            compared_conn = http.client.HTTPConnection(
                "127.0.0.1", compared_port, timeout=30
            )
            timings["identify_compared"] = []
            timings["compose_compared"] = []

        def identifier(connection: http.client.HTTPConnection):
            def get(lon: float, lat: float) -> None:
                path = f"/api/v1/identify?lon={lon:.7f}&lat={lat:.7f}"
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    raise SystemExit(f"identify answered {response.status}")

            return get

        def composer(connection: http.client.HTTPConnection):
            def post(lon: float, lat: float) -> bytes:
                body = json.dumps({"lon": round(lon, 7), "lat": round(lat, 7)})
                connection.request("POST", "/api/v1/notes/compose", body, headers)
                response = connection.getresponse()
                answer = response.read()
                if response.status != 200:
                    raise SystemExit(f"compose answered {response.status}")
                return answer

            return post

        with psycopg.connect(read_libpq, prepare_threshold=0) as conn:

            def raw(lon: float, lat: float) -> None:
                now = datetime.datetime.now(datetime.UTC)
                params = {"day": now.date(), "at": now, "lon": lon, "lat": lat}
                conn.execute(IDENTIFY, params).fetchall()

            # Groups of calls that run together; the groups' order rotates.
            groups = [[("raw", raw)]]
            if compare is None:
                groups += [
                    [("identify", identifier(http_conn))],
                    [("compose", composer(http_conn))],
                ]
            else:
                for suffix, connection in (
                    ("", http_conn),
                    ("_compared", compared_conn),
                ):
                    groups.append(
                        [
                            ("identify" + suffix, identifier(connection)),
                            ("compose" + suffix, composer(connection)),
                        ]
                    )
            # Warm: prepared plans, caches, both granian workers' connections.
            for lon, lat in points[:300]:
                for group in groups:
                    for _name, call in group:
                        call(lon, lat)
            for turn in range(rounds):
                for index, (lon, lat) in enumerate(points):
                    # Rotate the order so none always runs right after another.
                    shift = (index + turn) % len(groups)
                    for group in groups[shift:] + groups[:shift]:
                        for name, call in group:
                            t0 = time.perf_counter()
                            answer = call(lon, lat)
                            elapsed = (time.perf_counter() - t0) * 1000
                            timings[name].append((codes[index], elapsed))
                            if name in answers:
                                answers[name][index] = answer
        http_conn.close()
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=20)

    def figures(rows: list[tuple[str, float]]) -> dict:
        values = [ms for _code, ms in rows]
        bench = [ms for code, ms in rows if code == "bench"]
        others = [ms for code, ms in rows if code != "bench"]
        return {
            "p50_ms": percentile(values, 50),
            "p95_ms": percentile(values, 95),
            "bench_p50_ms": percentile(bench, 50) if bench else None,
            "others_p50_ms": percentile(others, 50) if others else None,
        }

    result = {name: figures(rows) for name, rows in timings.items()}
    if replica is not None:
        time.sleep(1)  # the statistics of the last transactions reach the view
        result["transactions"] = {
            "primary": _commits(libpq) - committed["primary"],
            "replica": _commits(read_libpq) - committed["replica"],
        }
    if compare is not None:
        result["answers_differing"] = sum(
            json.loads(answer) != json.loads(answers["compose_compared"][index])
            for index, answer in answers["compose"].items()
        )
    return result


def identify_buffers(url: str, points) -> dict:
    """The shared buffers (8 KB pages, cached or read) one click's IDENTIFY
    touches, from ``EXPLAIN (ANALYZE, BUFFERS)``: what a larger database costs
    a click, whatever the machine's load."""
    import psycopg

    from notes.sql import IDENTIFY

    libpq = "postgresql" + url[url.index(":") :]
    now = datetime.datetime.now(datetime.UTC)
    pages = []
    with psycopg.connect(libpq) as conn:
        for lon, lat in points:
            params = {"day": now.date(), "at": now, "lon": lon, "lat": lat}
            (plan,) = conn.execute(
                "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + IDENTIFY, params
            ).fetchone()[0]
            root = plan["Plan"]
            pages.append(root["Shared Hit Blocks"] + root["Shared Read Blocks"])
    return {"p50": percentile(pages, 50), "p95": percentile(pages, 95)}


def _commits(libpq: str) -> int:
    """The transactions the database's server has committed so far."""
    import psycopg

    with psycopg.connect(libpq, autocommit=True) as conn:
        return conn.execute(
            "SELECT xact_commit FROM pg_stat_database"
            " WHERE datname = current_database()"
        ).fetchone()[0]


def _django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DATABASE_PREPARED"] = "true"  # as scripts/run serves
    os.environ["DATABASE_HEALTH_CHECKS"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geoportal.settings")
    import django

    django.setup()


def bench_pdf(points, renders: int = 30) -> dict:
    """(c) warm PDF rendering of composed notes, French and Arabic."""
    from notes.compose import Moment, note_compose
    from notes.pdf import render_note_pdf
    from notes.subjects import SubjectQuery, subject_resolve

    contents = []
    for lon, lat in points[: renders + 5]:
        subject = subject_resolve(SubjectQuery.from_json({"lon": lon, "lat": lat}))
        content = note_compose(subject=subject, moment=Moment.of())
        content["note"] = {"reference": "BENCH-2026-000001", "issued_at": "2026"}
        contents.append(content)
    results = {}
    for language in ("fr", "ar"):
        timings = []
        for index, content in enumerate(contents):
            # Every note has its own URL (QR code) and hash, as in real life.
            url = f"http://127.0.0.1:8000/verify/{secrets.token_urlsafe(24)}"
            digest = hashlib.sha256(str(index).encode()).hexdigest()
            t0 = time.perf_counter()
            render_note_pdf(content, language=language, verify_url=url, sha256=digest)
            if index >= 5:  # the first renders warm the compiler and fonts
                timings.append((time.perf_counter() - t0) * 1000)
        results[language] = {
            "p50_ms": statistics.median(timings),
            "p95_ms": percentile(timings, 95),
        }
    return results


def bench_cpu(points, passes: int = 4) -> dict:
    """CPU time of ``POST /api/v1/notes/compose`` and ``GET /api/v1/identify``
    in this process (the WSGI application granian serves), point by point:
    the thread's CPU time for Python, and the PostgreSQL backend's (utime +
    stime of ``/proc/<pid>/stat``: the database must run on this machine).
    Far less sensitive to the machine's load than wall time. Per request, ms:
    the least and the median of ``passes`` passes over the points."""
    from django.db import connection

    from geoportal.wsgi import application

    def environ(lon: float, lat: float, compose: bool) -> dict:
        body = json.dumps({"lon": round(lon, 7), "lat": round(lat, 7)}).encode()
        return {
            "REQUEST_METHOD": "POST" if compose else "GET",
            "PATH_INFO": "/api/v1/notes/compose" if compose else "/api/v1/identify",
            "QUERY_STRING": "" if compose else f"lon={lon:.7f}&lat={lat:.7f}",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)) if compose else "0",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body if compose else b""),
            "wsgi.errors": sys.stderr,
        }

    def call(lon: float, lat: float, compose: bool) -> None:
        b"".join(application(environ(lon, lat, compose), lambda *args: None))

    for lon, lat in points[:300]:  # warm: plans, the kept planning, caches
        call(lon, lat, True)
        call(lon, lat, False)
    connection.ensure_connection()
    stat = Path(f"/proc/{connection.connection.info.backend_pid}/stat")
    tick = os.sysconf("SC_CLK_TCK")

    def backend_seconds() -> float:
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick

    runs: dict[str, list[tuple[float, float]]] = {"compose": [], "identify": []}
    for _pass in range(passes):
        python = {"compose": 0.0, "identify": 0.0}
        backend = {"compose": 0.0, "identify": 0.0}
        for index, (lon, lat) in enumerate(points):
            for compose in (True, False) if index % 2 else (False, True):
                name = "compose" if compose else "identify"
                b0, t0 = backend_seconds(), time.thread_time()
                call(lon, lat, compose)
                python[name] += time.thread_time() - t0
                backend[name] += backend_seconds() - b0
        for name in runs:
            runs[name].append(
                (
                    python[name] / len(points) * 1000,
                    backend[name] / len(points) * 1000,
                )
            )
    return {
        name: {
            "python_min_ms": min(p for p, _b in rows),
            "python_median_ms": statistics.median(p for p, _b in rows),
            "backend_min_ms": min(b for _p, b in rows),
            "backend_median_ms": statistics.median(b for _p, b in rows),
        }
        for name, rows in runs.items()
    }


def profile_identify(points, requests: int = 2000) -> str:
    """Where the time of an identify request goes inside Django (cProfile)."""
    from django.db import connection

    from geoportal.wsgi import application

    def call(lon: float, lat: float) -> None:
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": "/api/v1/identify",
            "QUERY_STRING": f"lon={lon}&lat={lat}",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
        }
        b"".join(application(environ, lambda status, headers: None))

    db_time = [0.0]

    def timed(execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            db_time[0] += time.perf_counter() - t0

    for lon, lat in points[:200]:
        call(lon, lat)
    with connection.execute_wrapper(timed):
        start = time.perf_counter()
        for lon, lat in points[:requests]:
            call(lon, lat)
        total = time.perf_counter() - start
    profiler = cProfile.Profile()
    profiler.enable()
    for lon, lat in points[:requests]:
        call(lon, lat)
    profiler.disable()
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("tottime").print_stats(15)
    per_request = total / requests * 1000
    database = db_time[0] / requests * 1000
    return (
        f"in-process identify: {per_request:.3f} ms/request, of which database "
        f"execute+fetch {database:.3f} ms ({100 * database / per_request:.0f} %), "
        f"Django and the view {per_request - database:.3f} ms\n" + stream.getvalue()
    )


def interleaved_print(
    where: str, result: dict, args: argparse.Namespace, points: int
) -> None:
    """Print ``bench_interleaved``'s figures, read from ``where``, and ratios."""
    print(f"-- read from the {where}")
    raw_p50 = result["raw"]["p50_ms"]
    differing = result.pop("answers_differing", None)
    transactions = result.pop("transactions", None)
    for name, figures in result.items():
        split = ""
        if args.agencies == "all":
            split = (
                f" (bench agency {figures['bench_p50_ms']:.3f}, "
                f"others {figures['others_p50_ms']:.3f})"
            )
        ratio = ""
        if name != "raw":
            ratio = f", p50 / raw p50 = {figures['p50_ms'] / raw_p50:.2f}×"
        print(
            f"{name}: p50 {figures['p50_ms']:.3f} ms{split}, "
            f"p95 {figures['p95_ms']:.3f} ms{ratio}"
        )
    if differing is not None:
        print(
            f"compose answers differing from {args.compare}'s: {differing} "
            f"of {points} points"
        )
    if transactions is not None:
        print(
            f"transactions committed meanwhile: primary {transactions['primary']:,}"
            f", standby {transactions['replica']:,}"
        )
    print(
        f"goals: identify p50 ≤ 3× raw, p95 < 5 ms; compose p50 ≤ 4× raw "
        f"({points * args.rounds} points, {args.agencies} agencies)"
    )
    print(json.dumps(result))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=3000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument(
        "--agencies",
        choices=("bench", "all"),
        default="bench",
        help="where the clicks fall: the bench agency's territory (default) or "
        "every agency's in turn (the bench agency and the 28 others)",
    )
    parser.add_argument(
        "--interleaved",
        action="store_true",
        help="only (a) and (b) at one connection, point by point in one loop "
        "(raw statement, identify, compose), then the ratios; no wrk needed",
    )
    parser.add_argument(
        "--rounds", type=int, default=1, help="--interleaved: passes over the points"
    )
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="only the CPU time of compose and identify in this process, Python "
        "and the PostgreSQL backend's (a database on this machine); no server",
    )
    parser.add_argument(
        "--compare",
        type=Path,
        help="--interleaved: another checkout (e.g. the code before a change), "
        "served too; compose is asked of both at every point and their answers "
        "compared",
    )
    parser.add_argument(
        "--national",
        action="store_true",
        help=f"measure {NATIONAL_DATABASE} (generate.py --national)",
    )
    parser.add_argument(
        "--standby",
        action="store_true",
        help="--interleaved: measure again through a hot standby of the embedded "
        "cluster (DATABASE_REPLICA_URLS), the raw statement on it too; the "
        "database must be the embedded cluster's (no *_DATABASE_URL)",
    )
    parser.add_argument(
        "--buffers",
        action="store_true",
        help="only the pages one click's IDENTIFY touches (EXPLAIN BUFFERS)",
    )
    args = parser.parse_args(argv)
    print(f"load average before: {os.getloadavg()} on {os.cpu_count()} cores")
    if args.national:
        url = bench_url(NATIONAL_DATABASE, "NATIONAL_DATABASE_URL")
    else:
        url = bench_url()
    _django(url)
    if args.agencies == "all":
        points, codes = agency_points(url, args.points)
    else:
        points = random_points(args.points)
        codes = ["bench"] * len(points)
    if args.buffers:
        pages = identify_buffers(url, points)
        print(
            f"IDENTIFY touches {pages['p50']} shared buffers a click (p50), "
            f"{pages['p95']} (p95), {len(points)} clicks, {args.agencies} agencies"
        )
        return 0
    if args.cpu:
        for name, figures in bench_cpu(points).items():
            print(
                f"{name}: Python CPU {figures['python_min_ms']:.3f} ms "
                f"(median {figures['python_median_ms']:.3f}), PostgreSQL backend "
                f"CPU {figures['backend_min_ms']:.3f} ms "
                f"(median {figures['backend_median_ms']:.3f}) per request"
            )
        print(f"load average after: {os.getloadavg()}")
        return 0
    if args.interleaved:
        result = bench_interleaved(
            url, points, codes, rounds=args.rounds, compare=args.compare
        )
        interleaved_print("primary", result, args, len(points))
        if args.standby:
            import psycopg

            from benchmarks.standby import standby

            database = psycopg.conninfo.conninfo_to_dict(
                "postgresql" + url[url.index(":") :]
            )["dbname"]
            with standby(database) as replica:
                print(f"load average: {os.getloadavg()}")
                result = bench_interleaved(
                    url,
                    points,
                    codes,
                    rounds=args.rounds,
                    compare=args.compare,
                    replica=replica.url,
                )
            interleaved_print("standby", result, args, len(points))
        print(f"load average after: {os.getloadavg()}")
        return 0
    raw = bench_raw_sql(url, points)
    print(
        f"(a) raw SQL, 1 connection, prepared: p50 {raw['p50_ms']:.3f} ms, "
        f"p95 {raw['p95_ms']:.3f} ms, {raw['qps']:.0f} queries/s"
    )
    if not args.skip_http:
        http = bench_http(url, points, args.seconds)
        for name, figures in http.items():
            print(
                f"(b) {name} via granian (2 workers): p50 {figures['p50_ms']:.3f} ms, "
                f"p95 {figures['p95_ms']:.3f} ms (1 conn), "
                f"{figures['rps_1_conn']:.0f} req/s on 1 conn, "
                f"{figures['rps_4_conns']:.0f} req/s on 4 conns, "
                f"errors {figures['errors']}"
            )
        identify = http["identify"]
        print(
            f"    identify p50 / raw p50 = {identify['p50_ms'] / raw['p50_ms']:.2f}× "
            f"(goal ≤ 3×); 4-conn throughput / raw = "
            f"{identify['rps_4_conns'] / raw['qps'] * 100:.0f} % (goal ≥ 75 %)"
        )
    pdf = bench_pdf(points)
    for language, figures in pdf.items():
        print(
            f"(c) PDF {language}: p50 {figures['p50_ms']:.1f} ms, "
            f"p95 {figures['p95_ms']:.1f} ms (warm process)"
        )
    print(profile_identify(points))
    print(json.dumps({"raw": raw, "pdf": pdf}, default=str))
    print(f"load average after: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
