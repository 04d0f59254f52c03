"""Case references: ``<agency prefix>-<year>-<6 digits>``, a sequence per
agency and year, safe under concurrent filings."""

from __future__ import annotations

import datetime
import threading
import time

import psycopg
import pytest
from django.db import connection

from cases.services import NEXT_CASE_NUMBER, RequesterData, case_open

UTC = datetime.UTC


def open_case(agency, at):
    return case_open(
        agency=agency,
        service="requete",
        state="unconfirmed",
        language="fr",
        acknowledge_days=15,
        answer_days=60,
        requester=RequesterData(email="a@example.ma"),
        at=at,
    )[0]


def test_references_count_per_agency_and_year(agency, other_agency):
    at_2027 = datetime.datetime(2027, 6, 1, tzinfo=UTC)
    first = open_case(agency, at_2027)
    second = open_case(agency, at_2027)
    elsewhere = open_case(other_agency, at_2027)
    next_year = open_case(agency, datetime.datetime(2028, 1, 2, tzinfo=UTC))
    assert first.reference == "AURS-2027-000001"
    assert second.reference == "AURS-2027-000002"
    assert elsewhere.reference == "AUKT-2027-000001"
    assert next_year.reference == "AURS-2028-000001"


def test_the_year_is_the_portals_local_year(agency):
    # 23:30 UTC on 31 December is already 1 January in Casablanca (UTC+1).
    case = open_case(agency, datetime.datetime(2027, 12, 31, 23, 30, tzinfo=UTC))
    assert case.reference == "AURS-2028-000001"


def _params() -> dict:
    params = connection.get_connection_params()
    for key in ("cursor_factory", "context", "prepare_threshold"):
        params.pop(key, None)
    return params


@pytest.fixture
def own_agency(db):
    """An agency committed on a connection of its own (the test's transaction
    is invisible to other connections); removed afterwards."""
    params = _params()
    with psycopg.connect(**params, autocommit=True) as admin:
        (agency_id,) = admin.execute(
            "INSERT INTO layers_agency (code, name_fr, name_ar, name_en, srid, "
            "note_prefix) VALUES ('case-concurrency', 'C', '', '', 26191, 'C') "
            "RETURNING id"
        ).fetchone()
        yield agency_id
        admin.execute(
            "DELETE FROM cases_casesequence WHERE agency_id = %s", [agency_id]
        )
        admin.execute("DELETE FROM layers_agency WHERE id = %s", [agency_id])


def test_a_second_transaction_waits_for_the_first_and_takes_the_next(own_agency):
    params = _params()
    numbers = {}
    with psycopg.connect(**params) as first, psycopg.connect(**params) as second:
        with first.transaction():
            numbers["first"] = first.execute(
                NEXT_CASE_NUMBER, {"agency": own_agency, "year": 2027}
            ).fetchone()[0]

            def take():
                with second.transaction():
                    numbers["second"] = second.execute(
                        NEXT_CASE_NUMBER, {"agency": own_agency, "year": 2027}
                    ).fetchone()[0]

            waiting = threading.Thread(target=take)
            waiting.start()
            time.sleep(0.3)
            # The row lock holds the second transaction until the first ends.
            assert "second" not in numbers
        waiting.join(timeout=10)
    assert numbers == {"first": 1, "second": 2}


def test_a_rolled_back_filing_gives_its_number_back(own_agency):
    params = _params()
    with psycopg.connect(**params) as conn:
        with conn.transaction(force_rollback=True):
            conn.execute(NEXT_CASE_NUMBER, {"agency": own_agency, "year": 2027})
        with conn.transaction():
            number = conn.execute(
                NEXT_CASE_NUMBER, {"agency": own_agency, "year": 2027}
            ).fetchone()[0]
    assert number == 1


def test_parallel_filers_get_distinct_gap_free_numbers(own_agency):
    params = _params()
    numbers, errors = [], []

    def filer():
        try:
            with psycopg.connect(**params) as conn:
                for _ in range(5):
                    with conn.transaction():
                        row = conn.execute(
                            NEXT_CASE_NUMBER, {"agency": own_agency, "year": 2027}
                        ).fetchone()
                    numbers.append(row[0])
        except psycopg.Error as exc:
            errors.append(exc)

    threads = [threading.Thread(target=filer) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == list(range(1, 31))
