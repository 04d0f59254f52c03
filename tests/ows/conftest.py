"""OGC fixtures: a small published zoning and an overlay, built through services."""

from __future__ import annotations

import dataclasses
import datetime
import os
import pathlib

import pytest
from django.contrib.gis.geos import LineString, MultiPolygon
from lxml import etree

from layers.models import Layer, LayerVersion
from layers.services import FeatureData, layer_version_create, layer_version_publish
from tests.conftest import square

# The live-server tests (real clients) query the database from the server thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
SCHEMAS = pathlib.Path(__file__).parent.parent / "data" / "ogc-schemas"

# A grid of zones in Rabat: lon, lat of the south-west corner, size in degrees.
ORIGIN = (-6.85, 33.95)
CELL = 0.002
GRID = 6
CODES = [
    ("R1", "collective_housing"),
    ("R2", "villa"),
    ("E", "equipment"),
    ("V", "green_space"),
    ("I", "industrial"),
    ("A", "agricultural"),
]


def zone(col: int, row: int) -> MultiPolygon:
    return square(ORIGIN[0] + col * CELL, ORIGIN[1] + row * CELL, CELL)


def zoning_features(version_tag: str = "v1") -> list[FeatureData]:
    features = []
    for row in range(GRID):
        for col in range(GRID):
            code, category = CODES[(row + col) % len(CODES)]
            features.append(
                FeatureData(
                    geom=zone(col, row),
                    code=code,
                    label_fr=f"Zone {code} n° {row * GRID + col}",
                    label_ar=f"منطقة {code}",
                    category=category,
                    source_id=f"{version_tag}-{row}-{col}",
                    attributes={"height_m": 3 * (row + 1), "note": f"é{col}"},
                )
            )
    return features


@dataclasses.dataclass
class OwsData:
    agency: object
    document: object
    zoning: Layer
    roads: Layer
    zoning_v1: LayerVersion
    zoning_v2: LayerVersion
    v2_from: datetime.datetime

    zoning_name = "aurs:pa-1-zonage"
    roads_name = "aurs:pa-1-voirie"


@pytest.fixture
def ows_data(agency, document, zoning_layer) -> OwsData:
    """Zoning with two published versions (36 zones now), and a road overlay."""
    v1_from = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    v2_from = datetime.datetime(2023, 6, 1, tzinfo=datetime.UTC)
    first = layer_version_create(
        layer=zoning_layer, features=zoning_features("v1")[:10], source_srid=26191
    )
    layer_version_publish(version=first, at=v1_from)
    second = layer_version_create(
        layer=zoning_layer, features=zoning_features("v2"), source_srid=26191
    )
    layer_version_publish(version=second, at=v2_from)
    roads = Layer.objects.create(
        document=document,
        name="voirie",
        title_fr="Voirie",
        kind=Layer.Kind.OVERLAY,
        overlay_type=Layer.OverlayType.ROAD_ALIGNMENT,
        geometry_type=Layer.GeometryType.LINE,
        position=1,
    )
    line = LineString(
        (ORIGIN[0], ORIGIN[1] + 0.005),
        (ORIGIN[0] + GRID * CELL, ORIGIN[1] + 0.006),
        srid=4326,
    )
    road_version = layer_version_create(
        layer=roads,
        features=[FeatureData(geom=line, code="RN1", label_fr="Avenue")],
    )
    layer_version_publish(version=road_version, at=v1_from)
    first.refresh_from_db()
    second.refresh_from_db()
    return OwsData(agency, document, zoning_layer, roads, first, second, v2_from)


class SchemaResolver(etree.Resolver):
    """Resolves schemas.opengis.net and www.w3.org URLs to the shipped copies."""

    def resolve(self, url, pubid, context):
        for host in ("schemas.opengis.net", "www.w3.org"):
            for scheme in ("http://", "https://"):
                prefix = f"{scheme}{host}/"
                if url.startswith(prefix):
                    path = SCHEMAS / host / url[len(prefix) :]
                    # Keep the canonical URL as base so that relative and
                    # absolute imports of one schema are recognised as one.
                    return self.resolve_string(
                        path.read_bytes(),
                        context,
                        base_url=f"http://{host}/" + url[len(prefix) :],
                    )
        return None


def load_schema(url: str) -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(SchemaResolver())
    path = SCHEMAS / url.removeprefix("http://")
    document = etree.fromstring(path.read_bytes(), parser, base_url=url)
    return etree.XMLSchema(etree.ElementTree(document))


def assert_valid(schema: etree.XMLSchema, body: bytes) -> etree._Element:
    document = etree.fromstring(body)
    if not schema.validate(document):
        raise AssertionError(str(schema.error_log))
    return document


def schema_from_text(text: str) -> etree.XMLSchema:
    """A schema from a string whose imports use http:// or file:// URLs."""
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(SchemaResolver())
    document = etree.fromstring(text.encode(), parser, base_url=str(SCHEMAS) + "/")
    return etree.XMLSchema(document)


def feature_collection_schema(client, url, type_names, tmp_path, version="2.0.0"):
    """WFS + the application schema of ``type_names`` (from DescribeFeatureType)."""
    response = client.get(
        url,
        {
            "SERVICE": "WFS",
            "VERSION": version,
            "REQUEST": "DescribeFeatureType",
            "TYPENAMES" if version == "2.0.0" else "TYPENAME": type_names,
        },
    )
    assert response.status_code == 200, response.content
    app = tmp_path / "app.xsd"
    app.write_bytes(response.content)
    namespace = etree.fromstring(response.content).get("targetNamespace")
    wfs = (
        ("http://www.opengis.net/wfs/2.0", "http://schemas.opengis.net/wfs/2.0/wfs.xsd")
        if version == "2.0.0"
        else (
            "http://www.opengis.net/wfs",
            "http://schemas.opengis.net/wfs/1.1.0/wfs.xsd",
        )
    )
    wrapper = f"""<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema"
        targetNamespace="urn:test:wrapper">
      <xsd:import namespace="{wfs[0]}" schemaLocation="{wfs[1]}"/>
      <xsd:import namespace="{namespace}" schemaLocation="file://{app}"/>
    </xsd:schema>"""
    return schema_from_text(wrapper)
