"""The agencies' territories for the map's national view, and the map's day."""

from __future__ import annotations

import datetime
import json

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.urls import reverse

from layers.models import Agency, PlanningDocument
from layers.services import FeatureData, layer_version_create, layer_version_publish
from tests.conftest import square
from tests.viewer.test_pages import map_config


def detailed_territory(lon: float, lat: float) -> MultiPolygon:
    """A 0.2° square whose edges carry 400 vertices each (a surveyed border)."""
    steps = [index / 400 * 0.2 for index in range(400)]
    ring = (
        [(lon + step, lat) for step in steps]
        + [(lon + 0.2, lat + step) for step in steps]
        + [(lon + 0.2 - step, lat + 0.2) for step in steps]
        + [(lon, lat + 0.2 - step) for step in steps]
        + [(lon, lat)]
    )
    return MultiPolygon(Polygon(ring), srid=4326)


def test_territories_are_simplified_with_names_and_bounds(client, agency):
    agency.territory = detailed_territory(-6.9, 33.9)
    agency.save()

    response = client.get(reverse("viewer:territories"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    (feature,) = [
        feature
        for feature in response.json()["features"]
        if feature["properties"]["code"] == "aurs"
    ]
    assert feature["properties"]["names"]["fr"] == "Agence urbaine aurs"
    assert feature["properties"]["bounds"] == pytest.approx([-6.9, 33.9, -6.7, 34.1])
    geometry = feature["geometry"]
    polygon = geometry["coordinates"]
    if geometry["type"] == "MultiPolygon":
        (polygon,) = polygon
    (ring,) = polygon
    assert len(ring) < 20  # of 1,601


def test_a_new_release_of_the_code_changes_the_territories_etag(
    client, agency, release
):
    release("2026.12.1")
    first = client.get(reverse("viewer:territories"))
    release("2026.12.2")
    again = client.get(reverse("viewer:territories"), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]


def test_territories_are_revalidated_by_their_etag(client, agency):
    first = client.get(reverse("viewer:territories"))

    again = client.get(reverse("viewer:territories"), HTTP_IF_NONE_MATCH=first["ETag"])
    agency.name_fr = "Agence renommée"
    agency.save()
    changed = client.get(
        reverse("viewer:territories"), HTTP_IF_NONE_MATCH=first["ETag"]
    )

    assert again.status_code == 304
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]
    names = changed.json()["features"][0]["properties"]["names"]
    assert names["fr"] == "Agence renommée"


def test_the_map_opens_around_every_territory(client, agency, other_agency):
    config = map_config(client.get(reverse("viewer:map")))

    # Every agency: these two, and the session's demo agency when it is loaded.
    everyone = Agency.objects.exclude(territory=None)
    boxes = [each.territory.extent for each in everyone]
    assert {"aurs", "aukt"} <= {each.code for each in everyone}
    assert config["start"]["bounds"] == pytest.approx(
        [
            min(box[0] for box in boxes),
            min(box[1] for box in boxes),
            max(box[2] for box in boxes),
            max(box[3] for box in boxes),
        ]
    )
    assert {a["code"] for a in config["agencies"]} == {a.code for a in everyone}


@pytest.fixture
def plans_of_two_eras(agency, make_document, zoning_layer):
    """Today's plan (PA-1, in force since 2019) and an expired one of 2009."""
    old = make_document(
        agency,
        "PA-2009",
        status=PlanningDocument.Status.EXPIRED,
        effective_date=datetime.date(2009, 4, 1),
        expiry_date=datetime.date(2019, 7, 4),
    )
    old_zoning = old.layers.create(name="zonage", title_fr="Zonage", kind="zoning")
    for layer, code in ((zoning_layer, "R+4"), (old_zoning, "V1")):
        layer_version_publish(
            version=layer_version_create(
                layer=layer,
                features=[FeatureData(geom=square(-6.85, 33.95, 0.001), code=code)],
            ),
            at=datetime.datetime(2009, 4, 1, tzinfo=datetime.UTC),
        )


def test_the_map_of_a_past_day_has_that_days_layers(client, plans_of_two_eras):
    config = map_config(client.get(reverse("viewer:map"), {"at": "2015-06-01"}))

    (agency,) = [each for each in config["tree"] if each["code"] == "aurs"]
    assert [d["reference"] for d in agency["documents"]] == ["PA-2009"]
    (layer,) = agency["documents"][0]["layers"]
    assert layer["url"].endswith(".mvt?at=2015-06-01")
    assert config["at"] == "2015-06-01"
    today = map_config(client.get(reverse("viewer:map")))
    (agency,) = [each for each in today["tree"] if each["code"] == "aurs"]
    assert [d["reference"] for d in agency["documents"]] == ["PA-1"]


@pytest.mark.parametrize("typed", ["2015-13-45", "yesterday", "0001-01-01"])
def test_a_day_that_cannot_be_read_is_said_in_the_readers_language(
    client, plans_of_two_eras, typed
):
    response = client.get(
        reverse("viewer:map"), {"at": typed}, HTTP_ACCEPT_LANGUAGE="fr"
    )

    assert response.status_code == 400
    assert "La date doit être un jour entre le 1900-01-01 et le 2999-12-31." in (
        response.text
    )
    # Today's map all the same.
    assert map_config(response)["at"] == ""
    assert json.dumps(map_config(response)["tree"]).count("PA-1") >= 1
