"""WMS GetCapabilities: schema/DTD-valid, layer tree, CRS, bboxes, axis order."""

from __future__ import annotations

import functools

import pytest
from lxml import etree

from tests.ows.conftest import SCHEMAS, load_schema

NS = {"wms": "http://www.opengis.net/wms", "xlink": "http://www.w3.org/1999/xlink"}


@functools.cache
def wms130_schema():
    return load_schema("http://schemas.opengis.net/wms/1.3.0/capabilities_1_3_0.xsd")


def test_capabilities_130_are_schema_valid(client, ows_data):
    response = client.get("/ows?SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.3.0")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    wms130_schema()
    document = etree.fromstring(response.content)
    # The SLD extension schema is imported through the schemaLocation pair.
    combined = load_schema("http://schemas.opengis.net/sld/1.1.0/sld_capabilities.xsd")
    assert combined.validate(document), combined.error_log
    names = document.xpath("//wms:Layer/wms:Name/text()", namespaces=NS)
    assert ows_data.zoning_name in names
    assert ows_data.roads_name in names


def test_named_layer_has_one_bbox_per_advertised_crs_in_axis_order(client, ows_data):
    response = client.get("/ows?SERVICE=WMS&REQUEST=GetCapabilities")
    document = etree.fromstring(response.content)
    assert document.get("version") == "1.3.0"
    layer = document.xpath(
        f"//wms:Layer[wms:Name='{ows_data.zoning_name}']", namespaces=NS
    )[0]
    inherited = document.xpath(
        "/wms:WMS_Capabilities/wms:Capability/wms:Layer/wms:CRS/text()", namespaces=NS
    )
    own = layer.xpath("wms:CRS/text()", namespaces=NS)
    advertised = set(inherited) | set(own)
    assert {
        "CRS:84",
        "EPSG:4326",
        "EPSG:3857",
        "EPSG:26191",
        "EPSG:26192",
        "EPSG:26194",
        "EPSG:26195",
    } <= advertised
    boxes = {
        box.get("CRS"): box for box in layer.xpath("wms:BoundingBox", namespaces=NS)
    }
    assert set(boxes) == advertised
    geo = layer.xpath("wms:EX_GeographicBoundingBox", namespaces=NS)[0]
    west = float(geo.findtext("wms:westBoundLongitude", namespaces=NS))
    east = float(geo.findtext("wms:eastBoundLongitude", namespaces=NS))
    south = float(geo.findtext("wms:southBoundLatitude", namespaces=NS))
    north = float(geo.findtext("wms:northBoundLatitude", namespaces=NS))
    assert west == pytest.approx(-6.85)
    assert south == pytest.approx(33.95)
    assert west < east
    assert south < north
    # EPSG:4326 in 1.3.0 is lat/lon: minx is the latitude.
    assert float(boxes["EPSG:4326"].get("minx")) == pytest.approx(33.95)
    assert float(boxes["EPSG:4326"].get("miny")) == pytest.approx(-6.85)
    assert float(boxes["CRS:84"].get("minx")) == pytest.approx(-6.85)
    assert float(boxes["EPSG:3857"].get("minx")) == pytest.approx(-762542.0, abs=10)
    legend = layer.xpath("wms:Style/wms:LegendURL/wms:OnlineResource", namespaces=NS)[0]
    assert "GetLegendGraphic" in legend.get(f"{{{NS['xlink']}}}href")


def test_capabilities_111_are_dtd_valid_and_lon_lat(client, ows_data):
    response = client.get("/wms?REQUEST=GetCapabilities&VERSION=1.1.1")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.ogc.wms_xml")
    dtd = etree.DTD(
        str(SCHEMAS / "schemas.opengis.net/wms/1.1.1/WMS_MS_Capabilities.dtd")
    )
    document = etree.fromstring(response.content)
    assert dtd.validate(document), dtd.error_log
    layer = document.xpath(f"//Layer[Name='{ows_data.zoning_name}']")[0]
    box = layer.xpath("BoundingBox[@SRS='EPSG:4326']")[0]
    assert float(box.get("minx")) == pytest.approx(-6.85)
    assert layer.find("LatLonBoundingBox") is not None


def test_version_negotiation(client, ows_data):
    def version(value):
        response = client.get(
            f"/ows?SERVICE=WMS&REQUEST=GetCapabilities&VERSION={value}"
        )
        return etree.fromstring(response.content).get("version")

    assert version("1.3.0") == "1.3.0"
    assert version("1.1.1") == "1.1.1"
    assert version("2.0.0") == "1.3.0"
    assert version("1.2.0") == "1.1.1"
    assert version("1.0.0") == "1.1.1"


def test_parameter_names_are_case_insensitive(client, ows_data):
    response = client.get("/ows?service=WMS&request=GetCapabilities&version=1.3.0")
    assert response.status_code == 200
    assert b"WMS_Capabilities" in response.content


def test_draft_documents_are_hidden_from_the_public(client, ows_data, make_document):
    draft = make_document(ows_data.agency, "PA-2", status="draft")
    from layers.models import Layer
    from layers.services import layer_version_create, layer_version_publish
    from tests.ows.conftest import zoning_features

    layer = Layer.objects.create(
        document=draft, name="zonage", title_fr="Z", kind="zoning"
    )
    layer_version_publish(
        version=layer_version_create(layer=layer, features=zoning_features()[:2])
    )
    response = client.get("/ows?SERVICE=WMS&REQUEST=GetCapabilities")
    assert b"aurs:pa-2-zonage" not in response.content
    assert ows_data.zoning_name.encode() in response.content


def test_planner_sees_drafts_of_own_agency(client, ows_data, planner, other_planner):
    from layers.services import layer_version_create
    from tests.ows.conftest import zoning_features

    layer_version_create(layer=ows_data.zoning, features=zoning_features("v3")[:3])
    url = "/ows?SERVICE=WMS&REQUEST=GetCapabilities"
    assert b"pa-1-zonage-draft" not in client.get(url).content
    client.force_login(other_planner)
    assert b"pa-1-zonage-draft" not in client.get(url).content
    client.force_login(planner)
    assert b"aurs:pa-1-zonage-draft" in client.get(url).content


def test_agency_endpoint_lists_only_that_agency(
    client, ows_data, other_agency, make_document
):
    other = make_document(other_agency, "PA-9")
    from layers.models import Layer
    from layers.services import layer_version_create, layer_version_publish
    from tests.ows.conftest import zoning_features

    layer = Layer.objects.create(
        document=other, name="zonage", title_fr="Z", kind="zoning"
    )
    layer_version_publish(
        version=layer_version_create(layer=layer, features=zoning_features()[:2])
    )
    everything = client.get("/ows?SERVICE=WMS&REQUEST=GetCapabilities").content
    assert b"aukt:pa-9-zonage" in everything
    scoped = client.get("/ows/aurs/?SERVICE=WMS&REQUEST=GetCapabilities").content
    assert b"aukt:pa-9-zonage" not in scoped
    assert ows_data.zoning_name.encode() in scoped


def test_capabilities_follow_publication_and_status_changes(client, ows_data):
    from layers.models import PlanningDocument
    from layers.services import layer_version_create, layer_version_publish
    from tests.ows.conftest import zoning_features

    url = "/ows?SERVICE=WMS&REQUEST=GetCapabilities"
    assert ows_data.zoning_name.encode() in client.get(url).content
    version = layer_version_create(layer=ows_data.zoning, features=zoning_features())
    layer_version_publish(version=version)
    document = etree.fromstring(client.get(url).content)
    dimension = document.xpath(
        f"//wms:Layer[wms:Name='{ows_data.zoning_name}']/wms:Dimension/text()",
        namespaces=NS,
    )[0]
    assert len(dimension.split(",")) == 3
    PlanningDocument.objects.filter(pk=ows_data.document.pk).update(
        status=PlanningDocument.Status.ANNULLED
    )
    assert ows_data.zoning_name.encode() not in client.get(url).content
