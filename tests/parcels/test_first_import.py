"""An agency's first parcel import: loaded into a bare table, indexed once and
attached as the agency's partition (``parcels.partitions``), in the import's
transaction."""

from __future__ import annotations

import pytest
import shapely
from django.db import connection

from core.db import own_connection, own_connection_params
from importing.errors import ImportRefused
from notes.sql import parcels_at_point
from parcels.models import Parcel, ParcelsRevision
from parcels.partitions import loads_sweep
from parcels.services import parcels_import
from tests.importing.conftest import geojson_file
from tests.parcels.test_import_parcels import _registry

pytestmark = pytest.mark.usefixtures("parcel_loads_swept")


def _partition(agency) -> dict:
    """The agency's partition: its oid, indexes and whether each is attached
    to one of the parent's, and its CHECK constraints."""
    name = f"parcels_parcel_agency_{agency.pk}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)::oid", [name])
        (oid,) = cursor.fetchone()
        cursor.execute(
            "SELECT i.indexrelid::regclass::text,"
            " EXISTS (SELECT FROM pg_inherits h WHERE h.inhrelid = i.indexrelid)"
            " FROM pg_index i WHERE i.indrelid = %s",
            [oid],
        )
        indexes = dict(cursor.fetchall())
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = %s AND contype = 'c'",
            [oid],
        )
        checks = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT to_regclass(%s)", [f"{name}_load"])
        (load,) = cursor.fetchone()
    return {"oid": oid, "indexes": indexes, "checks": checks, "load": load}


def _revision(agency) -> int:
    row = ParcelsRevision.objects.filter(agency=agency).first()
    return row.revision if row else 0


def test_a_first_import_becomes_the_agencys_partition_with_the_parents_indexes(
    agency, tmp_path
):
    before = _partition(agency)
    revision = _revision(agency)
    result = parcels_import(agency=agency, path=_registry(tmp_path), srid=26191)
    assert (result.created, result.updated, result.retired) == (2, 0, 0)
    after = _partition(agency)
    # Another table took the empty partition's place ...
    assert after["oid"] != before["oid"]
    # ... with each of the parent's six indexes, adopted, none built twice,
    # and no trace of the load: its table renamed, its CHECK dropped.
    assert len(after["indexes"]) == 6
    assert all(after["indexes"].values()), after["indexes"]
    assert after["checks"] == []
    assert after["load"] is None
    # The tiles' validator moved on, though ATTACH inserted no row.
    assert _revision(agency) > revision
    # Its parcels are read like any other: found by reference and at a point.
    title = Parcel.objects.get(agency=agency, reference_key="TF12345/7")
    assert title.geom.geom_type == "MultiPolygon"
    assert title.address_folded == "hay riad"
    assert title.created_at is not None
    point = title.geom.point_on_surface
    assert [p.pk for p in parcels_at_point(lon=point.x, lat=point.y)] == [title.pk]
    # A parcel made afterwards takes the next id of the one sequence.
    other = Parcel.objects.create(
        agency=agency,
        kind="TF",
        reference="TF 9/07",
        reference_key="TF9/7",
        geom=title.geom,
    )
    assert other.pk > max(
        Parcel.objects.filter(agency=agency)
        .exclude(pk=other.pk)
        .values_list("pk", flat=True)
    )


def test_a_second_import_updates_the_partition_in_place(agency, tmp_path):
    parcels_import(agency=agency, path=_registry(tmp_path), srid=26191)
    partition = _partition(agency)["oid"]
    result = parcels_import(
        agency=agency, path=_registry(tmp_path, area="470"), srid=26191
    )
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert _partition(agency)["oid"] == partition


def test_a_first_import_that_fails_midway_leaves_the_partition_as_it_was(
    agency, tmp_path
):
    before = _partition(agency)
    revision = _revision(agency)

    def reading_fails(done, total):
        raise ImportRefused("the file could not be read to its end")

    with pytest.raises(ImportRefused):
        parcels_import(
            agency=agency,
            path=_registry(tmp_path),
            srid=26191,
            progress=reading_fails,
        )
    assert _partition(agency) == before
    assert not Parcel.objects.filter(agency=agency).exists()
    assert _revision(agency) == revision


def test_load_tables_left_behind_are_dropped_unless_their_import_runs(db):
    # Committed, as an import whose process died leaves its load table: one
    # of an agency whose import still runs (its partition locked), one not.
    params = own_connection_params()
    running, dead = (f"parcels_parcel_agency_{n}" for n in (999_991, 999_992))
    with own_connection(params) as setup, own_connection(params) as importing:
        try:
            for table in (running, f"{running}_load", f"{dead}_load"):
                setup.execute(f"CREATE TABLE {table} (id int)")
            with importing.transaction():
                importing.execute(f"LOCK TABLE {running} IN EXCLUSIVE MODE")
                assert loads_sweep(params) == [f"{dead}_load"]
            # Once that import has ended, its table goes too.
            assert loads_sweep(params) == [f"{running}_load"]
        finally:
            for table in (running, f"{running}_load", f"{dead}_load"):
                setup.execute(f"DROP TABLE IF EXISTS {table}")


def _over_the_edge(tmp_path, west: float):
    """A cadastre of one title whose west end (from ``west``) lies outside
    the agency's territory (its west edge is at -6.9)."""
    return geojson_file(
        tmp_path / "bord.geojson",
        [(shapely.box(west, 33.95, -6.895, 33.951), {"TITRE": "T.F. 555/07"})],
    )


def test_a_parcel_over_the_territorys_edge_is_found_there_after_each_import(
    agency, tmp_path
):
    # A first import (loaded and attached: no trigger sees its rows), then an
    # update stretching the parcel further west: a click on the part outside
    # the territory finds it each time.
    parcels_import(agency=agency, path=_over_the_edge(tmp_path, -6.903), srid=4326)
    (parcel,) = parcels_at_point(lon=-6.902, lat=33.9505)
    assert parcel.reference == "TF 555/07"
    assert parcels_at_point(lon=-6.912, lat=33.9505) == []

    result = parcels_import(
        agency=agency, path=_over_the_edge(tmp_path, -6.915), srid=4326
    )

    assert result.updated == 1
    (parcel,) = parcels_at_point(lon=-6.912, lat=33.9505)
    assert parcel.reference == "TF 555/07"
