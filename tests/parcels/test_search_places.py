"""The search box finds streets, neighbourhoods and addresses, however their
names are typed: case, French accents and Arabic spelling variants (hamza
forms, alef maqsura, taa marbuta, short vowels, tatweel) do not matter."""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import LineString, MultiLineString
from django.urls import reverse
from django.utils import translation

from layers.models import Layer, PlanningDocument
from layers.services import FeatureData, layer_version_create, layer_version_publish
from parcels.models import Parcel
from parcels.references import ParcelReference
from tests.conftest import square

pytestmark = pytest.mark.urls("tests.parcels.search_urls")


def _reference_layer(document, name: str, reference_type: str, features):
    layer = Layer.objects.create(
        document=document,
        name=name,
        title_fr=name,
        kind=Layer.Kind.REFERENCE,
        reference_type=reference_type,
        geometry_type="line" if reference_type == "street" else "polygon",
    )
    version = layer_version_create(layer=layer, features=features)
    layer_version_publish(version=version)
    return layer


@pytest.fixture
def places(agency, make_document):
    document = make_document(agency, "REF-1", kind=PlanningDocument.Kind.REFERENCE)
    street = MultiLineString(LineString((-6.850, 33.950), (-6.845, 33.951)), srid=4326)
    _reference_layer(
        document,
        "rues",
        "street",
        [
            FeatureData(
                geom=street,
                label_fr="Avenue Hassan II",
                label_ar="شارع الحسن الثاني",
            ),
            # A street cut into two segments is one answer.
            FeatureData(
                geom=MultiLineString(
                    LineString((-6.845, 33.951), (-6.840, 33.952)), srid=4326
                ),
                label_fr="Avenue Hassan II",
                label_ar="شارع الحسن الثاني",
            ),
            FeatureData(
                geom=street, label_fr="Rue de Séville", label_ar="زنقة إشبيلية"
            ),
        ],
    )
    _reference_layer(
        document,
        "quartiers",
        "neighbourhood",
        [
            FeatureData(
                geom=square(-6.86, 33.94, 0.01),
                label_fr="Hay Al Amal",
                label_ar="حي الأمل",
            ),
            FeatureData(
                geom=square(-6.87, 33.94, 0.01),
                label_fr="Hay Ennahda",
                label_ar="حي النهضة",
            ),
        ],
    )
    reference = ParcelReference.parse("TF 1234/07")
    Parcel.objects.create(
        agency=agency,
        kind=reference.kind,
        reference=reference.display,
        reference_key=reference.key,
        address="12, Rue de Séville, Hay Al Amal",
        geom=square(-6.851, 33.949, 0.0005),
    )
    return document


def search(client, q: str, language: str = "fr") -> list[dict]:
    with translation.override(language):
        response = client.get(
            reverse("parcels:search"), {"q": q}, HTTP_ACCEPT_LANGUAGE=language
        )
    assert response.status_code == 200
    return response.json()["results"]


def kinds_and_labels(results: list[dict]) -> list[tuple[str, str]]:
    return [(result["kind"], result["label"]) for result in results]


@pytest.mark.parametrize(
    "typed",
    ["hassan", "HASSAN II", "Hassân", "avenue hassan", "الحسن", "الحَسَن", "الحـسن"],
)
def test_a_street_is_found_by_its_french_or_arabic_name(client, places, typed):
    results = search(client, typed)

    assert kinds_and_labels(results) == [("street", "Avenue Hassan II")]
    west, south, east, north = results[0]["bbox"]
    # Both segments: the answer frames the whole street.
    assert (west, south, east, north) == pytest.approx((-6.850, 33.95, -6.840, 33.952))
    assert results[0]["detail"].startswith("Rue ·")  # what it is, in French


@pytest.mark.parametrize(
    "typed", ["اشبيلية", "إشبيلية", "أشبيلية", "seville", "SÉVILLE"]
)
def test_hamza_and_accents_do_not_matter(client, places, typed):
    labels = kinds_and_labels(search(client, typed))

    assert ("street", "Rue de Séville") in labels


@pytest.mark.parametrize("typed", ["حي الامل", "حى الأمل", "al amal", "Hay Al Amal"])
def test_a_neighbourhood_is_found_and_said_to_be_one(client, places, typed):
    results = search(client, typed)

    assert ("neighbourhood", "Hay Al Amal") in kinds_and_labels(results)


def test_taa_marbuta_and_alef_maqsura_are_spelled_one_way(client, places):
    # النهضة written with haa for taa marbuta, and حي with alef maqsura.
    results = search(client, "حى النهضه")

    assert kinds_and_labels(results) == [("neighbourhood", "Hay Ennahda")]


def test_in_arabic_names_and_kinds_are_arabic(client, places):
    results = search(client, "hassan", language="ar")

    assert results[0]["label"] == "شارع الحسن الثاني"
    assert results[0]["detail"].startswith("شارع ·")


def test_an_address_gives_its_parcel(client, places):
    results = search(client, "12, rue de seville")

    assert kinds_and_labels(results) == [("address", "12, Rue de Séville, Hay Al Amal")]
    assert results[0]["reference"] == "TF 1234/07"
    assert results[0]["detail"] == "Adresse · TF 1234/07"
    assert results[0]["anchor"] is not None


def test_reference_data_of_a_draft_document_is_not_searchable(
    client, agency, make_document
):
    draft = make_document(agency, "REF-DRAFT", status="draft", effective_date=None)
    layer = Layer.objects.create(
        document=draft,
        name="rues",
        title_fr="Rues",
        kind=Layer.Kind.REFERENCE,
        reference_type="street",
        geometry_type="line",
    )
    layer_version_create(
        layer=layer,
        features=[
            FeatureData(
                geom=MultiLineString(
                    LineString((-6.85, 33.95), (-6.84, 33.95)), srid=4326
                ),
                label_fr="Rue Secrète",
            )
        ],
    )

    assert search(client, "secrete") == []


def test_two_letters_look_for_no_name(client, places):
    assert search(client, "ha") == []
