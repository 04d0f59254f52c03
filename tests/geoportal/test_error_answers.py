"""Errors raised around the views — here a database outage — are answered in
the form the client at that address reads (``geoportal.error_answers``): an
OGC exception report on the OGC addresses, the API's JSON error under /api/,
a page elsewhere; each with the error's status and Retry-After."""

from __future__ import annotations

import json

import pytest
from django.db import OperationalError
from django.test import RequestFactory
from django.utils import translation
from lxml import etree

from geoportal.views import server_error

OWS = "{http://www.opengis.net/ows/1.1}"
FRENCH = "base de données"


def _during_an_outage(path: str):
    request = RequestFactory().get(path)
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        with translation.override("fr"):
            return server_error(request)


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/wms?SERVICE=WMS&VERSION=1.1.1", "application/vnd.ogc.se_xml"),
        ("/ows?SERVICE=WMS&REQUEST=GetMap", "text/xml; charset=UTF-8"),
    ],
)
def test_a_wms_client_gets_a_service_exception_report(path, content_type):
    response = _during_an_outage(path)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"] == content_type
    assert b'<ServiceException code="NoApplicableCode">' in response.content
    assert FRENCH in response.content.decode()


def test_a_wfs_client_gets_an_exception_report():
    response = _during_an_outage("/ows/demo-rabat/?SERVICE=WFS&REQUEST=GetFeature")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    exception = etree.fromstring(response.content).find(f"{OWS}Exception")
    assert exception.get("exceptionCode") == "NoApplicableCode"
    assert FRENCH in exception.findtext(f"{OWS}ExceptionText")


def test_an_api_client_gets_the_json_error():
    response = _during_an_outage("/api/v1/identify?lon=-6.8&lat=33.9")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    error = json.loads(response.content)["error"]
    assert error["code"] == "database_unavailable"
    assert FRENCH in error["message"]


def test_a_reader_gets_the_page():
    response = _during_an_outage("/documents/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Cache-Control"] == "no-store"
    assert "<h1>" in response.content.decode()
    assert FRENCH in response.content.decode()
