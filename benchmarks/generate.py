"""Create the benchmark database: 1,000,000 parcels and 50,000 zones, among others.

    .venv/bin/python benchmarks/generate.py            # idempotent
    .venv/bin/python benchmarks/generate.py --force    # regenerate the data
    .venv/bin/python benchmarks/generate.py --national # 10 M parcels, resumable

The database is ``geoportail_bench`` in the embedded cluster, or the one named by
``BENCH_DATABASE_URL``. Its schema is the project's own (Django migrations). The
data is, first, the bench agency (``bench``) that the other benchmarks measure:
one approved development plan, one zoning layer with one published version of
50,000 Voronoi zones (and a draft modification), a small overlay layer of
reserved sites (two versions), the zone rules of every code, the expired plan it
replaced, and a 1000 × 1000 grid of jittered parcels of about 25 m × 25 m with
land-title references "TF <n>/07". Beside it, the other 28 of Morocco's 29 urban
agencies (territories around their cities that do not overlap, in the four
Moroccan Lambert CRSs) with the history a real agency's data has: two to four
documents — an approved plan whose zoning has superseded versions, a current one
and drafts, overlays with two versions each, and some of an expired plan, a
revision in public inquiry, an annulled zoning plan — zone rules, and
10,000–48,400 parcels each, so that the bench agency's version sits beside 400
others in the same tables. Every layer has two to five versions. Everything is
generated in SQL (generate_series, ST_VoronoiPolygons): under two minutes.
``--national`` builds ``geoportail_national`` (or NATIONAL_DATABASE_URL's) the
same way at the size of a national cadastre (``generate_national``).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
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


def bench_url(
    database: str = BENCH_DATABASE, variable: str = "BENCH_DATABASE_URL"
) -> str:
    """The URL of the benchmark database ``database``: the environment's
    ``variable``, or that database in the embedded cluster."""
    url = os.environ.get(variable)
    if url:
        return url
    sys.path.insert(0, str(REPO_ROOT))
    from geoportal.embedded_db import EmbeddedCluster

    cluster = EmbeddedCluster(REPO_ROOT)
    info = cluster.info()
    if info is None or not cluster.is_running():
        info, _started = cluster.ensure()
    return f"postgis://{info.user}@/{database}?host={info.socket_dir}&port={info.port}"


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
               AND v.status = 'published'),
          (SELECT count(*) FROM layers_layerversion v
             JOIN layers_layer l ON l.id = v.layer_id
             JOIN layers_planningdocument d ON d.id = l.document_id
             JOIN layers_agency a ON a.id = d.agency_id
             WHERE a.code = %(code)s AND v.feature_count > 0)
        """,
        {"code": AGENCY_CODE},
    ).fetchone()
    # Two versions of each layer: PA-BENCH's zoning and reserved sites, and
    # PA-BENCH-2010's zoning.
    return row == (grid * grid, zones, 6)


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
        # After the parcels: their triggers count a revision per agency.
        "DELETE FROM parcels_parcelsrevision WHERE agency_id = %(a)s",
        "DELETE FROM accounts_user WHERE username = %(planner)s",
        # The deferred checks of what was deleted run now: an agency's parcels
        # partitioned by agency, its partition is dropped with it, which
        # PostgreSQL refuses while trigger events on it are pending.
        "SET CONSTRAINTS ALL IMMEDIATE",
        "SET CONSTRAINTS ALL DEFERRED",
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
            citations, excerpt_fr, excerpt_ar)
        SELECT %(document)s, c.code, c.label_fr, c.label_ar, c.category,
               ARRAY['housing', 'retail'], ARRAY['polluting'], c.floors, c.cos,
               60, 120, 4, '', '', 'Art. 10 à 18', '{}', '', ''
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
                                      overlay_type, geometry_type, position,
                                      import_mapping, reference_type)
            VALUES (%s, %s, %s, %s, %s, %s, %s, %s, '{}', '') RETURNING id
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
    corners_create(conn, "bench_corner", p)
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
    # The plan PA-BENCH replaced: expired the day it took effect, its zoning
    # modified once, so the bench agency's clicks meet history too. Its layer
    # has its own name: the other benchmarks find the one "zonage" of the agency.
    bench = OtherAgency(
        AGENCY_CODE, "Rabat-Salé", "", 26191, "BENCH", -6.778, 33.944, grid, 7
    )
    box = Box(26191, p["x0"], p["y0"], p["x1"], p["y1"])
    ctx = AgencyContext(bench, agency_id, planner, box)
    expired = document_create(
        conn,
        ctx,
        reference="PA-BENCH-2010",
        title="Plan d'aménagement de banc d'essai (2010)",
        status="expired",
        effective=datetime.date(2010, 4, 1),
        expiry=datetime.date(2020, 4, 1),
        variant=0,
    )
    zoning_expired_create(
        conn,
        ctx,
        expired,
        datetime.date(2010, 4, 1),
        zones * 2 // 5,  # the plan replaced was coarser: 20,000 zones
        "zonage-2010",
    )
    step("expired plan")
    # Every layer has a history: a draft modification of the zoning (which the
    # other benchmarks' "version in force" never picks), and reserved sites
    # built since taken out of the overlay.
    draft = version_draft(
        conn,
        ctx,
        layer_ids["zonage"],
        2,
        _midnight(datetime.date(2026, 3, 2)),
        "Projet de modification n° 1",
    )
    zoning_revise(conn, versions["zonage"], draft, share=0.05)
    version_seal(conn, ctx, draft)
    changed = _midnight(datetime.date(2023, 1, 2))
    sites = version_draft(
        conn, ctx, layer_ids["equipements"], 2, changed, "Sites réalisés retirés"
    )
    conn.execute(
        """
        INSERT INTO layers_feature (version_id, source_id, code, label_fr, label_ar,
                                    category, attributes, geom)
        SELECT %(version)s, source_id, code, label_fr, label_ar, category,
               attributes, geom
        FROM layers_feature WHERE version_id = %(first)s AND random() > 0.1
        ORDER BY id
        """,
        {"version": sites, "first": versions["equipements"]},
    )
    version_publish(conn, ctx, sites, layer_ids["equipements"], changed)
    step("drafts and modifications")


# Other agencies ----------------------------------------------------------------
#
# The bench agency's version must not be the only one in the tables: a plan that
# is fast beside nothing can be slow beside the history of a dozen agencies. Each
# of these has the life a real agency's data has in the portal: an expired plan
# whose zoning stays published, an approved plan whose zoning went through
# modifications (superseded versions with their validity intervals), a current
# version and drafts, overlays with versions, and a revision in public inquiry
# (the approved plan then "under revision") or an annulled zoning plan.


@dataclasses.dataclass(frozen=True)
class OtherAgency:
    code: str
    city: str
    name_ar: str
    srid: int  # the Moroccan Lambert zone of its territory
    prefix: str  # of its notes' references
    lon: float  # centre of its territory
    lat: float
    grid: int  # parcels per side: grid² parcels of CELL_M
    registry: int  # land registry suffix of its titles: "TF 123/<registry>"

    @property
    def of_city(self) -> str:
        """The city with its preposition: de Fès, d'Agadir."""
        return f"d'{self.city}" if self.city[0] in "AEIOUÉ" else f"de {self.city}"

    @property
    def name_fr(self) -> str:
        return f"Agence urbaine {self.of_city}"


# fmt: off
OTHER_AGENCIES = tuple(OtherAgency(*row) for row in (
    ("casablanca", "Casablanca", "الوكالة الحضرية للدار البيضاء", 26191, "AUC",
     -7.59, 33.57, 220, 1),
    ("tanger", "Tanger", "الوكالة الحضرية لطنجة", 26191, "AUT",
     -5.81, 35.76, 200, 6),
    ("fes", "Fès", "الوكالة الحضرية لفاس", 26191, "AUF",
     -4.99, 34.03, 190, 8),
    ("oujda", "Oujda", "الوكالة الحضرية لوجدة", 26191, "AUO",
     -1.91, 34.68, 160, 2),
    ("kenitra", "Kénitra", "الوكالة الحضرية للقنيطرة", 26191, "AUK",
     -6.58, 34.26, 170, 10),
    ("marrakech", "Marrakech", "الوكالة الحضرية لمراكش", 26191, "AUM",
     -8.01, 31.63, 210, 4),
    ("agadir", "Agadir", "الوكالة الحضرية لأكادير", 26192, "AUA",
     -9.58, 30.42, 200, 9),
    ("taroudant", "Taroudant", "الوكالة الحضرية لتارودانت", 26192, "AUTD",
     -8.88, 30.47, 150, 18),
    ("ouarzazate", "Ouarzazate", "الوكالة الحضرية لورزازات", 26192, "AUOZ",
     -6.91, 30.92, 150, 31),
    ("guelmim", "Guelmim", "الوكالة الحضرية لكلميم", 26192, "AUG",
     -10.06, 28.99, 150, 44),
    ("laayoune", "Laâyoune", "الوكالة الحضرية للعيون", 26194, "AUL",
     -13.20, 27.15, 180, 55),
    ("dakhla", "Dakhla", "الوكالة الحضرية للداخلة", 26195, "AUD",
     -15.94, 23.70, 150, 61),
    ("meknes", "Meknès", "الوكالة الحضرية لمكناس", 26191, "AUMK",
     -5.55, 33.89, 200, 12),
    ("tetouan", "Tétouan", "الوكالة الحضرية لتطوان", 26191, "AUTT",
     -5.37, 35.57, 180, 14),
    ("alhoceima", "Al Hoceima", "الوكالة الحضرية للحسيمة", 26191, "AUAH",
     -3.93, 35.25, 110, 16),
    ("nador", "Nador", "الوكالة الحضرية للناظور", 26191, "AUN",
     -2.93, 35.17, 160, 20),
    ("taza", "Taza", "الوكالة الحضرية لتازة", 26191, "AUTZ",
     -4.01, 34.21, 120, 22),
    ("larache", "Larache", "الوكالة الحضرية للعرائش", 26191, "AULR",
     -6.15, 35.19, 130, 24),
    ("khemisset", "Khémisset", "الوكالة الحضرية للخميسات", 26191, "AUKH",
     -6.07, 33.82, 110, 26),
    ("settat", "Settat", "الوكالة الحضرية لسطات", 26191, "AUS",
     -7.62, 33.00, 150, 28),
    ("berrechid", "Berrechid", "الوكالة الحضرية لبرشيد", 26191, "AUB",
     -7.58, 33.27, 140, 33),
    ("eljadida", "El Jadida", "الوكالة الحضرية للجديدة", 26191, "AUEJ",
     -8.50, 33.25, 170, 35),
    ("safi", "Safi", "الوكالة الحضرية لآسفي", 26191, "AUSF",
     -9.24, 32.30, 160, 37),
    ("essaouira", "Essaouira", "الوكالة الحضرية للصويرة", 26191, "AUES",
     -9.77, 31.51, 120, 39),
    ("benimellal", "Béni Mellal", "الوكالة الحضرية لبني ملال", 26191, "AUBM",
     -6.36, 32.34, 170, 41),
    ("khouribga", "Khouribga", "الوكالة الحضرية لخريبكة", 26191, "AUKB",
     -6.91, 32.88, 140, 47),
    ("errachidia", "Errachidia", "الوكالة الحضرية للرشيدية", 26191, "AUER",
     -4.42, 31.93, 100, 50),
    ("smara", "Smara", "الوكالة الحضرية للسمارة", 26194, "AUSM",
     -11.67, 26.74, 100, 58),
))
# fmt: on
ZONES_PER_PARCELS = 10  # an approved zoning has one zone per ten parcels
REQUISITION_SHARE = 0.15  # parcels still under requisition ("R 123/07")
OVERLAYS = (
    # name, overlay type, geometry type, title fr, title ar, position
    ("equipements", "reserved_site", "polygon", "Équipements projetés",
     "التجهيزات المبرمجة", 1),
    ("servitudes", "easement", "polygon", "Servitudes", "الارتفاقات", 2),
    ("alignements", "road_alignment", "line", "Plan d'alignement",
     "تصميم التصفيف", 3),
)  # fmt: skip


def other_agencies(count: int) -> tuple[OtherAgency, ...]:
    """The first ``count`` of the other agencies."""
    return OTHER_AGENCIES[:count]


def documents_of(index: int) -> tuple[bool, bool, bool]:
    """Which of its optional documents agency ``index`` has, beside its approved
    plan: (an expired plan, a revision in public inquiry, an annulled zoning
    plan) — two to four documents, in six combinations over the agencies."""
    return index % 3 != 2, index % 2 == 0, index % 2 == 1 or index % 4 == 0


def expected_versions(index: int) -> int:
    """How many layer versions ``generate_agency`` makes for agency ``index``."""
    expired, revision, annulled = documents_of(index)
    # The approved plan: zoning v1–v3 and one or two drafts; overlays two each.
    versions = 3 + (2 if index % 3 == 0 else 1) + 3 * 2
    return versions + 2 * expired + 2 * revision + 2 * annulled


def agencies_complete(conn: psycopg.Connection, agencies) -> bool:
    """Whether every one of ``agencies`` is there with its parcels and versions,
    and none of the other agencies beyond them."""
    expected = {
        (agency.code, agency.grid**2, expected_versions(index))
        for index, agency in enumerate(agencies)
    }
    return _agencies_present(conn, OTHER_AGENCIES) == expected


def agency_complete(conn: psycopg.Connection, agency: OtherAgency, index: int):
    """Whether ``agency`` (the ``index``-th) is there with its parcels and
    versions: a national build interrupted resumes after it."""
    expected = {(agency.code, agency.grid**2, expected_versions(index))}
    return _agencies_present(conn, [agency]) == expected


def _agencies_present(conn: psycopg.Connection, agencies) -> set[tuple]:
    """(code, parcels, versions with features) of those of ``agencies`` there."""
    rows = conn.execute(
        """
        SELECT a.code,
          (SELECT count(*) FROM parcels_parcel p WHERE p.agency_id = a.id),
          (SELECT count(*) FROM layers_layerversion v
             JOIN layers_layer l ON l.id = v.layer_id
             JOIN layers_planningdocument d ON d.id = l.document_id
             WHERE d.agency_id = a.id AND v.feature_count > 0)
        FROM layers_agency a WHERE a.code = ANY(%s)
        """,
        [[agency.code for agency in agencies]],
    ).fetchall()
    return set(rows)


def generate_agencies(conn: psycopg.Connection, agencies) -> None:
    """Insert the other agencies (the caller commits), each as the portal would.

    Versions are written as the portal writes them: a draft with its features
    and report, then published (the version it replaces superseded with the
    same instant), so the history triggers check every step: no purge here.
    """
    conn.execute("SELECT set_config('geoportail.history_purge', '', true)")
    step = _stepper()
    for index, agency in enumerate(agencies):
        generate_agency(conn, agency, index)
        step(f"agency {agency.code} ({agency.grid**2:,} parcels)")


def _midnight(day: datetime.date) -> datetime.datetime:
    """Midnight, Moroccan time: when the portal publishes a plan taking effect."""
    return datetime.datetime.combine(day, datetime.time(), MOROCCO)


def _months_after(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    return day.replace(year=day.year + month // 12, month=month % 12 + 1, day=1)


def generate_agency(conn: psycopg.Connection, agency: OtherAgency, index: int):
    """One agency with its territory, plans, versions, rules and parcels."""
    conn.execute("SELECT setseed(%s)", [0.1 + index / 100])
    size = agency.grid * CELL_M
    (cx, cy) = conn.execute(
        "SELECT round(ST_X(c)::numeric, -2)::float, round(ST_Y(c)::numeric, -2)::float"
        " FROM ST_Transform(ST_SetSRID(ST_MakePoint(%s, %s), 4326), %s) AS c",
        [agency.lon, agency.lat, agency.srid],
    ).fetchone()
    box = Box(agency.srid, cx - size / 2, cy - size / 2, cx + size / 2, cy + size / 2)
    (agency_id,) = conn.execute(
        """
        INSERT INTO layers_agency (code, name_fr, name_ar, name_en, srid,
                                   note_prefix, territory)
        VALUES (%s, %s, %s, %s, %s, %s, ST_Multi(ST_Transform(
                ST_MakeEnvelope(%s, %s, %s, %s, %s), 4326)))
        RETURNING id
        """,
        [
            agency.code,
            agency.name_fr,
            agency.name_ar,
            f"{agency.city} urban agency",
            agency.srid,
            agency.prefix,
            *box.envelope,
        ],
    ).fetchone()
    planner = planner_create(conn, agency_id=agency_id, code=agency.code)
    agency_ctx = AgencyContext(agency, agency_id, planner, box)
    zones = agency.grid**2 // ZONES_PER_PARCELS
    upper = agency.code.upper()
    of_city = agency.of_city

    # The approved plan: effective 2018–2021, for ten years (in force today).
    effective = datetime.date(2018 + index % 4, 1 + (index * 5) % 12, 1 + index)
    modified = [_months_after(effective, 14), _months_after(effective, 30)]
    expired_until = _months_after(effective, -6)
    expired_from = expired_until.replace(year=expired_until.year - 10)

    expired, revision, annulled = documents_of(index)

    # 1. The expired plan: its zoning, modified once, is still published (the
    # document expired).
    if expired:
        old = document_create(
            conn,
            agency_ctx,
            reference=f"PA-{upper}-{expired_from.year}",
            title=f"Plan d'aménagement {of_city} ({expired_from.year})",
            status="expired",
            effective=expired_from,
            expiry=expired_until,
            variant=0,
        )
        zoning_expired_create(conn, agency_ctx, old, expired_from, zones * 6 // 10)

    # 2. The approved plan and its history.
    title = f"Plan d'aménagement {of_city}"
    plan = document_create(
        conn,
        agency_ctx,
        reference=f"PA-{upper}-{effective.year}",
        title=f"{title} ({effective.year})",
        status="under_revision" if index % 2 == 0 else "approved",
        effective=effective,
        expiry=effective.replace(year=effective.year + 10),
        variant=1,
    )
    layer = layer_create(conn, plan, "zonage")
    v1 = version_draft(conn, agency_ctx, layer, 1, _midnight(effective))
    zoning_voronoi(conn, v1, box, zones)
    version_publish(conn, agency_ctx, v1, layer, _midnight(effective))
    v2 = version_draft(
        conn, agency_ctx, layer, 2, _midnight(modified[0]), "Modification n° 1"
    )
    zoning_revise(conn, v1, v2, share=0.08)
    version_publish(conn, agency_ctx, v2, layer, _midnight(modified[0]))
    v3 = version_draft(
        conn, agency_ctx, layer, 3, _midnight(modified[1]), "Modification n° 2"
    )
    zoning_voronoi(conn, v3, box, zones * 12 // 10)
    version_publish(conn, agency_ctx, v3, layer, _midnight(modified[1]))
    drafts = 2 if index % 3 == 0 else 1
    previous = v3
    for number in range(4, 4 + drafts):
        created = _midnight(datetime.date(2026, 2 + 4 * (number - 4), 10))
        draft = version_draft(
            conn,
            agency_ctx,
            layer,
            number,
            created,
            f"Projet de modification n° {number - 1}",
        )
        zoning_revise(conn, previous, draft, share=0.05)
        version_seal(conn, agency_ctx, draft)
        previous = draft
    overlays_create(conn, agency_ctx, plan, effective)

    # 3. A revision in public inquiry, and/or a zoning plan the court annulled.
    if revision:
        revision = document_create(
            conn,
            agency_ctx,
            reference=f"PA-{upper}-2026",
            title=f"{title} (révision, 2026)",
            status="public_inquiry",
            effective=None,
            expiry=None,
            variant=2,
        )
        layer = layer_create(conn, revision, "zonage")
        first = version_draft(
            conn, agency_ctx, layer, 1, _midnight(datetime.date(2026, 5, 4))
        )
        zoning_voronoi(conn, first, box, zones * 13 // 10)
        version_seal(conn, agency_ctx, first)
        second = version_draft(
            conn,
            agency_ctx,
            layer,
            2,
            _midnight(datetime.date(2026, 9, 21)),
            "Après enquête publique",
        )
        zoning_revise(conn, first, second, share=0.04)
        version_seal(conn, agency_ctx, second)
    if annulled:
        approved = _months_after(effective, 20)
        inner = box.inner(0.5)
        zoning_plan = document_create(
            conn,
            agency_ctx,
            reference=f"PZ-{upper}-{approved.year}",
            title=f"Plan de zonage du centre {of_city}",
            status="annulled",
            effective=approved,
            expiry=None,
            variant=3,
            perimeter=inner,
        )
        layer = layer_create(conn, zoning_plan, "zonage")
        version = version_draft(conn, agency_ctx, layer, 1, _midnight(approved))
        zoning_voronoi(conn, version, inner, zones * 3 // 10)
        version_publish(conn, agency_ctx, version, layer, _midnight(approved))
        corrected = _midnight(_months_after(approved, 5))
        erratum = version_draft(
            conn, agency_ctx, layer, 2, corrected, "Rectification d'erreur matérielle"
        )
        zoning_revise(conn, version, erratum, share=0.02)
        version_publish(conn, agency_ctx, erratum, layer, corrected)

    parcels_create(conn, agency_ctx)


MOROCCO = datetime.timezone(datetime.timedelta(hours=1))


@dataclasses.dataclass(frozen=True)
class Box:
    """A rectangle in an agency's native CRS."""

    srid: int
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def envelope(self) -> list:
        """ST_MakeEnvelope's arguments."""
        return [self.x0, self.y0, self.x1, self.y1, self.srid]

    def inner(self, share: float) -> Box:
        """The centred box of ``share`` of the width and height."""
        dx = (self.x1 - self.x0) * (1 - share) / 2
        dy = (self.y1 - self.y0) * (1 - share) / 2
        return Box(self.srid, self.x0 + dx, self.y0 + dy, self.x1 - dx, self.y1 - dy)

    def params(self) -> dict:
        return {
            "srid": self.srid,
            "x0": self.x0,
            "y0": self.y0,
            "x1": self.x1,
            "y1": self.y1,
        }


@dataclasses.dataclass(frozen=True)
class AgencyContext:
    agency: OtherAgency
    id: int
    planner: int
    box: Box


def document_create(
    conn: psycopg.Connection,
    ctx: AgencyContext,
    *,
    reference: str,
    title: str,
    status: str,
    effective: datetime.date | None,
    expiry: datetime.date | None,
    variant: int,
    perimeter: Box | None = None,
) -> int:
    """A planning document with the zone rules of its regulation; its id."""
    approved = status != "public_inquiry"
    (document_id,) = conn.execute(
        """
        INSERT INTO layers_planningdocument (agency_id, kind, reference, title_fr,
            title_ar, status, approval_act, approval_date, bulletin_reference,
            effective_date, expiry_date, perimeter, created_at, updated_at)
        VALUES (%(agency)s, %(kind)s, %(reference)s, %(title)s,
                %(title_ar)s, %(status)s, %(act)s,
                %(approval)s, %(bulletin)s, %(effective)s, %(expiry)s,
                ST_Multi(ST_Transform(ST_MakeEnvelope(%(x0)s, %(y0)s, %(x1)s,
                                                      %(y1)s, %(srid)s), 4326)),
                %(created)s, %(created)s)
        RETURNING id
        """,
        {
            "agency": ctx.id,
            "kind": "pz" if reference.startswith("PZ-") else "pa",
            "reference": reference,
            "title": title,
            "title_ar": f"تصميم {reference}",
            "status": status,
            "act": f"Décret n° 2.{ctx.id % 90 + 10}.{100 + variant * 37}"
            if approved
            else "",
            "approval": effective - datetime.timedelta(days=30) if effective else None,
            "bulletin": f"BO n° {5400 + ctx.id * 13 + variant * 101}"
            if approved
            else "",
            "effective": effective,
            "expiry": expiry,
            "created": _midnight(effective or datetime.date(2025, 11, 3))
            - datetime.timedelta(days=120),
            **(perimeter or ctx.box).params(),
        },
    ).fetchone()
    scale = 1 + variant / 10  # each regulation has its own ratios
    conn.execute(
        """
        INSERT INTO layers_zonerule (document_id, code, label_fr, label_ar, category,
            allowed_uses, forbidden_uses, floors_above_ground, cos, ces,
            min_plot_area_m2, setback_road_m, parking_fr, parking_ar, articles,
            citations, excerpt_fr, excerpt_ar)
        SELECT %(document)s, c.code, c.label_fr, c.label_ar, c.category,
               ARRAY['housing', 'retail'], ARRAY['polluting'], c.floors,
               round((c.cos * %(scale)s)::numeric, 2), 60, 120, 4,
               'Une place par logement', 'موقف لكل مسكن',
               'Art. ' || (10 + 3 * c.n) || ' à ' || (12 + 3 * c.n),
               '{}',
               'Article ' || (10 + 3 * c.n) || ' — ' || c.label_fr || '.', ''
        FROM unnest(%(codes)s::text[], %(labels_fr)s::text[], %(labels_ar)s::text[],
                    %(categories)s::text[], %(floors)s::int[], %(cos)s::numeric[])
             WITH ORDINALITY AS c(code, label_fr, label_ar, category, floors, cos, n)
        """,
        {**_codes(), "document": document_id, "scale": scale},
    )
    return document_id


def _codes() -> dict:
    return {
        "codes": [c[0] for c in ZONE_CODES],
        "labels_fr": [c[1] for c in ZONE_CODES],
        "labels_ar": [c[2] for c in ZONE_CODES],
        "categories": [c[3] for c in ZONE_CODES],
        "floors": [c[4] for c in ZONE_CODES],
        "cos": [c[5] for c in ZONE_CODES],
        "ncodes": len(ZONE_CODES),
    }


def layer_create(
    conn: psycopg.Connection,
    document: int,
    name: str,
    *,
    kind: str = "zoning",
    overlay_type: str = "",
    geometry_type: str = "polygon",
    title_fr: str = "Zonage",
    title_ar: str = "التنطيق",
    position: int = 0,
) -> int:
    (layer_id,) = conn.execute(
        """
        INSERT INTO layers_layer (document_id, name, title_fr, title_ar, kind,
                                  overlay_type, geometry_type, position,
                                  import_mapping, reference_type)
        VALUES (%s, %s, %s, %s, %s, %s, %s, %s, '{}', '') RETURNING id
        """,
        [document, name, title_fr, title_ar, kind, overlay_type, geometry_type,
         position],
    ).fetchone()  # fmt: skip
    return layer_id


def version_draft(
    conn: psycopg.Connection,
    ctx: AgencyContext,
    layer: int,
    number: int,
    before: datetime.datetime,
    comment: str = "",
) -> int:
    """A draft version uploaded three weeks ``before``; its id."""
    source = f"{ctx.agency.code}_layer{layer}_v{number}.zip"
    (version_id,) = conn.execute(
        """
        INSERT INTO layers_layerversion (layer_id, number, status, comment,
            source_name, source_sha256, source_srid, feature_count, report,
            errors_accepted, created_at, created_by_id)
        VALUES (%s, %s, 'draft', %s, %s, encode(sha256(convert_to(%s, 'UTF8')),
                'hex'), %s, 0, '{}', '{}', %s, %s)
        RETURNING id
        """,
        [layer, number, comment, source, source, ctx.agency.srid,
         before - datetime.timedelta(days=21), ctx.planner],
    ).fetchone()  # fmt: skip
    return version_id


def version_seal(conn: psycopg.Connection, ctx: AgencyContext, version: int) -> None:
    """Count the draft's features and write the report an import would have."""
    conn.execute(
        """
        UPDATE layers_layerversion v SET feature_count = s.n, report =
          jsonb_build_object(
            'errors', 0, 'warnings', 0, 'issues', '[]'::jsonb, 'rules', '{}'::jsonb,
            'summary', jsonb_build_object(
              'features', s.n, 'codes', s.codes, 'area_m2', s.area,
              'bounds', jsonb_build_array(ST_XMin(s.box), ST_YMin(s.box),
                                          ST_XMax(s.box), ST_YMax(s.box)),
              'source', v.source_name, 'format', 'ESRI Shapefile',
              'feature_count', s.n, 'srid', %(srid)s, 'srid_origin', 'file',
              'fields', jsonb_build_array('CODE', 'LIBELLE', 'SECTEUR'),
              'mapping', jsonb_build_object('schema', 'generic', 'fields',
                jsonb_build_object('code', 'CODE', 'label_fr', 'LIBELLE')),
              'encoding', NULL, 'repair_mojibake', false, 'crs_unread', NULL))
        FROM (
          SELECT count(*) AS n, ST_Extent(f.geom)::geometry AS box,
                 round(sum(ST_Area(f.geom::geography))::numeric, 1) AS area,
                 (SELECT jsonb_object_agg(code, c) FROM (
                    SELECT code, count(*) AS c FROM layers_feature
                    WHERE version_id = %(version)s AND code <> ''
                    GROUP BY code ORDER BY code) AS per_code) AS codes
          FROM layers_feature f WHERE f.version_id = %(version)s
        ) AS s
        WHERE v.id = %(version)s
        """,
        {"version": version, "srid": ctx.agency.srid},
    )


def version_publish(
    conn: psycopg.Connection,
    ctx: AgencyContext,
    version: int,
    layer: int,
    at: datetime.datetime,
) -> None:
    """Seal the draft and publish it at ``at``, superseding the current one."""
    version_seal(conn, ctx, version)
    conn.execute(
        """
        UPDATE layers_layerversion SET status = 'superseded', valid_to = %(at)s
        WHERE layer_id = %(layer)s AND status = 'published'
        """,
        {"layer": layer, "at": at},
    )
    conn.execute(
        """
        UPDATE layers_layerversion SET status = 'published', valid_from = %(at)s,
               published_by_id = %(planner)s
        WHERE id = %(version)s
        """,
        {"version": version, "at": at, "planner": ctx.planner},
    )


def zoning_expired_create(
    conn: psycopg.Connection,
    ctx: AgencyContext,
    document: int,
    effective: datetime.date,
    zones: int,
    name: str = "zonage",
) -> None:
    """The zoning of an expired plan: published when it took effect, modified
    once three years later (the first version superseded, the second still
    published: the document expired, not the version)."""
    layer = layer_create(conn, document, name)
    first = version_draft(conn, ctx, layer, 1, _midnight(effective))
    zoning_voronoi(conn, first, ctx.box, zones)
    version_publish(conn, ctx, first, layer, _midnight(effective))
    modified = _midnight(_months_after(effective, 36))
    second = version_draft(conn, ctx, layer, 2, modified, "Modification n° 1")
    zoning_revise(conn, first, second, share=0.1)
    version_publish(conn, ctx, second, layer, modified)


def zoning_voronoi(conn: psycopg.Connection, version: int, box: Box, zones: int):
    """Voronoi cells of ``zones`` random seeds in ``box``: a partition."""
    conn.execute(
        """
        INSERT INTO layers_feature (version_id, source_id, code, label_fr, label_ar,
                                    category, attributes, geom)
        WITH area AS (
          SELECT ST_MakeEnvelope(%(x0)s, %(y0)s, %(x1)s, %(y1)s, %(srid)s) AS g
        ), seeds AS (
          SELECT ST_SetSRID(ST_Collect(ST_MakePoint(
                   %(x0)s + random() * (%(x1)s - %(x0)s),
                   %(y0)s + random() * (%(y1)s - %(y0)s))), %(srid)s) AS g
          FROM generate_series(1, %(zones)s)
        ), cells AS (
          SELECT (ST_Dump(ST_VoronoiPolygons(seeds.g, 0, area.g))).geom AS g
          FROM seeds, area
        ), numbered AS (
          SELECT row_number() OVER () AS n, 1 + floor(random() * %(ncodes)s)::int AS k,
                 ST_Intersection(cells.g, area.g) AS g
          FROM cells, area
        )
        SELECT %(version)s, 'Z' || n, (%(codes)s::text[])[k],
               (%(labels_fr)s::text[])[k], (%(labels_ar)s::text[])[k],
               (%(categories)s::text[])[k],
               jsonb_build_object('secteur', 'Secteur ' || (1 + n %% 40)),
               ST_Multi(ST_Transform(g, 4326))
        FROM numbered WHERE NOT ST_IsEmpty(g)
        """,
        {**_codes(), **box.params(), "version": version, "zones": zones},
    )


def zoning_revise(conn: psycopg.Connection, source: int, target: int, *, share):
    """Copy ``source``'s zones into ``target``, ``share`` of them recoded."""
    conn.execute(
        """
        INSERT INTO layers_feature (version_id, source_id, code, label_fr, label_ar,
                                    category, attributes, geom)
        SELECT %(target)s, f.source_id,
               CASE WHEN r.changed THEN (%(codes)s::text[])[r.k] ELSE f.code END,
               CASE WHEN r.changed THEN (%(labels_fr)s::text[])[r.k]
                    ELSE f.label_fr END,
               CASE WHEN r.changed THEN (%(labels_ar)s::text[])[r.k]
                    ELSE f.label_ar END,
               CASE WHEN r.changed THEN (%(categories)s::text[])[r.k]
                    ELSE f.category END,
               CASE WHEN r.changed
                    THEN f.attributes || '{"modification": true}'::jsonb
                    ELSE f.attributes END,
               f.geom
        FROM layers_feature f,
             LATERAL (SELECT random() < %(share)s AS changed,
                             1 + floor(random() * %(ncodes)s)::int AS k,
                             f.id AS id) AS r
        WHERE f.version_id = %(source)s
        ORDER BY f.id
        """,
        {**_codes(), "source": source, "target": target, "share": share},
    )


def overlays_create(
    conn: psycopg.Connection, ctx: AgencyContext, plan: int, effective: datetime.date
) -> None:
    """Reserved sites, easements (published + draft), road alignments: two
    versions each."""
    box = ctx.box.params()
    sites = ctx.agency.grid**2 // 400
    layers = {
        name: layer_create(
            conn,
            plan,
            name,
            kind="overlay",
            overlay_type=overlay_type,
            geometry_type=geometry_type,
            title_fr=title_fr,
            title_ar=title_ar,
            position=position,
        )
        for name, overlay_type, geometry_type, title_fr, title_ar, position in (
            OVERLAYS
        )
    }
    published = _midnight(effective)
    first = version_draft(conn, ctx, layers["equipements"], 1, published)
    conn.execute(
        """
        INSERT INTO layers_feature (version_id, source_id, code, label_fr, label_ar,
                                    category, attributes, geom)
        SELECT %(version)s, 'EQ-' || n, 'EQ-' || n, 'Équipement projeté ' || n,
               'تجهيز مبرمج ' || n, 'equipment',
               jsonb_build_object('beneficiary', (ARRAY['Commune', 'Éducation',
                 'Santé', 'Intérieur'])[1 + n %% 4]),
               ST_Multi(ST_Transform(ST_Buffer(ST_SetSRID(ST_MakePoint(
                   %(x0)s + random() * (%(x1)s - %(x0)s - 200) + 100,
                   %(y0)s + random() * (%(y1)s - %(y0)s - 200) + 100), %(srid)s),
                   20 + random() * 40, 8), 4326))
        FROM generate_series(1, %(sites)s) AS n
        """,
        {**box, "version": first, "sites": sites},
    )
    version_publish(conn, ctx, first, layers["equipements"], published)
    changed = _midnight(_months_after(effective, 20))
    second = version_draft(
        conn, ctx, layers["equipements"], 2, changed, "Sites réalisés retirés"
    )
    conn.execute(
        """
        INSERT INTO layers_feature (version_id, source_id, code, label_fr, label_ar,
                                    category, attributes, geom)
        SELECT %(version)s, source_id, code, label_fr, label_ar, category,
               attributes, geom
        FROM layers_feature WHERE version_id = %(first)s AND random() > 0.1
        ORDER BY id
        """,
        {"version": second, "first": first},
    )
    version_publish(conn, ctx, second, layers["equipements"], changed)

    # Easements: corridors (power lines, pipes) across the territory, 15–30 m.
    easements = """
        INSERT INTO layers_feature (version_id, source_id, code, label_fr, label_ar,
                                    category, attributes, geom)
        SELECT %(version)s, 'S-' || n, 'S-' || n, 'Servitude de ligne ' || n,
               'ارتفاق الخط ' || n, 'easement',
               jsonb_build_object('width_m', w),
               ST_Multi(ST_Transform(ST_Buffer(ST_SetSRID(ST_MakeLine(
                 ST_MakePoint(%(x0)s, %(y0)s + random() * (%(y1)s - %(y0)s)),
                 ST_MakePoint(%(x1)s, %(y0)s + random() * (%(y1)s - %(y0)s))),
                 %(srid)s), w / 2), 4326))
        FROM generate_series(1, %(count)s) AS n,
             LATERAL (SELECT 15 + 15 * random() + n * 0 AS w) AS width
    """
    first = version_draft(conn, ctx, layers["servitudes"], 1, published)
    conn.execute(easements, {**box, "version": first, "count": 6})
    version_publish(conn, ctx, first, layers["servitudes"], published)
    draft = version_draft(
        conn,
        ctx,
        layers["servitudes"],
        2,
        _midnight(datetime.date(2026, 6, 1)),
        "Nouvelle ligne électrique",
    )
    conn.execute(easements, {**box, "version": draft, "count": 7})
    version_seal(conn, ctx, draft)

    # Road alignments: north–south and east–west axes, planned widths.
    first = version_draft(conn, ctx, layers["alignements"], 1, published)
    conn.execute(
        """
        INSERT INTO layers_feature (version_id, source_id, code, label_fr, label_ar,
                                    category, attributes, geom)
        SELECT %(version)s, 'V-' || n, 'V-' || n, 'Voie ' || n || ' : emprise '
                 || w || ' m', 'الطريق ' || n, 'road',
               jsonb_build_object('width_m', w),
               ST_Multi(ST_Transform(ST_SetSRID(CASE WHEN n %% 2 = 0
                 THEN ST_MakeLine(ST_MakePoint(%(x0)s, y), ST_MakePoint(%(x1)s, y))
                 ELSE ST_MakeLine(ST_MakePoint(x, %(y0)s), ST_MakePoint(x, %(y1)s))
                 END, %(srid)s), 4326))
        FROM generate_series(1, %(count)s) AS n,
             LATERAL (SELECT %(x0)s + random() * (%(x1)s - %(x0)s) + n * 0 AS x,
                             %(y0)s + random() * (%(y1)s - %(y0)s) AS y,
                             (ARRAY[12, 15, 20, 30, 40])[1 + n %% 5] AS w) AS axis
        """,
        {**box, "version": first, "count": ctx.agency.grid // 5},
    )
    version_publish(conn, ctx, first, layers["alignements"], published)
    widened = _midnight(_months_after(effective, 26))
    second = version_draft(
        conn, ctx, layers["alignements"], 2, widened, "Élargissement des voies"
    )
    conn.execute(
        """
        INSERT INTO layers_feature (version_id, source_id, code, label_fr, label_ar,
                                    category, attributes, geom)
        SELECT %(version)s, source_id, code,
               regexp_replace(label_fr, '[0-9]+ m$', w || ' m'), label_ar, category,
               attributes || jsonb_build_object('width_m', w), geom
        FROM layers_feature,
             LATERAL (SELECT (attributes ->> 'width_m')::int + 10 AS w) AS wider
        WHERE version_id = %(first)s ORDER BY id
        """,
        {"version": second, "first": first},
    )
    version_publish(conn, ctx, second, layers["alignements"], widened)


def corners_create(conn: psycopg.Connection, table: str, p: dict) -> None:
    """A temporary table ``table`` of grid corners (i, j, x, y) from the origin
    ``x0``/``y0``, ``grid`` cells of ``cell`` metres a side; inner corners are
    jittered, so neighbouring parcels share edges and none is a perfect square.
    """
    conn.execute(
        f"""
        CREATE TEMP TABLE {table} ON COMMIT DROP AS
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
    conn.execute(f"CREATE INDEX ON {table} (i, j)")
    conn.execute(f"ANALYZE {table}")


def parcels_create(conn: psycopg.Connection, ctx: AgencyContext) -> None:
    """A jittered grid of parcels over the territory, some under requisition."""
    grid = ctx.agency.grid
    p = {
        **ctx.box.params(),
        "agency": ctx.id,
        "grid": grid,
        "cell": CELL_M,
        "registry": ctx.agency.registry,
        "requisitions": REQUISITION_SHARE,
    }
    conn.execute("DROP TABLE IF EXISTS other_corner")
    corners_create(conn, "other_corner", p)
    conn.execute(
        """
        INSERT INTO parcels_parcel (agency_id, kind, reference, reference_key,
                                    official_area_m2, address, geom, created_at)
        SELECT %(agency)s, kind,
               kind || ' ' || n || '/' || lpad(%(registry)s::text, 2, '0'),
               kind || n || '/' || %(registry)s,
               round(ST_Area(g)::numeric, 2), '', ST_Multi(ST_Transform(g, 4326)),
               TIMESTAMPTZ '2024-03-01 10:00:00+01'
        FROM (
          SELECT a.i * %(grid)s + a.j + 1 AS n,
                 CASE WHEN random() < %(requisitions)s THEN 'R' ELSE 'TF' END
                   AS kind,
                 ST_SetSRID(ST_MakePolygon(ST_MakeLine(ARRAY[
                   ST_MakePoint(a.x, a.y), ST_MakePoint(b.x, b.y),
                   ST_MakePoint(c.x, c.y), ST_MakePoint(d.x, d.y),
                   ST_MakePoint(a.x, a.y)])), %(srid)s) AS g
          FROM other_corner a
          JOIN other_corner b ON b.i = a.i + 1 AND b.j = a.j
          JOIN other_corner c ON c.i = a.i + 1 AND c.j = a.j + 1
          JOIN other_corner d ON d.i = a.i AND d.j = a.j + 1
        ) cells
        """,
        p,
    )
    conn.execute("DROP TABLE other_corner")


# The national registry ----------------------------------------------------------
#
# ``--national`` builds another database, ``geoportail_national``, with the same
# 29 agencies at the size of a national cadastre: 10,000,000 parcels. The bench
# agency keeps its 1,000,000 parcels and 50,000 zones; the 28 others grow by
# one factor, so Casablanca is the largest (capped at the bench agency's size)
# and Errachidia or Smara the smallest, as real urban agencies differ; their
# zoning keeps one zone per ten parcels and the same history. Each agency is
# one transaction, committed: a build interrupted resumes at the first agency
# not complete, and the memory it takes is PostgreSQL's, not this process's.

NATIONAL_DATABASE = "geoportail_national"
NATIONAL_PARCELS = 10_000_000


def national_agencies(parcels: int, largest: int) -> tuple[OtherAgency, ...]:
    """The 28 other agencies with about ``parcels`` parcels between them, each
    grid scaled by one factor and none wider than ``largest`` parcels a side.
    """

    def scaled(factor: float) -> tuple[OtherAgency, ...]:
        return tuple(
            dataclasses.replace(agency, grid=min(largest, round(agency.grid * factor)))
            for agency in OTHER_AGENCIES
        )

    low, high = 0.0, float(largest)  # the factor, by bisection
    for _ in range(60):
        middle = (low + high) / 2
        total = sum(agency.grid**2 for agency in scaled(middle))
        low, high = (middle, high) if total < parcels else (low, middle)
    return scaled(low)


def generate_national(url: str, *, scale: float) -> bool:
    """Build the national database at ``scale`` (1: 10,000,000 parcels), agency
    by agency, each committed; agencies already complete are kept. Prints the
    time of each; returns whether anything was generated."""
    grid = round(GRID * scale**0.5)
    zones = round(ZONES * scale)
    others = national_agencies(round(NATIONAL_PARCELS * scale) - grid**2, grid)
    generated = False
    with psycopg.connect(_libpq(url)) as conn:
        start = time.monotonic()
        if is_complete(conn, grid=grid, zones=zones):
            print(f"{AGENCY_CODE}: already complete ({grid**2:,} parcels)")
        else:
            clear(conn)
            generate(conn, grid=grid, zones=zones)
            conn.commit()
            generated = True
            print(
                f"{AGENCY_CODE}: {grid**2:,} parcels in "
                f"{time.monotonic() - start:.0f} s",
                flush=True,
            )
        for index, agency in enumerate(others):
            start = time.monotonic()
            if agency_complete(conn, agency, index):
                print(f"{agency.code}: already complete ({agency.grid**2:,} parcels)")
                continue
            clear(conn, agency.code)
            conn.execute("SELECT set_config('geoportail.history_purge', '', true)")
            generate_agency(conn, agency, index)
            conn.commit()
            generated = True
            print(
                f"{agency.code}: {agency.grid**2:,} parcels in "
                f"{time.monotonic() - start:.0f} s",
                flush=True,
            )
    return generated


def _stepper():
    start = time.monotonic()

    def step(what: str) -> None:
        print(f"  {what}: {time.monotonic() - start:.1f} s", flush=True)

    return step


def generate_bench(url: str, args: argparse.Namespace) -> bool:
    """Build the bench database (what is missing, or all with ``--force``);
    returns whether anything was generated."""
    generated = False
    with psycopg.connect(_libpq(url)) as conn:
        if is_complete(conn, grid=args.grid, zones=args.zones) and not args.force:
            print("bench agency already present")
        else:
            print("generating the bench agency")
            clear(conn)
            generate(conn, grid=args.grid, zones=args.zones)
            conn.commit()
            generated = True
        agencies = other_agencies(args.agencies)
        if agencies_complete(conn, agencies) and not args.force:
            print(f"the {len(agencies)} other agencies already present")
        else:
            print(f"generating {len(agencies)} other agencies")
            for agency in OTHER_AGENCIES:
                clear(conn, agency.code)
            generate_agencies(conn, agencies)
            conn.commit()
            generated = True
    return generated


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="regenerate the data")
    parser.add_argument("--grid", type=int, default=GRID, help="parcels per side")
    parser.add_argument("--zones", type=int, default=ZONES, help="zone polygons")
    parser.add_argument(
        "--agencies",
        type=int,
        default=len(OTHER_AGENCIES),
        choices=range(len(OTHER_AGENCIES) + 1),
        metavar=f"0..{len(OTHER_AGENCIES)}",
        help="other agencies beside the bench agency",
    )
    parser.add_argument(
        "--national",
        action="store_true",
        help=f"build {NATIONAL_DATABASE} (or NATIONAL_DATABASE_URL's): "
        f"{NATIONAL_PARCELS:,} parcels over the 29 agencies, resumable",
    )
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="--national: share of the national size (0.01: 100,000 parcels)",
    )
    args = parser.parse_args(argv)
    if args.national:
        url = bench_url(NATIONAL_DATABASE, "NATIONAL_DATABASE_URL")
        ensure_database(url)
        started = time.monotonic()
        generated = generate_national(url, scale=args.scale)
    else:
        url = bench_url()
        ensure_database(url)
        started = time.monotonic()
        generated = generate_bench(url, args)
    if generated:
        with psycopg.connect(_libpq(url), autocommit=True) as conn:
            for table in ("parcels_parcel", "layers_feature"):
                conn.execute(f"VACUUM ANALYZE {table}")
            for table in ("layers_layerversion", "layers_layer", "layers_agency"):
                conn.execute(f"ANALYZE {table}")
            conn.execute("ANALYZE layers_planningdocument")
        print(f"generated in {time.monotonic() - started:.0f} s")
    print(f"ready: {url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
