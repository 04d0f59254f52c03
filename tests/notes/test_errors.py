"""Every wrong request gets a clear 4xx in the user's language, never a 500."""

from __future__ import annotations

import json

import pytest

from tests.notes.conftest import box

pytestmark = pytest.mark.django_db


def post(client, path: str, body, language: str = "fr"):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(
        path, data=data, content_type="application/json", HTTP_ACCEPT_LANGUAGE=language
    )


BOW_TIE = {
    "type": "Polygon",
    "coordinates": [
        [[-6.86, 33.95], [-6.85, 33.96], [-6.85, 33.95], [-6.86, 33.96], [-6.86, 33.95]]
    ],
}


@pytest.mark.parametrize("path", ["/api/v1/notes/compose", "/api/v1/notes"])
@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"parcel": "TF 999999/07"}, 404, "parcel_not_found"),
        ({"parcel": "not a reference at all"}, 400, "invalid_reference"),
        ({"lon": 2.35, "lat": 48.85}, 404, "outside_agencies"),
        ({"lon": -6.86, "lat": 33.98}, 404, "no_parcel_here"),
        ({"lon": 370000, "lat": 370000}, 400, "coordinates_out_of_range"),
        ({"lon": "west", "lat": 33.98}, 400, "invalid_point"),
        ({"geometry": BOW_TIE}, 400, "self_intersecting"),
        (
            {"geometry": json.loads(box(-6.89, 33.91, -6.87, 33.93).json)},
            422,
            "subject_too_large",
        ),
        (
            {"geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}},
            400,
            "invalid_geometry",
        ),
        (
            {"geometry": {"type": "Point", "coordinates": [370000, 370000]}},
            400,
            "coordinates_out_of_range",
        ),
        (
            {"coordinates": [[1, 2], [3, 4]], "srs": "EPSG:26191"},
            400,
            "invalid_coordinates",
        ),
        ({"coordinates": [[1, 2]], "srs": "EPSG:4326;DROP"}, 400, "invalid_srs"),
        ({"parcel": "TF 100/07", "as_of": "yesterday"}, 400, "invalid_date"),
        ({}, 400, "invalid_subject"),
        ("{not json", 400, "malformed_json"),
        ("[1, 2]", 400, "malformed_json"),
    ],
)
def test_errors_are_typed_4xx(client, site, path, body, status, code):
    response = post(client, path, body)
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]


@pytest.mark.parametrize("path", ["/api/v1/notes/compose", "/api/v1/notes"])
def test_polygon_across_two_agencies_is_refused(client, site, make_agency, path):
    make_agency("aunb", lon=-6.8, lat=33.9)
    subject = box(-6.802, 33.95, -6.798, 33.952)
    response = post(client, path, {"geometry": json.loads(subject.json)})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "straddles_agencies"


def test_errors_speak_arabic_and_english(client, site):
    arabic = post(client, "/api/v1/notes/compose", {"parcel": "TF 999999/07"}, "ar")
    message = arabic.json()["error"]["message"]
    assert any("\u0600" <= char <= "\u06ff" for char in message)
    english = post(client, "/api/v1/notes/compose", {"parcel": "TF 999999/07"}, "en")
    assert english.json()["error"]["message"].startswith("No parcel")
    french = post(client, "/api/v1/notes/compose", {"parcel": "TF 999999/07"}, "fr")
    assert "parcelle" in french.json()["error"]["message"]


def test_get_on_compose_is_405(client, site):
    assert client.get("/api/v1/notes/compose").status_code == 405


@pytest.mark.parametrize(
    "body",
    [
        {"geometry": {"type": "Polygon", "coordinates": [[[0, 0]]]}},
        {"geometry": {"type": "Polygon", "coordinates": "x"}},
        {"geometry": {"type": "MultiPolygon", "coordinates": []}},
        {"geometry": "not json"},
        {"geometry": {"type": "Feature", "geometry": None}},
        {"parcel": 123},
        {"parcel": ["TF 1/07"]},
        {"coordinates": "abc"},
        {"coordinates": [[1, 2, 3]]},
        {"coordinates": [[0, 0], [1e20, 0], [0, 1e20]], "srs": "EPSG:26191"},
        {"lon": "nan", "lat": 1},
        {"lon": 1e308, "lat": 1},
        {"x": 1, "y": 2, "srs": 26191.5},
        {"lon": None, "lat": None},
    ],
)
def test_odd_bodies_never_give_a_500(client, site, body):
    response = post(client, "/api/v1/notes/compose", body)
    assert 400 <= response.status_code < 500, response.content
    assert response.json()["error"]["message"]


@pytest.mark.parametrize("as_of", ["9999-12-31", "0001-01-01", "1899-12-31"])
@pytest.mark.parametrize("path", ["/api/v1/notes/compose", "/api/v1/notes"])
def test_as_of_out_of_range_is_an_invalid_date(client, site, path, as_of):
    response = post(client, path, {"parcel": "TF 100/07", "as_of": as_of})
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid_date"
    assert error["message"].startswith("La date doit être comprise entre")


@pytest.mark.parametrize("as_of", ["9999-12-31", "0001-01-01"])
def test_identify_as_of_out_of_range_is_an_invalid_date(client, site, as_of):
    response = client.get(
        "/api/v1/identify",
        {"lon": -6.86, "lat": 33.95, "as_of": as_of},
        HTTP_ACCEPT_LANGUAGE="ar",
    )
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid_date"
    assert any("\u0600" <= char <= "\u06ff" for char in error["message"])


def test_an_srs_of_thousands_of_digits_is_an_invalid_srs(client, site):
    # int() refuses 5000 digits: a 500 until the code was bounded.
    response = client.get(
        "/api/v1/identify", {"x": "1e5", "y": "1e5", "srs": "EPSG:" + "9" * 5000}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_srs"


@pytest.mark.parametrize(
    "parcel", ["TF " + "9" * 5000 + "/07", "TF 12/" + "7" * 5000, "9" * 5000]
)
def test_a_parcel_number_of_thousands_of_digits_is_unknown(client, site, parcel):
    response = post(client, "/api/v1/notes/compose", {"parcel": parcel})
    assert 400 <= response.status_code < 500, response.content
