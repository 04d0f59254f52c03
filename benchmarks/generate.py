"""Create the benchmark database: 1,000,000 parcels and 50,000 zone polygons.

    .venv/bin/python benchmarks/generate.py            # idempotent
    .venv/bin/python benchmarks/generate.py --force    # regenerate the data

The database is ``geoportail_bench`` in the embedded cluster, or the one named by
``BENCH_DATABASE_URL``. Its schema is the project's own (Django migrations); the
data is one agency (``bench``), one approved development plan, one zoning layer
with one published version of 50,000 Voronoi zones, a small overlay layer of
reserved sites, the zone rules of every code, and a 1000 × 1000 grid of jittered
parcels of about 25 m × 25 m with land-title references "TF <n>/07". Everything
is generated in SQL (generate_series, ST_VoronoiPolygons), so it takes minutes.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg

REPO_ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE = "geoportail_bench"
AGENCY_CODE = "bench"
GRID = 1000  # parcels per side: GRID² parcels
CELL_M = 25.0  # parcel pitch in metres (EPSG:26191)
ZONES = 50_000
RESERVED_SITES = 2_000
# South-west corner of the area, Lambert Nord Maroc (around Rabat-Salé).
ORIGIN_X, ORIGIN_Y = 360_000.0, 360_000.0
ZONE_CODES = [
    ("UA", "Zone d'immeubles", "منطقة العمارات", "collective_housing", 5, 3.0),
    (
        "UB",
        "Zone d'habitat continu",
        "منطقة السكن المسترسل",
        "individual_housing",
        3,
        2.0,
    ),
    (
        "UC",
        "Zone d'habitat économique",
        "منطقة السكن الاقتصادي",
        "economic_housing",
        2,
        1.8,
    ),
    ("VE", "Zone de villas", "منطقة الفيلات", "villa", 1, 0.4),
    ("ZI", "Zone industrielle", "المنطقة الصناعية", "industrial", 2, 1.5),
    ("EQ", "Équipements publics", "التجهيزات العمومية", "equipment", 3, 1.5),
    ("ZV", "Espace vert", "منطقة خضراء", "green_space", 0, 0.05),
    ("NA", "Zone agricole", "منطقة فلاحية", "agricultural", 1, 0.02),
]


def bench_url() -> str:
    """The benchmark database URL: BENCH_DATABASE_URL or the embedded cluster."""
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        return url
    sys.path.insert(0, str(REPO_ROOT))
    from geoportal.embedded_db import EmbeddedCluster

    cluster = EmbeddedCluster(REPO_ROOT)
    info = cluster.info()
    if info is None or not cluster.is_running():
        info, _started = cluster.ensure()
    return (
        f"postgis://{info.user}@/{BENCH_DATABASE}"
        f"?host={info.socket_dir}&port={info.port}"
    )


def _libpq(url: str) -> str:
    return "postgresql" + url[url.index(":") :]


def ensure_database(url: str) -> None:
    """Create the database (and PostGIS) when missing, then run the migrations."""
    target = _libpq(url)
    name = psycopg.conninfo.conninfo_to_dict(target)["dbname"]
    admin = psycopg.conninfo.make_conninfo(target, dbname="postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            print(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(target, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    env = {**os.environ, "DATABASE_URL": url, "DATABASE_PREPARED": "false"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=REPO_ROOT,
        env=env,
        check=True,
    )


def is_complete(conn: psycopg.Connection, *, grid: int, zones: int) -> bool:
    row = conn.execute(
        """
        SELECT
          (SELECT count(*) FROM parcels_parcel p JOIN layers_agency a
             ON a.id = p.agency_id WHERE a.code = %(code)s),
          (SELECT coalesce(max(v.feature_count), 0) FROM layers_layerversion v
             JOIN layers_layer l ON l.id = v.layer_id
             JOIN layers_planningdocument d ON d.id = l.document_id
             JOIN layers_agency a ON a.id = d.agency_id
             WHERE a.code = %(code)s AND l.kind = 'zoning'
               AND v.status = 'published')
        """,
        {"code": AGENCY_CODE},
    ).fetchone()
    return row == (grid * grid, zones)


def clear(conn: psycopg.Connection, code: str = AGENCY_CODE) -> None:
    """Delete a generated agency and everything that hangs from it.

    Benchmark data is throw-away: the history triggers (layers/0005) let this
    transaction delete published versions and, in ``generate``, load features
    into the published versions it writes directly.
    """
    conn.execute("SET LOCAL geoportail.history_purge = 'on'")
    agency = conn.execute(
        "SELECT id FROM layers_agency WHERE code = %s", [code]
    ).fetchone()
    if agency is None:
        return
    (agency_id,) = agency
    params = {"a": agency_id, "planner": f"planner-{code}"}
    documents = "SELECT id FROM layers_planningdocument WHERE agency_id = %(a)s"
    layers = f"SELECT id FROM layers_layer WHERE document_id IN ({documents})"
    versions = f"SELECT id FROM layers_layerversion WHERE layer_id IN ({layers})"
    if _table_exists(conn, "notes_note"):
        notes = "SELECT id FROM notes_note WHERE agency_id = %(a)s"
        conn.execute(
            f"DELETE FROM notes_note_layer_versions WHERE note_id IN ({notes})",
            params,
        )
        conn.execute("DELETE FROM notes_note WHERE agency_id = %(a)s", params)
        conn.execute("DELETE FROM notes_notesequence WHERE agency_id = %(a)s", params)
    for sql in (
        f"DELETE FROM layers_importjob WHERE layer_id IN ({layers})",
        f"DELETE FROM layers_feature WHERE version_id IN ({versions})",
        f"UPDATE layers_layerversion SET restored_from_id = NULL"
        f" WHERE layer_id IN ({layers}) AND restored_from_id IS NOT NULL",
        f"DELETE FROM layers_layerversion WHERE layer_id IN ({layers})",
        f"DELETE FROM layers_layer WHERE document_id IN ({documents})",
        f"DELETE FROM layers_zonerule WHERE document_id IN ({documents})",
        f"DELETE FROM layers_regulationfile WHERE document_id IN ({documents})",
        "DELETE FROM layers_planningdocument WHERE agency_id = %(a)s",
        "DELETE FROM parcels_parcel WHERE agency_id = %(a)s",
        "DELETE FROM accounts_user WHERE username = %(planner)s",
        "DELETE FROM layers_agency WHERE id = %(a)s",
    ):
        conn.execute(sql, params)


def planner_create(conn: psycopg.Connection, *, agency_id: int, code: str) -> int:
    """The agency's planner who uploaded and published its versions; its id.

    No password (Django's unusable-password marker), as for an account made
    before its owner first signs in.
    """
    (user_id,) = conn.execute(
        """
        INSERT INTO accounts_user (password, is_superuser, username, first_name,
            last_name, email, is_staff, is_active, date_joined, role, agency_id)
        VALUES ('!' || md5(%(username)s), false, %(username)s, 'Urbaniste',
                %(code)s, %(username)s || '@agences.example', false, true,
                TIMESTAMPTZ '2015-01-05 09:00:00+01', 'planner', %(agency)s)
        RETURNING id
        """,
        {"username": f"planner-{code}", "code": code, "agency": agency_id},
    ).fetchone()
    return user_id


def _table_exists(conn: psycopg.Connection, name: str) -> bool:
    return conn.execute("SELECT to_regclass(%s) IS NOT NULL", [name]).fetchone()[0]


def generate(conn: psycopg.Connection, *, grid: int, zones: int) -> None:
    """Insert the agency, document, layers, zones and parcels (one transaction)."""
    size = grid * CELL_M
    p = {
        "code": AGENCY_CODE,
        "x0": ORIGIN_X,
        "y0": ORIGIN_Y,
        "x1": ORIGIN_X + size,
        "y1": ORIGIN_Y + size,
        "grid": grid,
        "cell": CELL_M,
        "zones": zones,
        "sites": RESERVED_SITES,
        "ncodes": len(ZONE_CODES),
        "codes": [c[0] for c in ZONE_CODES],
        "labels_fr": [c[1] for c in ZONE_CODES],
        "labels_ar": [c[2] for c in ZONE_CODES],
    }
    step = _stepper()
    conn.execute("SELECT setseed(0.42)")
    (agency_id,) = conn.execute(
        """
        INSERT INTO layers_agency (code, name_fr, name_ar, name_en, srid,
                                   note_prefix, territory)
        VALUES (%(code)s, 'Agence urbaine de banc d''essai',
                'الوكالة الحضرية للاختبار', 'Benchmark urban agency', 26191, 'BENCH',
                ST_Multi(ST_Transform(ST_MakeEnvelope(%(x0)s, %(y0)s, %(x1)s,
                                                      %(y1)s, 26191), 4326)))
        RETURNING id
        """,
        p,
    ).fetchone()
    p["agency"] = agency_id
    planner = planner_create(conn, agency_id=agency_id, code=AGENCY_CODE)
    (document_id,) = conn.execute(
        """
        INSERT INTO layers_planningdocument (agency_id, kind, reference, title_fr,
            title_ar, status, approval_act, approval_date, bulletin_reference,
            effective_date, expiry_date, perimeter, created_at, updated_at)
        SELECT %(agency)s, 'pa', 'PA-BENCH', 'Plan d''aménagement de banc d''essai',
               'تصميم التهيئة للاختبار', 'approved', 'Décret n° 2.20.100',
               DATE '2020-03-01', 'BO n° 6880', DATE '2020-04-01',
               DATE '2030-04-01', territory, now(), now()
        FROM layers_agency WHERE id = %(agency)s
        RETURNING id
        """,
        p,
    ).fetchone()
    p["document"] = document_id
    conn.execute(
        """
        INSERT INTO layers_zonerule (document_id, code, label_fr, label_ar, category,
            allowed_uses, forbidden_uses, floors_above_ground, cos, ces,
            min_plot_area_m2, setback_road_m, parking_fr, parking_ar, articles,
            excerpt_fr, excerpt_ar)
        SELECT %(document)s, c.code, c.label_fr, c.label_ar, c.category,
               ARRAY['housing', 'retail'], ARRAY['polluting'], c.floors, c.cos,
               60, 120, 4, '', '', 'Art. 10 à 18', '', ''
        FROM unnest(%(codes)s::text[], %(labels_fr)s::text[], %(labels_ar)s::text[],
                    %(categories)s::text[], %(floors)s::int[], %(cos)s::numeric[])
             AS c(code, label_fr, label_ar, category, floors, cos)
        """,
        {
            **p,
            "categories": [c[3] for c in ZONE_CODES],
            "floors": [c[4] for c in ZONE_CODES],
            "cos": [c[5] for c in ZONE_CODES],
        },
    )
    layer_ids = {}
    for name, kind, overlay, gtype, title_fr, title_ar, position in (
        ("zonage", "zoning", "", "polygon", "Zonage", "التنطيق", 0),
        (
            "equipements",
            "overlay",
            "reserved_site",
            "polygon",
            "Équipements projetés",
            "التجهيزات المبرمجة",
            1,
        ),
    ):
        (layer_ids[name],) = conn.execute(
            """
            INSERT INTO layers_layer (document_id, name, title_fr, title_ar, kind,
                                      overlay_type, geometry_type, position)
            VALUES (%s, %s, %s, %s, %s, %s, %s, %s) RETURNING id
            """,
            [document_id, name, title_fr, title_ar, kind, overlay, gtype, position],
        ).fetchone()
    versions = {}
    for name, layer_id in layer_ids.items():
        (versions[name],) = conn.execute(
            """
            INSERT INTO layers_layerversion (layer_id, number, status, valid_from,
                comment, source_name, source_sha256, feature_count, report,
                errors_accepted, created_at, created_by_id, published_by_id)
            VALUES (%s, 1, 'published', TIMESTAMPTZ '2020-04-01 00:00:00+00',
                    'benchmark data', 'benchmarks/generate.py', '', 0, '{}', '{}',
                    now(), %s, %s)
            RETURNING id
            """,
            [layer_id, planner, planner],
        ).fetchone()
    p["zoning_version"] = versions["zonage"]
    p["sites_version"] = versions["equipements"]
    step("agency, document, rules, layers")

    # Zones: Voronoi cells of random seeds, clipped to the area: a partition.
    conn.execute(
        """
        INSERT INTO layers_feature (version_id, source_id, code, label_fr, label_ar,
                                    category, attributes, geom)
        WITH area AS (
          SELECT ST_MakeEnvelope(%(x0)s, %(y0)s, %(x1)s, %(y1)s, 26191) AS g
        ), seeds AS (
          SELECT ST_SetSRID(ST_Collect(ST_MakePoint(
                   %(x0)s + random() * (%(x1)s - %(x0)s),
                   %(y0)s + random() * (%(y1)s - %(y0)s))), 26191) AS g
          FROM generate_series(1, %(zones)s)
        ), cells AS (
          SELECT (ST_Dump(ST_VoronoiPolygons(seeds.g, 0, area.g))).geom AS g
          FROM seeds, area
        ), numbered AS (
          SELECT row_number() OVER () AS n,
                 ST_Intersection(cells.g, area.g) AS g
          FROM cells, area
        )
        SELECT %(zoning_version)s, 'Z' || n,
               (%(codes)s::text[])[1 + (n %% %(ncodes)s)],
               (%(labels_fr)s::text[])[1 + (n %% %(ncodes)s)],
               (%(labels_ar)s::text[])[1 + (n %% %(ncodes)s)],
               '', '{}'::jsonb, ST_Transform(g, 4326)
        FROM numbered WHERE NOT ST_IsEmpty(g)
        """,
        p,
    )
    step("zones")
    conn.execute(
        """
        INSERT INTO layers_feature (version_id, source_id, code, label_fr, label_ar,
                                    category, attributes, geom)
        SELECT %(sites_version)s, 'E' || n, 'EQ' || n, 'Équipement projeté ' || n,
               'تجهيز مبرمج ' || n, 'reserved_site', '{}'::jsonb,
               ST_Transform(ST_Buffer(ST_SetSRID(ST_MakePoint(
                   %(x0)s + random() * (%(x1)s - %(x0)s - 200) + 100,
                   %(y0)s + random() * (%(y1)s - %(y0)s - 200) + 100), 26191),
                   20 + random() * 40, 8), 4326)
        FROM generate_series(1, %(sites)s) AS n
        """,
        p,
    )
    conn.execute(
        """
        UPDATE layers_layerversion v SET feature_count =
          (SELECT count(*) FROM layers_feature f WHERE f.version_id = v.id)
        WHERE v.id IN (%(zoning_version)s, %(sites_version)s)
        """,
        p,
    )
    step("reserved sites")

    # Parcels: a grid whose inner corners are jittered, so neighbours share
    # edges (a partition with no gaps) and no parcel is a perfect square.
    conn.execute(
        """
        CREATE TEMP TABLE bench_corner ON COMMIT DROP AS
        SELECT i, j,
               %(x0)s + i * %(cell)s
                 + CASE WHEN i IN (0, %(grid)s) THEN 0
                        ELSE (random() - 0.5) * %(cell)s * 0.3 END AS x,
               %(y0)s + j * %(cell)s
                 + CASE WHEN j IN (0, %(grid)s) THEN 0
                        ELSE (random() - 0.5) * %(cell)s * 0.3 END AS y
        FROM generate_series(0, %(grid)s) i, generate_series(0, %(grid)s) j
        """,
        p,
    )
    conn.execute("CREATE INDEX ON bench_corner (i, j)")
    conn.execute("ANALYZE bench_corner")
    step("parcel corners")
    conn.execute(
        """
        INSERT INTO parcels_parcel (agency_id, kind, reference, reference_key,
                                    official_area_m2, address, geom, created_at)
        SELECT %(agency)s, 'TF', 'TF ' || n || '/07', 'TF' || n || '/7',
               round(ST_Area(g)::numeric, 2), '', ST_Multi(ST_Transform(g, 4326)),
               now()
        FROM (
          SELECT a.i * %(grid)s + a.j + 1 AS n,
                 ST_SetSRID(ST_MakePolygon(ST_MakeLine(ARRAY[
                   ST_MakePoint(a.x, a.y), ST_MakePoint(b.x, b.y),
                   ST_MakePoint(c.x, c.y), ST_MakePoint(d.x, d.y),
                   ST_MakePoint(a.x, a.y)])), 26191) AS g
          FROM bench_corner a
          JOIN bench_corner b ON b.i = a.i + 1 AND b.j = a.j
          JOIN bench_corner c ON c.i = a.i + 1 AND c.j = a.j + 1
          JOIN bench_corner d ON d.i = a.i AND d.j = a.j + 1
        ) cells
        """,
        p,
    )
    step("parcels")


def _stepper():
    start = time.monotonic()

    def step(what: str) -> None:
        print(f"  {what}: {time.monotonic() - start:.1f} s", flush=True)

    return step


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="regenerate the data")
    parser.add_argument("--grid", type=int, default=GRID, help="parcels per side")
    parser.add_argument("--zones", type=int, default=ZONES, help="zone polygons")
    args = parser.parse_args(argv)
    url = bench_url()
    ensure_database(url)
    with psycopg.connect(_libpq(url)) as conn:
        complete = is_complete(conn, grid=args.grid, zones=args.zones)
        if complete and not args.force:
            print("benchmark data already present")
            return 0
        print("generating benchmark data")
        clear(conn)
        generate(conn, grid=args.grid, zones=args.zones)
        conn.commit()
    with psycopg.connect(_libpq(url), autocommit=True) as conn:
        for table in ("parcels_parcel", "layers_feature"):
            conn.execute(f"VACUUM ANALYZE {table}")
    print(f"ready: {url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
