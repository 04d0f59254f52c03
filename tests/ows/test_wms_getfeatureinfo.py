"""WMS GetFeatureInfo: the zone under the pixel, in HTML, JSON and XML."""

from __future__ import annotations

import json

import pytest
from lxml import etree

from tests.ows.conftest import CELL, GRID, ORIGIN

WEST, SOUTH = ORIGIN


def info(client, data, **extra):
    params = {
        "SERVICE": "WMS",
        "VERSION": "1.3.0",
        "REQUEST": "GetFeatureInfo",
        "LAYERS": f"{data.zoning_name},{data.roads_name}",
        "QUERY_LAYERS": data.zoning_name,
        "STYLES": "",
        "CRS": "EPSG:4326",
        # One cell per 60 px: the pixel (30, 30) is in the north-west zone.
        "BBOX": f"{SOUTH},{WEST},{SOUTH + GRID * CELL},{WEST + GRID * CELL}",
        "WIDTH": str(GRID * 60),
        "HEIGHT": str(GRID * 60),
        "INFO_FORMAT": "application/json",
        "I": "30",
        "J": "30",
        **extra,
    }
    return client.get("/ows", params)


def test_json_gives_the_zone_under_the_pixel(client, ows_data):
    response = info(client, ows_data)
    assert response["Content-Type"] == "application/json"
    features = json.loads(response.content)["features"]
    assert len(features) == 1
    row, col = GRID - 1, 0
    assert features[0]["properties"]["source_id"] == f"v2-{row}-{col}"
    assert features[0]["properties"]["height_m"] == 3 * GRID


def test_feature_count_limits_and_html_and_xml(client, ows_data):
    # On the corner of four zones, with FEATURE_COUNT=3.
    response = info(client, ows_data, I="60", J="60", FEATURE_COUNT="3")
    assert len(json.loads(response.content)["features"]) == 3
    html = info(client, ows_data, INFO_FORMAT="text/html")
    assert html["Content-Type"] == "text/html; charset=UTF-8"
    assert b"v2-5-0" in html.content
    xml = info(client, ows_data, INFO_FORMAT="text/xml")
    document = etree.fromstring(xml.content)
    assert document.xpath("//Attribute[@name='code']/@value")


def test_111_uses_x_y_and_gml(client, ows_data):
    response = info(
        client,
        ows_data,
        VERSION="1.1.1",
        CRS="",
        SRS="EPSG:4326",
        BBOX=f"{WEST},{SOUTH},{WEST + GRID * CELL},{SOUTH + GRID * CELL}",
        I="",
        J="",
        X="30",
        Y="30",
        INFO_FORMAT="application/vnd.ogc.gml",
    )
    assert response.status_code == 200
    assert b"v2-5-0" in response.content


def test_a_huge_feature_count_is_a_wish_for_all(client, ows_data):
    # FEATURE_COUNT beyond PostgreSQL's bigint made LIMIT fail (a 500).
    response = info(client, ows_data, FEATURE_COUNT="99999999999999999999")
    assert response.status_code == 200
    assert len(json.loads(response.content)["features"]) == 1


@pytest.mark.parametrize("value", ["inf", "-inf", "1e308", "nan"])
def test_a_pixel_beyond_any_integer_is_an_invalid_point(client, ows_data, value):
    # int(float("inf")) raised OverflowError (a 500).
    response = info(client, ows_data, I=value)
    assert response.status_code == 400
    assert b'code="InvalidPoint"' in response.content
    assert b'locator="I"' in response.content
