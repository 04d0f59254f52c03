"""A NUL character in an address or a parameter is a 400 in the user's
language, in the form the client reads — never PostgreSQL's DataError (500).

The OGC services' side, through the machine path and the lanes, is in
tests/ows/test_nul_bytes.py.
"""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.django_db

FRENCH = "ne peuvent pas contenir"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/search?q=TF%00",
        "/api/v1/search?q=%00",
        "/api/v1/search?q%00=1",
        "/api/v1/notes/TF%00",
        "/api/v1/notes/\x00",
        "/api/v1/identify?lon=-6.86&lat=33.95&as_of=%00",
    ],
)
def test_api_answers_a_json_error(client, agency, path):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "nul_byte"
    assert FRENCH in error["message"]


@pytest.mark.parametrize(
    "path",
    [
        "/verify/abc\x00def",
        "/notes/abc\x00def/",
        "/notes/abc\x00def/pdf",
        "/notes/abc\x00def/map.png",
        "/verify/abc?x=%00",
        "/?q=%00",
    ],
)
def test_pages_answer_a_400_page(client, agency, path):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "لا يمكن" in response.content.decode()
    assert response["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in response


def test_a_json_body_holding_a_nul_is_refused_too(client, agency):
    # core.api.read_json: "\u0000" decodes to a NUL.
    response = client.post(
        "/api/v1/notes/compose",
        json.dumps({"parcel": "TF\x00 1/07"}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "nul_byte"


@pytest.mark.parametrize("multipart", [False, True])
def test_a_form_holding_a_nul_is_refused_however_it_is_posted(
    client, agency, multipart
):
    # Browsers post a form with a file as multipart: its fields are text too.
    fields = {"description": "Bruit\x00 la nuit", "email": "a@example.ma"}
    if multipart:
        response = client.post("/requests/new", fields, HTTP_ACCEPT_LANGUAGE="fr")
    else:
        response = client.post(
            "/requests/new",
            "description=Bruit%00&email=a%40example.ma",
            content_type="application/x-www-form-urlencoded",
            HTTP_ACCEPT_LANGUAGE="fr",
        )
    assert response.status_code == 400
    assert FRENCH in response.content.decode()
