"""permits at 100,000 files: loading them in SQL, then the reads that touch
them — the parcel page's selector, the public lookup, a session's results
and the BLDS export.

    .venv/bin/python benchmarks/generate.py           # once: geoportail_bench
    .venv/bin/python benchmarks/permits_load.py       # loads, then measures
    .venv/bin/python benchmarks/permits_load.py --files 2000 --url <database>

Loads, in set-based SQL, a building-permit procedure per agency and
``--files`` files over the agencies that have parcels — 40 % in the bench
agency when there is one — filed over two years, in states as a working
mirror holds them (most decided, a few thousand open), each on one random
parcel of its agency (its point on that parcel), with its case and its
applicant; one commission session per 40 files with an opinion for each file
past the commission (a third with a condition). No case events: the reads
measured do not read the history. The load is skipped when the agency
already has that many files (``--force`` deletes the permits' rows and
their cases first: throw-away data).

Then measures, through the selectors (no HTTP), ``--samples`` times:
``files_for_parcel`` for a citizen and for the agency's planner on parcels
holding files, ``file_by_lookup`` (a right code: the loader's codes are the
file's number, ``code-<n>``), ``session_results`` of a published session,
and the bench agency's BLDS CSV written in full once. Prints p50 and p95
(ms). Nothing asserts on time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate import _libpq, bench_url  # noqa: E402

# state, share, days since filing (oldest, newest)
STATES = (
    ("filed", 0.02, 0, 10),
    ("complete", 0.02, 5, 30),
    ("in_commission", 0.02, 10, 40),
    ("opinion_given", 0.02, 20, 50),
    ("authorised", 0.40, 40, 730),
    ("refused", 0.12, 40, 730),
    ("works_started", 0.22, 90, 730),
    ("completed", 0.12, 300, 730),
    ("withdrawn", 0.04, 10, 730),
    ("lapsed", 0.02, 400, 730),
)
REVIEWED = ("opinion_given", "authorised", "refused", "works_started", "completed")


def _state_case_sql() -> str:
    arms, cumulative = [], 0.0
    for state, share, _oldest, _newest in STATES:
        cumulative += share
        arms.append(f"WHEN pick < {cumulative:.4f} THEN '{state}'")
    return "CASE " + " ".join(arms) + " ELSE 'authorised' END"


def _age_sql() -> str:
    arms = [
        f"WHEN '{state}' THEN {oldest} + age * {newest - oldest}"
        for state, _share, oldest, newest in STATES
    ]
    return "CASE state " + " ".join(arms) + " END"


def _purge(conn: psycopg.Connection) -> None:
    """Delete the files this script loaded (numbered "RK-…", without case
    events) and what hangs on them; files filed or imported through the
    services keep their history (append-only) and stay."""
    conn.execute(
        """
        CREATE TEMP TABLE bench_gone ON COMMIT DROP AS
        SELECT f.case_id FROM permits_permitfile f
        WHERE f.external_reference LIKE 'RK-%%'
          AND NOT EXISTS (SELECT 1 FROM cases_caseevent e
                          WHERE e.case_id = f.case_id)
        """
    )
    conn.execute(
        """
        CREATE TEMP TABLE bench_gone_items ON COMMIT DROP AS
        SELECT id, session_id FROM permits_agendaitem
        WHERE file_id IN (SELECT case_id FROM bench_gone)
        """
    )
    conn.execute(
        "DELETE FROM permits_condition WHERE opinion_id IN (SELECT o.id FROM "
        "permits_opinion o JOIN bench_gone_items i ON i.id = o.item_id)"
    )
    conn.execute(
        "DELETE FROM permits_opinion WHERE item_id IN (SELECT id FROM bench_gone_items)"
    )
    conn.execute(
        "DELETE FROM permits_agendaitem WHERE id IN (SELECT id FROM bench_gone_items)"
    )
    conn.execute(
        """
        DELETE FROM permits_commissionsession s
        WHERE s.id IN (SELECT session_id FROM bench_gone_items)
          AND NOT EXISTS (SELECT 1 FROM permits_agendaitem a
                          WHERE a.session_id = s.id)
          AND NOT EXISTS (SELECT 1 FROM permits_sessionmember m
                          WHERE m.session_id = s.id)
        """
    )
    for table in ("permits_permitparcel", "permits_permitfile", "cases_requester"):
        column = "file_id" if table == "permits_permitparcel" else "case_id"
        conn.execute(
            f"DELETE FROM {table} WHERE {column} IN (SELECT case_id FROM bench_gone)"
        )
    conn.execute("DELETE FROM cases_case WHERE id IN (SELECT case_id FROM bench_gone)")


def files_load(conn: psycopg.Connection, first: int, last: int) -> None:
    """Load the files numbered ``first`` to ``last``."""
    conn.execute("SELECT setseed(0.16)")
    conn.execute(
        """
        INSERT INTO permits_procedure (agency_id, code, label_fr, label_ar,
            label_en, blds_type, completeness_days, legal_days)
        SELECT id, 'building-permit', 'Permis de construire', 'رخصة البناء',
               'Building permit', 'Building', 7, 60
        FROM layers_agency
        ON CONFLICT (agency_id, code) DO NOTHING
        """
    )
    conn.execute(
        """
        CREATE TEMP TABLE bench_parcel ON COMMIT DROP AS
        SELECT agency_id, min(id) AS first, count(*) AS parcels
        FROM parcels_parcel GROUP BY agency_id
        """
    )
    conn.execute(
        f"""
        CREATE TEMP TABLE bench_file ON COMMIT DROP AS
        WITH agencies AS (
          SELECT a.id, a.note_prefix,
                 row_number() OVER (ORDER BY (a.code = 'bench') DESC, a.id) - 1
                   AS rank,
                 count(*) OVER () AS agencies
          FROM layers_agency a JOIN bench_parcel b ON b.agency_id = a.id
        ), numbered AS (
          SELECT n, random() AS pick, random() AS age, random() AS r3
          FROM generate_series(%(first)s, %(last)s) AS n
        ), placed AS (
          SELECT n, pick, age, r3,
                 (SELECT id FROM agencies
                  WHERE rank = CASE WHEN n %% 5 < 2 OR s.agencies = 1 THEN 0
                                    ELSE 1 + n %% (s.agencies - 1) END)
                   AS agency_id
          FROM numbered, (SELECT max(agencies) AS agencies FROM agencies) s
        ), stated AS (
          SELECT *, {_state_case_sql()} AS state FROM placed
        )
        SELECT s.*, a.note_prefix,
               (current_date - (({_age_sql()}))::int) AS filed_on
        FROM stated s JOIN layers_agency a ON a.id = s.agency_id
        """,
        {"first": first, "last": last},
    )
    # The short code is "code-<n>": its digest is Django's salted HMAC,
    # written by the caller (benchmark data only).
    conn.execute(
        """
        INSERT INTO cases_case (reference, agency_id, service, state, language,
            created_at, submitted_at, acknowledged_at, answered_at, closed_at,
            acknowledge_days, answer_days, acknowledge_due_at, answer_due_at,
            paused_since, paused_total, follow_code_digest, handling_group_id,
            assignee_id)
        SELECT note_prefix || '-P' || lpad(n::text, 7, '0'), agency_id,
               'permits', state, 'fr', filed_on, filed_on,
               CASE WHEN state NOT IN ('filed') THEN filed_on + 5 END,
               CASE WHEN state IN ('authorised', 'refused', 'works_started',
                                   'completed', 'lapsed') THEN filed_on + 40 END,
               CASE WHEN state IN ('completed', 'withdrawn', 'lapsed')
                    THEN filed_on + 300 END,
               7, 60, filed_on + 7, filed_on + 60, NULL, interval '0',
               '', NULL, NULL
        FROM bench_file
        """
    )
    conn.execute(
        """
        CREATE TEMP TABLE bench_map ON COMMIT DROP AS
        SELECT f.*, c.id AS case_id,
               p.id AS parcel_id, p.reference AS parcel_reference,
               p.reference_key, ST_PointOnSurface(p.geom) AS point
        FROM bench_file f
        JOIN cases_case c
          ON c.reference = f.note_prefix || '-P' || lpad(f.n::text, 7, '0')
        JOIN bench_parcel b ON b.agency_id = f.agency_id
        JOIN parcels_parcel p ON p.id = b.first + floor(f.r3 * b.parcels)::bigint
        """
    )
    conn.execute(
        """
        INSERT INTO cases_requester (case_id, name, email, phone, email_key,
            phone_key, erased_at)
        SELECT case_id, 'Demandeur ' || n, '', '', '', '', NULL FROM bench_map
        """
    )
    conn.execute(
        """
        INSERT INTO permits_permitfile (case_id, agency_id, external_reference,
            procedure_id, substate, description, use, floors, built_area_m2,
            address, architect, do_not_publish, filed_on, complete_on,
            reviewed_on, decided_on, works_started_on, completed_on, point,
            updated_at)
        SELECT m.case_id, m.agency_id, 'RK-' || m.n, pr.id, '',
               'Projet ' || m.n,
               (ARRAY['housing', 'housing', 'housing', 'commerce', 'mixed'])
                 [1 + m.n % 5],
               1 + m.n % 5, 80 + (m.n % 900), '', 'Architecte ' || m.n % 97,
               m.n % 50 = 0, m.filed_on,
               CASE WHEN m.state <> 'filed' THEN m.filed_on + 5 END,
               CASE WHEN m.state IN ('opinion_given', 'authorised', 'refused',
                    'works_started', 'completed', 'lapsed') THEN m.filed_on + 30 END,
               CASE WHEN m.state IN ('authorised', 'refused', 'works_started',
                    'completed', 'lapsed') THEN m.filed_on + 40 END,
               CASE WHEN m.state IN ('works_started', 'completed')
                    THEN m.filed_on + 90 END,
               CASE WHEN m.state = 'completed' THEN m.filed_on + 300 END,
               m.point, now()
        FROM bench_map m
        JOIN permits_procedure pr
          ON pr.agency_id = m.agency_id AND pr.code = 'building-permit'
        """
    )
    conn.execute(
        """
        INSERT INTO permits_permitparcel (file_id, parcel_id, reference,
            reference_key)
        SELECT case_id, parcel_id, parcel_reference, reference_key FROM bench_map
        """
    )
    # One session per 40 reviewed files of an agency, held on the review day
    # of its first file; published.
    conn.execute(
        """
        CREATE TEMP TABLE bench_item ON COMMIT DROP AS
        SELECT case_id, agency_id, n, state, filed_on + 30 AS held_on,
               (row_number() OVER (PARTITION BY agency_id ORDER BY n) - 1) / 40
                 AS batch,
               (row_number() OVER (PARTITION BY agency_id ORDER BY n) - 1) % 40 + 1
                 AS position
        FROM bench_map
        WHERE state IN ('opinion_given', 'authorised', 'refused',
                        'works_started', 'completed', 'lapsed')
        """
    )
    conn.execute(
        """
        CREATE TEMP TABLE bench_session ON COMMIT DROP AS
        SELECT agency_id, batch, min(held_on) AS held_on FROM bench_item
        GROUP BY agency_id, batch
        """
    )
    conn.execute(
        """
        ALTER TABLE bench_session ADD COLUMN id bigint;
        UPDATE bench_session
        SET id = nextval(pg_get_serial_sequence('permits_commissionsession', 'id'));
        INSERT INTO permits_commissionsession (id, agency_id, held_on, kind,
            published_at)
        SELECT id, agency_id, held_on, 'small_projects', held_on + 2
        FROM bench_session;
        INSERT INTO permits_agendaitem (session_id, file_id, position)
        SELECT s.id, i.case_id, i.position
        FROM bench_item i JOIN bench_session s USING (agency_id, batch);
        INSERT INTO permits_opinion (item_id, kind, grounds, missing_pieces,
            recorded_at, recorded_by_id)
        SELECT a.id,
               CASE WHEN i.state = 'refused' THEN 'unfavourable'
                    WHEN i.n % 3 = 0 THEN 'conditional' ELSE 'favourable' END,
               'Conforme au plan d''aménagement.', '', i.held_on, NULL
        FROM bench_item i JOIN permits_agendaitem a ON a.file_id = i.case_id;
        INSERT INTO permits_condition (opinion_id, position, text, zone_rule_id,
            article_reference)
        SELECT o.id, 1, 'Planter deux arbres sur rue', NULL, ''
        FROM permits_opinion o WHERE o.kind = 'conditional';
        """
    )


def ensure_loaded(url: str, count: int, force: bool) -> None:
    with psycopg.connect(_libpq(url)) as conn:
        if force:
            _purge(conn)
        have = conn.execute(
            "SELECT count(*) FROM permits_permitfile "
            "WHERE external_reference LIKE 'RK-%%'"
        ).fetchone()[0]
        if have >= count:
            print(f"{have:,} files already loaded")
            return
        start = time.perf_counter()
        files_load(conn, have + 1, count)
        conn.commit()
        print(f"loaded {count - have:,} files in {time.perf_counter() - start:.1f} s")


def codes_write() -> None:
    """The short codes' digests (Django's HMAC, so after django.setup())."""
    from django.db import connection

    from cases import codes

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.id, f.external_reference FROM cases_case c "
            "JOIN permits_permitfile f ON f.case_id = c.id "
            "WHERE c.follow_code_digest = ''"
        )
        rows = [
            (codes.follow_code_digest(f"code-{number}"), pk)
            for pk, number in cursor.fetchall()
        ]
        cursor.executemany(
            "UPDATE cases_case SET follow_code_digest = %s WHERE id = %s", rows
        )


def percentiles(samples: list[float]) -> str:
    cuts = statistics.quantiles(samples, n=20) if len(samples) > 1 else samples * 19
    return f"p50 {statistics.median(samples):7.2f} ms  p95 {cuts[18]:7.2f} ms"


def timed(function, samples: int) -> list[float]:
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return times


def measure(samples: int) -> None:
    import csv
    import io
    import random

    from django.contrib.auth.models import AnonymousUser
    from django.db.models import Count

    from accounts.models import User
    from layers.models import Agency
    from permits.blds import FIELDS, blds_records
    from permits.models import PermitFile, PermitParcel
    from permits.selectors import (
        file_by_lookup,
        files_for_parcel,
        published_sessions,
        session_results,
    )

    random.seed(16)
    agency = (
        Agency.objects.annotate(files=Count("permit_files")).order_by("-files").first()
    )
    keys = list(
        PermitParcel.objects.filter(file__agency=agency)
        .values_list("reference_key", flat=True)
        .order_by("?")[:samples]
    )
    # A planner of the agency, not saved: the selector reads its role only.
    planner = User(username="bench-planner", agency=agency, role=User.Role.PLANNER)
    print(f"agency {agency.code}: {agency.files:,} files")
    for label, user in (("citizen", AnonymousUser()), ("planner", planner)):
        keys_cycle = iter(keys)
        times = timed(
            lambda u=user, it=keys_cycle: files_for_parcel(
                agency=agency, reference=next(it), user=u
            ),
            len(keys),
        )
        print(f"files_for_parcel ({label:7s})  {percentiles(times)}")
    numbers = list(
        PermitFile.objects.filter(agency=agency, do_not_publish=False)
        .values_list("external_reference", flat=True)
        .order_by("?")[:samples]
    )
    numbers_cycle = iter(numbers)
    times = timed(
        lambda: (
            number := next(numbers_cycle),
            file_by_lookup(number=number, code=f"code-{number}"),
        ),
        len(numbers),
    )
    print(f"file_by_lookup           {percentiles(times)}")
    sessions = list(published_sessions(agency)[:samples])
    sessions_cycle = iter(sessions)
    times = timed(lambda: session_results(next(sessions_cycle)), len(sessions))
    print(f"session_results          {percentiles(times)}")
    start = time.perf_counter()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(FIELDS)
    rows = 0
    for record in blds_records(agency_code=agency.code):
        writer.writerow(record.values())
        rows += 1
    print(
        f"BLDS CSV of the agency   {rows:,} rows, {len(out.getvalue()) / 1e6:.1f} MB "
        f"in {time.perf_counter() - start:.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--force", action="store_true")
    parser.add_argument("--url", help="a database URL (default: geoportail_bench)")
    args = parser.parse_args()
    url = args.url or bench_url()
    ensure_loaded(url, args.files, args.force)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geoportal.settings")
    import django

    django.setup()
    codes_write()
    measure(args.samples)


if __name__ == "__main__":
    main()
