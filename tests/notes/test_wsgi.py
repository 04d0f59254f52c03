"""The light request path of the public note endpoints answers like the full one."""

from __future__ import annotations

import io
import json
import sys

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Like Django's test client: a request must not close the test's connection."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def call(path: str, *, method: str = "GET", query: str = "", body: bytes = b""):
    from geoportal.wsgi import application

    captured = {}

    def start_response(status, headers):
        captured["status"] = int(status.split()[0])
        captured["headers"] = dict(headers)

    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_ACCEPT_LANGUAGE": "ar",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
    }
    content = b"".join(application(environ, start_response))
    return captured["status"], captured["headers"], content


def test_identify_and_compose_take_the_light_path(site):
    status, headers, content = call("/api/v1/identify", query="lon=-6.8495&lat=33.9502")
    assert status == 200
    assert json.loads(content)["parcel"]["reference"] == "TF 100/07"
    assert headers["X-Content-Type-Options"] == "nosniff"  # security middleware
    assert "Set-Cookie" not in headers
    body = json.dumps({"parcel": "TF 999/07"}).encode()
    status, _headers, content = call("/api/v1/notes/compose", method="POST", body=body)
    assert status == 404
    error = json.loads(content)["error"]["message"]
    assert any("\u0600" <= char <= "\u06ff" for char in error)  # locale middleware


def test_other_requests_keep_the_full_path(site):
    status, headers, _content = call("/api/v1/docs")
    assert status == 200
    assert "Content-Security-Policy" in headers
    assert headers["X-Frame-Options"] == "DENY"
