"""A NUL character in an OGC request is an InvalidParameterValue report in
the user's language (``geoportal.middleware``), whichever path it takes:
Django's test client takes the full one; ``wsgi_call`` goes through
``geoportal.wsgi`` as granian does, so through the machine path and the lanes.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from tests.ows import maps

FRENCH = "ne peuvent pas contenir"


def test_a_posted_form_is_checked_too(client, ows_data):
    response = client.post(
        "/ows",
        urlencode({"SERVICE": "WFS", "REQUEST": "GetFeature", "TYPENAMES": "a\x00b"}),
        content_type="application/x-www-form-urlencoded",
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 400
    assert b'exceptionCode="InvalidParameterValue"' in response.content
    assert FRENCH.encode() in response.content


EQUAL_TO_NUL = (
    '<fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0"><fes:PropertyIsEqualTo>'
    "<fes:ValueReference>code</fes:ValueReference><fes:Literal>R%00</fes:Literal>"
    "</fes:PropertyIsEqualTo></fes:Filter>"
)


@pytest.mark.parametrize("anonymous", [True, False])
def test_wfs_filter_literal_is_an_exception_report(
    wsgi_call, client, ows_data, planner, anonymous
):
    query = (
        "SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature"
        f"&TYPENAMES={ows_data.zoning_name}&FILTER={EQUAL_TO_NUL}"
    )
    if anonymous:  # the machine path
        response = wsgi_call("/ows", query=query, headers={"Accept-Language": "fr"})
        status, content = response.status, response.content
    else:
        client.force_login(planner)
        response = client.get(f"/ows?{query}", HTTP_ACCEPT_LANGUAGE="fr")
        status, content = response.status_code, response.content
    assert status == 400
    assert b'exceptionCode="InvalidParameterValue"' in content
    assert FRENCH.encode() in content


def test_the_getmap_lane_leaves_it_to_the_machine_handler(wsgi_call, ows_data):
    bbox = f"{maps.SOUTH},{maps.WEST},{maps.NORTH},{maps.EAST}"
    query = maps.getmap_query(ows_data.zoning_name, bbox=bbox) + "&DPI=%00"
    response = wsgi_call("/wms", query=query, headers={"Accept-Language": "fr"})
    assert response.status == 400
    assert b'code="InvalidParameterValue"' in response.content
    assert FRENCH.encode() in response.content


def test_tiles_with_a_nul_in_the_layer_name(wsgi_call, ows_data):
    response = wsgi_call("/tiles/aurs\x00:pa-1-zonage/14/7800/6500.mvt")
    assert response.status == 400
