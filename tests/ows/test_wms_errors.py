"""Bad WMS requests get the right OGC exception and status, never a 500."""

from __future__ import annotations

import functools

import pytest
from lxml import etree

from tests.ows.conftest import SCHEMAS, assert_valid, load_schema

OGC = {"ogc": "http://www.opengis.net/ogc"}
GOOD = {
    "SERVICE": "WMS",
    "VERSION": "1.3.0",
    "REQUEST": "GetMap",
    "LAYERS": "aurs:pa-1-zonage",
    "STYLES": "",
    "CRS": "EPSG:4326",
    "BBOX": "33.95,-6.85,33.962,-6.838",
    "WIDTH": "256",
    "HEIGHT": "256",
    "FORMAT": "image/png",
}


@functools.cache
def exceptions_schema():
    return load_schema("http://schemas.opengis.net/wms/1.3.0/exceptions_1_3_0.xsd")


def report_130(response, code, status=400):
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/xml")
    document = assert_valid(exceptions_schema(), response.content)
    found = document.xpath("//ogc:ServiceException/@code", namespaces=OGC)
    assert found == [code], response.content
    return document


@pytest.mark.parametrize(
    ("change", "code", "locator"),
    [
        ({"LAYERS": "aurs:nope"}, "LayerNotDefined", "LAYERS"),
        ({"CRS": "EPSG:2154"}, "InvalidCRS", "CRS"),
        ({"CRS": "EPSG:999999"}, "InvalidCRS", "CRS"),
        ({"CRS": "nonsense"}, "InvalidCRS", "CRS"),
        ({"FORMAT": "image/gif"}, "InvalidFormat", "FORMAT"),
        ({"STYLES": "fancy"}, "StyleNotDefined", "STYLES"),
        ({"BBOX": "33.96,-6.85,33.95,-6.838"}, "InvalidParameterValue", "BBOX"),
        ({"BBOX": "1,2,3"}, "InvalidParameterValue", "BBOX"),
        ({"BBOX": "a,b,c,d"}, "InvalidParameterValue", "BBOX"),
        ({"WIDTH": "100000", "HEIGHT": "100000"}, "InvalidParameterValue", "WIDTH"),
        ({"WIDTH": "0"}, "InvalidParameterValue", "WIDTH"),
        ({"TIME": "yesterday-ish"}, "InvalidDimensionValue", "TIME"),
        ({"LAYERS": ""}, "MissingParameterValue", "LAYERS"),
    ],
)
def test_getmap_errors(client, ows_data, change, code, locator):
    response = client.get("/ows", {**GOOD, **change})
    document = report_130(response, code)
    assert document.xpath("//ogc:ServiceException/@locator", namespaces=OGC) == [
        locator
    ]


def test_styles_with_commas_mean_defaults(client, ows_data):
    layers = "aurs:pa-1-zonage,aurs:pa-1-voirie"
    for styles in ("", ",", "default,"):
        response = client.get("/ows", {**GOOD, "LAYERS": layers, "STYLES": styles})
        assert response.status_code == 200


def test_111_uses_its_dtd_and_invalid_srs(client, ows_data):
    params = {**GOOD, "VERSION": "1.1.1", "SRS": "EPSG:2154", "CRS": ""}
    response = client.get("/wms", params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/vnd.ogc.se_xml"
    dtd = etree.DTD(str(SCHEMAS / "schemas.opengis.net/wms/1.1.1/exception_1_1_1.dtd"))
    document = etree.fromstring(response.content)
    assert dtd.validate(document), dtd.error_log
    assert document.find("ServiceException").get("code") == "InvalidSRS"


@pytest.mark.parametrize("mode", ["INIMAGE", "BLANK", "application/vnd.ogc.se_inimage"])
def test_exceptions_in_image(client, ows_data, mode):
    response = client.get("/ows", {**GOOD, "LAYERS": "aurs:nope", "EXCEPTIONS": mode})
    assert response["Content-Type"] == "image/png"
    assert response.content[:4] == b"\x89PNG"


def test_missing_service_and_unknown_request(client, ows_data):
    response = client.get("/ows", {"REQUEST": "GetCapabilities"})
    assert response.status_code == 400
    assert b"MissingParameterValue" in response.content
    response = client.get("/ows", {"SERVICE": "WMS", "REQUEST": "Transmogrify"})
    assert response.status_code == 501
    report_130(response, "OperationNotSupported", status=501)
    response = client.get("/ows", {"SERVICE": "WCS", "REQUEST": "GetCapabilities"})
    assert response.status_code == 400


def test_getfeatureinfo_errors(client, ows_data):
    info = {
        **GOOD,
        "REQUEST": "GetFeatureInfo",
        "QUERY_LAYERS": "aurs:pa-1-zonage",
        "INFO_FORMAT": "application/json",
        "I": "10",
        "J": "10",
    }
    assert client.get("/ows", info).status_code == 200
    report_130(client.get("/ows", {**info, "I": "256"}), "InvalidPoint")
    report_130(client.get("/ows", {**info, "J": "-1"}), "InvalidPoint")
    report_130(client.get("/ows", {**info, "INFO_FORMAT": "x/y"}), "InvalidFormat")
    report_130(
        client.get("/ows", {**info, "QUERY_LAYERS": "aurs:nope"}), "LayerNotDefined"
    )


@pytest.mark.parametrize(
    ("language", "text"),
    [("fr", "Couche inconnue"), ("ar", "طبقة غير معروفة"), ("en", "Unknown layer")],
)
def test_exception_text_is_in_the_users_language(client, ows_data, language, text):
    response = client.get(
        "/ows", {**GOOD, "LAYERS": "aurs:nope"}, HTTP_ACCEPT_LANGUAGE=language
    )
    assert text in response.content.decode()
