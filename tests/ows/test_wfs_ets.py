"""The assertions of the OGC executable test suites for WFS 2.0 (ets-wfs20) and
WFS 1.1 (ets-wfs11) that the services failed, one test each, named after the
assertion; GET (KVP) and POST (XML) where the suite sends both."""

from __future__ import annotations

import functools
import json
import uuid
from urllib.parse import urlsplit

import pytest
from django.utils import translation
from lxml import etree

from tests.ows.conftest import (
    GRID,
    assert_valid,
    feature_collection_schema,
    load_schema,
)

WFS20 = "http://www.opengis.net/wfs/2.0"
NS = {
    "wfs": WFS20,
    "wfs11": "http://www.opengis.net/wfs",
    "ows": "http://www.opengis.net/ows/1.1",
    "ows10": "http://www.opengis.net/ows",
    "fes": "http://www.opengis.net/fes/2.0",
    "gml": "http://www.opengis.net/gml/3.2",
    "xlink": "http://www.w3.org/1999/xlink",
    "gmd": "http://www.isotc211.org/2005/gmd",
    "aurs": "urn:geoportail:agency:aurs",
}
ZONES = GRID * GRID
BY_ID_URN = "urn:ogc:def:query:OGC-WFS::GetFeatureById"
ZONING = "pa-1-zonage"  # the local name of ows_data.zoning_name


@functools.cache
def wfs_schema():
    return load_schema("http://schemas.opengis.net/wfs/2.0/wfs.xsd")


@functools.cache
def wfs11_schema():
    return load_schema("http://schemas.opengis.net/wfs/1.1.0/wfs.xsd")


@functools.cache
def ows_schema():
    return load_schema("http://schemas.opengis.net/ows/1.1.0/owsExceptionReport.xsd")


@functools.cache
def ows10_schema():
    return load_schema("http://schemas.opengis.net/ows/1.0.0/owsExceptionReport.xsd")


def content(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def get(client, headers=None, **params):
    return client.get(
        "/ows", {"SERVICE": "WFS", "VERSION": "2.0.0", **params}, headers=headers
    )


def post(client, body: str):
    return client.post("/ows", body, content_type="application/xml")


def exception(response, code, locator=None, status=400):
    """The OWS 1.1 exception report of ``response``, checked."""
    body = content(response)
    assert response.status_code == status, body
    document = assert_valid(ows_schema(), body)
    assert document.xpath("//ows:Exception/@exceptionCode", namespaces=NS) == [code]
    if locator is not None:
        assert document.xpath("//ows:Exception/@locator", namespaces=NS) == [locator]
    return document


def feature_ids(client, **params) -> list[str]:
    response = get(
        client,
        REQUEST="GetFeature",
        TYPENAMES=f"aurs:{ZONING}",
        OUTPUTFORMAT="application/json",
        **params,
    )
    return [feature["id"] for feature in json.loads(content(response))["features"]]


def members(body: bytes) -> list[etree._Element]:
    document = etree.fromstring(body)
    assert etree.QName(document).localname == "FeatureCollection", body
    return document.xpath(f"//wfs:member/aurs:{ZONING}", namespaces=NS)


def get_feature_xml(query: str, version: str = "2.0.0", **attributes) -> str:
    extra = "".join(f' {name}="{value}"' for name, value in attributes.items())
    return f"""<wfs:GetFeature service="WFS" version="{version}"{extra}
        xmlns:wfs="{WFS20}" xmlns:fes="http://www.opengis.net/fes/2.0"
        xmlns:gml="http://www.opengis.net/gml/3.2"
        xmlns:ns42="urn:geoportail:agency:aurs">{query}</wfs:GetFeature>"""


def by_id(client, binding: str, identifier: str):
    if binding == "GET":
        return get(
            client, REQUEST="GetFeature", STOREDQUERY_ID=BY_ID_URN, id=identifier
        )
    query = (
        f'<wfs:StoredQuery id="{BY_ID_URN}">'
        f'<wfs:Parameter name="id">{identifier}</wfs:Parameter></wfs:StoredQuery>'
    )
    return post(client, get_feature_xml(query))


def filtered(client, binding: str, predicate: str):
    """GetFeature of the zoning with the FES 2.0 ``predicate``."""
    fes = (
        '<fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0" '
        'xmlns:gml="http://www.opengis.net/gml/3.2">'
        f"{predicate}</fes:Filter>"
    )
    if binding == "GET":
        return get(client, REQUEST="GetFeature", TYPENAMES=f"aurs:{ZONING}", FILTER=fes)
    return post(
        client,
        get_feature_xml(f'<wfs:Query typeNames="ns42:{ZONING}">{fes}</wfs:Query>'),
    )


BINDINGS = pytest.mark.parametrize("binding", ["GET", "POST"])


# StoredQueryTests ---------------------------------------------------------


@BINDINGS
def test_getfeaturebyid_stored_query_urn_answers_the_bare_feature(
    client, ows_data, binding
):
    """invokeGetFeatureById: the 2.0.0 URN, parameter ``id``; the document
    element is the feature, its gml:id the one asked for."""
    identifier = feature_ids(client, COUNT="1")[0]
    response = by_id(client, binding, identifier)
    assert response.status_code == 200, content(response)
    feature = etree.fromstring(content(response))
    assert etree.QName(feature) == etree.QName(NS["aurs"], ZONING)
    assert feature.get(f"{{{NS['gml']}}}id") == identifier


@BINDINGS
@pytest.mark.parametrize("identifier", [f"uuid-{uuid.uuid4()}", f"{ZONING}.999999999"])
def test_getfeaturebyid_stored_query_unknown_id_is_404_notfound(
    client, ows_data, binding, identifier
):
    """invokeGetFeatureByIdWithUnknownID: HTTP 404 (ISO 19142 7.9.3.6, 11.4)."""
    exception(by_id(client, binding, identifier), "NotFound", status=404)


@BINDINGS
def test_unknown_stored_query_is_invalidparametervalue(client, ows_data, binding):
    """unknownStoredQuery: InvalidParameterValue with a locator."""
    if binding == "GET":
        response = get(
            client, REQUEST="GetFeature", STOREDQUERY_ID="http://docbook.org/ns/docbook"
        )
    else:
        response = post(
            client,
            get_feature_xml('<wfs:StoredQuery id="http://docbook.org/ns/docbook"/>'),
        )
    document = exception(response, "InvalidParameterValue")
    assert document.xpath("//ows:Exception/@locator", namespaces=NS) != [""]


def test_stored_query_listings_offer_getfeaturebyid_by_its_urn(client, ows_data):
    listed = assert_valid(
        wfs_schema(), content(get(client, REQUEST="ListStoredQueries"))
    )
    ids = listed.xpath("//wfs:StoredQuery/@id", namespaces=NS)
    assert BY_ID_URN in ids
    assert "http://www.opengis.net/def/query/OGC-WFS/0/GetFeatureById" in ids
    described = get(client, REQUEST="DescribeStoredQueries", STOREDQUERY_ID=BY_ID_URN)
    document = assert_valid(wfs_schema(), content(described))
    assert document.xpath("//wfs:StoredQueryDescription/@id", namespaces=NS) == [
        BY_ID_URN
    ]
    assert document.xpath("//wfs:Parameter/@name", namespaces=NS) == ["id"]


@BINDINGS
def test_describe_stored_query_getfeaturebyid_describes_the_one_asked(
    client, ows_data, binding
):
    """DescribeStoredQueriesTests.describeStoredQuery_GetFeatureById."""
    if binding == "GET":
        response = get(
            client, REQUEST="DescribeStoredQueries", STOREDQUERY_ID=BY_ID_URN
        )
    else:
        response = post(
            client,
            f"""<wfs:DescribeStoredQueries service="WFS" version="2.0.0"
                xmlns:wfs="{WFS20}"><wfs:StoredQueryId>{BY_ID_URN}</wfs:StoredQueryId>
            </wfs:DescribeStoredQueries>""",
        )
    document = assert_valid(wfs_schema(), response.content)
    ids = document.xpath("//wfs:StoredQueryDescription/@id", namespaces=NS)
    assert ids == [BY_ID_URN]


# GetPropertyValueTests ----------------------------------------------------


@BINDINGS
def test_getpropertyvalue_gml_id_returns_the_identifiers(client, ows_data, binding):
    """getProperty_gmlId: VALUEREFERENCE=@gml:id, each wfs:member the gml:id."""
    if binding == "GET":
        response = get(
            client,
            REQUEST="GetPropertyValue",
            TYPENAMES=f"aurs:{ZONING}",
            VALUEREFERENCE="@gml:id",
        )
    else:
        response = post(
            client,
            f"""<wfs:GetPropertyValue service="WFS" version="2.0.0"
                valueReference="@gml:id" xmlns:wfs="{WFS20}"
                xmlns:ns42="urn:geoportail:agency:aurs">
              <wfs:Query typeNames="ns42:{ZONING}"/></wfs:GetPropertyValue>""",
        )
    document = assert_valid(wfs_schema(), content(response))
    values = [member.text for member in document.xpath("//wfs:member", namespaces=NS)]
    assert values == feature_ids(client)
    assert len(values) == ZONES


@BINDINGS
def test_getpropertyvalue_empty_value_reference_is_invalidparametervalue(
    client, ows_data, binding
):
    """getProperty_emptyValueRef (ISO 19142 7.5, 10.4)."""
    if binding == "GET":
        response = get(
            client,
            REQUEST="GetPropertyValue",
            TYPENAMES=f"aurs:{ZONING}",
            VALUEREFERENCE="",
        )
    else:
        response = post(
            client,
            f"""<wfs:GetPropertyValue service="WFS" version="2.0.0"
                valueReference="" xmlns:wfs="{WFS20}">
              <wfs:Query typeNames="aurs:{ZONING}"/></wfs:GetPropertyValue>""",
        )
    exception(response, "InvalidParameterValue", "valueReference")
    missing = get(client, REQUEST="GetPropertyValue", TYPENAMES=f"aurs:{ZONING}")
    exception(missing, "MissingParameterValue", "valueReference")


# Projection, namespaces ---------------------------------------------------


@BINDINGS
def test_propertyname_projection_writes_only_the_named_properties(
    client, ows_data, binding, tmp_path
):
    """PROPERTYNAME (ISO 19142 7.9.2.4.3): the properties named, in the
    schema's order, still valid against it; the rest left out."""
    if binding == "GET":
        response = get(
            client,
            REQUEST="GetFeature",
            TYPENAMES=f"aurs:{ZONING}",
            PROPERTYNAME="aurs:height_m,code",
            COUNT="3",
        )
    else:
        response = post(
            client,
            get_feature_xml(
                f'<wfs:Query typeNames="ns42:{ZONING}">'
                "<wfs:PropertyName>ns42:height_m</wfs:PropertyName>"
                "<wfs:PropertyName>code</wfs:PropertyName></wfs:Query>",
                count="3",
            ),
        )
    body = content(response)
    schema = feature_collection_schema(client, "/ows", f"aurs:{ZONING}", tmp_path)
    assert_valid(schema, body)
    features = members(body)
    assert len(features) == 3
    for feature in features:
        assert [etree.QName(child).localname for child in feature] == [
            "code",
            "height_m",
        ]


def test_propertyname_gml_name_is_a_property_the_features_lack(client, ows_data):
    """ets-wfs11 GetFeature-POST: wfs:PropertyName gml:name, a property of
    every GML feature (gml:AbstractFeatureType), gives features without it."""
    body = f"""<wfs:GetFeature xmlns:wfs="http://www.opengis.net/wfs" service="WFS"
        version="1.1.0" xmlns:gml="http://www.opengis.net/gml" maxFeatures="2">
      <wfs:Query typeName="aurs:{ZONING}"><wfs:PropertyName>gml:name</wfs:PropertyName>
      <wfs:PropertyName>code</wfs:PropertyName></wfs:Query></wfs:GetFeature>"""
    document = etree.fromstring(content(post(client, body)))
    features = document.xpath(
        f"//gml11:featureMember/aurs:{ZONING}",
        namespaces={**NS, "gml11": "http://www.opengis.net/gml"},
    )
    assert len(features) == 2
    for feature in features:
        assert [etree.QName(child).localname for child in feature] == ["code"]


def test_propertyname_projection_in_geojson_and_its_errors(client, ows_data):
    response = get(
        client,
        REQUEST="GetFeature",
        TYPENAMES=f"aurs:{ZONING}",
        PROPERTYNAME="note,geom",
        OUTPUTFORMAT="application/json",
        COUNT="1",
    )
    feature = json.loads(content(response))["features"][0]
    assert list(feature["properties"]) == ["note"]
    assert feature["geometry"]["type"] == "MultiPolygon"
    without_geometry = get(
        client,
        REQUEST="GetFeature",
        TYPENAMES=f"aurs:{ZONING}",
        PROPERTYNAME="code",
        OUTPUTFORMAT="application/json",
        COUNT="1",
    )
    assert json.loads(content(without_geometry))["features"][0]["geometry"] is None
    unknown = get(
        client, REQUEST="GetFeature", TYPENAMES=f"aurs:{ZONING}", PROPERTYNAME="nope"
    )
    exception(unknown, "InvalidParameterValue", "PROPERTYNAME")


@pytest.mark.parametrize(
    "namespaces",
    [
        "xmlns(t,urn:geoportail:agency:aurs)",  # WFS 2.0
        "xmlns(t=urn:geoportail:agency:aurs)",  # WFS 1.1
        "xmlns(xml,http://www.w3.org/XML/1998/namespace),"
        "xmlns(t,urn:geoportail:agency:aurs)",  # as ets-wfs20 writes them
    ],
)
def test_namespaces_bind_the_prefixes_of_typenames_and_filter(
    client, ows_data, namespaces
):
    """NAMESPACES (ISO 19142 7.9.2.4.1, Table 7): the client's prefix for the
    agency's namespace, in TYPENAMES, PROPERTYNAME and FILTER."""
    fes = (
        "<f:Filter><f:PropertyIsEqualTo><f:ValueReference>t:code</f:ValueReference>"
        "<f:Literal>V</f:Literal></f:PropertyIsEqualTo></f:Filter>"
    )
    response = get(
        client,
        REQUEST="GetFeature",
        TYPENAMES=f"t:{ZONING}",
        NAMESPACES=f"{namespaces},xmlns(f,http://www.opengis.net/fes/2.0)",
        FILTER=fes,
        PROPERTYNAME="t:code",
    )
    features = members(content(response))
    assert len(features) == ZONES // 6
    assert {feature.findtext("aurs:code", namespaces=NS) for feature in features} == {
        "V"
    }


@BINDINGS
def test_describefeaturetype_reads_the_clients_prefix(client, ows_data, binding):
    """DescribeFeatureTypeTests: the type named with a prefix of the client's,
    bound by NAMESPACES (GET) or in the request entity (POST)."""
    if binding == "GET":
        response = get(
            client,
            REQUEST="DescribeFeatureType",
            TYPENAMES=f"ns42:{ZONING}",
            NAMESPACES="xmlns(ns42,urn:geoportail:agency:aurs)",
        )
    else:
        response = post(
            client,
            f"""<wfs:DescribeFeatureType service="WFS" version="2.0.0"
                xmlns:wfs="{WFS20}" xmlns:ns42="urn:geoportail:agency:aurs">
              <wfs:TypeName>ns42:{ZONING}</wfs:TypeName></wfs:DescribeFeatureType>""",
        )
    assert response.status_code == 200, response.content
    schema = etree.fromstring(response.content)
    assert schema.get("targetNamespace") == NS["aurs"]
    xsd = {"xsd": "http://www.w3.org/2001/XMLSchema"}
    assert schema.xpath("xsd:element/@name", namespaces=xsd) == [ZONING]


def test_namespaces_of_another_uri_name_no_type(client, ows_data):
    response = get(
        client,
        REQUEST="GetFeature",
        TYPENAMES=f"aurs:{ZONING}",
        NAMESPACES="xmlns(aurs,http://example.com/elsewhere)",
    )
    exception(response, "InvalidParameterValue", "typeNames")


# Paging -------------------------------------------------------------------


def test_getfeature_with_hits_only_has_a_next_link_to_the_results(client, ows_data):
    """PagingTests.getFeatureWithHitsOnly (OGC 09-025 7.7.4.2): count=1 and
    resultType=hits return none, no previous, and a next that returns one."""
    response = get(
        client,
        REQUEST="GetFeature",
        TYPENAMES=f"aurs:{ZONING}",
        COUNT="1",
        RESULTTYPE="hits",
    )
    document = etree.fromstring(content(response))
    assert document.get("numberReturned") == "0"
    assert document.get("numberMatched") == str(ZONES)
    assert document.get("previous") is None
    address = urlsplit(document.get("next"))
    page = client.get(f"{address.path}?{address.query}")
    assert page.status_code == 200
    collection = etree.fromstring(content(page))
    assert collection.get("numberReturned") == "1"
    assert len(collection.xpath("//wfs:member", namespaces=NS)) == 1


# Capabilities -------------------------------------------------------------


@BINDINGS
def test_acceptversions_picks_the_first_supported_version(client, ows_data, binding):
    """getCapabilities_acceptVersions: 10.0.0, 2.0.0, 1.1.0 → 2.0.0."""
    if binding == "GET":
        response = client.get(
            "/ows",
            {
                "SERVICE": "WFS",
                "REQUEST": "GetCapabilities",
                "ACCEPTVERSIONS": "10.0.0,2.0.0,1.1.0",
            },
        )
    else:
        response = post(
            client,
            f"""<wfs:GetCapabilities service="WFS" xmlns:wfs="{WFS20}"
                xmlns:ows="http://www.opengis.net/ows/1.1">
              <ows:AcceptVersions><ows:Version>10.0.0</ows:Version>
              <ows:Version>2.0.0</ows:Version><ows:Version>1.1.0</ows:Version>
              </ows:AcceptVersions></wfs:GetCapabilities>""",
        )
    assert etree.fromstring(response.content).get("version") == "2.0.0"


def test_acceptversions_wins_over_version_and_fails_in_its_dialect(client, ows_data):
    """ets-wfs11 wfs-1.1.0-Basic-GetCapabilities-tc16.3: VERSION=1.1.0 with
    AcceptVersions=2006-10-26 is VersionNegotiationFailed, an OWS 1.0 report."""
    response = client.get(
        "/ows",
        {
            "SERVICE": "WFS",
            "REQUEST": "GetCapabilities",
            "VERSION": "1.1.0",
            "ACCEPTVERSIONS": "2006-10-26",
        },
    )
    assert response.status_code == 400
    document = assert_valid(ows10_schema(), response.content)
    codes = document.xpath("//ows10:Exception/@exceptionCode", namespaces=NS)
    assert codes == ["VersionNegotiationFailed"]


@BINDINGS
def test_acceptversions_without_a_supported_version_is_versionnegotiationfailed(
    client, ows_data, binding
):
    """OWS Common 7.3.2: none of the versions accepted is supported."""
    if binding == "GET":
        response = client.get(
            "/ows",
            {"SERVICE": "WFS", "REQUEST": "GetCapabilities", "ACCEPTVERSIONS": "9.9.9"},
        )
    else:
        response = post(
            client,
            f"""<wfs:GetCapabilities service="WFS" xmlns:wfs="{WFS20}"
                xmlns:ows="http://www.opengis.net/ows/1.1"><ows:AcceptVersions>
              <ows:Version>9.9.9</ows:Version></ows:AcceptVersions>
              </wfs:GetCapabilities>""",
        )
    exception(response, "VersionNegotiationFailed", "AcceptVersions")


def test_capabilities_declare_resolve_local_for_getfeature_and_getpropertyvalue(
    client, ows_data
):
    """wfs-capabilities-2.0.sch, RequestParameters: each of GetFeature and
    GetPropertyValue allows resolve=local (ISO 19142 Table 12)."""
    document = assert_valid(
        wfs_schema(), get(client, REQUEST="GetCapabilities").content
    )
    for operation in ("GetFeature", "GetPropertyValue"):
        values = document.xpath(
            f"//ows:Operation[@name='{operation}']/ows:Parameter[@name='resolve']"
            "//ows:Value/text()",
            namespaces=NS,
        )
        assert "local" in values
    scope = document.xpath(
        "//ows:OperationsMetadata/ows:Constraint[@name='ResolveLocalScope']"
        "/ows:DefaultValue/text()",
        namespaces=NS,
    )
    assert scope == ["*"]


@pytest.mark.parametrize("version", ["2.0.0", "1.1.0"])
def test_capabilities_carry_keywords_and_a_metadata_url_per_feature_type(
    client, ows_data, version
):
    response = client.get(
        "/ows",
        {"SERVICE": "WFS", "VERSION": version, "REQUEST": "GetCapabilities"},
        headers={"Accept-Language": "ar"},
    )
    wfs = "wfs" if version == "2.0.0" else "wfs11"
    ows = "ows" if version == "2.0.0" else "ows10"
    schema = wfs_schema() if version == "2.0.0" else wfs11_schema()
    document = assert_valid(schema, response.content)
    feature_type = document.xpath(
        f"//{wfs}:FeatureType[{wfs}:Name='aurs:{ZONING}']", namespaces=NS
    )[0]
    keywords = feature_type.xpath(f"{ows}:Keywords/{ows}:Keyword/text()", namespaces=NS)
    with translation.override("ar"):
        assert ows_data.zoning.get_kind_display() in keywords
        assert ows_data.document.get_kind_display() in keywords
    assert "aurs" in keywords
    metadata = feature_type.find(f"{wfs}:MetadataURL", namespaces=NS)
    href = (
        metadata.get(f"{{{NS['xlink']}}}href") if version == "2.0.0" else metadata.text
    )
    assert href.endswith(f"/layers/{ows_data.zoning.pk}/metadata.xml")
    record = client.get(urlsplit(href).path)
    assert record.status_code == 200
    assert etree.QName(etree.fromstring(record.content)) == etree.QName(
        NS["gmd"], "MD_Metadata"
    )


# Filters ------------------------------------------------------------------


@BINDINGS
def test_propertyisnil_is_not_propertyisnull(client, ows_data, binding):
    """PropertyIsNilOperatorTests and PropertyIsNullOperatorTests: no
    property is written nil (xsi:nil), so PropertyIsNil matches none where
    PropertyIsNull on gml:name, which no feature has, matches all."""
    null = filtered(
        client,
        binding,
        "<fes:PropertyIsNull><fes:ValueReference>gml:name</fes:ValueReference>"
        "</fes:PropertyIsNull>",
    )
    assert len(members(content(null))) == ZONES
    for reference in ("gml:name", "aurs:geom", "height_m"):
        nil = filtered(
            client,
            binding,
            f"<fes:PropertyIsNil><fes:ValueReference>{reference}</fes:ValueReference>"
            "</fes:PropertyIsNil>",
        )
        assert members(content(nil)) == [], reference


@BINDINGS
def test_property_is_not_null_on_the_geometry_matches_every_feature(
    client, ows_data, binding
):
    """propertyIsNotNull: Not(PropertyIsNull) on the last property (geom)."""
    response = filtered(
        client,
        binding,
        "<fes:Not><fes:PropertyIsNull><fes:ValueReference>aurs:geom"
        "</fes:ValueReference></fes:PropertyIsNull></fes:Not>",
    )
    assert len(members(content(response))) == ZONES


@BINDINGS
def test_comparison_on_gml_boundedby_is_operationprocessingfailed(
    client, ows_data, binding
):
    """ComparisonOperatorTests.invalidOperand_boundedBy (ISO 19142 7.5, 11.4)."""
    response = filtered(
        client,
        binding,
        '<fes:PropertyIsLessThanOrEqualTo matchCase="true" matchAction="Any">'
        '<fes:Literal><gml:Envelope srsName="urn:ogc:def:crs:EPSG::4326">'
        "<gml:lowerCorner>33 -7</gml:lowerCorner>"
        "<gml:upperCorner>34 -6</gml:upperCorner></gml:Envelope></fes:Literal>"
        "<fes:ValueReference>gml:boundedBy</fes:ValueReference>"
        "</fes:PropertyIsLessThanOrEqualTo>",
    )
    exception(response, "OperationProcessingFailed", "FILTER")


def test_property_name_with_a_position_is_the_property(client, ows_data):
    """ets-wfs11 BasicGetFeature-GET-tc5: PropertyName ``sf:prop[1]``, an
    XPath 1.0 AbbreviatedRelativeLocationPath."""
    body = (
        '<ogc:Filter xmlns:ogc="http://www.opengis.net/ogc" '
        'xmlns:gml="http://www.opengis.net/gml"><ogc:PropertyIsEqualTo>'
        "<ogc:PropertyName>t:code[1]</ogc:PropertyName><ogc:Literal>V</ogc:Literal>"
        "</ogc:PropertyIsEqualTo></ogc:Filter>"
    )
    response = client.get(
        "/ows",
        {
            "SERVICE": "WFS",
            "VERSION": "1.1.0",
            "REQUEST": "GetFeature",
            "TYPENAME": f"t:{ZONING}",
            "NAMESPACE": "xmlns(t=urn:geoportail:agency:aurs)",
            "FILTER": body,
        },
    )
    document = etree.fromstring(content(response))
    codes = document.xpath(
        f"//gml:featureMember/aurs:{ZONING}/aurs:code/text()",
        namespaces={**NS, "gml": "http://www.opengis.net/gml"},
    )
    assert codes == ["V"] * (ZONES // 6)


# Required parameters and their reports ------------------------------------


@pytest.mark.parametrize("version", ["2.0.0", "1.1.0"])
@pytest.mark.parametrize("operation", ["GetFeature", "DescribeFeatureType"])
def test_request_without_version_is_missingparametervalue(
    client, ows_data, version, operation
):
    """ets-wfs11 BasicGetFeature-GET-tc4, BasicDescribeFeatureType-GET-tc1:
    every KVP request but GetCapabilities names its version."""
    type_param = "TYPENAMES" if version == "2.0.0" else "TYPENAME"
    response = client.get(
        "/ows",
        {"SERVICE": "WFS", "REQUEST": operation, type_param: f"aurs:{ZONING}"},
    )
    exception(response, "MissingParameterValue", "version")
    capabilities = client.get("/ows", {"SERVICE": "WFS", "REQUEST": "GetCapabilities"})
    assert capabilities.status_code == 200


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"REQUEST": "GetCapabilities"}, "MissingParameterValue"),
        (
            {"REQUEST": "GetFeature", "TYPENAME": f"aurs:{ZONING}"},
            "MissingParameterValue",
        ),
        ({"SERVICE": "ASDF", "REQUEST": "GetCapabilities"}, "InvalidParameterValue"),
    ],
)
def test_wfs_1_1_0_service_errors_locate_service_in_an_ows_1_0_report(
    client, ows_data, params, code
):
    """ets-wfs11 BasicGetCapabilities-GET-tc13, tc16.2, BasicGetFeature-GET-tc4:
    the report of a 1.1.0 request is OWS 1.0, its locator ``service``."""
    response = client.get("/ows", {"VERSION": "1.1.0", **params})
    assert response.status_code == 400
    document = assert_valid(ows10_schema(), response.content)
    exceptions = document.xpath("//ows10:Exception", namespaces=NS)
    assert [(e.get("exceptionCode"), e.get("locator")) for e in exceptions] == [
        (code, "service")
    ]


@pytest.mark.parametrize(
    "attributes", ['version="1.1.0" service="WFS"', 'version="1.1.0"', 'service="WFS"']
)
def test_wfs_1_1_0_xml_request_defaults_version_and_service(
    client, ows_data, attributes, tmp_path
):
    """ets-wfs11 BasicGetFeature-POST-tc7: @version defaults to 1.1.0 and
    @service to WFS in a WFS 1.1 request entity."""
    body = f"""<wfs:GetFeature xmlns:wfs="http://www.opengis.net/wfs" {attributes}>
      <wfs:Query typeName="aurs:{ZONING}" srsName="urn:ogc:def:crs:EPSG::4326"/>
    </wfs:GetFeature>"""
    response = post(client, body)
    assert response.status_code == 200, content(response)
    schema = feature_collection_schema(
        client, "/ows", f"aurs:{ZONING}", tmp_path, version="1.1.0"
    )
    document = assert_valid(schema, content(response))
    assert etree.QName(document) == etree.QName(NS["wfs11"], "FeatureCollection")


@pytest.mark.parametrize("prefix", ["wfs", "foo"])
def test_wfs_1_1_0_xml_getcapabilities_answers_1_1_0(client, ows_data, prefix):
    """ets-wfs11 wfs-1.1.0-Basic-GetCapabilities-tc2.1, tc20.1: a GetCapabilities
    entity of the WFS 1.1 namespace, without AcceptVersions, is answered with
    WFS 1.1.0 capabilities (valid against its schema)."""
    body = (
        f'<{prefix}:GetCapabilities service="WFS" '
        f'xmlns:{prefix}="http://www.opengis.net/wfs"/>'
    )
    response = post(client, body)
    document = assert_valid(wfs11_schema(), response.content)
    assert document.get("version") == "1.1.0"


@pytest.mark.parametrize(
    ("queries", "code", "locator"),
    [
        (  # tc16.3: a Query of another namespace is no query
            f'<sf:Query xmlns:sf="urn:x" typeName="aurs:{ZONING}"/>',
            "MissingParameterValue",
            "Query",
        ),
        (  # tc16.4: an element of the WFS namespace that is no query
            f'<wfs:Query typeName="aurs:{ZONING}"/>'
            f'<wfs:Smuery typeName="aurs:{ZONING}"/>',
            "InvalidParameterValue",
            "Smuery",
        ),
    ],
)
def test_getfeature_entity_children_must_be_queries(
    client, ows_data, queries, code, locator
):
    """ets-wfs11 wfs-1.1.0-Basic-GetFeature-tc16.3 and tc16.4."""
    body = f"""<wfs:GetFeature xmlns:wfs="http://www.opengis.net/wfs" service="WFS"
        version="1.1.0">{queries}</wfs:GetFeature>"""
    response = post(client, body)
    assert response.status_code == 400
    document = assert_valid(ows10_schema(), response.content)
    exceptions = document.xpath("//ows10:Exception", namespaces=NS)
    assert [(e.get("exceptionCode"), e.get("locator")) for e in exceptions] == [
        (code, locator)
    ]


# The machine path answers as the full one ---------------------------------


def test_machine_path_gives_the_same_answers(client, ows_data, wsgi_call):
    identifier = feature_ids(client, COUNT="1")[0]
    found = wsgi_call(
        "/ows",
        query=f"SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature"
        f"&STOREDQUERY_ID={BY_ID_URN}&id={identifier}",
    )
    assert found.status == 200
    assert etree.fromstring(found.content).get(f"{{{NS['gml']}}}id") == identifier
    missing = wsgi_call(
        "/ows",
        query=f"SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature"
        f"&STOREDQUERY_ID={BY_ID_URN}&id={ZONING}.999999999",
    )
    assert missing.status == 404
    assert b'exceptionCode="NotFound"' in missing.content
    no_version = wsgi_call(
        "/ows", query=f"SERVICE=WFS&REQUEST=GetFeature&TYPENAMES=aurs:{ZONING}"
    )
    assert no_version.status == 400
    assert b'exceptionCode="MissingParameterValue"' in no_version.content
    values = wsgi_call(
        "/ows",
        query=f"SERVICE=WFS&VERSION=2.0.0&REQUEST=GetPropertyValue"
        f"&TYPENAMES=t:{ZONING}&NAMESPACES=xmlns(t,urn:geoportail:agency:aurs)"
        "&VALUEREFERENCE=@gml:id&COUNT=1",
    )
    assert values.status == 200
    assert f"<wfs:member>{identifier}</wfs:member>".encode() in values.content


@BINDINGS
def test_unknown_feature_identifier_matches_no_feature(client, ows_data, binding):
    """ResourceIdFilterTests.unknownFeatureIdentifier (ISO 19142 7.2.2)."""
    response = filtered(client, binding, f'<fes:ResourceId rid="test-{uuid.uuid4()}"/>')
    assert response.status_code == 200
    assert members(content(response)) == []
    other_type = filtered(client, binding, '<fes:ResourceId rid="pa-1-voirie.1"/>')
    exception(other_type, "InvalidParameterValue", "RESOURCEID")


def test_unknown_operation_is_operationnotsupported_located_at_its_name(
    client, ows_data
):
    """ets-wfs11 wfs-1.1.0-Basic-GetFeature-tc16.2 (OWS Common 8.3): the
    locator is the operation asked for."""
    body = f"""<wfs:GetFeatureLOL xmlns:wfs="http://www.opengis.net/wfs"
        service="WFS" version="1.1.0"><wfs:Query typeName="aurs:{ZONING}"/>
    </wfs:GetFeatureLOL>"""
    response = post(client, body)
    assert response.status_code == 501
    document = assert_valid(ows10_schema(), response.content)
    exceptions = document.xpath("//ows10:Exception", namespaces=NS)
    assert [(e.get("exceptionCode"), e.get("locator")) for e in exceptions] == [
        ("OperationNotSupported", "GetFeatureLOL")
    ]


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_new_refusals_are_written_in_the_clients_language(
    client, ows_data, language
):
    """The messages of the refusals above, in French and Arabic."""
    headers = {"Accept-Language": language}
    bounded_by = get(
        client,
        REQUEST="GetFeature",
        TYPENAMES=f"aurs:{ZONING}",
        FILTER="<fes:Filter><fes:PropertyIsEqualTo><fes:ValueReference>gml:boundedBy"
        "</fes:ValueReference><fes:Literal>x</fes:Literal></fes:PropertyIsEqualTo>"
        "</fes:Filter>",
        headers=headers,
    )
    empty_reference = get(
        client,
        REQUEST="GetPropertyValue",
        TYPENAMES=f"aurs:{ZONING}",
        VALUEREFERENCE=" ",
        headers=headers,
    )
    lists = get(
        client,
        REQUEST="GetFeature",
        TYPENAMES=f"aurs:{ZONING}",
        PROPERTYNAME="(code)(code)",
        headers=headers,
    )
    not_a_query = client.post(
        "/ows",
        f'<wfs:GetFeature xmlns:wfs="{WFS20}" service="WFS" version="2.0.0">'
        "<wfs:Smuery/></wfs:GetFeature>",
        content_type="application/xml",
        headers=headers,
    )
    english = [
        "PropertyIsEqualTo cannot compare gml:boundedBy, an envelope.",
        "valueReference names no property.",
        "Give one list of property names per type name.",
        "Smuery is not a query (wfs:Query or wfs:StoredQuery).",
    ]
    with translation.override(language):
        expected = [
            translation.gettext("%(op)s cannot compare gml:boundedBy, an envelope.")
            % {"op": "PropertyIsEqualTo"},
            translation.gettext("valueReference names no property."),
            translation.gettext("Give one list of property names per type name."),
            translation.gettext(
                "%(name)s is not a query (wfs:Query or wfs:StoredQuery)."
            )
            % {"name": "Smuery"},
        ]
    responses = [bounded_by, empty_reference, lists, not_a_query]
    for response, message, untranslated in zip(
        responses, expected, english, strict=True
    ):
        document = etree.fromstring(response.content)
        assert document.findtext(".//ows:ExceptionText", namespaces=NS) == message
        assert message != untranslated
