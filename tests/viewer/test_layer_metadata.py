"""A layer's metadata: a readable page in French and Arabic, and ISO 19139 XML
that the official schemas validate (offline, tests/data/ogc-schemas)."""

from __future__ import annotations

import pytest
from lxml import etree

from layers.models import Layer, LayerVersion, PlanningDocument
from tests.layers.downloads.conftest import published  # noqa: F401 - a fixture
from tests.ows.conftest import load_schema

GMD = "http://schemas.opengis.net/iso/19139/20070417/gmd/gmd.xsd"
NS = {
    "gmd": "http://www.isotc211.org/2005/gmd",
    "gco": "http://www.isotc211.org/2005/gco",
    "gml": "http://www.opengis.net/gml/3.2",
}


@pytest.fixture(scope="module")
def iso_schema():
    return load_schema(GMD)


def _text(document, path: str) -> list[str]:
    return [node.text for node in document.xpath(path, namespaces=NS)]


def test_the_iso_metadata_validates_and_says_what_the_layer_is(
    client,
    published,  # noqa: F811 - a fixture
    iso_schema,
):
    response = client.get(f"/layers/{published.layer.pk}/metadata.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    document = etree.fromstring(response.content)
    assert iso_schema.validate(document), iso_schema.error_log

    citation = "//gmd:identificationInfo//gmd:citation/gmd:CI_Citation"
    assert _text(document, f"{citation}/gmd:title/gco:CharacterString") == [
        "Plan d'aménagement PA-1 — Zonage"
    ]
    assert _text(document, f"{citation}/gmd:alternateTitle/gco:CharacterString") == [
        "تصميم التهيئة PA-1 — التنطيق"
    ]
    assert _text(document, f"{citation}/gmd:otherCitationDetails/*") == [
        "Décret n° 2.19.345"
    ]
    assert _text(document, f"{citation}/gmd:edition/*") == ["2"]
    assert _text(document, "//gmd:contact//gmd:organisationName/*") == [
        "Agence urbaine aurs"
    ]
    assert _text(document, "//gmd:referenceSystemInfo//gmd:code/*") == [
        "EPSG:4326",
        "EPSG:26191",
    ]
    assert _text(document, "//gml:beginPosition") == ["2019-07-04"]
    assert _text(document, "//gml:endPosition") == ["2029-07-04"]
    assert "ODbL" in _text(document, "//gmd:otherConstraints/*")[0]
    links = _text(document, "//gmd:onLine//gmd:URL")
    assert (
        f"http://testserver/api/v1/layers/{published.layer.pk}/download?format=shp"
        in links
    )
    # Lineage: one step per published version, newest first.
    steps = _text(document, "//gmd:processStep//gmd:description/*")
    assert [step.split(" (")[0] for step in steps] == ["Version 2", "Version 1"]
    assert "zonage-v2.geojson" in steps[0]


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fr", ["Métadonnées", "Acte d'approbation", "Décret n° 2.19.345",
                "Systèmes de coordonnées", "EPSG:26191 — Merchich / Nord Maroc",
                "Licence", "Généalogie", "zonage-v1.geojson", "Remplacé"]),
        ("ar", ["البيانات الوصفية", "نص المصادقة", "Décret n° 2.19.345",
                "أنظمة الإحداثيات المرجعية", "EPSG:26191", "الترخيص",
                "مصدر البيانات وتاريخها", "zonage-v1.geojson", "التنطيق"]),
    ],
)  # fmt: skip
def test_the_metadata_page_reads_in_french_and_arabic(
    client,
    published,  # noqa: F811 - a fixture
    language,
    words,
):
    page = client.get(
        f"/layers/{published.layer.pk}/metadata/", HTTP_ACCEPT_LANGUAGE=language
    )
    assert page.status_code == 200
    text = page.content.decode()
    for word in words:
        assert word in text
    assert f'/api/v1/layers/{published.layer.pk}/download?format=gpkg"' in text
    assert f"/layers/{published.layer.pk}/metadata.xml" in text


def test_the_metadata_of_a_draft_document_is_not_found_for_the_public(
    client, agency, planner, make_document
):
    document = make_document(agency, "PA-PROJET", status=PlanningDocument.Status.DRAFT)
    layer = Layer.objects.create(
        document=document, name="zonage", title_fr="Zonage", kind="zoning"
    )
    LayerVersion.objects.create(layer=layer, number=1, source_name="projet.gpkg")
    for address in (
        f"/layers/{layer.pk}/metadata/",
        f"/layers/{layer.pk}/metadata.xml",
    ):
        assert client.get(address).status_code == 404
    client.force_login(planner)
    page = client.get(f"/layers/{layer.pk}/metadata/")
    assert page.status_code == 200
    assert "projet.gpkg" in page.content.decode()
    assert "/download?format=" not in page.content.decode()  # nothing published


def test_the_metadata_of_a_layer_never_published_validates(
    client, agency, planner, make_document, iso_schema
):
    document = make_document(
        agency, "PA-PROJET", status=PlanningDocument.Status.DRAFT, effective_date=None,
        expiry_date=None, approval_date=None, approval_act="", title_ar="",
    )  # fmt: skip
    layer = Layer.objects.create(
        document=document, name="zonage", title_fr="Zonage", kind="zoning"
    )
    LayerVersion.objects.create(layer=layer, number=1, source_name="projet.gpkg")
    client.force_login(planner)
    document = etree.fromstring(client.get(f"/layers/{layer.pk}/metadata.xml").content)
    assert iso_schema.validate(document), iso_schema.error_log
    assert _text(document, "//gmd:status/*") == ["underDevelopment"]
    assert _text(document, "//gml:beginPosition") == []
