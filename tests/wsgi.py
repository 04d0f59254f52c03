"""Calling the project's WSGI application as granian does (not Django's test
client, which bypasses ``geoportal.wsgi`` and so the light request path)."""

from __future__ import annotations

import dataclasses
import io
import sys

import pytest


@dataclasses.dataclass
class WsgiResponse:
    status: int
    headers: dict[str, str]
    content: bytes


@pytest.fixture
def wsgi_call(db):
    """A function calling ``geoportal.wsgi.application`` (or the given
    ``application``); like the test client, its requests do not close the
    test's database connection."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from geoportal.wsgi import application

    def call(
        path: str,
        *,
        method: str = "GET",
        query: str = "",
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        application=application,
    ) -> WsgiResponse:
        captured = {}

        def start_response(status, response_headers, exc_info=None):
            captured["status"] = int(status.split()[0])
            captured["headers"] = dict(response_headers)

        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "HTTP_HOST": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            **{
                f"HTTP_{k.upper().replace('-', '_')}": v
                for k, v in (headers or {}).items()
            },
        }
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            content = b"".join(application(environ, start_response))
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        return WsgiResponse(captured["status"], captured["headers"], content)

    return call


def lane_match(environ: dict) -> tuple:
    """The lane of the machine route ``environ`` takes in ``geoportal.wsgi``,
    and what it matches (the arguments of its ``answer``, or None)."""
    from geoportal.wsgi import application

    route, kwargs = application.route(environ)
    return route.lane, route.lane.match(environ, kwargs)
