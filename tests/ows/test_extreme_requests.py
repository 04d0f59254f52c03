"""Odd but legal requests answer an image or a report, never a 500."""

from __future__ import annotations

import re

import pytest
from lxml import etree


@pytest.mark.parametrize(
    ("crs", "bbox"),
    [
        ("EPSG:26191", "-100000000,-100000000,100000000,100000000"),
        ("EPSG:26195", "0,0,1,1"),
        ("EPSG:3857", "-40000000,-40000000,40000000,40000000"),
        ("EPSG:4326", "-90,-180,90,180"),
        ("CRS:84", "-180,-90,180,90"),
        ("EPSG:4326", "89.9,-180,90,180"),
    ],
)
def test_getmap_extreme_envelopes(client, ows_data, crs, bbox):
    response = client.get(
        "/ows",
        {
            "SERVICE": "WMS",
            "VERSION": "1.3.0",
            "REQUEST": "GetMap",
            "LAYERS": ows_data.zoning_name,
            "STYLES": "",
            "CRS": crs,
            "BBOX": bbox,
            "WIDTH": "64",
            "HEIGHT": "64",
            "FORMAT": "image/png",
        },
    )
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert b"ServiceException" in response.content


@pytest.mark.parametrize(
    "bbox",
    [
        "-100000000,-100000000,100000000,100000000,EPSG:26191",
        "-90,-180,90,180,urn:ogc:def:crs:EPSG::4326",
        "-40000000,-40000000,40000000,40000000,EPSG:3857",
    ],
)
def test_wfs_extreme_bboxes(client, ows_data, bbox):
    response = client.get(
        "/ows",
        {
            "SERVICE": "WFS",
            "VERSION": "2.0.0",
            "REQUEST": "GetFeature",
            "TYPENAMES": ows_data.zoning_name,
            "BBOX": bbox,
            "RESULTTYPE": "hits",
        },
    )
    assert response.status_code in (200, 400)


@pytest.mark.parametrize(
    "geometry",
    [
        "<gml:Point><gml:pos>abc def</gml:pos></gml:Point>",
        "<gml:Point srsName='EPSG:999999'><gml:pos>1 2</gml:pos></gml:Point>",
        "<gml:Envelope srsName='EPSG:999999'><gml:lowerCorner>1 2</gml:lowerCorner>"
        "<gml:upperCorner>3 4</gml:upperCorner></gml:Envelope>",
        "<gml:Polygon><gml:exterior><gml:LinearRing><gml:posList>0 0 1 1"
        "</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>",
    ],
)
def test_bad_gml_operands_are_invalid_parameter_values(client, ows_data, geometry):
    flt = (
        '<fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0" '
        'xmlns:gml="http://www.opengis.net/gml/3.2"><fes:Intersects>'
        f"<fes:ValueReference>geom</fes:ValueReference>{geometry}"
        "</fes:Intersects></fes:Filter>"
    )
    response = client.get(
        "/ows",
        {
            "SERVICE": "WFS",
            "VERSION": "2.0.0",
            "REQUEST": "GetFeature",
            "TYPENAMES": ows_data.zoning_name,
            "FILTER": flt,
        },
    )
    assert response.status_code == 400
    assert b"InvalidParameterValue" in response.content


def getmap(client, **extra):
    params = {
        "SERVICE": "WMS",
        "VERSION": "1.3.0",
        "REQUEST": "GetMap",
        "LAYERS": "aurs:pa-1-zonage",
        "STYLES": "",
        "CRS": "EPSG:3857",
        "BBOX": "-763000,4020000,-762000,4021000",
        "WIDTH": "64",
        "HEIGHT": "64",
        "FORMAT": "image/png",
        **extra,
    }
    return client.get("/ows", params, HTTP_ACCEPT_LANGUAGE="fr")


@pytest.mark.parametrize(
    "bbox",
    [
        "-1e308,-1e308,1e308,1e308",
        "-1e300,-1e300,1e300,1e300",
        "0,0,1e308,1e308",
        "-inf,-inf,inf,inf",
        "nan,nan,nan,nan",
        "10,10,0,0",
        "5,5,5,5",
    ],
)
@pytest.mark.parametrize("crs", ["EPSG:3857", "EPSG:4326", "EPSG:26191"])
def test_getmap_bbox_beyond_any_crs_is_invalid_parameter_value(
    client, ows_data, bbox, crs
):
    response = getmap(client, BBOX=bbox, CRS=crs)
    assert response.status_code == 400
    assert b'code="InvalidParameterValue"' in response.content
    assert b'locator="BBOX"' in response.content
    assert re.search(rb"BBOX (?:doit|sont|n'est pas)", response.content)  # French


@pytest.mark.parametrize(
    "time", ["0000-01-01", "2024-13-45T99:99", "2024-02-30", "9999-12-31", "0001-01-01"]
)
def test_wms_time_out_of_range_is_invalid_dimension_value(client, ows_data, time):
    response = getmap(client, TIME=time)
    assert response.status_code == 400
    assert b'code="InvalidDimensionValue"' in response.content
    assert "TIME doit être".encode() in response.content  # in French


@pytest.mark.parametrize(
    "time", ["0000-01-01", "2024-13-45T99:99", "2024-02-30", "9999-12-31"]
)
def test_wfs_time_out_of_range_is_invalid_parameter_value(client, ows_data, time):
    response = client.get(
        "/ows",
        {
            "SERVICE": "WFS",
            "VERSION": "2.0.0",
            "REQUEST": "GetFeature",
            "TYPENAMES": ows_data.zoning_name,
            "TIME": time,
        },
    )
    assert response.status_code == 400
    assert b'exceptionCode="InvalidParameterValue"' in response.content
    assert b'locator="TIME"' in response.content


def test_control_characters_in_a_zone_label_give_xml_feature_info(client, ows_data):
    from layers.history import history_purge

    # Published features are history the database protects; this test stands
    # for a plan imported with such characters, so it rewrites them in place.
    with history_purge():
        ows_data.zoning_v2.features.update(
            label_fr="bell\x01 vertical\x0b end",
            attributes={"note\x02": "escape\x1b non-character\ufffe"},
        )
    response = client.get(
        "/ows",
        {
            "SERVICE": "WMS",
            "VERSION": "1.3.0",
            "REQUEST": "GetFeatureInfo",
            "LAYERS": ows_data.zoning_name,
            "QUERY_LAYERS": ows_data.zoning_name,
            "STYLES": "",
            "CRS": "EPSG:4326",
            "BBOX": "33.95,-6.85,33.962,-6.838",
            "WIDTH": "360",
            "HEIGHT": "360",
            "INFO_FORMAT": "text/xml",
            "I": "30",
            "J": "30",
        },
    )
    assert response.status_code == 200
    root = etree.fromstring(response.content)
    values = {a.get("name"): a.get("value") for a in root.iter("Attribute")}
    assert values["label"] == "bell\ufffd vertical\ufffd end"
    assert values["note\ufffd"] == "escape\ufffd non-character\ufffd"


THOUSANDS_OF_DIGITS = "9" * 5000  # beyond what int() reads from text


def test_a_crs_code_of_thousands_of_digits_is_invalid_crs(client, ows_data):
    response = getmap(client, CRS=f"EPSG:{THOUSANDS_OF_DIGITS}")
    assert response.status_code == 400
    assert b'code="InvalidCRS"' in response.content


@pytest.mark.parametrize(
    "params",
    [
        {"SRSNAME": f"EPSG:{THOUSANDS_OF_DIGITS}"},
        {"RESOURCEID": f"aurs:pa-1-zonage.{THOUSANDS_OF_DIGITS}"},
        {"BBOX": f"-6.85,33.95,-6.83,33.97,EPSG:{THOUSANDS_OF_DIGITS}"},
    ],
)
def test_wfs_numbers_of_thousands_of_digits_are_invalid(client, ows_data, params):
    response = client.get(
        "/ows",
        {
            "SERVICE": "WFS",
            "VERSION": "2.0.0",
            "REQUEST": "GetFeature",
            "TYPENAMES": ows_data.zoning_name,
            **params,
        },
    )
    assert response.status_code == 400
    assert b'exceptionCode="InvalidParameterValue"' in response.content
