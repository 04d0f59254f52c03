"""Similar open requests near the place being filed: within 50 m on the
sphere, the agency's submitted requests not yet ended, the same kind first,
anonymised — on the filing form before the final submit, and in the API."""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Case
from parcels.models import Parcel
from parcels.references import ParcelReference
from requete.models import SERVICE, CitizenRequest
from requete.places import PlaceInput
from requete.selectors import requests_similar, requests_similar_to
from requete.states import State
from tests.conftest import square
from tests.requete_fixtures import act

LON, LAT = -6.85, 33.95
# A metre northwards, in degrees of latitude (≈ 110.9 km a degree here).
METRE = 1 / 110_900


def drawn(metres_north: float = 0.0) -> PlaceInput:
    return PlaceInput(
        geometry={"type": "Point", "coordinates": [LON, LAT + metres_north * METRE]}
    )


@pytest.fixture
def near(kind, planner, file_request):
    """File a request ``metres`` north of the place, brought to ``state``."""

    def file(metres: float, state: State = State.SUBMITTED, *, of_kind=None):
        filed = file_request(of_kind or kind, place=drawn(metres))
        if state != State.UNCONFIRMED:
            act("confirm", filed, staff=planner)
        steps = {
            State.SUBMITTED: [],
            State.ANSWERED: ["acknowledge", "review", "answer"],
            State.CLOSED: ["acknowledge", "review", "answer", "close"],
            State.WITHDRAWN: ["withdraw"],
            State.UNCONFIRMED: [],
        }[state]
        for step in steps:
            act(step, filed, staff=planner)
        return filed.request.case.reference

    return file


def references(kind, metres: float = 0.0) -> list[str]:
    return [
        row.reference
        for row in requests_similar_to(
            agency=kind.agency, place=drawn(metres), kind=kind
        )
    ]


def test_a_request_30_m_away_is_suggested_80_m_away_not(kind, near):
    close = near(30)
    near(80)
    assert references(kind) == [close]


def test_ended_and_unconfirmed_requests_are_never_suggested(kind, near):
    near(10, State.CLOSED)
    near(10, State.WITHDRAWN)
    near(10, State.UNCONFIRMED)
    answered = near(20, State.ANSWERED)
    assert references(kind) == [answered]


def test_another_agencys_request_is_never_suggested(
    kind, other_kind, other_agency, near, file_request, planner
):
    other_place = {"type": "Point", "coordinates": [-6.55, 34.25]}
    filed = file_request(other_kind, place=PlaceInput(geometry=other_place))
    # Confirmed by its link (the planner given is only who acts for staff).
    act("confirm", filed, staff=planner)
    point = Point(-6.55, 34.25, srid=4326)
    assert requests_similar(agency=other_agency, point=point)
    assert requests_similar(agency=kind.agency, point=point) == []


def test_the_same_kind_comes_first_then_the_nearest(kind, make_kind, near):
    suggestion = make_kind(kind.agency, "service-suggestion")
    other_kind_closest = near(5, of_kind=suggestion)
    same_kind_far = near(40)
    same_kind_near = near(20)
    assert references(kind) == [same_kind_near, same_kind_far, other_kind_closest]


def test_at_most_five_are_suggested_each_anonymised(kind, near):
    for metres in range(1, 8):
        near(metres)
    rows = requests_similar_to(agency=kind.agency, place=drawn(), kind=kind)
    assert len(rows) == 5
    assert [round(row.distance_metres) for row in rows] == [1, 2, 3, 4, 5]
    assert set(vars(rows[0])) == {
        "reference",
        "kind_code",
        "kind_label",
        "state",
        "submitted_at",
        "distance_metres",
        "public_text",
    }


def crowd(kind, count: int) -> None:
    """``count`` submitted requests of ``kind``'s agency spread over its
    territory (a 0.1° square), written in bulk, the statistics refreshed."""
    agency, now = kind.agency, timezone.now()
    side = int(count**0.5)
    cases = Case.objects.bulk_create(
        Case(
            reference=f"CROWD-{number:06d}",
            agency=agency,
            service=SERVICE,
            state=State.SUBMITTED,
            submitted_at=now,
            acknowledge_days=15,
            answer_days=60,
        )
        for number in range(side * side)
    )
    CitizenRequest.objects.bulk_create(
        CitizenRequest(
            case=case,
            kind=kind,
            requester_type="citizen",
            subject="-",
            description="-",
            place=Point(
                -6.9 + 0.1 * (number % side) / side,
                33.9 + 0.1 * (number // side) / side,
                srid=4326,
            ),
        )
        for number, case in enumerate(cases)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE requete_citizenrequest")
        cursor.execute("ANALYZE cases_case")


def test_the_search_uses_the_geography_index(kind):
    crowd(kind, 3000)
    point = Point(LON, LAT, srid=4326)
    with CaptureQueriesContext(connection) as queries:
        requests_similar(agency=kind.agency, point=point)
    # The first spatial query of a connection asks PostGIS its version too.
    (sql,) = [q["sql"] for q in queries if "requete_citizenrequest" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "request_place_geography" in plan, plan


SIMILAR = "/api/v1/requests/similar"


def test_the_api_answers_the_nearby_requests_by_point_or_parcel(
    client, kind, near, agency
):
    close = near(30)
    Parcel.objects.create(
        agency=agency,
        kind="TF",
        reference="TF 600/07",
        reference_key=ParcelReference.parse("TF 600/07").key,
        # A parcel of about 11 m around the place.
        geom=square(LON - 0.00005, LAT - 0.00005, 0.0001),
    )
    by_point = client.get(
        SIMILAR, {"agency": agency.code, "lon": str(LON), "lat": str(LAT)}
    )
    by_parcel = client.get(SIMILAR, {"agency": agency.code, "parcel": "TF 600/07"})
    assert by_point.status_code == by_parcel.status_code == 200
    (row,) = by_point.json()["requests"]
    assert row["reference"] == close
    assert row["state"] == "submitted"
    assert 29 < row["distance_m"] < 31
    assert row["url"] == f"/requests/public/{close}/"
    assert row["public_text"] is None
    assert [r["reference"] for r in by_parcel.json()["requests"]] == [close]


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ({"lon": str(LON), "lat": str(LAT)}, 404, "agency_not_found"),
        ({"agency": "aurs"}, 400, "place_required"),
        ({"agency": "aurs", "lon": "x", "lat": str(LAT)}, 400, "invalid_location"),
        ({"agency": "aurs", "lon": "200", "lat": str(LAT)}, 400, "invalid_location"),
        ({"agency": "aurs", "parcel": "TF 999/07"}, 400, "filing_refused"),
        ({"agency": "aurs", "lon": "-5", "lat": "35"}, 400, "filing_refused"),
        (
            {"agency": "aurs", "kind": "nope", "lon": str(LON), "lat": str(LAT)},
            404,
            "kind_not_found",
        ),
    ],
)
def test_the_api_refuses_what_it_cannot_place(client, kind, query, status, code):
    answer = client.get(SIMILAR, query, HTTP_ACCEPT_LANGUAGE="fr")
    assert answer.status_code == status
    assert answer.json()["error"]["code"] == code


NEW = "/requests/new"


def form(kind, **changes) -> dict:
    data = {
        "agency": kind.agency.code,
        "kind": str(kind.pk),
        "requester_type": "citizen",
        "subject": "Trottoir encombré",
        "description": "Un chantier occupe le trottoir depuis un mois.",
        "name": "Karim Alaoui",
        "email": "karim@example.ma",
        "lon": str(LON),
        "lat": str(LAT),
    }
    data.update(changes)
    return data


def test_the_form_shows_nearby_requests_before_filing_and_keeps_what_was_typed(
    client, kind, near
):
    close = near(30)
    before = CitizenRequest.objects.count()
    shown = client.post(NEW, form(kind), HTTP_ACCEPT_LANGUAGE="fr")
    html = shown.content.decode()
    assert shown.status_code == 200
    assert CitizenRequest.objects.count() == before
    assert "Demandes similaires près de ce lieu" in html
    assert f'href="/requests/public/{close}/"' in html
    assert "à 30 mètres" in html
    # What was typed is still in the form, with the button to file anyway.
    assert "Un chantier occupe le trottoir depuis un mois." in html
    assert 'value="karim@example.ma"' in html
    assert 'name="similar" value="seen"' in html
    # Nothing of the other request's requester is shown.
    assert "Requester" not in html
    filed = client.post(NEW, form(kind, similar="seen"), HTTP_ACCEPT_LANGUAGE="fr")
    assert filed.status_code == 201
    assert CitizenRequest.objects.count() == before + 1


def test_with_no_request_nearby_filing_goes_straight_through(client, kind, near):
    near(80)
    filed = client.post(NEW, form(kind), HTTP_ACCEPT_LANGUAGE="ar")
    assert filed.status_code == 201


def test_a_place_the_filing_would_refuse_is_refused_on_its_field(client, kind, near):
    near(30)
    refused = client.post(
        NEW, form(kind, lon="-5", lat="35"), HTTP_ACCEPT_LANGUAGE="fr"
    )
    html = refused.content.decode()
    assert refused.status_code == 200
    assert 'id="id_lon-error"' in html
    assert "Demandes similaires" not in html
