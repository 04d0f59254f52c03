"""Parcels partitioned by agency (parcels migration 0007): each agency's parcels
in its own partition, and what cites a parcel still checked by the database."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import ProtectedError

from parcels.models import Parcel
from payments.models import Tariff
from payments.services import order_place
from tests.conftest import square


def _partition_of(parcel: Parcel) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM parcels_parcel WHERE id = %s",
            [parcel.pk],
        )
        return cursor.fetchone()[0]


def _parcel(agency, reference="TF 1/07") -> Parcel:
    return Parcel.objects.create(
        agency=agency,
        kind="TF",
        reference=reference,
        reference_key=reference.replace(" ", "").replace("/07", "/7"),
        geom=square(-6.85, 33.95, 0.001),
    )


def _order(agency, parcel):
    Tariff.objects.create(
        agency=agency,
        service="official-note",
        label_fr="Note officielle",
        label_ar="مذكرة رسمية",
        amount_centimes=15_000,
        legal_basis="Arrêté tarifaire n° 12/2024",
        valid_from=datetime.date(2024, 1, 1),
    )
    order, _created = order_place(
        agency=agency,
        service="official-note",
        subject=f"parcelle {parcel.reference}",
        language="fr",
        idempotency_key="key-1",
        parcel=parcel,
    )
    return order


def _run_checked(sql: str, params: list) -> None:
    """Run ``sql`` and its deferred checks, as at commit (the constraint
    triggers are deferred like Django's foreign keys)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _refused_at_commit(sql: str, params: list) -> None:
    with pytest.raises(IntegrityError):
        _run_checked(sql, params)


def test_each_agency_gets_its_partition_and_its_parcels_land_there(
    agency, other_agency
):
    mine, theirs = _parcel(agency), _parcel(other_agency)
    assert _partition_of(mine) == f"parcels_parcel_agency_{agency.pk}"
    assert _partition_of(theirs) == f"parcels_parcel_agency_{other_agency.pk}"
    # One sequence for every partition: ids stay unique, Django's pk.
    assert mine.pk != theirs.pk
    assert Parcel.objects.get(pk=theirs.pk).agency == other_agency


def test_making_an_agencys_partition_leaves_the_parcels_readable(make_agency):
    # Until the agency's transaction ends, what it holds on the parcels must
    # let every reader in: no ACCESS EXCLUSIVE lock on the parent.
    make_agency("aufe")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT mode FROM pg_locks WHERE pid = pg_backend_pid()"
            " AND relation = 'parcels_parcel'::regclass"
        )
        modes = {row[0] for row in cursor.fetchall()}
    assert "ShareUpdateExclusiveLock" in modes  # the ATTACH
    assert "AccessExclusiveLock" not in modes


def test_an_agency_deleted_without_parcels_takes_its_partition_along(make_agency):
    agency = make_agency("aufe")
    name = f"parcels_parcel_agency_{agency.pk}"
    agency.delete()
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [name])
        assert cursor.fetchone()[0] is None


def test_a_parcel_id_that_does_not_exist_is_refused(agency):
    parcel = _parcel(agency)
    order = _order(agency, parcel)
    _refused_at_commit(
        "UPDATE payments_order SET parcel_id = %s WHERE id = %s",
        [parcel.pk + 1000, order.pk],
    )
    order.refresh_from_db()
    assert order.parcel_id == parcel.pk


def test_a_cited_parcel_cannot_be_deleted_even_in_sql(agency):
    parcel = _parcel(agency)
    _order(agency, parcel)
    # Django's PROTECT, as before.
    with pytest.raises(ProtectedError):
        parcel.delete()
    # And the database's own check, as the foreign key was.
    _refused_at_commit("DELETE FROM parcels_parcel WHERE id = %s", [parcel.pk])
    _refused_at_commit(
        "UPDATE parcels_parcel SET id = id + 1000 WHERE id = %s", [parcel.pk]
    )
    assert Parcel.objects.filter(pk=parcel.pk).exists()


def test_an_uncited_parcel_can_be_deleted(agency):
    parcel = _parcel(agency)
    _run_checked("DELETE FROM parcels_parcel WHERE id = %s", [parcel.pk])
    assert not Parcel.objects.filter(pk=parcel.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_parcels_into_their_agencies_partitions(make_agency):
    executor = MigrationExecutor(connection)
    executor.migrate([("parcels", "0006_parcels_revision")])
    try:
        agencies = [make_agency("aufe"), make_agency("aukt", lon=-6.6, lat=34.2)]
        before = {_parcel(agency).pk: agency.pk for agency in agencies}
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, agency_id, tableoid::regclass::text FROM parcels_parcel"
            " WHERE agency_id = ANY(%s)",
            [[agency.pk for agency in agencies]],
        )
        rows = cursor.fetchall()
        cursor.execute(
            "SELECT count(*) FROM pg_indexes WHERE tablename = %s",
            [f"parcels_parcel_agency_{agencies[0].pk}"],
        )
        indexes = cursor.fetchone()[0]
    assert {id_: agency for id_, agency, _table in rows} == before
    assert {table for _id, _agency, table in rows} == {
        f"parcels_parcel_agency_{agency.pk}" for agency in agencies
    }
    # The partitioned indexes of the parent, each partition's own copy.
    assert indexes == 6
    # The sequence goes on after the moved ids.
    assert _parcel(agencies[0], "TF 2/07").pk > max(before)


def test_every_table_citing_a_parcel_is_checked_both_ways(db):
    # Each model with a ForeignKey to Parcel has its table's check, and the
    # parcels' check names it (the test above drives one of them).
    citing = sorted(
        field.related_model._meta.db_table
        for field in Parcel._meta.get_fields(include_hidden=True)
        if field.is_relation and field.auto_created and not field.concrete
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgrelid::regclass::text FROM pg_trigger"
            " WHERE tgname = 'parcels_reference' ORDER BY 1"
        )
        checked = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT tgargs FROM pg_trigger WHERE tgname = 'parcels_cited'"
            " AND tgrelid = 'parcels_parcel'::regclass"
        )
        (arguments,) = cursor.fetchone()
    assert checked == citing
    assert sorted(bytes(arguments).decode().rstrip("\0").split("\0")) == citing
