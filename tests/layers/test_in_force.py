"""What is public and in force (``layers.in_force``): one rule, every reader.

One agency holds five planning documents, each with a zoning layer whose one
zone covers the same parcel, under its own code: (a) a document in force whose
layer has only a draft, (b) an annulled document with a published version, (c)
an expired one, (d) one not yet in force, (e) one in force. WMS, WFS, tiles,
identify, compose, the search box and the map page must all show an anonymous
reader the same thing: (e) alone — and, as of a date, what was in force then.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import math

import mapbox_vector_tile
import pytest
from django.db import connection
from django.utils import timezone
from lxml import etree

from layers.in_force import (
    documents_in_force_q,
    in_force_params,
    in_force_sql,
    versions_public_in_force,
)
from layers.models import Layer, PlanningDocument
from layers.services import FeatureData, layer_version_create, layer_version_publish
from parcels.models import Parcel
from parcels.references import ParcelReference
from tests.conftest import square

# The point clicked, inside the parcel, inside every document's zone.
LON, LAT = -6.8493, 33.9507
PARCEL = "TF 100/07"
PUBLISHED_AT = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)


@dataclasses.dataclass(frozen=True)
class Case:
    reference: str
    code: str
    visible: bool  # to an anonymous reader, now

    @property
    def layer_name(self) -> str:
        return f"aurs:{self.reference.lower()}-zonage"


CASES = [
    Case("PA-DRAFT", "ZDRAFT", visible=False),
    Case("PA-ANNUL", "ZANNUL", visible=False),
    Case("PA-EXPIRED", "ZEXPIRED", visible=False),
    Case("PA-FUTURE", "ZFUTURE", visible=False),
    Case("PA-INFORCE", "ZINFORCE", visible=True),
]
IDS = [case.reference for case in CASES]
VISIBLE_CODES = {case.code for case in CASES if case.visible}


def _days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def documents(agency, make_document):
    """The five documents of the module's docstring, by reference."""
    status = PlanningDocument.Status
    made = {
        "PA-DRAFT": make_document(agency, "PA-DRAFT"),
        "PA-ANNUL": make_document(agency, "PA-ANNUL", status=status.ANNULLED),
        "PA-EXPIRED": make_document(
            agency,
            "PA-EXPIRED",
            status=status.EXPIRED,
            effective_date=datetime.date(2015, 1, 1),
            expiry_date=_days(-30),
        ),
        "PA-FUTURE": make_document(
            agency, "PA-FUTURE", effective_date=_days(30), expiry_date=None
        ),
        "PA-INFORCE": make_document(agency, "PA-INFORCE", expiry_date=None),
    }
    for case in CASES:
        layer = Layer.objects.create(
            document=made[case.reference],
            name="zonage",
            title_fr="Zonage",
            kind=Layer.Kind.ZONING,
        )
        zone = FeatureData(
            geom=square(-6.85, 33.95, 0.002), code=case.code, label_fr=case.code
        )
        version = layer_version_create(layer=layer, features=[zone])
        if case.reference != "PA-DRAFT":
            layer_version_publish(version=version, at=PUBLISHED_AT)
    reference = ParcelReference.parse(PARCEL)
    Parcel.objects.create(
        agency=agency,
        kind=reference.kind,
        reference=reference.display,
        reference_key=reference.key,
        geom=square(-6.8495, 33.9505, 0.0005),
    )
    return made


# -- The rule's forms agree --------------------------------------------------


def _sql_in_force(document_id: int, at: datetime.datetime) -> bool:
    query = f"""
        SELECT coalesce(bool_or({in_force_sql(document="d", version="v")}), false)
        FROM layers_planningdocument d
        JOIN layers_layer l ON l.document_id = d.id
        JOIN layers_layerversion v ON v.layer_id = l.id
        WHERE d.id = %(document)s
    """
    with connection.cursor() as cursor:
        cursor.execute(query, {"document": document_id, **in_force_params(at)})
        return cursor.fetchone()[0]


@pytest.mark.parametrize("offset", [-3650, -31, -29, 0, 29, 31])
def test_orm_sql_and_memory_forms_of_the_rule_agree(documents, offset):
    day = _days(offset)
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    orm = set(
        versions_public_in_force(at).values_list(
            "layer__document__reference", flat=True
        )
    )
    in_force = set(
        PlanningDocument.objects.filter(documents_in_force_q(day)).values_list(
            "reference", flat=True
        )
    )
    for reference, document in documents.items():
        sql = _sql_in_force(document.pk, at)
        assert (reference in orm) == sql, reference
        assert document.in_force_on(day) == (reference in in_force), reference
        # A draft is never in force; the others' versions from PUBLISHED_AT.
        if reference != "PA-DRAFT" and at >= PUBLISHED_AT:
            assert sql == document.in_force_on(day), reference


# -- Every reader shows an anonymous reader the same thing ----------------------


def _names(xml: bytes, path: str) -> set[str]:
    document = etree.fromstring(xml)
    return {
        name.text
        for name in document.iter()
        if isinstance(name.tag, str)
        and etree.QName(name).localname == "Name"
        and etree.QName(name.getparent()).localname == path
    }


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_wms_capabilities(client, documents, case):
    response = client.get("/ows", {"SERVICE": "WMS", "REQUEST": "GetCapabilities"})
    assert response.status_code == 200
    assert (case.layer_name in _names(response.content, "Layer")) == case.visible


def _getmap(client, name: str, **extra):
    return client.get(
        "/ows",
        {
            "SERVICE": "WMS",
            "VERSION": "1.3.0",
            "REQUEST": "GetMap",
            "LAYERS": name,
            "STYLES": "",
            "CRS": "EPSG:4326",
            "BBOX": "33.94,-6.86,33.96,-6.84",
            "WIDTH": "64",
            "HEIGHT": "64",
            "FORMAT": "image/png",
            **extra,
        },
    )


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_wms_getmap(client, documents, case):
    response = _getmap(client, case.layer_name)
    if case.visible:
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
    else:
        assert b"LayerNotDefined" in response.content


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_wfs_capabilities(client, documents, case):
    response = client.get(
        "/ows", {"SERVICE": "WFS", "VERSION": "2.0.0", "REQUEST": "GetCapabilities"}
    )
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else None
    names = _names(content or response.content, "FeatureType")
    assert (case.layer_name in names) == case.visible


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_wfs_getfeature(client, documents, case):
    response = client.get(
        "/ows",
        {
            "SERVICE": "WFS",
            "VERSION": "2.0.0",
            "REQUEST": "GetFeature",
            "TYPENAMES": case.layer_name,
            "OUTPUTFORMAT": "application/json",
        },
    )
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    if case.visible:
        assert response.status_code == 200, body
        codes = {f["properties"]["code"] for f in json.loads(body)["features"]}
        assert codes == {case.code}
    else:
        assert response.status_code == 400, body
        assert case.code.encode() not in body


def _tile_address(z: int = 15) -> tuple[int, int, int]:
    n = 2**z
    x = int((LON + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(LAT))) / math.pi) / 2 * n)
    return z, x, y


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_tiles(client, documents, case):
    tilejson = client.get(f"/tiles/{case.layer_name}.json")
    z, x, y = _tile_address()
    tile = client.get(f"/tiles/{case.layer_name}/{z}/{x}/{y}.mvt")
    if case.visible:
        assert tilejson.status_code == 200
        assert tile.status_code == 200
        features = mapbox_vector_tile.decode(tile.content)["zoning"]["features"]
        assert {f["properties"]["code"] for f in features} == {case.code}
    else:
        assert tilejson.status_code == 404
        assert tile.status_code == 404
    index = client.get("/tiles/").json()["tilesets"]
    assert (case.layer_name in {t["name"] for t in index}) == case.visible


def test_identify_lists_the_zones_in_force(client, documents):
    data = client.get("/api/v1/identify", {"lon": LON, "lat": LAT}).json()
    assert data["parcel"]["reference"] == PARCEL
    assert {zone["code"] for zone in data["zones"]} == VISIBLE_CODES


def test_compose_lists_the_zones_in_force(client, documents):
    response = client.post(
        "/api/v1/notes/compose",
        data=json.dumps({"parcel": PARCEL}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert {zone["code"] for zone in response.json()["zones"]} == VISIBLE_CODES


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_search_finds_zones_in_force(client, documents, case):
    results = client.get("/api/v1/search", {"q": case.code}).json()["results"]
    zones = {r["reference"] for r in results if r["kind"] == "zone"}
    assert zones == ({case.code} if case.visible else set())


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_map_page_layer_list(client, documents, case):
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    start = page.index('<script id="map-config" type="application/json">')
    start = page.index(">", start) + 1
    config = json.loads(page[start : page.index("</script>", start)])
    names = {
        layer["name"]
        for agency in config["tree"]
        for document in agency["documents"]
        for layer in document["layers"]
    }
    assert (case.layer_name in names) == case.visible


# -- As of a date, the readers agree too -----------------------------------------


def test_as_of_a_date_in_the_expired_documents_life(client, documents):
    """On a day when the expired document and the one in force both applied,
    WMS TIME, tiles ``at`` and identify ``as_of`` all show both."""
    day = "2025-01-15"
    wanted = {"PA-EXPIRED", "PA-INFORCE"}
    for case in CASES:
        visible = case.reference in wanted
        image = _getmap(client, case.layer_name, TIME=day)
        drawn = image.status_code == 200 and b"LayerNotDefined" not in image.content
        assert drawn == visible, case.reference
        tilejson = client.get(f"/tiles/{case.layer_name}.json", {"at": day})
        assert (tilejson.status_code == 200) == visible, case.reference
    data = client.get("/api/v1/identify", {"lon": LON, "lat": LAT, "as_of": day}).json()
    assert {zone["code"] for zone in data["zones"]} == {"ZEXPIRED", "ZINFORCE"}
