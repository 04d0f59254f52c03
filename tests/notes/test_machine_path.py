"""The light request path of the public note endpoints answers like the full one."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.django_db

ARABIC = {"Accept-Language": "ar"}


def test_identify_and_compose_take_the_light_path(site, wsgi_call):
    response = wsgi_call(
        "/api/v1/identify", query="lon=-6.8495&lat=33.9502", headers=ARABIC
    )
    assert response.status == 200
    assert json.loads(response.content)["parcel"]["reference"] == "TF 100/07"
    assert response.headers["X-Content-Type-Options"] == "nosniff"  # security
    assert "Set-Cookie" not in response.headers
    body = json.dumps({"parcel": "TF 999/07"}).encode()
    response = wsgi_call(
        "/api/v1/notes/compose", method="POST", body=body, headers=ARABIC
    )
    assert response.status == 404
    error = json.loads(response.content)["error"]["message"]
    assert any("\u0600" <= char <= "\u06ff" for char in error)  # locale middleware


def test_other_requests_keep_the_full_path(site, wsgi_call):
    response = wsgi_call("/api/v1/docs")
    assert response.status == 200
    assert "Content-Security-Policy" in response.headers
    assert response.headers["X-Frame-Options"] == "DENY"
