"""History cannot be destroyed: published and superseded versions, their
features and referenced versions are refused deletion and change by PostgreSQL
itself; the admin does not offer it and answers a refusal, never a 500."""

import datetime

import pytest

from layers.models import Feature, Layer, LayerVersion
from layers.services import (
    FeatureData,
    layer_version_create,
    layer_version_publish,
    layer_version_restore,
)
from tests.conftest import sql_refused, square

T0 = datetime.datetime(2021, 3, 1, tzinfo=datetime.UTC)
T1 = datetime.datetime(2023, 5, 1, tzinfo=datetime.UTC)


def _zones(*codes: str) -> list[FeatureData]:
    return [
        FeatureData(geom=square(-6.9 + 0.01 * i, 33.9, 0.01), code=code)
        for i, code in enumerate(codes)
    ]


@pytest.fixture
def history(zoning_layer):
    """v1 superseded, v2 published, v3 a draft."""
    v1 = layer_version_create(layer=zoning_layer, features=_zones("D1"))
    layer_version_publish(version=v1, at=T0)
    v2 = layer_version_create(layer=zoning_layer, features=_zones("B4", "EV"))
    layer_version_publish(version=v2, at=T1)
    v3 = layer_version_create(layer=zoning_layer, features=_zones("X1"))
    for version in (v1, v2):
        version.refresh_from_db()
    return v1, v2, v3


def test_sql_delete_of_a_published_or_superseded_version_issql_refused(history):
    v1, v2, _draft = history
    for version in (v1, v2):
        sql_refused("DELETE FROM layers_feature WHERE version_id = %s", [version.pk])
        sql_refused("DELETE FROM layers_layerversion WHERE id = %s", [version.pk])
    assert LayerVersion.objects.filter(pk__in=[v1.pk, v2.pk]).count() == 2
    assert Feature.objects.filter(version=v2).count() == 2


def test_sql_cannot_change_a_published_versions_features_or_validity(history):
    v1, v2, _draft = history
    sql_refused("UPDATE layers_feature SET code = 'ZZ' WHERE version_id = %s", [v2.pk])
    sql_refused(
        "INSERT INTO layers_feature (version_id, source_id, code, label_fr, "
        "label_ar, category, attributes, geom) SELECT %s, '', 'ZZ', '', '', '', "
        "'{}', geom FROM layers_feature WHERE version_id = %s",
        [v2.pk, v1.pk],
    )
    sql_refused(
        "UPDATE layers_layerversion SET valid_from = valid_from - interval '1 day' "
        "WHERE id = %s",
        [v1.pk],
    )
    sql_refused("UPDATE layers_layerversion SET valid_to = NULL WHERE id = %s", [v1.pk])
    sql_refused(
        "UPDATE layers_layerversion SET status = 'draft', valid_from = NULL "
        "WHERE id = %s",
        [v2.pk],
    )
    sql_refused(
        "UPDATE layers_layerversion SET feature_count = 99 WHERE id = %s", [v2.pk]
    )
    codes = Feature.objects.filter(version=v2).values_list("code", flat=True)
    assert sorted(codes) == ["B4", "EV"]
    v1.refresh_from_db()
    assert (v1.valid_from, v1.valid_to) == (T0, T1)


def test_publishing_still_supersedes_and_restoring_still_works(history):
    v1, v2, draft = history
    at = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    layer_version_publish(version=draft, at=at)
    v2.refresh_from_db()
    assert (v2.status, v2.valid_to) == (LayerVersion.Status.SUPERSEDED, at)
    copy = layer_version_restore(
        version=v1, at=datetime.datetime(2025, 6, 1, tzinfo=datetime.UTC)
    )
    assert copy.feature_count == 1
    # v1 is now referenced by its restored copy: still history.
    sql_refused("DELETE FROM layers_layerversion WHERE id = %s", [v1.pk])


def test_a_draft_can_still_be_deleted(history):
    _v1, _v2, draft = history
    draft.delete()
    assert not LayerVersion.objects.filter(pk=draft.pk).exists()
    assert not Feature.objects.filter(version_id=draft.pk).exists()


def _admin_login(client, user):
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_admin_refuses_a_planner_deleting_a_published_version(client, planner, history):
    _v1, v2, _draft = history
    _admin_login(client, planner)
    url = f"/admin/layers/layerversion/{v2.pk}/delete/"
    page = client.get(f"/admin/layers/layerversion/{v2.pk}/change/")
    assert page.status_code == 200
    assert url.encode() not in page.content  # no "Delete" offered
    response = client.post(url, {"post": "yes"}, follow=True)
    assert response.status_code == 200
    assert "cannot be deleted" in response.content.decode()
    assert LayerVersion.objects.filter(pk=v2.pk).exists()


def test_admin_bulk_delete_lists_history_as_protected(client, planner, history):
    v1, v2, draft = history
    _admin_login(client, planner)
    response = client.post(
        "/admin/layers/layerversion/",
        {
            "action": "delete_selected",
            "_selected_action": [v1.pk, v2.pk, draft.pk],
            "post": "yes",
        },
    )
    assert response.status_code == 200
    assert "Cannot delete" in response.content.decode()
    assert LayerVersion.objects.filter(layer=v1.layer).count() == 3


def test_admin_lets_a_planner_delete_a_draft(client, planner, history):
    _v1, _v2, draft = history
    _admin_login(client, planner)
    response = client.post(
        f"/admin/layers/layerversion/{draft.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not LayerVersion.objects.filter(pk=draft.pk).exists()


def test_deleting_a_layer_with_history_is_refused_cleanly(
    client, planner, history, zoning_layer
):
    _admin_login(client, planner)
    url = f"/admin/layers/layer/{zoning_layer.pk}/delete/"
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 200
    assert "Cannot delete" in response.content.decode()
    assert Layer.objects.filter(pk=zoning_layer.pk).exists()
    assert LayerVersion.objects.filter(layer=zoning_layer).count() == 3


def test_deleting_a_document_or_agency_holding_history_is_refused_cleanly(
    client, administrator, history, zoning_layer
):
    _admin_login(client, administrator)
    document = zoning_layer.document
    for url in (
        f"/admin/layers/planningdocument/{document.pk}/delete/",
        f"/admin/layers/agency/{document.agency_id}/delete/",
    ):
        response = client.post(url, {"post": "yes"})
        assert response.status_code == 200, url
        assert "Cannot delete" in response.content.decode()
    assert LayerVersion.objects.filter(layer=zoning_layer).count() == 3


def test_a_layer_holding_only_drafts_can_be_deleted(client, planner, zoning_layer):
    layer_version_create(layer=zoning_layer, features=_zones("A"))
    _admin_login(client, planner)
    response = client.post(
        f"/admin/layers/layer/{zoning_layer.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Layer.objects.filter(pk=zoning_layer.pk).exists()
