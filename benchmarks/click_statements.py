"""A click's three statements, now and at another revision, prepared as the
web server prepares them, point by point in one connection.

    .venv/bin/python benchmarks/generate.py       # once
    .venv/bin/python benchmarks/click_statements.py --against 8120fae
    .venv/bin/python benchmarks/click_statements.py --against 8120fae --national

``IDENTIFY``, ``COMPOSE_AT_POINT`` and ``PARCELS_AT_POINT`` of this checkout's
``notes/sql.py`` and of the one at ``--against`` (read with ``git show``) run
at the same random points spread over every agency of the benchmark database,
interleaved (the order reversed every other point), prepared from their first
execution: PostgreSQL then keeps a generic plan or plans each point again,
which the server's prepared connections live with. Prints p50 and p95 per
statement after the first 300 clicks, and how each statement was planned
(``pg_prepared_statements``). ``--national`` measures the national database
(``generate.py --national``, 10,000,000 parcels) instead. Nothing here
asserts on time.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [
    p for p in sys.path if Path(p or ".").resolve() != REPO_ROOT / "benchmarks"
]
sys.path.insert(0, str(REPO_ROOT))

from benchmarks.generate import NATIONAL_DATABASE, bench_url  # noqa: E402
from benchmarks.notes_identify import agency_points, percentile  # noqa: E402

STATEMENTS = ("IDENTIFY", "COMPOSE_AT_POINT", "PARCELS_AT_POINT")
WARM = 300


def statements_at(revision: str):
    """``notes/sql.py`` as it was at ``revision``, imported under another name."""
    text = subprocess.run(
        ["git", "show", f"{revision}:notes/sql.py"],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    folder = Path(tempfile.mkdtemp(prefix="click-statements-"))
    path = folder / "notes_sql_then.py"
    path.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("notes_sql_then", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["notes_sql_then"] = module
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--against", required=True, help="a git revision")
    parser.add_argument("--points", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--national",
        action="store_true",
        help=f"measure {NATIONAL_DATABASE} (generate.py --national)",
    )
    args = parser.parse_args()

    if args.national:
        url = bench_url(NATIONAL_DATABASE, "NATIONAL_DATABASE_URL")
    else:
        url = bench_url()
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geoportal.settings")
    import django

    django.setup()
    import psycopg

    from notes import sql as now

    then = statements_at(args.against)
    points, _codes = agency_points(url, args.points)
    libpq = url.replace("postgis://", "postgresql://", 1)
    at = datetime.datetime.now(datetime.UTC)
    runs = [
        (f"{name} {label}", getattr(module, name))
        for name in STATEMENTS
        for label, module in (("now", now), (args.against, then))
    ]
    timings: dict[str, list[float]] = {label: [] for label, _ in runs}
    # A connection each, so that each one's pg_prepared_statements tells how
    # its statement was planned.
    connections = {
        label: psycopg.connect(libpq, prepare_threshold=0) for label, _ in runs
    }
    try:
        for turn in range(args.rounds):
            for index, (lon, lat) in enumerate(points):
                params = {"lon": lon, "lat": lat, "day": at.date(), "at": at}
                order = runs if (index + turn) % 2 else runs[::-1]
                for label, statement in order:
                    cursor = connections[label].cursor()
                    started = time.perf_counter()
                    cursor.execute(statement, params)
                    cursor.fetchall()
                    timings[label].append((time.perf_counter() - started) * 1000)
        plans = {}
        for label, connection in connections.items():
            plans[label] = connection.execute(
                "SELECT sum(generic_plans), sum(custom_plans)"
                " FROM pg_prepared_statements"
            ).fetchone()
    finally:
        for connection in connections.values():
            connection.close()
    print(f"{len(points)} points × {args.rounds} rounds, all agencies, prepared")
    for label, values in timings.items():
        values = values[WARM:]
        generic, custom = plans[label]
        print(
            f"{label:28} p50 {percentile(values, 50):.3f} ms"
            f"  p95 {percentile(values, 95):.3f} ms"
            f"  (plans: {generic} generic, {custom} custom)"
        )


if __name__ == "__main__":
    main()
