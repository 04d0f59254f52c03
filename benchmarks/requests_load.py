"""requête-e at 100,000 requests: filing and the staff queue, each beside
a raw-SQL anchor measured in the same run.

    .venv/bin/python benchmarks/generate.py            # once: geoportail_bench
    .venv/bin/python benchmarks/requests_load.py       # loads, then measures
    .venv/bin/python benchmarks/requests_load.py --force   # reload the requests

Loads, set-based in SQL (INSERT … SELECT over ``generate_series``, seeded
``random()``), seven kinds of request per agency of the benchmark database
(complaints, observations, suggestions) and 100,000 requests
(``--requests``) spread over its agencies — 40 % in the bench agency — as two
years of activity would leave them: states in the proportions of a working
queue (a tenth unconfirmed, most closed or answered, a few thousand open of
which some overdue or waiting), a sixth of those reviewed having waited for
their requester 2–30 days (deadlines pushed back, paused time kept), half
assigned, each placed on a random parcel of its agency, with its requester,
its events (filed, then one per move: acknowledged, review, assignment,
question and reply, answer or ending) and one sent notification. The load is
skipped when the requests are there (``--force`` truncates the case tables
first: throw-away data, the history trigger does not watch TRUNCATE).

Then measures, each sample in a transaction rolled back where it writes:

- filing, interleaved sample by sample: the citizen's form through Django's
  handler (``POST /requests/new``), ``requete.services.request_file`` alone
  (half on a parcel by reference, half on a drawn point), and a raw-SQL
  anchor writing the same rows in one statement;
- the staff queue's first page (50 rows) for the bench agency's planner:
  ``requete.selectors.request_queue`` under seven filters, page 300 by
  ``OFFSET`` and by its keyset cursor (interleaved), and the plan of
  every query the page makes per filter (a sequential scan of the case
  tables is named);
- the staff pages through Django's test client as that planner: the queue
  (50 a page, its count, the late and soon-due counts, the template)
  interleaved with a raw-SQL anchor of its rows and count, a far page
  (page 300, reached by its cursor as its neighbour's link does), the last
  page, the other order, three filters, a request's page and the statistics.

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
    ("permit-complaint", "complaint", "Réclamation sur un permis", "شكاية حول رخصة"),
    ("service-complaint", "complaint", "Réclamation sur le service", "شكاية خدمة"),
    ("plan-observation", "observation", "Observation sur le plan", "ملاحظة تصميم"),
    ("site-suggestion", "suggestion", "Suggestion d'équipement", "اقتراح تجهيز"),
)
# A share of the requests that went past an acknowledgement waited for their
# requester once (asked, then replied): their clock paused 2–30 days.
PAUSED_SHARE = 0.15

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
               now() - make_interval(secs => ({_age_sql()}) * 86400) AS created_at,
               -- A past pause (asked, then replied) for requests reviewed.
               CASE WHEN b.state IN ('in_review', 'answered', 'closed')
                         AND b.r4 < {PAUSED_SHARE}
                    THEN make_interval(days => 2 + (b.n % 29)::int)
                    ELSE interval '0' END AS paused
        FROM (SELECT *, random() AS r4, {_state_case_sql()} AS state
              FROM bench_request) b
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
                    THEN c.created_at + interval '40 days' + c.paused END,
               CASE WHEN c.state IN ('closed', 'inadmissible', 'duplicate',
                                     'not_competent', 'withdrawn')
                    THEN c.created_at + interval '50 days' + c.paused END,
               15, 60,
               CASE WHEN c.state <> 'unconfirmed'
                    THEN c.created_at + interval '2 hours' + interval '15 days' END,
               CASE WHEN c.state <> 'unconfirmed'
                    THEN c.created_at + interval '2 hours' + interval '60 days'
                         + c.paused END,
               CASE WHEN c.state = 'waiting' THEN now() - interval '3 days' END,
               c.paused,
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
               c.pick, c.paused, k.assignee_id
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
        SELECT case_id, created_at + interval '6 days', 'state', NULL, false,
               true, 'acknowledged', 'in_review', '', '{}', NULL
        FROM bench_map WHERE state IN ('in_review', 'waiting', 'answered',
                                       'closed')
        UNION ALL
        SELECT case_id, created_at + interval '5 days', 'assignment', assignee_id,
               false, false, '', '', '',
               jsonb_build_object('assignee_id', assignee_id), NULL
        FROM bench_map WHERE assignee_id IS NOT NULL
        UNION ALL
        SELECT case_id,
               CASE WHEN state = 'waiting' THEN now() - interval '3 days'
                    ELSE created_at + interval '8 days' END,
               'state', NULL, false,
               true, 'in_review', 'waiting', 'Le numéro du permis ?', '{}', NULL
        FROM bench_map WHERE paused > interval '0' OR state = 'waiting'
        UNION ALL
        SELECT case_id, created_at + interval '8 days' + paused, 'state', NULL,
               true, true, 'waiting', 'in_review', 'Permis ' || n, '{}', NULL
        FROM bench_map WHERE paused > interval '0'
        UNION ALL
        SELECT case_id, created_at + interval '40 days' + paused, 'state', NULL,
               false, true, 'in_review', state, 'Réponse ' || n, '{}', NULL
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
                "TRUNCATE requete_citizenrequest, requete_answertemplate, "
                "requete_requestkind, cases_caseattachment, cases_notification, "
                "cases_caseevent, cases_requester, cases_case, cases_casesequence"
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


# The rows one filing writes, in one statement: the floor under a filing
# (no checks, no audit event, no Python).
ANCHOR_FILING = """
WITH seq AS (
  INSERT INTO cases_casesequence (agency_id, year, last)
  VALUES (%(agency)s, extract(year FROM now())::int, 1)
  ON CONFLICT (agency_id, year) DO UPDATE SET last = cases_casesequence.last + 1
  RETURNING last
), new_case AS (
  INSERT INTO cases_case (reference, agency_id, service, state, language,
      created_at, acknowledge_days, answer_days, paused_total,
      follow_code_digest)
  SELECT %(prefix)s || '-' || extract(year FROM now())::int || '-'
             || lpad(last::text, 6, '0'),
         %(agency)s, 'requete', 'unconfirmed', 'fr', now(), 15, 60,
         interval '0', md5(random()::text) || md5(random()::text)
  FROM seq RETURNING id, created_at
), requester AS (
  INSERT INTO cases_requester (case_id, name, email, phone, email_key, phone_key)
  SELECT id, '', %(email)s, '', md5(%(email)s) || md5(%(email)s), ''
  FROM new_case
), event AS (
  INSERT INTO cases_caseevent (case_id, at, kind, by_requester, public,
      from_state, to_state, text, data)
  SELECT id, created_at, 'filed', true, true, '', 'unconfirmed', '', '{}'
  FROM new_case
), request AS (
  INSERT INTO requete_citizenrequest (case_id, kind_id, requester_type, subject,
      description, extra, place, parcel_id, note_reference, zone_code,
      competent_authority)
  SELECT n.id, %(kind)s, 'citizen', 'Zonage de ma parcelle',
         'Le plan classe ma parcelle en zone verte.', '{}',
         ST_PointOnSurface(p.geom), p.id, '', '', ''
  FROM new_case n, parcels_parcel p WHERE p.id = %(parcel)s
)
INSERT INTO cases_notification (case_id, channel, recipient, subject, body,
    status, attempts, next_attempt_at, last_error, created_at)
SELECT id, 'email', %(email)s, 'Votre requête', 'Pour confirmer…', 'pending', 0,
       now(), '', now()
FROM new_case
"""

# The queue's first page and its count, as a hand-written query would get
# them: the floor under the staff queue page.
ANCHOR_QUEUE = """
SELECT c.reference, c.state, c.submitted_at, c.answer_due_at, k.label_fr,
       u.username
FROM requete_citizenrequest r
JOIN cases_case c ON c.id = r.case_id
JOIN requete_requestkind k ON k.id = r.kind_id
LEFT JOIN accounts_user u ON u.id = c.assignee_id
WHERE c.agency_id = %(agency)s AND c.service = 'requete'
  AND c.submitted_at IS NOT NULL
ORDER BY c.answer_due_at NULLS LAST, c.id
LIMIT 50
"""
ANCHOR_QUEUE_COUNT = """
SELECT count(*) FROM cases_case c
WHERE c.agency_id = %(agency)s AND c.service = 'requete'
  AND c.submitted_at IS NOT NULL
"""


def _timed(call, **arguments) -> float:
    start = time.perf_counter()
    call(**arguments)
    return time.perf_counter() - start


def _rolled_back(call, **arguments) -> float:
    """The time of ``call`` in a transaction rolled back afterwards: the
    database stays as loaded."""
    from django.db import transaction

    with transaction.atomic():
        elapsed = _timed(call, **arguments)
        transaction.set_rollback(True)
    return elapsed


def _file_by_form(*, client, kind, parcel, email: str, address: str) -> None:
    """The citizen's filing as they make it: where similar open requests lie
    within 50 m the form shows them first, and the citizen posts again past
    them ("file mine anyway"); both round trips are the filing."""
    form = {
        "agency": kind.agency.code,
        "kind": kind.pk,
        "requester_type": "citizen",
        "subject": "Zonage de ma parcelle",
        "description": "Le plan classe ma parcelle en zone verte.",
        "parcel": parcel.reference,
        "email": email,
    }
    headers = {"REMOTE_ADDR": address, "HTTP_ACCEPT_LANGUAGE": "fr"}
    response = client.post("/requests/new", form, **headers)
    if response.status_code == 200:  # the similar requests, then past them
        response = client.post("/requests/new", form | {"similar": "seen"}, **headers)
    assert response.status_code == 201, response.status_code


def _file_by_service(*, filing, address: str) -> None:
    from requete import services

    services.request_file(filing=filing, client_address=address)


def _file_by_sql(*, kind, parcel, email: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            ANCHOR_FILING,
            {
                "agency": kind.agency.pk,
                "prefix": kind.agency.note_prefix,
                "kind": kind.pk,
                "parcel": parcel.pk,
                "email": email,
            },
        )


def measure_filing(samples: int) -> None:
    """Filing, three ways interleaved sample by sample (so load changes
    weigh on all three alike): the citizen's form through Django's handler
    (``POST /requests/new``), the service alone (half on a parcel by
    reference, half on a drawn point), and the raw-SQL anchor."""
    import random

    from django.test import Client

    from cases.services import RequesterData
    from layers.models import Agency
    from parcels.models import Parcel
    from requete import services
    from requete.models import CitizenRequest, RequestKind
    from requete.places import PlaceInput

    agency = Agency.objects.get(code="bench")
    kind = RequestKind.objects.select_related("agency").get(
        agency=agency, code="zoning-complaint"
    )
    generator = random.Random(14)
    bounds = agency.territory.extent
    first = Parcel.objects.filter(agency=agency).order_by("pk").first().pk
    parcels = Parcel.objects.filter(agency=agency).count()
    client = Client()
    times = {"form (POST /requests/new)": [], "service": [], "raw SQL anchor": []}
    for number in range(samples):
        parcel = Parcel.objects.get(pk=first + generator.randrange(parcels))
        address = f"10.{number // 250}.{number % 250}.1"
        if number % 2:
            place = PlaceInput(parcel_reference=parcel.reference)
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
        times["form (POST /requests/new)"].append(
            _rolled_back(
                _file_by_form,
                client=client,
                kind=kind,
                parcel=parcel,
                email=f"form{number}@example.ma",
                address=address,
            )
        )
        times["service"].append(
            _rolled_back(_file_by_service, filing=filing, address=address)
        )
        times["raw SQL anchor"].append(
            _rolled_back(
                _file_by_sql, kind=kind, parcel=parcel, email=f"sql{number}@ex.ma"
            )
        )
    for name, samples_of in times.items():
        print(f"filing, {name:34} {percentiles(samples_of)}")


def measure_queue(samples: int) -> None:
    """The queue's first page (50 rows) through the selector, by filter."""
    from accounts.models import User
    from layers.models import Agency
    from requete import selectors

    agency = Agency.objects.get(code="bench")
    planner = User.objects.filter(agency=agency).order_by("pk").first()
    visible = selectors.request_queue(user=planner, filters=selectors.QueueFilters())
    print(f"bench agency's queue: {visible.count():,} requests submitted")
    for name, chosen in _filters().items():
        times = []
        for _ in range(max(samples // 2, 20)):
            start = time.perf_counter()
            page = list(selectors.request_queue(user=planner, filters=chosen)[:50])
            times.append(time.perf_counter() - start)
        print(f"queue, first page, {name:24} {len(page):2} rows  {percentiles(times)}")
    measure_deep_page(planner, samples)


def measure_deep_page(planner, samples: int) -> None:
    """Page 300 (rows 14,951–15,000) of the unfiltered queue, interleaved:
    by ``OFFSET``, as the page did before keyset pagination, and by the
    cursor of page 299's last request (``selectors.request_queue_page``)."""
    from requete import selectors

    filters = selectors.QueueFilters()
    queue = selectors.request_queue(user=planner, filters=filters)
    cursor = selectors.QUEUE_ORDERS["due"].cursor_of(queue[299 * 50 - 1])
    by_offset, by_cursor, first = [], [], []
    for _ in range(max(samples // 2, 20)):
        start = time.perf_counter()
        offset_rows = list(queue[299 * 50 : 300 * 50])
        by_offset.append(time.perf_counter() - start)
        start = time.perf_counter()
        page = selectors.request_queue_page(
            user=planner, filters=filters, size=50, after=cursor
        )
        by_cursor.append(time.perf_counter() - start)
        start = time.perf_counter()
        selectors.request_queue_page(user=planner, filters=filters, size=50)
        first.append(time.perf_counter() - start)
    assert page.rows == offset_rows
    print(f"{'queue, page 300 by OFFSET':42} {percentiles(by_offset)}")
    print(f"{'queue, page 300 by cursor':42} {percentiles(by_cursor)}")
    print(f"{'queue, first page by cursor':42} {percentiles(first)}")


def measure_digest() -> None:
    """The weekly digest for every planner of every agency, queued in a
    transaction rolled back (the outbox stays as loaded)."""
    from requete.digest import requests_digest_queue

    queued = []
    elapsed = _rolled_back(lambda: queued.append(requests_digest_queue()))
    print(f"weekly digest: {queued[0]} planners' mails queued in {elapsed:.2f} s")


def _filters() -> dict:
    """The queue's filters measured, by name."""
    from requete.selectors import DUE_SOON, QueueFilters

    return {
        "no filter": QueueFilters(),
        "kind": QueueFilters(kind_code="note-observation"),
        "state in review": QueueFilters(state="in_review"),
        "overdue": QueueFilters(overdue=True),
        "due within 7 days": QueueFilters(due_within=DUE_SOON),
        "assigned to me": QueueFilters(assigned="me"),
        "kind + overdue + nobody": QueueFilters(
            kind_code="zoning-complaint", overdue=True, assigned="nobody"
        ),
    }


def _seq_scans(plan: dict, found: list[str]) -> list[str]:
    if plan.get("Node Type") == "Seq Scan" and plan.get("Relation Name") in {
        "cases_case",
        "requete_citizenrequest",
        "cases_caseevent",
    }:
        found.append(f"seq scan {plan['Relation Name']} ({plan['Plan Rows']} rows)")
    for child in plan.get("Plans", ()):
        _seq_scans(child, found)
    return found


def explain_queue() -> None:
    """The queries of the queue page (its rows, its count, the late and
    soon-due counts) under each filter, explained: a sequential scan of the
    case tables is named, with the rows PostgreSQL expects it to read."""
    import json

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from layers.models import Agency
    from requete import selectors

    agency = Agency.objects.get(code="bench")
    planner = User.objects.filter(agency=agency).order_by("pk").first()
    for name, chosen in _filters().items():
        queue = selectors.request_queue(user=planner, filters=chosen)
        parts = {
            "rows": lambda queue=queue: list(queue[:50]),
            "count": lambda chosen=chosen: selectors.request_queue_count(
                user=planner, filters=chosen
            ),
            "deadlines": lambda: selectors.request_deadline_counts(user=planner),
        }
        verdicts = []
        for part, call in parts.items():
            with CaptureQueriesContext(connection) as captured:
                call()
            scans: list[str] = []
            with connection.cursor() as cursor:
                for query in captured.captured_queries:
                    cursor.execute("EXPLAIN (FORMAT JSON) " + query["sql"])
                    plan = cursor.fetchone()[0]
                    plan = json.loads(plan) if isinstance(plan, str) else plan
                    _seq_scans(plan[0]["Plan"], scans)
            verdicts.append(f"{part}: " + (", ".join(scans) or "indexes"))
        print(f"plan, {name:24} " + "; ".join(verdicts))


def measure_pages(samples: int) -> None:
    """The staff pages as a planner's browser gets them (Django's handler,
    session, middleware, template), through Django's test client; the first
    page interleaved with the raw-SQL anchor (its 50 rows and count)."""
    from django.db import connection
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
    # Page 300 as its neighbour's "Next page" link reaches it: after the key
    # of the last request of page 299 (keyset pagination, core.keyset).
    before_300 = selectors.QUEUE_ORDERS["due"].cursor_of(first[299 * 50 - 1])
    deep = f"/planner/requests/?after={before_300.text()}&page=300"

    def anchor():
        with connection.cursor() as cursor:
            cursor.execute(ANCHOR_QUEUE, {"agency": agency.pk})
            cursor.fetchall()
            cursor.execute(ANCHOR_QUEUE_COUNT, {"agency": agency.pk})
            cursor.fetchall()

    page_times, anchor_times = [], []
    for _ in range(max(samples // 4, 20)):
        page_times.append(_timed(client.get, path="/planner/requests/"))
        anchor_times.append(_timed(anchor))
    print(f"{'queue page, no filter':42} {percentiles(page_times)}")
    print(f"{'  raw SQL anchor (50 rows + count)':42} {percentiles(anchor_times)}")
    pages = {
        "queue page, page 300": deep,
        "queue page, last page": "/planner/requests/?last=1",
        "queue page, newest submitted first": "/planner/requests/?sort=submitted",
        "queue page, overdue": "/planner/requests/?overdue=yes",
        "queue page, due within 7 days": "/planner/requests/?overdue=week",
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
    measure_filing(args.samples)
    measure_queue(args.samples)
    explain_queue()
    measure_digest()
    measure_pages(args.samples)


if __name__ == "__main__":
    main()
