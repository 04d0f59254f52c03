"""Every parcel query of the product names its agency, so PostgreSQL reads one
partition of ``parcels_parcel`` (parcels migration 0007): by reference, at a
point, a tile of parcels, the parcel page, the PDF's neighbours.

The plans are read with EXPLAIN ANALYZE: a partition pruned while planning
is absent, one pruned while running (the agency found by a sub-select or, at
a click, by the cell of its parcels) is "never executed" (no loop).
"""

from __future__ import annotations

import datetime
import json
import math

import pytest
from django.db import connection

from geoportal.parcel_page import parcel_find
from notes import sql as notes_sql
from notes.pdf import bearings
from parcels.models import Parcel
from parcels.references import ParcelReference
from tests.conftest import square
from tiles.sql import PARCELS_SQL

REFERENCE = "TF 12345/07"


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", ()):
        yield from _nodes(child)


def _partitions_read(plan: dict) -> set[str]:
    """The partitions of parcels_parcel the plan read (ran at least once)."""
    return {
        node["Relation Name"]
        for node in _nodes(plan["Plan"])
        if node.get("Relation Name", "").startswith("parcels_parcel_agency_")
        and node.get("Actual Loops", 0) > 0
    }


def _explained(statement: str, params: dict) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, params)
        (plan,) = cursor.fetchone()[0]
    return plan


@pytest.fixture
def three_agencies(make_agency):
    """Three agencies, each with a parcel of the same reference in its
    territory (whose south-west corner is ``origin``)."""
    agencies = [
        make_agency("aurs"),
        make_agency("aukt", lon=-6.6, lat=34.2),
        make_agency("aufe", lon=-5.0, lat=34.0),
    ]
    for agency in agencies:
        lon, lat = agency.territory.extent[:2]
        Parcel.objects.create(
            agency=agency,
            kind="TF",
            reference=REFERENCE,
            reference_key=ParcelReference.parse(REFERENCE).key,
            geom=square(lon + 0.05, lat + 0.05, 0.001),
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE parcels_parcel")
    return agencies


def _inside(agency) -> tuple[float, float]:
    lon, lat = agency.territory.extent[:2]
    return lon + 0.0505, lat + 0.0505


def _partition(agency) -> set[str]:
    return {f"parcels_parcel_agency_{agency.pk}"}


def test_a_click_reads_the_partition_of_the_agency_with_parcels_there(
    three_agencies,
):
    agency = three_agencies[1]
    lon, lat = _inside(agency)
    at = datetime.datetime.now(datetime.UTC)
    params = {"lon": lon, "lat": lat, "day": at.date(), "at": at}
    for statement in (
        notes_sql.IDENTIFY,
        notes_sql.PARCELS_AT_POINT,
        notes_sql.COMPOSE_AT_POINT,
    ):
        assert _partitions_read(_explained(statement, params)) == _partition(agency)
    # And the parcel is still found.
    (parcel,) = notes_sql.parcels_at_point(lon=lon, lat=lat)
    assert parcel.agency == agency


def test_a_tile_of_parcels_reads_its_agencys_partition(three_agencies):
    agency = three_agencies[2]
    lon, lat = _inside(agency)
    z = 14
    x = int((lon + 180) / 360 * 2**z)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * 2**z)
    plan = _explained(
        PARCELS_SQL, {"agency": agency.pk, "layer": "parcels", "z": z, "x": x, "y": y}
    )
    assert _partitions_read(plan) == _partition(agency)


def test_the_pdfs_neighbours_read_their_agencys_partition(three_agencies):
    agency = three_agencies[0]
    lon, lat = _inside(agency)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_X(p), ST_Y(p) FROM ST_Transform("
            "ST_SetSRID(ST_MakePoint(%s, %s), 4326), 3857) p",
            [lon, lat],
        )
        x, y = cursor.fetchone()
    box = {"x0": x - 500, "y0": y - 500, "x1": x + 500, "y1": y + 500}
    plan = _explained(bearings.PARCELS, {**box, "agency": agency.code})
    assert _partitions_read(plan) == _partition(agency)


def _orm_plan(queryset) -> dict:
    (plan,) = json.loads(queryset.explain(analyze=True, format="json"))
    return plan


def test_a_parcel_by_agency_and_reference_reads_one_partition(three_agencies):
    agency = three_agencies[1]
    key = ParcelReference.parse(REFERENCE).key
    # The parcel page's and the notes' look-up (``of_agency_code``) ...
    plan = _orm_plan(
        Parcel.objects.current()
        .select_related("agency")
        .of_agency_code(agency.code)
        .filter(reference_key=key)
    )
    assert _partitions_read(plan) == _partition(agency)
    assert parcel_find(agency_code=agency.code, reference=REFERENCE).agency == agency
    # ... and the services' (requests, permits, orders), by the agency itself.
    plan = _orm_plan(Parcel.objects.filter(agency=agency, reference_key=key))
    assert _partitions_read(plan) == _partition(agency)
