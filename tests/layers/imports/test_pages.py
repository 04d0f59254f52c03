"""Planner pages: own agency only, upload without JavaScript, report with its
map data, publish and roll back, history with validity intervals."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from layers.models import LayerVersion
from tests.importing.conftest import geojson_file, zoning_features


@pytest.fixture
def client_planner(planner):
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    client.force_login(planner)
    return client


def _upload(client, layer, path, **fields):
    with path.open("rb") as stream:
        return client.post(f"/planner/layers/{layer.pk}/", {"file": stream, **fields})


def test_anonymous_is_sent_to_login(zoning_layer):
    response = Client().get(f"/planner/layers/{zoning_layer.pk}/")
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_home_lists_only_the_planners_agency(
    client_planner, zoning_layer, other_agency, make_document
):
    make_document(other_agency, "PA-KT")
    page = client_planner.get("/planner/").content.decode()
    assert zoning_layer.document.reference in page
    assert "PA-KT" not in page


def test_other_agency_pages_are_forbidden(zoning_layer, other_planner):
    client = Client()
    client.force_login(other_planner)
    assert client.get(f"/planner/layers/{zoning_layer.pk}/").status_code == 403


def test_upload_report_publish_and_roll_back(client_planner, zoning_layer, tmp_path):
    path = geojson_file(tmp_path / "zonage.geojson", zoning_features())
    response = _upload(client_planner, zoning_layer, path)
    assert response.status_code == 302
    version = LayerVersion.objects.get(layer=zoning_layer)
    assert response["Location"] == f"/planner/versions/{version.pk}/"
    page = client_planner.get(response["Location"]).content.decode()
    assert "Publier cette version" in page or "Publish this version" in page
    assert 'id="problems-data"' in page
    # CSP: every executable script is a static file.
    for tag in re.findall(r"<script[^>]*>", page):
        assert "src=" in tag or 'type="application/json"' in tag
    publish = client_planner.post(f"/planner/versions/{version.pk}/publish")
    assert publish.status_code == 302
    version.refresh_from_db()
    assert version.status == "published"

    second = _upload(client_planner, zoning_layer, path)
    v2 = LayerVersion.objects.get(layer=zoning_layer, number=2)
    client_planner.post(f"/planner/versions/{v2.pk}/publish")
    assert second.status_code == 302
    client_planner.post(f"/planner/versions/{version.pk}/restore")
    history = client_planner.get(f"/planner/layers/{zoning_layer.pk}/")
    assert history.status_code == 200
    statuses = list(
        LayerVersion.objects.filter(layer=zoning_layer)
        .order_by("number")
        .values_list("status", flat=True)
    )
    assert statuses == ["superseded", "superseded", "published"]
    features = client_planner.get(f"/planner/versions/{version.pk}/features.geojson")
    assert len(features.json()["features"]) == 4


def test_refused_upload_shows_the_reason_in_the_form(
    client_planner, zoning_layer, tmp_path
):
    path = tmp_path / "zonage.geojson"
    path.write_text("rien de géographique")
    response = _upload(client_planner, zoning_layer, path)
    assert response.status_code == 400
    assert "zonage.geojson" in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_report_with_errors_offers_only_publishing_despite_errors_with_a_reason(
    client_planner, zoning_layer, tmp_path
):
    path = geojson_file(tmp_path / "zonage.geojson", zoning_features()[:3])
    response = _upload(client_planner, zoning_layer, path)
    page = client_planner.get(response["Location"]).content.decode()
    # No plain "publish" button: the one form is the explicit "despite errors",
    # whose reason is required.
    assert page.count("/publish") == 1
    assert 'name="despite_errors"' in page
    assert re.search(r'<textarea name="reason"[^>]*required', page)
