"""An anonymous request cannot buy seconds of work: layers, image size and
layers × pixels are bounded in every path a GetMap takes, and advertised."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import AnonymousUser
from lxml import etree

from ows.exceptions import InvalidParameterValue
from ows.fastlane import GetMapLane
from ows.params import OwsRequest
from ows.registry import ServiceContext
from ows.wms import getmap
from tests.ows import maps
from tests.wsgi import lane_match

NS = {"wms": "http://www.opengis.net/wms", "ogc": "http://www.opengis.net/ogc"}
BBOX = f"{maps.SOUTH},{maps.WEST},{maps.NORTH},{maps.EAST}"


def heavy(name: str, *, layers: int = 200, size: int = 4096, **extra) -> dict:
    return maps.getmap_params(
        ",".join([name] * layers),
        bbox=BBOX,
        WIDTH=str(size),
        HEIGHT=str(size),
        **extra,
    )


def exception(content: bytes) -> etree._Element:
    return etree.fromstring(content).find("ogc:ServiceException", NS)


def test_two_hundred_layers_at_4096_are_refused(client, ows_data):
    response = client.get("/ows", heavy(ows_data.zoning_name))
    assert response.status_code == 400
    error = exception(response.content)
    assert error.get("code") == "InvalidParameterValue"
    assert error.get("locator") == "LAYERS"
    assert "200" in error.text


def test_the_limit_is_in_the_users_language(client, ows_data):
    response = client.get(
        "/ows", heavy(ows_data.zoning_name), headers={"accept-language": "ar"}
    )
    assert response.status_code == 400
    assert "طبقة" in exception(response.content).text


def test_twenty_layers_at_a_normal_size_are_drawn(client, ows_data, settings):
    params = heavy(ows_data.zoning_name, layers=settings.OWS_MAX_LAYERS, size=256)
    response = client.get("/ows", params)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"


def test_width_and_height_are_bounded(client, ows_data, settings):
    for name in ("WIDTH", "HEIGHT"):
        params = heavy(ows_data.zoning_name, layers=1, size=256)
        params[name] = str(settings.OWS_MAX_WIDTH + 1)
        response = client.get("/ows", params)
        assert response.status_code == 400
        assert exception(response.content).get("locator") == name


def test_layers_times_pixels_is_bounded(client, ows_data, settings):
    # Five layers at the largest size: each bound holds, their product not.
    params = heavy(ows_data.zoning_name, layers=5, size=settings.OWS_MAX_WIDTH)
    response = client.get("/ows", params)
    assert response.status_code == 400
    error = exception(response.content)
    assert error.get("code") == "InvalidParameterValue"
    assert "5" in error.text
    # Four fit the budget (drawn small here: the budget is what is checked).
    settings.OWS_MAX_LAYER_PIXELS = 4 * 64 * 64
    assert (
        client.get("/ows", heavy(ows_data.zoning_name, layers=4, size=64)).status_code
        == 200
    )
    assert (
        client.get("/ows", heavy(ows_data.zoning_name, layers=5, size=64)).status_code
        == 400
    )


def test_the_machine_path_refuses_in_the_users_language(ows_data, wsgi_call):
    response = wsgi_call(
        "/ows",
        query=urlencode(heavy(ows_data.zoning_name)),
        headers={"Accept-Language": "fr"},
    )
    assert response.status == 400
    error = exception(response.content)
    assert error.get("code") == "InvalidParameterValue"
    assert "couches" in error.text


@pytest.mark.parametrize(
    "options",
    [
        {"layers": 200, "size": 256},
        {"layers": 5, "size": 4096},
        {"layers": 1, "size": 5000},
    ],
)
def test_the_fast_lane_refuses_before_drawing(ows_data, options):
    params = {k.upper(): v for k, v in heavy(ows_data.zoning_name, **options).items()}
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/ows",
        "QUERY_STRING": urlencode(params),
    }
    lane, arguments = lane_match(environ)
    assert isinstance(lane, GetMapLane)
    assert arguments is not None  # the lane takes the request…
    with pytest.raises(InvalidParameterValue):  # …and refuses it unanswered
        lane.answer(*arguments)


def test_getfeatureinfo_feature_count_over_the_cap_is_answered_up_to_it(
    client, ows_data, settings
):
    # QGIS asks for 10 features, some clients for thousands: a count over the
    # cap is a wish for all, answered with at most OWS_MAX_FEATURE_INFO.
    params = maps.getmap_params(
        ows_data.zoning_name,
        bbox=BBOX,
        REQUEST="GetFeatureInfo",
        QUERY_LAYERS=ows_data.zoning_name,
        INFO_FORMAT="application/json",
        I="10",
        J="10",
        FEATURE_COUNT=str(settings.OWS_MAX_FEATURE_INFO + 1),
    )
    response = client.get("/ows", params)
    assert response.status_code == 200
    features = json.loads(response.content)["features"]
    assert 1 <= len(features) <= settings.OWS_MAX_FEATURE_INFO


def test_capabilities_advertise_the_limits(client, ows_data, settings):
    settings.OWS_MAX_LAYERS = 12
    settings.OWS_MAX_WIDTH = 2048
    settings.OWS_MAX_HEIGHT = 1024
    response = client.get("/ows?SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.3.0")
    document = etree.fromstring(response.content)
    service = document.find("wms:Service", NS)
    assert service.findtext("wms:LayerLimit", namespaces=NS) == "12"
    assert service.findtext("wms:MaxWidth", namespaces=NS) == "2048"
    assert service.findtext("wms:MaxHeight", namespaces=NS) == "1024"
    # …and keeps to them.
    params = heavy(ows_data.zoning_name, layers=13, size=64)
    assert client.get("/ows", params).status_code == 400


def test_getmap_module_checks_the_budget_itself(ows_data):
    request = OwsRequest(
        {k.upper(): v for k, v in heavy(ows_data.zoning_name, layers=5).items()},
        "WMS",
        "GetMap",
        "1.3.0",
    )
    context = ServiceContext(user=AnonymousUser(), agency_code=None, url="")
    with pytest.raises(InvalidParameterValue):
        getmap.parse(request, context)


def test_wfs_type_names_are_bounded(client, ows_data, settings):
    names = ",".join([ows_data.zoning_name] * (settings.OWS_MAX_LAYERS + 1))
    response = client.get(
        "/ows",
        {
            "SERVICE": "WFS",
            "VERSION": "2.0.0",
            "REQUEST": "GetFeature",
            "TYPENAMES": names,
            "RESULTTYPE": "hits",
        },
    )
    assert response.status_code == 400
    report = etree.fromstring(response.content)
    error = report.find("{http://www.opengis.net/ows/1.1}Exception")
    assert error.get("exceptionCode") == "InvalidParameterValue"
    assert error.get("locator") == "typeNames"


def test_wfs_xml_queries_are_bounded_in_all(client, ows_data, settings):
    query = f'<wfs:Query typeNames="{ows_data.zoning_name}"/>'
    body = (
        '<wfs:GetFeature service="WFS" version="2.0.0" resultType="hits" '
        'xmlns:wfs="http://www.opengis.net/wfs/2.0">'
        + query * (settings.OWS_MAX_LAYERS + 1)
        + "</wfs:GetFeature>"
    )
    response = client.post("/ows", body, content_type="application/xml")
    assert response.status_code == 400
    assert b"InvalidParameterValue" in response.content
    body = body.replace(query * (settings.OWS_MAX_LAYERS + 1), query * 2)
    assert client.post("/ows", body, content_type="application/xml").status_code == 200
