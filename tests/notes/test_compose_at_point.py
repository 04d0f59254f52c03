"""A click's note in one round trip (``notes.sql.COMPOSE_AT_POINT``).

The statement that composes the note finds the parcel at the point too; the
note must be the one the two steps give (the parcel, then its composition), on
any day asked.
"""

from __future__ import annotations

import datetime
import json

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon

from notes.compose import Moment, note_compose, note_compose_query
from notes.errors import SeveralParcels
from notes.subjects import SubjectQuery, subject_resolve
from tests.notes.conftest import box, make_parcel

pytestmark = pytest.mark.django_db

# A point inside each parcel of the site: across two zones, inside one zone,
# half outside the zoning.
POINTS = {
    "TF 100/07": (-6.8495, 33.9502),
    "TF 200/07": (-6.8897, 33.9202),
    "TF 300/07": (-6.8201, 33.9302),
}


def test_a_click_is_composed_in_one_query(client, site, django_assert_num_queries):
    # The first click in the agency loads what its documents say (notes.planning).
    lon, lat = POINTS["TF 200/07"]
    with django_assert_num_queries(2):
        client.post(
            "/api/v1/notes/compose",
            data=json.dumps({"lon": lon, "lat": lat}),
            content_type="application/json",
        )
    lon, lat = POINTS["TF 100/07"]
    with django_assert_num_queries(1):
        response = client.post(
            "/api/v1/notes/compose",
            data=json.dumps({"lon": lon, "lat": lat}),
            content_type="application/json",
        )
    assert response.status_code == 200
    assert response.json()["subject"]["reference"] == "TF 100/07"


@pytest.mark.parametrize(
    "as_of",
    [None, datetime.date(2023, 12, 31), datetime.date(2019, 7, 1)],
    ids=["today", "before-v2", "before-the-document"],
)
@pytest.mark.parametrize("reference", POINTS)
def test_a_click_composes_what_the_two_steps_give(site, reference, as_of):
    lon, lat = POINTS[reference]
    query = SubjectQuery.from_json({"lon": lon, "lat": lat})
    moment = Moment.of(as_of)
    content = note_compose_query(query=query, moment=moment)
    assert content == note_compose(subject=subject_resolve(query), moment=moment)
    assert content["subject"]["reference"] == reference
    assert content["subject"]["kind"] == "point"
    assert content["subject"]["point"] == [lon, lat]


def test_of_overlapping_parcels_a_click_names_both_and_composes_neither(site):
    # Taking the first registered made the note about a parcel nobody chose.
    make_parcel(site.agency, "TF 101/07", box(-6.8500, 33.9501, -6.8490, 33.9504))
    query = SubjectQuery.from_json({"lon": -6.8495, "lat": 33.9502})
    with pytest.raises(SeveralParcels) as refused:
        note_compose_query(query=query, moment=Moment.of())
    assert [p["reference"] for p in refused.value.details["parcels"]] == [
        "TF 100/07",
        "TF 101/07",
    ]


def test_the_subjects_geometry_is_written_as_gdal_writes_it(client, site):
    # A longitude of 17 significant digits: GDAL writes 15 decimals, rounding
    # the exact binary value (…07405 → …0740), where PostGIS's ST_AsGeoJSON
    # rounds the shortest decimal (→ …0741). Clients and signed notes hold
    # these numbers: they must not change with the way they are computed.
    west, east, south, north = -6.8604585074107405, -6.8594, 33.9796, 33.9806
    ring = [(west, south), (east, south), (east, north), (west, north), (west, south)]
    parcel = make_parcel(
        site.agency, "TF 900/07", MultiPolygon(Polygon(ring), srid=4326)
    )
    response = client.post(
        "/api/v1/notes/compose",
        data=json.dumps({"lon": -6.86, "lat": 33.98}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    geometry = response.json()["subject"]["geometry"]
    assert geometry == json.loads(parcel.geom.json)
    assert geometry["coordinates"][0][0][0] == [-6.86045850741074, south]
