"""The map page's configuration and the pages of planning documents."""

from __future__ import annotations

import datetime
import json

import pytest
from django.urls import reverse

from layers.models import PlanningDocument
from layers.services import FeatureData, layer_version_create, layer_version_publish
from tests.conftest import square


@pytest.fixture
def published(zoning_layer):
    version = layer_version_create(
        layer=zoning_layer,
        features=[FeatureData(geom=square(-6.85, 33.95, 0.001), code="R+4")],
    )
    return layer_version_publish(
        version=version, at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    )


@pytest.fixture
def draft_document(agency, make_document):
    return make_document(
        agency,
        "PA-PROJET",
        status=PlanningDocument.Status.DRAFT,
        effective_date=None,
        expiry_date=None,
    )


def map_config(response) -> dict:
    text = response.text
    start = text.index('<script id="map-config" type="application/json">')
    start = text.index(">", start) + 1
    return json.loads(text[start : text.index("</script>", start)])


def test_map_page_lists_agencies_documents_and_tile_sets(client, published):
    response = client.get(reverse("viewer:map"))

    assert response.status_code == 200
    config = map_config(response)
    (agency,) = [a for a in config["tree"] if a["code"] == "aurs"]
    assert agency["name"] == "Agence urbaine aurs"
    (document,) = agency["documents"]
    assert document["url"] == "/documents/aurs/PA-1/"
    (layer,) = document["layers"]
    assert layer["name"] == "aurs:pa-1-zonage"
    assert layer["url"] == "/tiles/aurs:pa-1-zonage/{z}/{x}/{y}.mvt"
    assert layer["minzoom"] == 10
    assert {entry["category"] for entry in config["legend"]} >= {"villa", "other"}
    assert config["basemap"]["url"] == ""
    assert "Agence urbaine aurs" in response.text


def test_map_page_uses_no_inline_script(client, published):
    response = client.get(reverse("viewer:map"))

    scripts = response.text.split("<script")[1:]
    for script in scripts:
        head = script.split(">", 1)[0]
        assert "src=" in head or 'type="application/json"' in head


def test_base_map_comes_from_settings(client, settings, db):
    settings.GEOPORTAIL_BASEMAP_URL = "https://tiles.example.org/{z}/{x}/{y}.png"

    config = map_config(client.get(reverse("viewer:map")))

    assert config["basemap"]["url"] == "https://tiles.example.org/{z}/{x}/{y}.png"


def test_document_list_hides_drafts_from_the_public(client, document, draft_document):
    response = client.get(reverse("viewer:documents", args=["aurs"]))

    assert response.status_code == 200
    assert "PA-1" in response.text
    assert "PA-PROJET" not in response.text


def test_planner_sees_the_drafts_of_their_agency(client, planner, draft_document):
    client.force_login(planner)

    listing = client.get(reverse("viewer:documents", args=["aurs"]))
    page = client.get(reverse("viewer:document", args=["aurs", "PA-PROJET"]))

    assert "PA-PROJET" in listing.text
    assert page.status_code == 200


def test_document_page_shows_metadata_layers_and_versions(client, published):
    response = client.get(reverse("viewer:document", args=["aurs", "PA-1"]))

    assert response.status_code == 200
    text = response.text
    assert "Décret n° 2.19.345" in text
    assert "aurs:pa-1-zonage" in text
    assert "Publiée" in text


def test_unknown_or_draft_documents_are_404_for_the_public(client, draft_document):
    assert client.get(reverse("viewer:documents", args=["nowhere"])).status_code == 404
    missing = client.get(reverse("viewer:document", args=["aurs", "PA-X"]))
    assert missing.status_code == 404
    draft = client.get(reverse("viewer:document", args=["aurs", "PA-PROJET"]))
    assert draft.status_code == 404


def test_planner_map_shows_their_draft_layers(client, planner, draft_document):
    from layers.models import Layer

    layer = Layer.objects.create(
        document=draft_document, name="zonage", title_fr="Zonage", kind="zoning"
    )
    layer_version_create(
        layer=layer, features=[FeatureData(geom=square(-6.85, 33.95, 0.001), code="X")]
    )

    public = map_config(client.get(reverse("viewer:map")))
    client.force_login(planner)
    private = map_config(client.get(reverse("viewer:map")))

    def layers(config):
        return {
            entry["name"]: entry
            for agency in config["tree"]
            for document in agency["documents"]
            for entry in document["layers"]
        }

    assert "aurs:pa-projet-zonage" not in layers(public)
    draft = layers(private)["aurs:pa-projet-zonage"]
    assert draft["draft"] is True
    assert draft["url"].endswith("?version=1")
    tile = client.get(draft["url"].replace("{z}/{x}/{y}", "12/2052/1627"))
    assert tile.status_code == 200
