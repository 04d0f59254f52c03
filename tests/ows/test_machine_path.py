"""Anonymous OGC and tile requests take the machine path
(``geoportal.machine``) and answer as the full one would; a planner's session
still takes the full path and sees the agency's drafts."""

from __future__ import annotations

import pytest

from tests.ows import maps
from tests.wsgi import lane_match

BBOX = f"{maps.SOUTH},{maps.WEST},{maps.NORTH},{maps.EAST}"
CAPABILITIES = "SERVICE=WMS&REQUEST=GetCapabilities"


@pytest.mark.parametrize(
    ("method", "path", "headers", "machine"),
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
def test_which_requests_take_the_machine_path(method, path, headers, machine):
    from geoportal.wsgi import application

    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, **headers}
    assert (application.route(environ) is not None) is machine


def getmap_query(name: str) -> str:
    return maps.getmap_query(name, bbox=BBOX, WIDTH="128", HEIGHT="128")


def test_anonymous_getmap_draws_the_zones(ows_data, wsgi_call, client):
    # The fast lane (ows.fastlane) answers: the same image as Django's full
    # request path, with the same security headers.
    response = wsgi_call("/ows", query=getmap_query(ows_data.zoning_name))
    assert response.status == 200
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["Content-Length"] == str(len(response.content))
    assert "Set-Cookie" not in response.headers
    pixels = maps.pixels(response.content)
    assert (pixels[..., 3] > 0).mean() > 0.9
    full = client.get("/ows?" + getmap_query(ows_data.zoning_name))
    assert full.content == response.content
    for header in (
        "X-Content-Type-Options",
        "X-Frame-Options",
        "Referrer-Policy",
        "Content-Security-Policy",
    ):
        assert response.headers[header] == full[header]


def test_a_planners_session_draws_a_draft(ows_data, planner, client, wsgi_call):
    from layers.services import layer_version_create
    from tests.ows.conftest import zoning_features

    layer_version_create(layer=ows_data.zoning, features=zoning_features("v3")[:3])
    draft = getmap_query("aurs:pa-1-zonage-draft")
    assert wsgi_call("/ows", query=draft).status == 400  # unknown to the public
    client.force_login(planner)
    session = {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}
    response = wsgi_call("/ows", query=draft, headers=session)
    assert response.status == 200
    assert response.headers["Content-Type"] == "image/png"


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


def test_the_fast_lane_takes_plain_getmaps_only(ows_data):
    from ows.exceptions import OwsError
    from ows.fastlane import GetMapLane

    def match(path, query, method="GET"):
        environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query}
        lane, arguments = lane_match(environ)
        assert isinstance(lane, GetMapLane)
        return arguments

    for path in ("/ows", "/wms", "/ows/aurs/"):
        arguments = match(path, getmap_query(ows_data.zoning_name))
        assert arguments is not None
        assert GetMapLane().answer(*arguments).status_code == 200
    # /wms assumes SERVICE=WMS, as its view does.
    without_service = maps.getmap_query(ows_data.zoning_name, bbox=BBOX, SERVICE=None)
    assert match("/wms", without_service) is not None
    assert match("/ows", without_service) is None
    # Other operations and methods go to the machine handler, and so do mistakes
    # (the lane raises; the handler answers with the exception report).
    assert match("/ows", CAPABILITIES) is None
    assert match("/ows", getmap_query(ows_data.zoning_name), method="POST") is None
    for path, name in (("/ows", "aurs:nothing"), ("/ows/other/", ows_data.zoning_name)):
        with pytest.raises(OwsError):
            GetMapLane().answer(*match(path, getmap_query(name)))
    # Even when the client wants its errors as images, written in its language.
    inimage = getmap_query("aurs:nothing") + "&EXCEPTIONS=INIMAGE"
    with pytest.raises(OwsError):
        GetMapLane().answer(*match("/ows", inimage))


def test_an_error_image_is_written_in_the_clients_language(ows_data, wsgi_call):
    query = getmap_query("aurs:nothing") + "&EXCEPTIONS=INIMAGE"
    french = wsgi_call("/ows", query=query, headers={"Accept-Language": "fr"})
    arabic = wsgi_call("/ows", query=query, headers={"Accept-Language": "ar"})
    assert french.status == arabic.status == 200
    assert french.headers["Content-Type"] == "image/png"
    assert maps.pixels(french.content).any()  # the message is drawn
    assert french.content != arabic.content  # in each one's language
