"""End-to-end property tests of the OGC services: random parameters on real
GetMap, GetFeatureInfo, GetFeature, GetPropertyValue and GetLegendGraphic
requests get an answer or an exception report — never a server error.

Django's test client raises what a view raises, so a failing example shows
its traceback; the GetMap case also goes through ``geoportal.wsgi`` (machine
path and fast lane), where a server error is a 500 status.
"""

from __future__ import annotations

from urllib.parse import urlencode
from xml.sax.saxutils import quoteattr

from hypothesis import event, given
from hypothesis import strategies as st

from tests.fuzz import fuzz_settings
from tests.fuzz.strategies import EDGE_VALUES, TEXT, params
from tests.ows.conftest import ows_data  # noqa: F401 - a fixture

ZONING = "aurs:pa-1-zonage"
ROADS = "aurs:pa-1-voirie"

GETMAP = {
    "SERVICE": "WMS",
    "VERSION": "1.3.0",
    "REQUEST": "GetMap",
    "LAYERS": ZONING,
    "STYLES": "",
    "CRS": "EPSG:4326",
    "BBOX": "33.95,-6.85,33.962,-6.838",
    "WIDTH": "64",
    "HEIGHT": "64",
    "FORMAT": "image/png",
}
WMS_NAMES = [
    *GETMAP,
    "SRS",
    "TIME",
    "TRANSPARENT",
    "BGCOLOR",
    "EXCEPTIONS",
    "WMTVER",
]
GETFEATUREINFO = {
    **GETMAP,
    "REQUEST": "GetFeatureInfo",
    "LAYERS": f"{ZONING},{ROADS}",
    "QUERY_LAYERS": ZONING,
    "INFO_FORMAT": "text/xml",
    "I": "30",
    "J": "30",
}
INFO_NAMES = [*WMS_NAMES, "QUERY_LAYERS", "INFO_FORMAT", "I", "J", "X", "Y"]
INFO_NAMES.append("FEATURE_COUNT")
GETFEATURE = {
    "SERVICE": "WFS",
    "VERSION": "2.0.0",
    "REQUEST": "GetFeature",
    "TYPENAMES": ZONING,
    "COUNT": "5",
}
WFS_NAMES = [
    *GETFEATURE,
    "TYPENAME",
    "MAXFEATURES",
    "STARTINDEX",
    "RESULTTYPE",
    "OUTPUTFORMAT",
    "SRSNAME",
    "BBOX",
    "TIME",
    "SORTBY",
    "PROPERTYNAME",
    "RESOURCEID",
    "FEATUREID",
    "STOREDQUERY_ID",
    "ID",
    "VALUEREFERENCE",
    "FILTER",
    "ACCEPTVERSIONS",
    "NAMESPACES",
]
LEGEND = {
    "SERVICE": "WMS",
    "VERSION": "1.3.0",
    "REQUEST": "GetLegendGraphic",
    "LAYER": ZONING,
    "FORMAT": "image/png",
}


def assert_no_server_error(response) -> None:
    # A streamed answer is read whole: its failures come while it is sent.
    content = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    assert_answered(response.status_code, content)


def assert_answered(status: int, content: bytes) -> None:
    """A success or a client error; OWS Common gives an operation the
    service does not have 501, with its OperationNotSupported report."""
    event(f"HTTP {status}")
    if status == 501:
        assert b"OperationNotSupported" in content
        return
    assert status < 500, content[:500]


@given(query=params(WMS_NAMES, GETMAP))
@fuzz_settings(150)
def test_getmap_never_fails(client, ows_data, query):  # noqa: F811
    assert_no_server_error(client.get("/ows", query))


@given(query=params(WMS_NAMES, GETMAP))
@fuzz_settings(60)
def test_getmap_through_the_fast_lane_never_fails(wsgi_call, ows_data, query):  # noqa: F811
    response = wsgi_call("/ows", query=urlencode(query))
    assert_answered(response.status, response.content)


@given(query=params(INFO_NAMES, GETFEATUREINFO))
@fuzz_settings(150)
def test_getfeatureinfo_never_fails(client, ows_data, query):  # noqa: F811
    assert_no_server_error(client.get("/ows", query))


@given(query=params(WFS_NAMES, GETFEATURE))
@fuzz_settings(200)
def test_getfeature_never_fails(client, ows_data, query):  # noqa: F811
    assert_no_server_error(client.get("/ows", query))


@given(
    query=params(
        WFS_NAMES,
        {**GETFEATURE, "REQUEST": "GetPropertyValue", "VALUEREFERENCE": "code"},
    )
)
@fuzz_settings(60)
def test_getpropertyvalue_never_fails(client, ows_data, query):  # noqa: F811
    assert_no_server_error(client.get("/ows", query))


@given(query=params([*LEGEND, "WIDTH", "HEIGHT", "STYLE", "SLD_VERSION"], LEGEND))
@fuzz_settings(40)
def test_getlegendgraphic_never_fails(client, ows_data, query):  # noqa: F811
    assert_no_server_error(client.get("/ows", query))


def xml_attr(name: str, value: str | None) -> str:
    return "" if value is None else f" {name}={quoteattr(value)}"


ATTRIBUTE = st.one_of(st.none(), st.sampled_from(EDGE_VALUES), TEXT)
POST_BODIES = st.builds(
    lambda request, version, count, start, output, result, names, srs, sort, flt: (
        f'<wfs:{request} xmlns:wfs="http://www.opengis.net/wfs/2.0" '
        'xmlns:fes="http://www.opengis.net/fes/2.0" service="WFS"'
        f"{xml_attr('version', version)}{xml_attr('count', count)}"
        f"{xml_attr('startIndex', start)}{xml_attr('outputFormat', output)}"
        f"{xml_attr('resultType', result)}>"
        f"<wfs:Query{xml_attr('typeNames', names)}{xml_attr('srsName', srs)}>"
        f"{sort}{flt}</wfs:Query></wfs:{request}>"
    ),
    st.sampled_from(["GetFeature", "GetPropertyValue", "DescribeFeatureType"]),
    st.one_of(st.sampled_from(["2.0.0", "1.1.0"]), ATTRIBUTE),
    ATTRIBUTE,
    ATTRIBUTE,
    st.one_of(st.sampled_from(["application/json", "text/xml"]), ATTRIBUTE),
    st.one_of(st.sampled_from(["hits", "results"]), ATTRIBUTE),
    st.one_of(st.sampled_from([ZONING, f"{ZONING} {ROADS}"]), ATTRIBUTE),
    ATTRIBUTE,
    st.sampled_from(
        [
            "",
            "<fes:SortBy><fes:SortProperty><fes:ValueReference>height_m"
            "</fes:ValueReference><fes:SortOrder>DESC</fes:SortOrder>"
            "</fes:SortProperty></fes:SortBy>",
            "<fes:SortBy><fes:SortProperty><fes:ValueReference>nope"
            "</fes:ValueReference></fes:SortProperty></fes:SortBy>",
            "<fes:SortBy/>",
        ]
    ),
    st.sampled_from(
        [
            "",
            "<fes:Filter><fes:PropertyIsEqualTo><fes:ValueReference>code"
            "</fes:ValueReference><fes:Literal>R1</fes:Literal>"
            "</fes:PropertyIsEqualTo></fes:Filter>",
            "<fes:Filter/>",
        ]
    ),
)


@given(body=POST_BODIES)
@fuzz_settings(100)
def test_wfs_xml_posts_never_fail(client, ows_data, body):  # noqa: F811
    response = client.post("/ows", body, content_type="application/xml")
    assert_no_server_error(response)


ANY_OPERATION = st.builds(
    lambda service, request, version, extra: {
        "SERVICE": service,
        "REQUEST": request,
        "VERSION": version,
        **extra,
    },
    st.sampled_from(["WMS", "WFS", "wms", "", "WCS"]),
    st.sampled_from(
        [
            "GetCapabilities",
            "capabilities",
            "DescribeFeatureType",
            "ListStoredQueries",
            "DescribeStoredQueries",
            "GetFeature",
            "GetPropertyValue",
            "GetMap",
            "map",
            "GetFeatureInfo",
            "GetLegendGraphic",
            "Transaction",
        ]
    ),
    st.sampled_from(["", "1.3.0", "1.1.1", "2.0.0", "1.1.0", "1.0.0", "3", "x"]),
    params([*WMS_NAMES, *INFO_NAMES, *WFS_NAMES, "LAYER", "STOREDQUERY_ID"], {}),
)


@given(
    query=ANY_OPERATION, path=st.sampled_from(["/ows", "/wms", "/wfs", "/ows/aurs/"])
)
@fuzz_settings(150)
def test_any_operation_on_any_endpoint_never_fails(client, ows_data, query, path):  # noqa: F811
    assert_no_server_error(client.get(path, query))
