"""Assertions of the OGC WMS 1.3.0 and 1.1.1 executable test suites
(ets-wms13, ets-wms11), one test each, named after the assertion it checks.

Each request is the suite's own (its parameters, mixed case included); the
machine path (``geoportal.machine``, the GetMap lane) answers as Django's.
"""

from __future__ import annotations

import functools
import io
from urllib.parse import urlencode

import pytest
from lxml import etree
from PIL import Image

from geoportal.demo_orthophoto import demo_orthophoto_ensure
from tests.ows.conftest import (
    CELL,
    GRID,
    ORIGIN,
    SCHEMAS,
    assert_valid,
    load_schema,
    schema_from_text,
)
from tests.ows.maps import EAST, NORTH, SOUTH, WEST, getmap_params, pixels

WMS = {"wms": "http://www.opengis.net/wms", "xlink": "http://www.w3.org/1999/xlink"}
OGC = {"ogc": "http://www.opengis.net/ogc"}
GML = "http://www.opengis.net/gml"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
LONLAT = f"{WEST},{SOUTH},{EAST},{NORTH}"
LATLON = f"{SOUTH},{WEST},{NORTH},{EAST}"


@functools.cache
def exceptions_130():
    return load_schema("http://schemas.opengis.net/wms/1.3.0/exceptions_1_3_0.xsd")


@functools.cache
def capabilities_130():
    # The SLD extension schema imports the WMS one: it validates both.
    return load_schema("http://schemas.opengis.net/sld/1.1.0/sld_capabilities.xsd")


def capabilities_111_dtd() -> etree.DTD:
    return etree.DTD(
        str(SCHEMAS / "schemas.opengis.net/wms/1.1.1/WMS_MS_Capabilities.dtd")
    )


def exception_130(response, code: str, locator: str) -> None:
    """``response`` is a schema-valid 1.3.0 report of ``code`` at ``locator``."""
    assert response["Content-Type"].startswith("text/xml"), response.content
    document = assert_valid(exceptions_130(), response.content)
    found = document.xpath("//ogc:ServiceException", namespaces=OGC)
    assert [(e.get("code"), e.get("locator")) for e in found] == [(code, locator)]


def featureinfo_111(data, **extra) -> dict:
    """The suite's 1.1.1 GetFeatureInfo: X/Y on a zone of the grid."""
    params = {
        "ReQuEsT": "GetFeatureInfo",
        "VeRsIoN": "1.1.1",
        "SeRvIcE": "WMS",
        "LaYeRs": data.zoning_name,
        "QuErY_LaYeRs": data.zoning_name,
        "StYlEs": "",
        "SrS": "EPSG:4326",
        # One cell per 60 px: the pixel (30, 30) is in the north-west zone.
        "BbOx": LONLAT,
        "WiDtH": str(GRID * 60),
        "HeIgHt": str(GRID * 60),
        "FoRmAt": "image/png",
        "X": "30",
        "Y": "30",
    }
    params.update(extra)
    return {key: value for key, value in params.items() if value is not None}


def test_getfeatureinfo_gml_info_format_returns_gml(client, ows_data):
    """wmsops-getfeatureinfo-params-info_format-2 and -3: the Content-type is
    application/vnd.ogc.gml and the answer is a valid GML document."""
    response = client.get(
        "/wms", featureinfo_111(ows_data, InFo_fOrMaT="application/vnd.ogc.gml")
    )
    assert response.status_code == 200, response.content
    assert response["Content-Type"].split(";")[0] == "application/vnd.ogc.gml"
    document = etree.fromstring(response.content)
    assert document.tag == f"{{{GML}}}FeatureCollection"
    # The features' schema is the one its schemaLocation names: WFS 1.1.0's
    # DescribeFeatureType of the layer, over GML 3.1.1.
    locations = document.get(
        "{http://www.w3.org/2001/XMLSchema-instance}schemaLocation"
    ).split()
    pairs = dict(zip(locations[::2], locations[1::2], strict=True))
    namespace = "urn:geoportail:agency:aurs"
    assert pairs[GML] == "http://schemas.opengis.net/gml/3.1.1/base/gml.xsd"
    describe = client.get(pairs[namespace].replace("http://testserver", ""))
    assert describe.status_code == 200
    assert_valid(schema_from_text(describe.content.decode()), response.content)
    members = document.findall(f"{{{GML}}}featureMember")
    assert len(members) == 1
    feature = members[0][0]
    row = GRID - 1
    assert feature.findtext(f"{{{namespace}}}source_id") == f"v2-{row}-0"
    assert feature.findtext(f"{{{namespace}}}height_m") == str(3 * GRID)
    assert feature.get(f"{{{GML}}}id").startswith("pa-1-zonage.")
    surface = feature.find(f"{{{namespace}}}geom/{{{GML}}}MultiSurface")
    assert surface.get("srsName") == "EPSG:4326"
    # x/y as WMS 1.1.1 writes EPSG:4326: the zone's south-west corner is there.
    corner = f"{ORIGIN[0]:.3f} {ORIGIN[1] + row * CELL:.3f}"
    coordinates = surface.findtext(f".//{{{GML}}}posList").split()
    pairs_xy = {
        f"{float(x):.3f} {float(y):.3f}"
        for x, y in zip(coordinates[::2], coordinates[1::2], strict=True)
    }
    assert corner in pairs_xy


def test_getfeatureinfo_gml_on_an_empty_pixel_is_an_empty_collection(client, ows_data):
    away = f"{WEST + 1},{SOUTH + 1},{EAST + 1},{NORTH + 1}"
    response = client.get(
        "/wms",
        featureinfo_111(ows_data, InFo_fOrMaT="application/vnd.ogc.gml", BbOx=away),
    )
    assert response.status_code == 200
    document = etree.fromstring(response.content)
    assert document.tag == f"{{{GML}}}FeatureCollection"
    assert document.findall(f"{{{GML}}}featureMember") == []


def test_getfeatureinfo_without_info_format_returns_an_advertised_format(
    client, ows_data
):
    """wmsops-getfeatureinfo-params-info_format-1: INFO_FORMAT is optional in
    1.1.1; the Content-type is one of the formats the capabilities list."""
    response = client.get("/wms", featureinfo_111(ows_data))
    assert response.status_code == 200, response.content
    content_type = response["Content-Type"].split(";")[0].strip()
    capabilities = etree.fromstring(
        client.get("/wms?REQUEST=GetCapabilities&VERSION=1.1.1").content
    )
    advertised = capabilities.xpath("//Request/GetFeatureInfo/Format/text()")
    assert content_type in advertised
    assert b"v2-5-0" in response.content


def test_getfeatureinfo_130_still_requires_info_format(client, ows_data):
    params = {
        **getmap_params(ows_data.zoning_name, bbox=LATLON),
        "REQUEST": "GetFeatureInfo",
        "QUERY_LAYERS": ows_data.zoning_name,
        "I": "10",
        "J": "10",
    }
    response = client.get("/ows", params)
    assert response.status_code == 400
    exception_130(response, "MissingParameterValue", "INFO_FORMAT")


def legend_urls(client, version: str) -> list[tuple[str, int, int]]:
    """(href, width, height) of every LegendURL of the aurs agency's layers."""
    response = client.get(
        f"/ows/aurs/?SERVICE=WMS&REQUEST=GetCapabilities&VERSION={version}"
    )
    document = etree.fromstring(response.content)
    if version == "1.3.0":
        urls = document.xpath("//wms:LegendURL", namespaces=WMS)
        href = "wms:OnlineResource/@xlink:href"
    else:
        urls = document.xpath("//LegendURL")
        href = "OnlineResource/@xlink:href"
    return [
        (
            url.xpath(href, namespaces=WMS)[0],
            int(url.get("width")),
            int(url.get("height")),
        )
        for url in urls
    ]


@pytest.mark.parametrize("version", ["1.3.0", "1.1.1"])
def test_legend_graphic_size_is_the_advertised_legendurl_size(
    client, ows_data, version
):
    """getcapabilities: The size of {$resource} is {$advertised-width}x
    {$advertised-height} (each LegendURL of each Style)."""
    urls = legend_urls(client, version)
    assert len(urls) == 2  # the zoning and the road overlay
    heights = set()
    for href, width, height in urls:
        response = client.get(href.replace("http://testserver", ""))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert Image.open(io.BytesIO(response.content)).size == (width, height)
        heights.add(height)
    assert len(heights) == 2  # the zoning's legend has a row per category


@pytest.mark.parametrize(
    ("version", "exceptions"),
    [("1.3.0", "BLANK"), ("1.1.1", "application/vnd.ogc.se_blank")],
)
def test_exceptions_blank_with_bgcolor_returns_only_bgcolor_pixels(
    client, ows_data, version, exceptions
):
    """getmap exceptions (1.3.0) and wmsops-getmap-params-exceptions-5
    (1.1.1): EXCEPTIONS=BLANK, TRANSPARENT=FALSE and BGCOLOR=0xFF0000 give an
    image of only red pixels, in the FORMAT requested."""
    params = getmap_params(
        "NonExistant",
        version=version,
        bbox="-1,-1,1,1",
        WIDTH="100",
        HEIGHT="100",
        TRANSPARENT="FALSE",
        EXCEPTIONS=exceptions,
        BGCOLOR="0xFF0000",
    )
    response = client.get("/ows", params)
    assert response["Content-Type"] == "image/png"
    image = pixels(response.content)
    assert image.shape == (100, 100, 4)
    assert (image == [255, 0, 0, 255]).all()


@pytest.mark.parametrize("exceptions", ["BLANK", "application/vnd.ogc.se_blank"])
def test_exceptions_blank_and_transparent_returns_only_transparent_pixels(
    client, ows_data, exceptions
):
    params = getmap_params(
        "NonExistant", bbox="-1,-1,1,1", EXCEPTIONS=exceptions, BGCOLOR="0x00FF00"
    )
    image = pixels(client.get("/ows", params).content)
    assert (image[..., 3] == 0).all()


def test_exceptions_inimage_writes_on_bgcolor(client, ows_data):
    params = getmap_params(
        "NonExistant",
        bbox="-1,-1,1,1",
        TRANSPARENT="FALSE",
        EXCEPTIONS="INIMAGE",
        BGCOLOR="0x0000FF",
    )
    image = pixels(client.get("/ows", params).content)
    blue = (image == [0, 0, 255, 255]).all(axis=2)
    assert 0.8 < blue.mean() < 1  # the background, and the message on it


@pytest.mark.parametrize("request_name", ["GetMap", "GetFeatureInfo"])
def test_request_without_version_contains_exception_report(
    client, ows_data, wsgi_call, request_name
):
    """getmap:no-version: a GetMap without VERSION gets an exception report
    (valid against exceptions_1_3_0.xsd, locator Version), never an image —
    on the machine path too."""
    params = {
        **getmap_params(ows_data.zoning_name, bbox=LATLON),
        "REQUEST": request_name,
        "QUERY_LAYERS": ows_data.zoning_name,
        "INFO_FORMAT": "text/html",
        "I": "10",
        "J": "10",
    }
    del params["VERSION"], params["SERVICE"]
    response = client.get("/wms", params)
    assert response.status_code == 400
    exception_130(response, "MissingParameterValue", "Version")
    machine = wsgi_call("/wms", query=urlencode(params))
    assert machine.status == 400
    assert machine.content == response.content


def test_getmap_with_wmtver_instead_of_version_is_a_map(client, ows_data):
    """wmsops-getmap-params-version-1: WMTVER names the version of old clients."""
    params = getmap_params(ows_data.zoning_name, version="1.1.1", bbox=LONLAT)
    params["WmTvEr"] = params.pop("VERSION")
    response = client.get("/wms", params)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"


@pytest.mark.parametrize("request_name", ["GetMap", "GetFeatureInfo"])
def test_130_request_without_styles_is_missing_parameter_value(
    client, ows_data, request_name
):
    """STYLES is mandatory in WMS 1.3.0 (table 8); without it, an exception."""
    params = {
        **getmap_params(ows_data.zoning_name, bbox=LATLON),
        "REQUEST": request_name,
        "QUERY_LAYERS": ows_data.zoning_name,
        "INFO_FORMAT": "text/html",
        "I": "10",
        "J": "10",
    }
    del params["STYLES"]
    response = client.get("/ows", params)
    assert response.status_code == 400
    exception_130(response, "MissingParameterValue", "STYLES")


def test_111_getmap_without_styles_is_a_map(client, ows_data):
    # The 1.1.1 suite never leaves STYLES out; its clients may.
    params = getmap_params(ows_data.zoning_name, version="1.1.1", bbox=LONLAT)
    del params["STYLES"]
    assert client.get("/ows", params)["Content-Type"] == "image/png"


@pytest.mark.parametrize(
    "srs", ["CRS:84", "urn:ogc:def:crs:OGC:1.3:CRS84", "UndefinedSRS"]
)
def test_srs_not_valid_for_the_layers_is_invalid_srs(client, ows_data, srs):
    """wmsops-getmap-params-srs-3: an SRS the capabilities do not advertise
    gives code InvalidSRS; CRS:84 is a WMS 1.3.0 name, not offered in 1.1.1."""
    params = getmap_params(
        ows_data.zoning_name, version="1.1.1", crs=("SrS", srs), bbox=LONLAT
    )
    response = client.get("/wms", params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/vnd.ogc.se_xml"
    document = etree.fromstring(response.content)
    assert document.xpath("/ServiceExceptionReport/ServiceException/@code") == [
        "InvalidSRS"
    ]
    capabilities = client.get("/wms?REQUEST=GetCapabilities&VERSION=1.1.1").content
    assert f"<SRS>{srs}</SRS>".encode() not in capabilities


def test_crs84_is_still_a_130_crs(client, ows_data):
    params = getmap_params(ows_data.zoning_name, crs=("CRS", "CRS:84"), bbox=LONLAT)
    assert client.get("/ows", params)["Content-Type"] == "image/png"


def time_dimension(client) -> etree._Element:
    document = etree.fromstring(
        client.get(
            "/ows/aurs/?SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.3.0"
        ).content
    )
    return document.xpath(
        "//wms:Layer[wms:Name='aurs:pa-1-zonage']/wms:Dimension[@name='time']",
        namespaces=WMS,
    )[0]


def test_time_dimension_declares_current_and_its_default(client, ows_data):
    """time: the dimension's declaration — units ISO8601, a default value
    (recommendations: each dimension declaration contains a default value),
    and the current keyword that default uses."""
    dimension = time_dimension(client)
    assert dimension.get("units") == "ISO8601"
    assert dimension.get("current") == "1"
    assert dimension.get("default") == "current"
    assert dimension.text.split(",") == ["2020-01-01T00:00:00Z", "2023-06-01T00:00:00Z"]


def test_time_current_returns_a_map(client, ows_data):
    """time:time-current-instant: TIME=current returns a map."""
    params = getmap_params(ows_data.zoning_name, bbox=LATLON, TiMe="current")
    assert client.get("/ows", params)["Content-Type"] == "image/png"


def test_time_instant_of_each_advertised_value_returns_a_map(client, ows_data):
    """time: for each advertised time instant, the appropriate map is
    returned — the version that starts then."""
    first, second = time_dimension(client).text.split(",")
    images = [
        client.get("/ows", getmap_params(ows_data.zoning_name, bbox=LATLON, TIME=value))
        for value in (first, second, "current")
    ]
    assert [image["Content-Type"] for image in images] == ["image/png"] * 3
    # Version 1 had 10 of the 36 zones; version 2 is the one of now.
    assert images[0].content != images[1].content == images[2].content


def test_time_interval_ending_with_current_returns_a_map(client, ows_data):
    """time:time-current-interval: the first advertised value followed by
    ``/current`` returns a map — the one of now."""
    first = time_dimension(client).text.split(",")[0]
    now = client.get("/ows", getmap_params(ows_data.zoning_name, bbox=LATLON))
    interval = client.get(
        "/ows",
        getmap_params(ows_data.zoning_name, bbox=LATLON, TIME=f"{first}/current"),
    )
    assert interval["Content-Type"] == "image/png"
    assert interval.content == now.content
    # An interval ending in 2021 shows version 1, as TIME=2021-03-01 does.
    then = client.get(
        "/ows", getmap_params(ows_data.zoning_name, bbox=LATLON, TIME="2021-03-01")
    )
    past = client.get(
        "/ows",
        getmap_params(ows_data.zoning_name, bbox=LATLON, TIME=f"{first}/2021-03-01"),
    )
    assert past.content == then.content != now.content


@pytest.mark.parametrize(
    "value", ["2010-01-01", "2019-12-31", "2023-01-01/2021-01-01", "2021-01-01/tea"]
)
def test_time_outside_the_dimension_is_invalid_dimension_value(client, ows_data, value):
    """WMS 1.3.0 C.4.1: a value outside the declared extent (before the first
    version), or no valid value at all, is an InvalidDimensionValue."""
    params = getmap_params(ows_data.zoning_name, bbox=LATLON, TIME=value)
    response = client.get("/ows", params)
    assert response.status_code == 400
    exception_130(response, "InvalidDimensionValue", "TIME")


def test_getmap_without_time_sets_the_default_value_used_warning(
    client, ows_data, wsgi_call
):
    """time: a request without TIME returns a map and sets the "default value
    used" warning header (on the machine path too)."""
    params = getmap_params(ows_data.zoning_name, bbox=LATLON)
    response = client.get("/ows", params)
    warning = response["Warning"]
    assert warning.lower().startswith("99 default value used: time=")
    assert warning[28:].startswith(time_dimension(client).get("default"))
    assert wsgi_call("/ows", query=urlencode(params)).headers["Warning"] == warning
    dated = client.get("/ows", {**params, "TIME": "2024-01-01"})
    assert "Warning" not in dated


@pytest.mark.parametrize("version", ["1.3.0", "1.1.1"])
def test_every_named_layer_has_a_keyword_list_and_a_metadata_url(
    client, ows_data, version
):
    """recommendations: each Layer contains a keyword list; every named Layer
    contains a MetadataURL; getcapabilities: the MIME-type returned by each
    MetadataURL resource is its Format. The document stays valid."""
    response = client.get(
        f"/ows/aurs/?SERVICE=WMS&REQUEST=GetCapabilities&VERSION={version}"
    )
    document = etree.fromstring(response.content)
    if version == "1.3.0":
        assert capabilities_130().validate(document), capabilities_130().error_log
        ns, type_ = "wms:", "ISO19115:2003"
    else:
        dtd = capabilities_111_dtd()
        assert dtd.validate(document), dtd.error_log
        ns, type_ = "", "TC211"
    layers = {
        ows_data.zoning_name: ows_data.zoning,
        ows_data.roads_name: ows_data.roads,
    }
    named = document.xpath(f"//{ns}Layer[{ns}Name]", namespaces=WMS)
    assert len(named) == len(layers)
    for element in named:
        layer = layers[element.xpath(f"string({ns}Name)", namespaces=WMS)]
        keywords = element.xpath(f"{ns}KeywordList/{ns}Keyword/text()", namespaces=WMS)
        assert ows_data.agency.name in keywords
        assert ows_data.document.get_kind_display() in keywords
        (url,) = element.xpath(f"{ns}MetadataURL", namespaces=WMS)
        assert url.get("type") == type_
        href = url.xpath(f"string({ns}OnlineResource/@xlink:href)", namespaces=WMS)
        assert href == f"http://testserver/layers/{layer.pk}/metadata.xml"
        record = client.get(href.removeprefix("http://testserver"))
        assert record.status_code == 200
        advertised = url.xpath(f"string({ns}Format)", namespaces=WMS)
        assert record["Content-Type"].split(";")[0] == advertised
        assert b"MD_Metadata" in record.content


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("fr", "n’a aucune version en vigueur le 2010-01-01"),
        ("ar", "لا توجد لـ aurs:pa-1-zonage أي نسخة سارية في 2010-01-01"),
        ("en", "has no version in force at 2010-01-01"),
    ],
)
def test_time_outside_the_dimension_says_so_in_the_users_language(
    client, ows_data, language, text
):
    params = getmap_params(ows_data.zoning_name, bbox=LATLON, TIME="2010-01-01")
    response = client.get("/ows", params, HTTP_ACCEPT_LANGUAGE=language)
    assert text in response.content.decode()


@pytest.fixture
def photo(ows_data) -> str:
    """The demo's synthetic orthophoto over the zoning grid; its WMS name."""
    demo_orthophoto_ensure(ows_data.agency)
    return f"{ows_data.agency.code}:ortho.orthophoto-demo"


def test_getfeatureinfo_on_a_layer_not_queryable_is_layer_not_queryable(
    client, ows_data, photo
):
    """getfeatureinfo: GetFeatureInfo on a Layer that is not queryable (an
    orthophoto, queryable="0") gives code LayerNotQueryable; among LAYERS
    only, it is no mistake."""
    params = {
        **getmap_params(f"{photo},{ows_data.zoning_name}", bbox=LATLON),
        "REQUEST": "GetFeatureInfo",
        "QUERY_LAYERS": ows_data.zoning_name,
        "INFO_FORMAT": "application/json",
        "I": "10",
        "J": "10",
    }
    response = client.get("/ows", params)
    assert response.status_code == 200, response.content
    assert len(response.json()["features"]) == 1
    response = client.get("/ows", {**params, "QUERY_LAYERS": photo})
    assert response.status_code == 400
    exception_130(response, "LayerNotQueryable", "QUERY_LAYERS")


@pytest.mark.parametrize(
    ("version", "crs", "turn"),
    [
        ("1.1.1", ("SRS", "EPSG:4326"), 360),
        ("1.3.0", ("CRS", "CRS:84"), 360),
        ("1.3.0", ("CRS", "CRS:84"), -720),
    ],
)
def test_bbox_beyond_180_degrees_spans_the_antimeridian(
    client, ows_data, version, crs, turn
):
    """wmsops-getmap-params-bbox-12: a BBOX whose x values are beyond 180
    degrees returns the content of the same place one turn back."""
    # Around the grid, in binary fractions: moved by whole turns exactly.
    west, south, east, north = -6.875, 33.9375, -6.8125, 34.0
    box = f"{west},{south},{east},{north}"
    here = getmap_params(ows_data.zoning_name, version=version, crs=crs, bbox=box)
    there = {**here, "BBOX": f"{west + turn},{south},{east + turn},{north}"}
    image = client.get("/ows", here).content
    assert (pixels(image)[..., 3] > 0).mean() > 0.01
    assert client.get("/ows", there).content == image


def test_bbox_beyond_90_degrees_is_empty(client, ows_data):
    """wmsops-getmap-params-bbox-10: y values beyond 90 degrees give empty
    content (white), not an exception."""
    params = getmap_params(
        ows_data.zoning_name,
        version="1.1.1",
        bbox="-5,90,5,100",
        TRANSPARENT="FALSE",
        WIDTH="100",
        HEIGHT="100",
    )
    response = client.get("/ows", params)
    assert response["Content-Type"] == "image/png"
    assert (pixels(response.content) == 255).all()
