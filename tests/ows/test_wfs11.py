"""WFS 1.1.0: capabilities, GML 3.1.1 features, hits."""

from __future__ import annotations

import functools
import json

from lxml import etree

from tests.ows.conftest import (
    GRID,
    assert_valid,
    feature_collection_schema,
    load_schema,
)

NS = {
    "wfs": "http://www.opengis.net/wfs",
    "ows": "http://www.opengis.net/ows",
    "gml": "http://www.opengis.net/gml",
}
ZONES = GRID * GRID


@functools.cache
def wfs11_schema():
    return load_schema("http://schemas.opengis.net/wfs/1.1.0/wfs.xsd")


def wfs(client, **params):
    return client.get("/wfs", {"SERVICE": "WFS", "VERSION": "1.1.0", **params})


def test_capabilities_are_schema_valid(client, ows_data):
    response = wfs(client, REQUEST="GetCapabilities")
    document = assert_valid(wfs11_schema(), response.content)
    assert document.get("version") == "1.1.0"
    names = document.xpath("//wfs:FeatureType/wfs:Name/text()", namespaces=NS)
    assert ows_data.zoning_name in names


def test_negotiation_picks_1_1_0(client, ows_data):
    response = client.get(
        "/ows",
        {"SERVICE": "WFS", "REQUEST": "GetCapabilities", "ACCEPTVERSIONS": "1.1.0"},
    )
    assert etree.fromstring(response.content).get("version") == "1.1.0"
    response = client.get("/ows", {"SERVICE": "WFS", "REQUEST": "GetCapabilities"})
    assert etree.fromstring(response.content).get("version") == "2.0.0"


def test_getfeature_gml311_validates(client, ows_data, tmp_path):
    schema = feature_collection_schema(
        client, "/wfs", ows_data.zoning_name, tmp_path, version="1.1.0"
    )
    response = wfs(client, REQUEST="GetFeature", TYPENAME=ows_data.zoning_name)
    assert response["Content-Type"].startswith("text/xml; subtype=gml/3.1.1")
    document = assert_valid(schema, b"".join(response.streaming_content))
    assert document.get("numberOfFeatures") == str(ZONES)
    assert len(document.xpath("//gml:featureMember", namespaces=NS)) == ZONES


def test_hits_and_maxfeatures(client, ows_data):
    response = wfs(
        client, REQUEST="GetFeature", TYPENAME=ows_data.zoning_name, RESULTTYPE="hits"
    )
    document = etree.fromstring(b"".join(response.streaming_content))
    assert document.get("numberOfFeatures") == str(ZONES)
    assert document.get("timeStamp")
    assert not document.xpath("//gml:featureMember", namespaces=NS)
    response = wfs(
        client,
        REQUEST="GetFeature",
        TYPENAME=ows_data.zoning_name,
        MAXFEATURES="5",
        OUTPUTFORMAT="application/json",
    )
    assert len(json.loads(b"".join(response.streaming_content))["features"]) == 5


def test_filter_1_1(client, ows_data):
    body = (
        '<ogc:Filter xmlns:ogc="http://www.opengis.net/ogc">'
        "<ogc:PropertyIsEqualTo><ogc:PropertyName>code</ogc:PropertyName>"
        "<ogc:Literal>V</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>"
    )
    response = wfs(
        client,
        REQUEST="GetFeature",
        TYPENAME=ows_data.zoning_name,
        FILTER=body,
        OUTPUTFORMAT="application/json",
    )
    assert len(json.loads(b"".join(response.streaming_content))["features"]) == 6


def test_errors_are_ows_1_0_reports(client, ows_data):
    response = wfs(client, REQUEST="GetFeature", TYPENAME="aurs:nope")
    assert response.status_code == 400
    schema = load_schema("http://schemas.opengis.net/ows/1.0.0/owsExceptionReport.xsd")
    document = assert_valid(schema, response.content)
    assert document.xpath("//ows:Exception/@exceptionCode", namespaces=NS) == [
        "InvalidParameterValue"
    ]
