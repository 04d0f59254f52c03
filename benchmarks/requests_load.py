"""requête-e at 100,000 requests: filing p50 and the staff queue's first page.

    .venv/bin/python benchmarks/generate.py            # once: geoportail_bench
    .venv/bin/python benchmarks/requests_load.py       # loads, then measures
    .venv/bin/python benchmarks/requests_load.py --force   # reload the requests

Loads, in SQL, three kinds of request per agency of the benchmark database
and 100,000 requests (``--requests``) spread over its agencies — 40 % in the
bench agency — as two years of activity would leave them: states in the
proportions of a working queue (a tenth unconfirmed, most closed or
answered, a few thousand open of which some overdue or waiting), each placed
on a random parcel of its agency, with its requester, its events (filed,
then one per move) and one sent notification. The load is skipped when the
requests are there (``--force`` truncates the case tables first: throw-away
data, the history trigger does not watch TRUNCATE).

Then measures, through the services and selectors (no HTTP):

- filing: ``requete.services.request_file`` ``--samples`` times in the bench
  agency, half on a parcel by reference, half on a drawn point — each in a
  transaction rolled back afterwards, so the database stays as loaded;
- the staff queue's first page (50 rows) for the bench agency's planner:
  ``requete.selectors.request_queue`` with no filter, by kind, by state,
  overdue, assigned to the planner, and kind + overdue + unassigned;
- the staff pages through Django's test client as that planner: the queue
  (50 a page, its count, the template), a far page, two filters, a
  request's page (history, zoning at its parcel) and the statistics.

Prints p50 and p95 of each (ms). Nothing asserts on time.
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

KINDS = (
    ("zoning-complaint", "complaint", "Réclamation sur le zonage", "شكاية حول التنطيق"),
    ("note-observation", "observation", "Observation sur une note", "ملاحظة حول مذكرة"),
    ("suggestion", "suggestion", "Suggestion", "اقتراح"),
)

# (state, share of requests, days since filing: oldest, newest)
STATES = (
    ("unconfirmed", 0.10, 0, 730),
    ("submitted", 0.02, 0, 30),
    ("acknowledged", 0.02, 0, 60),
    ("in_review", 0.03, 0, 120),
    ("waiting", 0.01, 0, 120),
    ("answered", 0.12, 30, 700),
    ("closed", 0.55, 60, 730),
    ("inadmissible", 0.05, 20, 730),
    ("duplicate", 0.04, 20, 730),
    ("not_competent", 0.04, 20, 730),
    ("withdrawn", 0.02, 10, 730),
)

LOAD = """
CREATE TEMP TABLE bench_request ON COMMIT DROP AS
WITH agencies AS (
  SELECT a.id, a.note_prefix, a.code,
         row_number() OVER (ORDER BY (a.code = 'bench') DESC, a.id) - 1 AS rank,
         count(*) OVER () AS agencies
  FROM layers_agency a
  WHERE EXISTS (SELECT 1 FROM parcels_parcel p WHERE p.agency_id = a.id)
), numbered AS (
  SELECT n, random() AS pick, random() AS age, random() AS r3
  FROM generate_series(1, %(count)s) AS n
)
SELECT n,
       -- 40 %% in the bench agency (rank 0), the rest spread evenly.
       (SELECT id FROM agencies
        WHERE rank = CASE WHEN n %% 5 < 2 OR agencies = 1 THEN 0
                          ELSE 1 + n %% (agencies - 1) END) AS agency_id,
       pick, age, r3
FROM numbered, (SELECT max(agencies) AS agencies FROM agencies) s;
"""


def kinds_create(conn: psycopg.Connection) -> None:
    for code, family, label_fr, label_ar in KINDS:
        conn.execute(
            """
            INSERT INTO requete_requestkind (agency_id, code, family, label_fr,
                label_ar, label_en, acknowledge_days, answer_days, extra_schema,
                active)
            SELECT a.id, %(code)s, %(family)s, %(fr)s, %(ar)s, '', 15, 60,
                   '{}', true
            FROM layers_agency a
            ON CONFLICT (agency_id, code) DO NOTHING
            """,
            {"code": code, "family": family, "fr": label_fr, "ar": label_ar},
        )


def _state_case_sql() -> str:
    """A CASE expression picking the state from ``pick`` by the shares."""
    arms, cumulative = [], 0.0
    for state, share, _oldest, _newest in STATES:
        cumulative += share
        arms.append(f"WHEN pick < {cumulative:.4f} THEN '{state}'")
    return "CASE " + " ".join(arms) + " ELSE 'closed' END"


def _age_sql() -> str:
    arms = [
        f"WHEN '{state}' THEN {oldest} + age * {newest - oldest}"
        for state, _share, oldest, newest in STATES
    ]
    return "CASE state " + " ".join(arms) + " END"


def requests_load(conn: psycopg.Connection, count: int) -> None:
    conn.execute("SELECT setseed(0.14)")
    conn.execute(LOAD, {"count": count})
    conn.execute(
        f"""
        CREATE TEMP TABLE bench_case ON COMMIT DROP AS
        SELECT b.*,
               now() - make_interval(secs => ({_age_sql()}) * 86400) AS created_at
        FROM (SELECT *, {_state_case_sql()} AS state FROM bench_request) b
        """
    )
    # A parcel per request: a random one of its agency, by position in the
    # agency's parcels (each agency's ids are one range: generated in bulk).
    conn.execute(
        """
        CREATE TEMP TABLE bench_parcel ON COMMIT DROP AS
        SELECT agency_id, min(id) AS first, count(*) AS parcels
        FROM parcels_parcel GROUP BY agency_id
        """
    )
    conn.execute(
        """
        INSERT INTO cases_casesequence (agency_id, year, last)
        SELECT agency_id, extract(year FROM created_at)::int, count(*)
        FROM bench_case GROUP BY 1, 2
        ON CONFLICT (agency_id, year) DO UPDATE
          SET last = cases_casesequence.last + excluded.last
        """
    )
    conn.execute(
        """
        INSERT INTO cases_case (reference, agency_id, service, state, language,
            created_at, submitted_at, acknowledged_at, answered_at, closed_at,
            acknowledge_days, answer_days, acknowledge_due_at, answer_due_at,
            paused_since, paused_total, follow_code_digest, handling_group_id,
            assignee_id)
        SELECT a.note_prefix || '-R' || lpad(c.n::text, 7, '0'),
               c.agency_id, 'requete', c.state,
               (ARRAY['fr', 'ar', 'en'])[1 + c.n % 3], c.created_at,
               CASE WHEN c.state <> 'unconfirmed'
                    THEN c.created_at + interval '2 hours' END,
               CASE WHEN c.state NOT IN ('unconfirmed', 'submitted')
                    THEN c.created_at + interval '5 days' END,
               CASE WHEN c.state IN ('answered', 'closed')
                    THEN c.created_at + interval '40 days' END,
               CASE WHEN c.state IN ('closed', 'inadmissible', 'duplicate',
                                     'not_competent', 'withdrawn')
                    THEN c.created_at + interval '50 days' END,
               15, 60,
               CASE WHEN c.state <> 'unconfirmed'
                    THEN c.created_at + interval '2 hours' + interval '15 days' END,
               CASE WHEN c.state <> 'unconfirmed'
                    THEN c.created_at + interval '2 hours' + interval '60 days' END,
               CASE WHEN c.state = 'waiting' THEN now() - interval '3 days' END,
               interval '0',
               md5(c.n::text) || md5(c.n::text || 'x'), NULL,
               CASE WHEN c.r3 < 0.5 AND c.state NOT IN ('unconfirmed')
                    THEN (SELECT u.id FROM accounts_user u
                          WHERE u.agency_id = c.agency_id ORDER BY u.id LIMIT 1)
               END
        FROM bench_case c JOIN layers_agency a ON a.id = c.agency_id
        """
    )
    conn.execute(
        """
        CREATE TEMP TABLE bench_map ON COMMIT DROP AS
        SELECT c.n, k.id AS case_id, c.agency_id, c.state, c.created_at, c.r3,
               c.pick
        FROM bench_case c
        JOIN layers_agency a ON a.id = c.agency_id
        JOIN cases_case k
          ON k.reference = a.note_prefix || '-R' || lpad(c.n::text, 7, '0')
        """
    )
    conn.execute(
        """
        INSERT INTO cases_requester (case_id, name, email, phone, email_key,
            phone_key, erased_at)
        SELECT case_id, 'Requérant ' || n, 'r' || n || '@example.ma', '',
               md5('e' || n) || md5('e' || n || 'x'), '', NULL
        FROM bench_map
        """
    )
    conn.execute(
        """
        INSERT INTO requete_citizenrequest (case_id, kind_id, requester_type,
            subject, description, extra, place, drawn, parcel_id,
            note_reference, zone_version_id, zone_code, document_id,
            duplicate_of_id, competent_authority, rating)
        SELECT m.case_id,
               (SELECT k.id FROM requete_requestkind k
                WHERE k.agency_id = m.agency_id
                ORDER BY k.code OFFSET m.n % 3 LIMIT 1),
               (ARRAY['citizen', 'architect', 'notary', 'surveyor'])[1 + m.n % 4],
               'Requête ' || m.n, 'Description de la requête ' || m.n, '{}',
               ST_PointOnSurface(p.geom), NULL, p.id, '', NULL, '', NULL, NULL,
               CASE WHEN m.state = 'not_competent' THEN 'Commune' ELSE '' END,
               CASE WHEN m.state = 'closed' AND m.r3 < 0.3
                    THEN 1 + (m.n % 5) END
        FROM bench_map m
        JOIN bench_parcel bp ON bp.agency_id = m.agency_id
        JOIN parcels_parcel p
          ON p.id = bp.first + floor(m.r3 * bp.parcels)::bigint
        """
    )
    conn.execute(
        """
        INSERT INTO cases_caseevent (case_id, at, kind, actor_id, by_requester,
            public, from_state, to_state, text, data, redacted_at)
        SELECT case_id, created_at, 'filed', NULL::bigint, true, true, '',
               'unconfirmed', '', '{}'::jsonb, NULL::timestamptz
        FROM bench_map
        UNION ALL
        SELECT case_id, created_at + interval '2 hours', 'state', NULL, true,
               true, 'unconfirmed', 'submitted', '', '{}', NULL
        FROM bench_map WHERE state <> 'unconfirmed'
        UNION ALL
        SELECT case_id, created_at + interval '5 days', 'state', NULL, false,
               true, 'submitted', 'acknowledged', '', '{}', NULL
        FROM bench_map WHERE state NOT IN ('unconfirmed', 'submitted')
        UNION ALL
        SELECT case_id, created_at + interval '40 days', 'state', NULL, false,
               true, 'in_review', state, 'Réponse ' || n, '{}', NULL
        FROM bench_map WHERE state IN ('answered', 'closed', 'inadmissible',
                                       'duplicate', 'not_competent')
        """
    )
    conn.execute(
        """
        INSERT INTO cases_notification (case_id, channel, recipient, subject,
            body, status, attempts, next_attempt_at, last_error, created_at,
            sent_at)
        SELECT case_id, 'email', 'r' || n || '@example.ma', 'Votre requête',
               'Pour confirmer votre requête…', 'sent', 1, created_at, '',
               created_at, created_at + interval '1 minute'
        FROM bench_map
        """
    )


def loaded(conn: psycopg.Connection) -> int:
    (count,) = conn.execute(
        "SELECT count(*) FROM cases_case WHERE service = 'requete'"
    ).fetchone()
    return count


def ensure_loaded(url: str, count: int, force: bool) -> None:
    with psycopg.connect(_libpq(url)) as conn:
        if force:
            conn.execute(
                "TRUNCATE requete_citizenrequest, requete_requestkind, "
                "cases_notification, cases_caseevent, cases_requester, cases_case, "
                "cases_casesequence"
            )
        present = loaded(conn)
        if present >= count:
            print(f"{present:,} requests present")
            return
        started = time.monotonic()
        kinds_create(conn)
        requests_load(conn, count - present)
        conn.commit()
        print(
            f"loaded {count - present:,} requests in {time.monotonic() - started:.0f} s"
        )
    with psycopg.connect(_libpq(url), autocommit=True) as conn:
        for table in (
            "cases_case",
            "cases_requester",
            "cases_caseevent",
            "cases_notification",
            "requete_citizenrequest",
            "requete_requestkind",
        ):
            conn.execute(f"VACUUM ANALYZE {table}")


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"p50 {statistics.median(ordered) * 1000:7.1f} ms  p95 {p95 * 1000:7.1f} ms"


def measure(samples: int) -> None:
    import random

    from django.db import transaction

    from accounts.models import User
    from cases.services import RequesterData
    from layers.models import Agency
    from parcels.models import Parcel
    from requete import selectors, services
    from requete.models import CitizenRequest, RequestKind
    from requete.places import PlaceInput

    agency = Agency.objects.get(code="bench")
    kind = RequestKind.objects.get(agency=agency, code="zoning-complaint")
    planner = User.objects.filter(agency=agency).order_by("pk").first()
    generator = random.Random(14)
    bounds = agency.territory.extent
    first = Parcel.objects.filter(agency=agency).order_by("pk").first().pk
    parcels = Parcel.objects.filter(agency=agency).count()
    filing_times = []
    for number in range(samples):
        if number % 2:
            reference = Parcel.objects.get(pk=first + generator.randrange(parcels))
            place = PlaceInput(parcel_reference=reference.reference)
        else:
            lon = generator.uniform(bounds[0] + 0.01, bounds[2] - 0.01)
            lat = generator.uniform(bounds[1] + 0.01, bounds[3] - 0.01)
            place = PlaceInput(geometry={"type": "Point", "coordinates": [lon, lat]})
        filing = services.RequestFiling(
            kind=kind,
            requester_type=CitizenRequest.RequesterType.CITIZEN,
            subject="Zonage de ma parcelle",
            description="Le plan classe ma parcelle en zone verte.",
            requester=RequesterData(email=f"bench{number}@example.ma"),
            place=place,
        )
        with transaction.atomic():
            start = time.perf_counter()
            services.request_file(
                filing=filing, client_address=f"10.{number // 250}.{number % 250}.1"
            )
            filing_times.append(time.perf_counter() - start)
            transaction.set_rollback(True)
    print(
        f"filing (request_file, {samples} samples)        {percentiles(filing_times)}"
    )

    visible = selectors.request_queue(user=planner, filters=selectors.QueueFilters())
    print(f"bench agency's queue: {visible.count():,} requests submitted")
    filters = {
        "no filter": selectors.QueueFilters(),
        "kind": selectors.QueueFilters(kind_code="note-observation"),
        "state in review": selectors.QueueFilters(state="in_review"),
        "overdue": selectors.QueueFilters(overdue=True),
        "assigned to me": selectors.QueueFilters(assigned="me"),
        "kind + overdue + nobody": selectors.QueueFilters(
            kind_code="zoning-complaint", overdue=True, assigned="nobody"
        ),
    }
    for name, chosen in filters.items():
        times = []
        for _ in range(max(samples // 2, 20)):
            start = time.perf_counter()
            page = list(selectors.request_queue(user=planner, filters=chosen)[:50])
            times.append(time.perf_counter() - start)
        print(f"queue, first page, {name:24} {len(page):2} rows  {percentiles(times)}")


def measure_pages(samples: int) -> None:
    """The staff pages as a planner's browser gets them (Django's handler,
    session, middleware, template), through Django's test client."""
    from django.test import Client

    from accounts.models import User
    from layers.models import Agency
    from requete import selectors

    agency = Agency.objects.get(code="bench")
    planner = User.objects.filter(agency=agency).order_by("pk").first()
    client = Client()
    client.force_login(planner)
    first = selectors.request_queue(user=planner, filters=selectors.QueueFilters())
    reference = first.first().case.reference
    pages = {
        "queue page, no filter": "/planner/requests/",
        "queue page, page 300": "/planner/requests/?page=300",
        "queue page, overdue": "/planner/requests/?overdue=yes",
        "queue page, kind + late + nobody": (
            "/planner/requests/?kind=zoning-complaint&overdue=yes&assigned=nobody"
        ),
        "a request's page": f"/planner/requests/{reference}/",
        "statistics page": "/planner/requests/statistics/",
    }
    for name, path in pages.items():
        times = []
        for _ in range(max(samples // 4, 20)):
            start = time.perf_counter()
            response = client.get(path)
            times.append(time.perf_counter() - start)
        assert response.status_code == 200, (path, response.status_code)
        print(f"{name:42} {percentiles(times)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args()
    url = bench_url()
    ensure_loaded(url, args.requests, args.force)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geoportal.settings")
    import django

    django.setup()
    from django.conf import settings

    # Every sample files from its own address and contact: the limits are
    # not what is measured.
    settings.GEOPORTAIL_REQUEST_LIMIT_HOUR = settings.GEOPORTAIL_REQUEST_LIMIT_DAY = (
        10**6
    )
    # The test client's host, and static files named without a collectstatic
    # manifest (as in the tests): the pages are measured, not the deployment.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    measure(args.samples)
    measure_pages(args.samples)


if __name__ == "__main__":
    main()
