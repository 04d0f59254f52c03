"""WFS 2.0: capabilities, DescribeFeatureType, GetFeature GML 3.2 and GeoJSON."""

from __future__ import annotations

import functools
import json

import pytest
from lxml import etree

from tests.ows.conftest import (
    CELL,
    GRID,
    ORIGIN,
    assert_valid,
    feature_collection_schema,
    load_schema,
)

NS = {
    "wfs": "http://www.opengis.net/wfs/2.0",
    "ows": "http://www.opengis.net/ows/1.1",
    "fes": "http://www.opengis.net/fes/2.0",
    "gml": "http://www.opengis.net/gml/3.2",
    "aurs": "urn:geoportail:agency:aurs",
    "xsd": "http://www.w3.org/2001/XMLSchema",
}
ZONES = GRID * GRID


@functools.cache
def wfs_schema():
    return load_schema("http://schemas.opengis.net/wfs/2.0/wfs.xsd")


@functools.cache
def ows_schema():
    return load_schema("http://schemas.opengis.net/ows/1.1.0/owsExceptionReport.xsd")


def wfs(client, **params):
    base = {"SERVICE": "WFS", "VERSION": "2.0.0"}
    return client.get("/ows", {**base, **params})


def features(client, data, **params):
    response = wfs(
        client,
        REQUEST="GetFeature",
        TYPENAMES=data.zoning_name,
        OUTPUTFORMAT="application/json",
        **params,
    )
    assert response.status_code == 200, b"".join(response.streaming_content)
    return json.loads(b"".join(response.streaming_content))


def exception(response, code, locator=None, status=400):
    body = response.content
    assert response.status_code == status, body
    document = assert_valid(ows_schema(), body)
    assert document.xpath("//ows:Exception/@exceptionCode", namespaces=NS) == [code]
    if locator is not None:
        assert document.xpath("//ows:Exception/@locator", namespaces=NS) == [locator]


def test_capabilities_are_schema_valid_and_complete(client, ows_data):
    response = wfs(client, REQUEST="GetCapabilities")
    assert response.status_code == 200
    document = assert_valid(wfs_schema(), response.content)
    assert document.get("version") == "2.0.0"
    names = document.xpath("//wfs:FeatureType/wfs:Name/text()", namespaces=NS)
    assert ows_data.zoning_name in names
    constraints = {
        c.get("name"): c.findtext("ows:DefaultValue", namespaces=NS)
        for c in document.xpath("//ows:Constraint | //fes:Constraint", namespaces=NS)
    }
    assert constraints["ImplementsBasicWFS"] == "TRUE"
    assert constraints["ImplementsResultPaging"] == "TRUE"
    assert constraints["ImplementsSorting"] == "TRUE"
    assert constraints["ImplementsMinimumXPath"] == "TRUE"
    for element in document.xpath("//ows:Constraint | //fes:Constraint", namespaces=NS):
        if element.get("name") != "QueryExpressions":
            assert element.find("ows:DefaultValue", NS) is not None
    box = document.xpath(
        f"//wfs:FeatureType[wfs:Name='{ows_data.zoning_name}']/ows:WGS84BoundingBox",
        namespaces=NS,
    )[0]
    lower = [float(v) for v in box.findtext("ows:LowerCorner", namespaces=NS).split()]
    assert lower == pytest.approx([ORIGIN[0], ORIGIN[1]])


def test_missing_service_is_400(client, ows_data):
    response = client.get("/ows", {"REQUEST": "GetCapabilities", "VERSION": "2.0.0"})
    exception(response, "MissingParameterValue", "service")


def test_describe_feature_type_is_a_valid_gml32_schema(client, ows_data, tmp_path):
    response = wfs(
        client, REQUEST="DescribeFeatureType", TYPENAMES=ows_data.zoning_name
    )
    assert response["Content-Type"].startswith("application/gml+xml; version=3.2")
    document = etree.fromstring(response.content)
    names = document.xpath("//xsd:sequence/xsd:element/@name", namespaces=NS)
    assert names == [
        "source_id",
        "code",
        "label_fr",
        "label_ar",
        "category",
        "height_m",
        "note",
        "geom",
    ]
    feature_collection_schema(client, "/ows", ows_data.zoning_name, tmp_path)


def test_getfeature_gml32_validates_and_counts(client, ows_data, tmp_path):
    schema = feature_collection_schema(client, "/ows", ows_data.zoning_name, tmp_path)
    for output in (
        "application/gml+xml; version=3.2",
        "text/xml; subtype=gml/3.2",
        "application/gml xml; version=3.2",
    ):
        response = wfs(
            client,
            REQUEST="GetFeature",
            TYPENAMES=ows_data.zoning_name,
            OUTPUTFORMAT=output,
        )
        assert response.status_code == 200
        body = b"".join(response.streaming_content)
        document = assert_valid(schema, body)
        assert document.get("numberMatched") == str(ZONES)
        assert document.get("numberReturned") == str(ZONES)
        assert len(document.xpath("//wfs:member", namespaces=NS)) == ZONES


def test_geojson_attributes_round_trip(client, ows_data):
    collection = features(client, ows_data, SORTBY="source_id")
    assert collection["numberMatched"] == ZONES
    first = collection["features"][0]
    assert first["properties"]["source_id"] == "v2-0-0"
    assert first["properties"]["height_m"] == 3
    assert first["properties"]["note"] == "é0"
    assert first["properties"]["label_ar"] == "منطقة R1"
    ring = first["geometry"]["coordinates"][0][0]
    assert ring[0] == pytest.approx([ORIGIN[0], ORIGIN[1]], abs=1e-7)


def test_paging_walks_both_ways(client, ows_data):
    page = features(client, ows_data, COUNT="10", STARTINDEX="0")
    seen = [f["id"] for f in page["features"]]
    assert page["numberReturned"] == 10
    assert not any(link["rel"] == "previous" for link in page.get("links", []))
    pages = 1
    while next_links := [x for x in page.get("links", []) if x["rel"] == "next"]:
        response = client.get(next_links[0]["href"])
        page = json.loads(b"".join(response.streaming_content))
        seen += [f["id"] for f in page["features"]]
        pages += 1
    assert pages == 4
    assert len(seen) == ZONES
    assert len(set(seen)) == ZONES
    previous = next(x for x in page["links"] if x["rel"] == "previous")["href"]
    back = json.loads(b"".join(client.get(previous).streaming_content))
    assert [f["id"] for f in back["features"]] == seen[20:30]


def test_gml_next_link(client, ows_data):
    response = wfs(
        client,
        REQUEST="GetFeature",
        TYPENAMES=ows_data.zoning_name,
        COUNT="5",
        STARTINDEX="5",
    )
    document = etree.fromstring(b"".join(response.streaming_content))
    assert "STARTINDEX=10" in document.get("next")
    assert "STARTINDEX=0" in document.get("previous")


def test_hits(client, ows_data):
    response = wfs(
        client, REQUEST="GetFeature", TYPENAMES=ows_data.zoning_name, RESULTTYPE="hits"
    )
    document = etree.fromstring(b"".join(response.streaming_content))
    assert document.get("numberMatched") == str(ZONES)
    assert document.get("numberReturned") == "0"
    assert not document.xpath("//wfs:member", namespaces=NS)


def test_sortby_desc(client, ows_data):
    collection = features(
        client, ows_data, SORTBY="height_m DESC,source_id ASC", COUNT="7"
    )
    heights = [f["properties"]["height_m"] for f in collection["features"]]
    assert heights == [18] * 6 + [15]
    ids = [f["properties"]["source_id"] for f in collection["features"][:6]]
    assert ids == sorted(ids)


@pytest.mark.parametrize(
    ("srs_name", "lat_first"),
    [
        ("EPSG:4326", False),
        ("urn:ogc:def:crs:EPSG::4326", True),
        ("http://www.opengis.net/def/crs/EPSG/0/4326", True),
    ],
)
def test_srsname_axis_order(client, ows_data, srs_name, lat_first):
    response = wfs(
        client,
        REQUEST="GetFeature",
        TYPENAMES=ows_data.zoning_name,
        SRSNAME=srs_name,
        SORTBY="source_id",
        COUNT="1",
    )
    document = etree.fromstring(b"".join(response.streaming_content))
    first = document.xpath("//gml:posList/text()", namespaces=NS)[0].split()
    x, y = float(first[0]), float(first[1])
    expected = (ORIGIN[1], ORIGIN[0]) if lat_first else ORIGIN
    assert (x, y) == pytest.approx(expected, abs=1e-7)


def test_projected_srsname(client, ows_data):
    collection = features(
        client, ows_data, SRSNAME="EPSG:26191", SORTBY="source_id", COUNT="1"
    )
    x, y = collection["features"][0]["geometry"]["coordinates"][0][0][0]
    assert 300_000 < x < 600_000
    assert 300_000 < y < 500_000


def test_bbox_kvp_with_crs(client, ows_data):
    # Two columns by two rows, lat/lon order for the URN.
    south, west = ORIGIN[1] + 0.1 * CELL, ORIGIN[0] + 0.1 * CELL
    north, east = south + CELL, west + CELL
    bbox = f"{south},{west},{north},{east},urn:ogc:def:crs:EPSG::4326"
    assert features(client, ows_data, BBOX=bbox)["numberMatched"] == 4
    bbox = f"{west},{south},{east},{north},EPSG:4326"
    assert features(client, ows_data, BBOX=bbox)["numberMatched"] == 4


FILTERS = [
    (
        "<fes:PropertyIsEqualTo><fes:ValueReference>code</fes:ValueReference>"
        "<fes:Literal>R1</fes:Literal></fes:PropertyIsEqualTo>",
        6,
    ),
    (
        "<fes:PropertyIsEqualTo matchCase='false'><fes:ValueReference>aurs:code"
        "</fes:ValueReference><fes:Literal>r1</fes:Literal></fes:PropertyIsEqualTo>",
        6,
    ),
    (
        "<fes:PropertyIsNotEqualTo><fes:ValueReference>code</fes:ValueReference>"
        "<fes:Literal>R1</fes:Literal></fes:PropertyIsNotEqualTo>",
        30,
    ),
    (
        "<fes:PropertyIsGreaterThan><fes:ValueReference>height_m</fes:ValueReference>"
        "<fes:Literal>12</fes:Literal></fes:PropertyIsGreaterThan>",
        12,
    ),
    (
        "<fes:PropertyIsLessThanOrEqualTo><fes:ValueReference>height_m"
        "</fes:ValueReference><fes:Literal>3</fes:Literal>"
        "</fes:PropertyIsLessThanOrEqualTo>",
        6,
    ),
    (
        "<fes:PropertyIsLike wildCard='*' singleChar='.' escapeChar='!'>"
        "<fes:ValueReference>label_fr</fes:ValueReference>"
        "<fes:Literal>Zone R* n° 1.</fes:Literal></fes:PropertyIsLike>",
        3,
    ),
    (
        "<fes:PropertyIsNull><fes:ValueReference>code</fes:ValueReference>"
        "</fes:PropertyIsNull>",
        0,
    ),
    (
        "<fes:Not><fes:PropertyIsNull><fes:ValueReference>note</fes:ValueReference>"
        "</fes:PropertyIsNull></fes:Not>",
        36,
    ),
    (
        "<fes:And><fes:PropertyIsEqualTo><fes:ValueReference>code</fes:ValueReference>"
        "<fes:Literal>R1</fes:Literal></fes:PropertyIsEqualTo>"
        "<fes:PropertyIsGreaterThanOrEqualTo><fes:ValueReference>height_m"
        "</fes:ValueReference><fes:Literal>9</fes:Literal>"
        "</fes:PropertyIsGreaterThanOrEqualTo></fes:And>",
        4,
    ),
    (
        "<fes:Or><fes:PropertyIsEqualTo><fes:ValueReference>code</fes:ValueReference>"
        "<fes:Literal>R1</fes:Literal></fes:PropertyIsEqualTo>"
        "<fes:PropertyIsEqualTo><fes:ValueReference>code</fes:ValueReference>"
        "<fes:Literal>E</fes:Literal></fes:PropertyIsEqualTo></fes:Or>",
        12,
    ),
    (
        "<fes:BBOX><fes:ValueReference>geom</fes:ValueReference>"
        "<gml:Envelope srsName='urn:ogc:def:crs:EPSG::4326'>"
        f"<gml:lowerCorner>{ORIGIN[1] + 0.1 * CELL} {ORIGIN[0] + 0.1 * CELL}"
        "</gml:lowerCorner>"
        f"<gml:upperCorner>{ORIGIN[1] + 0.2 * CELL} {ORIGIN[0] + 0.2 * CELL}"
        "</gml:upperCorner></gml:Envelope></fes:BBOX>",
        1,
    ),
    (
        "<fes:Intersects><fes:ValueReference>geom</fes:ValueReference>"
        "<gml:LineString gml:id='l1' srsName='EPSG:4326'><gml:posList>"
        f"{ORIGIN[0] + 0.5 * CELL} {ORIGIN[1] + 0.5 * CELL} "
        f"{ORIGIN[0] + 2.5 * CELL} {ORIGIN[1] + 0.5 * CELL}"
        "</gml:posList></gml:LineString></fes:Intersects>",
        3,
    ),
    (
        "<fes:Intersects><fes:ValueReference>geom</fes:ValueReference>"
        "<gml:Polygon gml:id='p1' srsName='urn:ogc:def:crs:EPSG::4326'><gml:exterior>"
        "<gml:LinearRing><gml:posList>"
        f"{ORIGIN[1] + 0.5 * CELL} {ORIGIN[0] + 0.5 * CELL} "
        f"{ORIGIN[1] + 0.5 * CELL} {ORIGIN[0] + 1.5 * CELL} "
        f"{ORIGIN[1] + 1.5 * CELL} {ORIGIN[0] + 1.5 * CELL} "
        f"{ORIGIN[1] + 0.5 * CELL} {ORIGIN[0] + 0.5 * CELL}"
        "</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></fes:Intersects>",
        3,
    ),
]


def fes(body: str) -> str:
    return (
        '<fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0" '
        'xmlns:gml="http://www.opengis.net/gml/3.2" '
        f'xmlns:aurs="urn:geoportail:agency:aurs">{body}</fes:Filter>'
    )


@pytest.mark.parametrize(("body", "expected"), FILTERS)
def test_fes_filters_kvp(client, ows_data, body, expected):
    collection = features(client, ows_data, FILTER=fes(body))
    assert collection["numberMatched"] == expected


@pytest.mark.parametrize(("body", "expected"), FILTERS)
def test_fes_filters_xml_post(client, ows_data, body, expected):
    request = f"""<wfs:GetFeature service="WFS" version="2.0.0"
        outputFormat="application/json" count="100"
        xmlns:wfs="http://www.opengis.net/wfs/2.0">
      <wfs:Query typeNames="{ows_data.zoning_name}">{fes(body)}</wfs:Query>
    </wfs:GetFeature>"""
    response = client.post("/ows", request, content_type="application/xml")
    assert response.status_code == 200, response.content
    collection = json.loads(b"".join(response.streaming_content))
    assert collection["numberMatched"] == expected


@pytest.mark.parametrize(
    ("escape", "literal"), [("!", "Zone!"), ("\\", "Zone\\"), ("\\", "\\")]
)
def test_like_pattern_ending_with_its_escape_char(client, ows_data, escape, literal):
    # The escape escapes nothing, so it is itself; the pattern went to
    # PostgreSQL ending with an escape, which it refuses (a 500).
    body = (
        f"<fes:PropertyIsLike wildCard='*' singleChar='?' escapeChar='{escape}'>"
        f"<fes:ValueReference>label_fr</fes:ValueReference>"
        f"<fes:Literal>{literal}</fes:Literal></fes:PropertyIsLike>"
    )
    assert features(client, ows_data, FILTER=fes(body))["numberMatched"] == 0


def test_filter_without_namespaces_is_accepted(client, ows_data):
    body = (
        "<Filter><PropertyIsEqualTo><ValueReference>code</ValueReference>"
        "<Literal>E</Literal></PropertyIsEqualTo></Filter>"
    )
    assert features(client, ows_data, FILTER=body)["numberMatched"] == 6


def test_resource_id(client, ows_data):
    collection = features(client, ows_data, SORTBY="source_id", COUNT="2")
    ids = [f["id"] for f in collection["features"]]
    filtered = features(client, ows_data, RESOURCEID=",".join(ids))
    assert sorted(f["id"] for f in filtered["features"]) == sorted(ids)
    local = ows_data.zoning_name.split(":")[1]
    assert (
        features(client, ows_data, RESOURCEID=f"{local}.999999999")["numberMatched"]
        == 0
    )
    response = wfs(
        client,
        REQUEST="GetFeature",
        TYPENAMES=ows_data.zoning_name,
        RESOURCEID="pa-1-voirie.1",
    )
    exception(response, "InvalidParameterValue", "RESOURCEID")
    body = f"<fes:ResourceId rid='{ids[0]}'/>"
    assert features(client, ows_data, FILTER=fes(body))["numberMatched"] == 1


@pytest.mark.parametrize("number", ["²", "٣", "1²"])
def test_resource_ids_with_digits_int_refuses(client, ows_data, number):
    # "²".isdigit() is true, int("²") raises: a 500 until ids were ASCII.
    rid = f"{ows_data.zoning_name}.{number}"
    response = wfs(
        client, REQUEST="GetFeature", TYPENAMES=ows_data.zoning_name, RESOURCEID=rid
    )
    exception(response, "InvalidParameterValue", "RESOURCEID")
    by_id = wfs(
        client,
        REQUEST="GetFeature",
        STOREDQUERY_ID="http://www.opengis.net/def/query/OGC-WFS/0/GetFeatureById",
        ID=rid,
    )
    assert by_id.status_code in (400, 404)
    assert b"ExceptionReport" in by_id.content


def test_get_feature_by_id(client, ows_data, tmp_path):
    collection = features(client, ows_data, COUNT="1")
    fid = collection["features"][0]["id"]
    response = wfs(
        client,
        REQUEST="GetFeature",
        STOREDQUERY_ID="http://www.opengis.net/def/query/OGC-WFS/0/GetFeatureById",
        ID=fid,
    )
    assert response.status_code == 200
    document = etree.fromstring(response.content)
    assert document.get("{http://www.opengis.net/gml/3.2}id") == fid
    local = ows_data.zoning_name.split(":")[1]
    missing = wfs(
        client,
        REQUEST="GetFeature",
        STOREDQUERY_ID="http://www.opengis.net/def/query/OGC-WFS/0/GetFeatureById",
        ID=f"{local}.999999999",
    )
    exception(missing, "NotFound", status=404)
    unknown = wfs(client, REQUEST="GetFeature", STOREDQUERY_ID="urn:nope", ID=fid)
    exception(unknown, "InvalidParameterValue", "STOREDQUERY_ID")


def test_stored_query_listings_are_valid(client, ows_data):
    listed = wfs(client, REQUEST="ListStoredQueries")
    assert_valid(wfs_schema(), listed.content)
    described = wfs(client, REQUEST="DescribeStoredQueries")
    assert_valid(wfs_schema(), described.content)
    unknown = wfs(client, REQUEST="DescribeStoredQueries", STOREDQUERY_ID="urn:x")
    exception(unknown, "InvalidParameterValue", "STOREDQUERY_ID")


def test_get_property_value(client, ows_data):
    response = wfs(
        client,
        REQUEST="GetPropertyValue",
        TYPENAMES=ows_data.zoning_name,
        VALUEREFERENCE="code",
        SORTBY="source_id",
        COUNT="3",
    )
    assert response.status_code == 200, response.content
    document = assert_valid(wfs_schema(), response.content)
    assert document.xpath("//aurs:code/text()", namespaces=NS) == ["R1", "R2", "E"]
    exception(
        wfs(
            client,
            REQUEST="GetPropertyValue",
            TYPENAMES=ows_data.zoning_name,
            VALUEREFERENCE="nope",
        ),
        "InvalidParameterValue",
        "valueReference",
    )


@pytest.mark.parametrize(
    ("params", "code", "locator"),
    [
        ({"TYPENAMES": "aurs:nope"}, "InvalidParameterValue", "typeNames"),
        ({"SRSNAME": "EPSG:2154"}, "InvalidParameterValue", "srsName"),
        ({"OUTPUTFORMAT": "shape-zip"}, "InvalidParameterValue", "outputFormat"),
        (
            {"FILTER": "<fes:Filter><fes:PropertyIsEqualTo>"},
            "InvalidParameterValue",
            "FILTER",
        ),
        (
            {
                "FILTER": fes(
                    "<fes:PropertyIsEqualTo><fes:ValueReference>nope"
                    "</fes:ValueReference><fes:Literal>1</fes:Literal>"
                    "</fes:PropertyIsEqualTo>"
                )
            },
            "InvalidParameterValue",
            "FILTER",
        ),
        ({"BBOX": "34,-6,33,-5"}, "InvalidParameterValue", "BBOX"),
        ({"COUNT": "-1"}, "InvalidParameterValue", "COUNT"),
        ({"RESULTTYPE": "maybe"}, "InvalidParameterValue", "resultType"),
        ({"SORTBY": "nope DESC"}, "InvalidParameterValue", "SORTBY"),
        ({"TYPENAMES": ""}, "MissingParameterValue", "typeNames"),
    ],
)
def test_getfeature_errors(client, ows_data, params, code, locator):
    response = wfs(
        client, REQUEST="GetFeature", **{"TYPENAMES": ows_data.zoning_name, **params}
    )
    exception(response, code, locator)


def test_malformed_xml_post(client, ows_data):
    response = client.post("/ows", "<wfs:GetFeature", content_type="application/xml")
    exception(response, "OperationParsingFailed")


def test_time_vendor_parameter(client, ows_data):
    then = features(client, ows_data, TIME="2021-01-01")
    assert then["numberMatched"] == 10
    assert {f["properties"]["source_id"][:2] for f in then["features"]} == {"v1"}


@pytest.fixture
def sites(ows_data):
    """A polygon overlay without attributes: one single-part, one two-part zone."""
    from django.contrib.gis.geos import MultiPolygon

    from layers.models import Layer
    from layers.services import FeatureData, layer_version_create, layer_version_publish
    from tests.ows.conftest import zone

    layer = Layer.objects.create(
        document=ows_data.document,
        name="sites",
        title_fr="Sites réservés",
        kind=Layer.Kind.OVERLAY,
        overlay_type=Layer.OverlayType.RESERVED_SITE,
        position=2,
    )
    two_parts = MultiPolygon(zone(0, 0)[0], zone(2, 2)[0], srid=4326)
    version = layer_version_create(
        layer=layer,
        features=[
            FeatureData(geom=zone(4, 4), code="S1", label_fr="École <A&B>"),
            FeatureData(geom=two_parts, code="S2", label_fr="Parc"),
        ],
    )
    layer_version_publish(version=version)
    return "aurs:pa-1-sites"


@pytest.mark.parametrize("version", ["2.0.0", "1.1.0"])
def test_gml_written_by_postgres_validates(client, ows_data, sites, tmp_path, version):
    schema = feature_collection_schema(client, "/ows", sites, tmp_path, version=version)
    response = client.get(
        "/ows",
        {
            "SERVICE": "WFS",
            "VERSION": version,
            "REQUEST": "GetFeature",
            "TYPENAMES" if version == "2.0.0" else "TYPENAME": sites,
        },
    )
    document = assert_valid(schema, b"".join(response.streaming_content))
    text = etree.tostring(document, encoding="unicode")
    assert "École &lt;A&amp;B&gt;" in text
    if version == "2.0.0":
        assert len(document.xpath("//gml:Polygon", namespaces=NS)) == 3


def test_describe_feature_type_by_xml_post(client, ows_data):
    body = f"""<wfs:DescribeFeatureType service="WFS" version="2.0.0"
        xmlns:wfs="http://www.opengis.net/wfs/2.0">
      <wfs:TypeName>{ows_data.roads_name}</wfs:TypeName>
    </wfs:DescribeFeatureType>"""
    response = client.post("/ows", body, content_type="application/xml")
    assert response.status_code == 200
    names = etree.fromstring(response.content).xpath(
        "/xsd:schema/xsd:element/@name", namespaces=NS
    )
    assert names == ["pa-1-voirie"]


def test_several_type_names_page_across_types(client, ows_data, tmp_path):
    names = f"{ows_data.zoning_name},{ows_data.roads_name}"
    response = wfs(client, REQUEST="GetFeature", TYPENAMES=names, STARTINDEX="30")
    document = etree.fromstring(b"".join(response.streaming_content))
    assert document.get("numberMatched") == str(ZONES + 1)
    assert document.get("numberReturned") == "7"
    assert len(document.xpath("//aurs:pa-1-voirie", namespaces=NS)) == 1
    assert len(document.xpath("//aurs:pa-1-zonage", namespaces=NS)) == 6


def test_get_property_value_of_the_geometry(client, ows_data):
    response = wfs(
        client,
        REQUEST="GetPropertyValue",
        TYPENAMES=ows_data.zoning_name,
        VALUEREFERENCE="geom",
        COUNT="2",
    )
    document = assert_valid(wfs_schema(), response.content)
    assert len(document.xpath("//wfs:member/gml:MultiSurface", namespaces=NS)) == 2


def test_stored_query_by_xml_post(client, ows_data):
    fid = features(client, ows_data, COUNT="1")["features"][0]["id"]
    body = f"""<wfs:GetFeature service="WFS" version="2.0.0"
        xmlns:wfs="http://www.opengis.net/wfs/2.0">
      <wfs:StoredQuery
          id="http://www.opengis.net/def/query/OGC-WFS/0/GetFeatureById">
        <wfs:Parameter name="ID">{fid}</wfs:Parameter>
      </wfs:StoredQuery>
    </wfs:GetFeature>"""
    response = client.post("/ows", body, content_type="application/xml")
    assert response.status_code == 200
    assert etree.fromstring(response.content).get(f"{{{NS['gml']}}}id") == fid
