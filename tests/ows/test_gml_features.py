"""GML feature elements as PostgreSQL writes them: text escaping, attribute
values and geometry ids, read back as a client reads them."""

from __future__ import annotations

import re

import pytest
from django.contrib.gis.geos import LineString, MultiPoint, MultiPolygon, Point
from django.db import connection
from lxml import etree

from layers.models import Feature, Layer
from layers.services import FeatureData, layer_version_create, layer_version_publish
from ows.wfs import sql
from tests.ows.conftest import (
    GRID,
    assert_valid,
    feature_collection_schema,
    zone,
)

GML32 = "http://www.opengis.net/gml/3.2"
AURS = "urn:geoportail:agency:aurs"
NS = {"wfs": "http://www.opengis.net/wfs/2.0", "gml": GML32, "aurs": AURS}
ZONES = GRID * GRID
TRICKY = [
    "École <A&B> \"quoted\" 'single' ]]> &amp; not an entity",
    "line one\r\nline two\rthree\nfour\ttab",
    "منطقة السكن <ب&ج>",
]
# Characters XML 1.0 cannot carry, not even as references: what a client gets.
CONTROL = "bell\x07 vertical\x0b escape\x1b non-character\ufffe end"
CONTROL_AS_READ = "bell\ufffd vertical\ufffd escape\ufffd non-character\ufffd end"


def publish(document, name, geometry_type, features):
    layer = Layer.objects.create(
        document=document,
        name=name,
        title_fr=name,
        kind=Layer.Kind.OVERLAY,
        overlay_type=Layer.OverlayType.RESERVED_SITE,
        geometry_type=geometry_type,
        position=5,
    )
    version = layer_version_create(layer=layer, features=features)
    layer_version_publish(version=version)
    return f"aurs:pa-1-{name}"


@pytest.fixture
def texts(ows_data):
    """Labels and attribute strings with markup, line breaks and controls."""
    features = [
        FeatureData(
            geom=zone(index, 0),
            code=f"T{index}",
            label_fr=text,
            label_ar=text,
            source_id=f"t{index}",
            attributes={"remark": text},
        )
        for index, text in enumerate([*TRICKY, CONTROL, "plain"])
    ]
    return publish(ows_data.document, "textes", Layer.GeometryType.POLYGON, features)


def get_feature(client, type_name, version="2.0.0", **params):
    names = "TYPENAMES" if version == "2.0.0" else "TYPENAME"
    response = client.get(
        "/ows",
        {
            "SERVICE": "WFS",
            "VERSION": version,
            "REQUEST": "GetFeature",
            names: type_name,
            **params,
        },
    )
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def values(document, name):
    return document.xpath(f"//aurs:{name}/text()", namespaces=NS)


@pytest.mark.parametrize("version", ["2.0.0", "1.1.0"])
def test_text_reaches_clients_unchanged(client, texts, tmp_path, version):
    schema = feature_collection_schema(client, "/ows", texts, tmp_path, version)
    body = get_feature(client, texts, version, SORTBY="source_id")
    document = assert_valid(schema, body)
    expected = [*TRICKY, CONTROL_AS_READ, "plain"]
    assert values(document, "label_fr") == expected
    assert values(document, "label_ar") == expected
    assert values(document, "remark") == expected
    # A carriage return is a reference, or the parser would read a line feed.
    assert b"line one&#13;\nline two&#13;three" in body


def test_text_of_one_feature_and_of_one_property(client, texts):
    for source_id, text in (("t0", TRICKY[0]), ("t3", CONTROL_AS_READ)):
        feature = Feature.objects.get(
            version__layer__name="textes", source_id=source_id
        )
        response = client.get(
            "/ows",
            {
                "SERVICE": "WFS",
                "VERSION": "2.0.0",
                "REQUEST": "GetFeature",
                "STOREDQUERY_ID": (
                    "http://www.opengis.net/def/query/OGC-WFS/0/GetFeatureById"
                ),
                "ID": f"pa-1-textes.{feature.pk}",
            },
        )
        document = etree.fromstring(response.content)
        assert document.get(f"{{{GML32}}}id") == f"pa-1-textes.{feature.pk}"
        assert values(document, "label_fr") == [text]
    for name in ("label_fr", "remark"):
        response = client.get(
            "/ows",
            {
                "SERVICE": "WFS",
                "VERSION": "2.0.0",
                "REQUEST": "GetPropertyValue",
                "TYPENAMES": texts,
                "VALUEREFERENCE": name,
                "SORTBY": "source_id",
            },
        )
        document = etree.fromstring(response.content)
        assert values(document, name) == [*TRICKY, CONTROL_AS_READ, "plain"]


def test_attribute_values_as_clients_read_them(client, ows_data, tmp_path):
    attributes = [
        {"count": 3, "ratio": 0.25, "open": True, "name": "a<b", "empty": ""},
        {"count": -12, "ratio": 2.0, "open": False, "name": None},
        {},
    ]
    name = publish(
        ows_data.document,
        "attributs",
        Layer.GeometryType.POLYGON,
        [
            FeatureData(geom=zone(i, 1), code="A", source_id=f"a{i}", attributes=attrs)
            for i, attrs in enumerate(attributes)
        ],
    )
    schema = feature_collection_schema(client, "/ows", name, tmp_path)
    document = assert_valid(schema, get_feature(client, name, SORTBY="source_id"))
    features = document.xpath("//aurs:pa-1-attributs", namespaces=NS)
    read = [
        {
            key: element.text or ""
            for key in ("count", "ratio", "open", "name", "empty")
            if (element := feature.find(f"aurs:{key}", NS)) is not None
        }
        for feature in features
    ]
    assert read == [
        {"count": "3", "ratio": "0.25", "open": "true", "name": "a<b", "empty": ""},
        {"count": "-12", "ratio": "2.0", "open": "false"},  # null: left out
        {},
    ]
    # The fixed properties are always there, empty when they are.
    assert values(document, "code") == ["A", "A", "A"]
    assert len(document.xpath("//aurs:label_ar", namespaces=NS)) == 3


@pytest.fixture
def geometries(ows_data):
    """A polygon layer (one and two parts), a line layer, a point layer."""
    polygons = publish(
        ows_data.document,
        "polygones",
        Layer.GeometryType.POLYGON,
        [
            FeatureData(geom=zone(0, 0), code="P1", source_id="p1"),
            FeatureData(geom=zone(1, 0)[0], code="P2", source_id="p2"),
            FeatureData(
                geom=MultiPolygon(zone(0, 2)[0], zone(2, 2)[0], srid=4326),
                code="P3",
                source_id="p3",
            ),
        ],
    )
    line = LineString((-6.85, 33.95), (-6.84, 33.96), srid=4326)
    lines = publish(
        ows_data.document,
        "lignes",
        Layer.GeometryType.LINE,
        [FeatureData(geom=line, code="L1", source_id="l1")],
    )
    points = publish(
        ows_data.document,
        "points",
        Layer.GeometryType.POINT,
        [
            FeatureData(geom=Point(-6.85, 33.95, srid=4326), code="X", source_id="x1"),
            FeatureData(
                geom=MultiPoint(Point(-6.85, 33.95), Point(-6.84, 33.9), srid=4326),
                code="X",
                source_id="x2",
            ),
        ],
    )
    return polygons, lines, points


def test_geometry_ids_are_unique_and_numbered_in_document_order(
    client, geometries, tmp_path
):
    for name in geometries:
        schema = feature_collection_schema(client, "/ows", name, tmp_path)
        document = assert_valid(schema, get_feature(client, name, SORTBY="source_id"))
        for feature in document.xpath("//wfs:member/*", namespaces=NS):
            fid = feature.get(f"{{{GML32}}}id")
            ids = feature.xpath(".//*/@gml:id", namespaces=NS)
            assert ids == [f"{fid}.g{n}" for n in range(len(ids))]
    document = etree.fromstring(get_feature(client, geometries[0], SORTBY="source_id"))
    parts = [
        len(feature.xpath(".//gml:Polygon", namespaces=NS))
        for feature in document.xpath("//wfs:member/*", namespaces=NS)
    ]
    assert parts == [1, 1, 2]
    assert len(document.xpath("//gml:MultiSurface", namespaces=NS)) == 3


@pytest.mark.parametrize(
    "srs_name",
    [
        "EPSG:4326",
        "urn:ogc:def:crs:EPSG::4326",
        "http://www.opengis.net/def/crs/EPSG/0/4326",
        "EPSG:26191",
        "urn:ogc:def:crs:EPSG::3857",
    ],
)
def test_single_parts_are_written_as_postgis_writes_multi_geometries(
    client, geometries, srs_name
):
    """Of a single-part polygon or line, PostGIS writes the part and the portal
    the collection around it: the same GML as ST_AsGML of the multi-geometry."""
    polygons, lines, _points = geometries
    for name in (polygons, lines):
        body = get_feature(client, name, SRSNAME=srs_name, SORTBY="source_id")
        written = [
            re.sub(r'gml:id="[^"]*"', 'gml:id="@"', geometry.decode())
            for geometry in re.findall(rb"<aurs:geom>(.*?)</aurs:geom>", body)
        ]
        assert written == _postgis_gml(name, srs_name)


def _postgis_gml(type_name, srs_name):
    srid = int(srs_name.rsplit(":", 1)[-1].rsplit("/", 1)[-1])
    options = 4 | (0 if srs_name.startswith("EPSG:") else 1)
    options |= 16 if srid == 4326 and not srs_name.startswith("EPSG:") else 0
    digits = 9 if srid == 4326 else 4
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_AsGML(3, ST_Multi(ST_Transform(f.geom, %s)), %s, %s, 'gml', "
            "'@') FROM layers_feature f JOIN layers_layerversion v "
            "ON v.id = f.version_id JOIN layers_layer l ON l.id = v.layer_id "
            "WHERE l.name = %s ORDER BY f.source_id",
            [srid, digits, options, type_name.rsplit("-", 1)[1]],
        )
        return [row[0] for row in cursor.fetchall()]


def test_a_collection_left_unread_leaves_the_connection_usable(
    transactional_db, client, ows_data, monkeypatch
):
    """A client that goes away mid-collection: the streamed query is cancelled
    and the connection serves the next request."""
    monkeypatch.setattr(sql, "STREAM_SIZE", 5)
    response = client.get(
        "/ows",
        {
            "SERVICE": "WFS",
            "VERSION": "2.0.0",
            "REQUEST": "GetFeature",
            "TYPENAMES": ows_data.zoning_name,
        },
    )
    chunks = iter(response.streaming_content)
    next(chunks)  # the collection's start
    assert next(chunks).count(b"<wfs:member>") == 5
    response.close()
    document = etree.fromstring(get_feature(client, ows_data.zoning_name))
    assert len(document.xpath("//wfs:member", namespaces=NS)) == ZONES
