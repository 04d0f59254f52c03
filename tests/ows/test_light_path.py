"""Anonymous OGC and tile requests take the light request path
(``geoportal.light``) and answer as the full one would; a planner's session
still takes the full path and sees the agency's drafts."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from geoportal.light import takes_light_path
from tests.ows.conftest import CELL, GRID, ORIGIN

WEST, SOUTH = ORIGIN
BBOX = f"{SOUTH},{WEST},{SOUTH + GRID * CELL},{WEST + GRID * CELL}"
CAPABILITIES = "SERVICE=WMS&REQUEST=GetCapabilities"


@pytest.mark.parametrize(
    ("method", "path", "headers", "light"),
    [
        ("GET", "/ows", {}, True),
        ("POST", "/wfs", {}, True),
        ("GET", "/ows/aurs/", {}, True),
        ("GET", "/tiles/aurs:pa-1-zonage/14/7800/6500.mvt", {}, True),
        ("GET", "/api/v1/identify", {}, True),
        ("GET", "/ows", {"HTTP_COOKIE": "sessionid=abc; lang=fr"}, False),
        ("GET", "/ows", {"HTTP_AUTHORIZATION": "Token abc"}, False),
        ("GET", "/tiles/aurs:pa-1-zonage.json", {}, False),
        ("GET", "/", {}, False),
        ("DELETE", "/ows", {}, False),
    ],
)
def test_which_requests_take_the_light_path(method, path, headers, light):
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, **headers}
    assert takes_light_path(environ) is light


def test_anonymous_getmap_draws_the_zones(ows_data, wsgi_call):
    query = (
        "SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&STYLES=&CRS=EPSG:4326"
        f"&LAYERS={ows_data.zoning_name}&BBOX={BBOX}&WIDTH=128&HEIGHT=128"
        "&FORMAT=image/png&TRANSPARENT=TRUE"
    )
    response = wsgi_call("/ows", query=query)
    assert response.status == 200
    assert response.headers["Content-Type"] == "image/png"
    assert "Set-Cookie" not in response.headers
    pixels = np.asarray(Image.open(io.BytesIO(response.content)).convert("RGBA"))
    assert (pixels[..., 3] > 0).mean() > 0.9


def test_a_planners_session_still_sees_drafts(ows_data, planner, client, wsgi_call):
    from layers.services import layer_version_create
    from tests.ows.conftest import zoning_features

    layer_version_create(layer=ows_data.zoning, features=zoning_features("v3")[:3])
    anonymous = wsgi_call("/ows", query=CAPABILITIES)
    assert anonymous.status == 200
    assert ows_data.zoning_name.encode() in anonymous.content
    assert b"pa-1-zonage-draft" not in anonymous.content
    client.force_login(planner)
    session = client.cookies["sessionid"].value
    logged_in = wsgi_call(
        "/ows", query=CAPABILITIES, headers={"Cookie": f"sessionid={session}"}
    )
    assert b"aurs:pa-1-zonage-draft" in logged_in.content


def test_exceptions_come_in_the_requested_language(ows_data, wsgi_call):
    response = wsgi_call(
        "/ows",
        query="SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=aurs:nothing",
        headers={"Accept-Language": "ar"},
    )
    assert response.status == 400
    assert b"ServiceExceptionReport" in response.content
    message = response.content.decode()
    assert any("\u0600" <= char <= "\u06ff" for char in message)
