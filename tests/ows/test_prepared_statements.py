"""The served configuration binds parameters server-side (DATABASE_PREPARED):
every OWS query must type its parameters for PostgreSQL to prepare it."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from tests.ows.conftest import CELL, ORIGIN


@pytest.fixture
def server_side_binding(transactional_db, ows_data):
    options = connection.settings_dict.setdefault("OPTIONS", {})
    saved = dict(options)
    connection.close()
    options["server_side_binding"] = True
    options["prepare_threshold"] = 0
    yield ows_data
    connection.close()
    options.clear()
    options.update(saved)


def test_getfeature_getmap_and_filters_with_server_side_binding(
    client, server_side_binding
):
    data = server_side_binding
    base = {"SERVICE": "WFS", "VERSION": "2.0.0", "REQUEST": "GetFeature"}
    for type_name in (data.zoning_name, data.roads_name):
        for output in ("application/gml+xml; version=3.2", "application/json"):
            response = client.get(
                "/ows", {**base, "TYPENAMES": type_name, "OUTPUTFORMAT": output}
            )
            assert response.status_code == 200
            assert b"".join(response.streaming_content)
    flt = (
        '<fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0"><fes:And>'
        "<fes:PropertyIsGreaterThan><fes:ValueReference>height_m</fes:ValueReference>"
        "<fes:Literal>3</fes:Literal></fes:PropertyIsGreaterThan>"
        "<fes:PropertyIsLike wildCard='*' singleChar='?' escapeChar='!'>"
        "<fes:ValueReference>note</fes:ValueReference><fes:Literal>é*</fes:Literal>"
        "</fes:PropertyIsLike></fes:And></fes:Filter>"
    )
    response = client.get(
        "/ows",
        {
            **base,
            "TYPENAMES": data.zoning_name,
            "FILTER": flt,
            "SORTBY": "height_m DESC",
            "SRSNAME": "EPSG:26191",
            "OUTPUTFORMAT": "application/json",
        },
    )
    assert json.loads(b"".join(response.streaming_content))["numberMatched"] == 30
    west, south = ORIGIN
    for crs, bbox in (
        ("EPSG:4326", f"{south},{west},{south + CELL},{west + CELL}"),
        ("EPSG:3857", "-762542,4020000,-761000,4022000"),
    ):
        response = client.get(
            "/ows",
            {
                "SERVICE": "WMS",
                "VERSION": "1.3.0",
                "REQUEST": "GetMap",
                "LAYERS": data.zoning_name,
                "STYLES": "",
                "CRS": crs,
                "BBOX": bbox,
                "WIDTH": "64",
                "HEIGHT": "64",
                "FORMAT": "image/png",
            },
        )
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
