"""The search box under prepared statements (``DATABASE_PREPARED``): a text
that matches no address must not make PostgreSQL switch the address search
to its generic plan, a sequential scan over every parcel (36 s on ten
million parcels, benchmarks/README.md)."""

from __future__ import annotations

import pytest
from django.db import connection

from parcels import selectors
from parcels.models import Parcel
from parcels.references import ParcelReference
from tests.conftest import square


@pytest.fixture
def prepared_connection(transactional_db):
    """Django's connection with server-side binding and every statement
    prepared, as the web server runs (``geoportal/settings.py``)."""
    options = connection.settings_dict["OPTIONS"]
    saved = dict(options)
    connection.close()
    options.update(server_side_binding=True, prepare_threshold=0)
    try:
        connection.ensure_connection()
        yield connection
    finally:
        connection.close()
        options.clear()
        options.update(saved)


def test_address_search_never_runs_a_generic_plan(prepared_connection, make_agency):
    agency = make_agency()
    parcels = []
    for index in range(20_000):
        reference = ParcelReference.parse(f"TF {1000 + index}/07")
        parcels.append(
            Parcel(
                agency=agency,
                kind=reference.kind,
                reference=reference.display,
                reference_key=reference.key,
                address=f"{index} rue Ibn Sina, Rabat",
                geom=square(
                    -6.85 + index % 100 * 0.0001, 33.95 + index // 100 * 0.0001, 0.00004
                ),
            )
        )
    # Enough parcels, known to the planner, for the generic plan of a
    # search with a LIMIT to be a sequential scan expecting early matches.
    Parcel.objects.bulk_create(parcels, batch_size=2_000)
    with prepared_connection.cursor() as cursor:
        cursor.execute("ANALYZE parcels_parcel")

    for _ in range(8):
        assert not [
            result
            for result in selectors.search("TF 701310/07")
            if result.kind == "address"
        ]
    assert selectors.search("rue ibn")  # and a text that matches still finds

    with prepared_connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE statement LIKE '%%\"address_folded\"::text LIKE%%'"
            " AND statement NOT LIKE '%%pg_prepared_statements%%'"
        )
        plans = cursor.fetchall()
    assert len(plans) == 2  # begins with, holds
    assert [generic for generic, _ in plans] == [0] * len(plans)
    assert sum(custom for _, custom in plans) >= 2 * 8
