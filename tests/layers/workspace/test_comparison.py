"""Before publishing or rolling back: what changes, computed in PostGIS
between the version and the current one, and a confirmation page that says it."""

import datetime

import pytest
from django.urls import reverse

from layers.compare import version_compare
from layers.models import LayerVersion, ZoneRule
from layers.services import FeatureData, layer_version_create, layer_version_publish
from tests.conftest import square

AT = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)


@pytest.fixture
def published(zoning_layer):
    version = layer_version_create(
        layer=zoning_layer,
        features=[
            FeatureData(geom=square(-6.90, 33.90, 0.01), code="A", label_fr="Zone A"),
            FeatureData(geom=square(-6.89, 33.90, 0.01), code="B", label_fr="Zone B"),
            FeatureData(geom=square(-6.88, 33.90, 0.01), code="C", label_fr="Zone C"),
        ],
    )
    return layer_version_publish(version=version, at=AT)


@pytest.fixture
def draft(zoning_layer, published):
    """A unchanged, B relabelled, C reshaped, D new — and no more E."""
    version = layer_version_create(
        layer=zoning_layer,
        features=[
            FeatureData(geom=square(-6.90, 33.90, 0.01), code="A", label_fr="Zone A"),
            FeatureData(geom=square(-6.89, 33.90, 0.01), code="B", label_fr="Zone B2"),
            FeatureData(geom=square(-6.88, 33.90, 0.02), code="C", label_fr="Zone C"),
            FeatureData(geom=square(-6.87, 33.92, 0.01), code="D", label_fr="Zone D"),
        ],
    )
    version.report = {
        "errors": 0,
        "warnings": 0,
        "issues": [],
        "rules": {"D": {"label_fr": "Zone D", "cos": "1.5"}, "A": {"ces": "60"}},
    }
    version.save(update_fields=["report"])
    ZoneRule.objects.create(
        document=zoning_layer.document, code="A", label_fr="Zone A", ces="50"
    )
    return version


def test_added_removed_and_changed_by_code_geometry_and_attributes(
    draft, published, zoning_layer
):
    # E is in the published version only.
    extra = layer_version_create(
        layer=zoning_layer,
        features=[FeatureData(geom=square(-6.95, 33.9, 0.01), code="E")],
    )
    comparison = version_compare(version=draft, base=published)
    changes = {item.key: item for item in comparison.features}
    assert set(changes) == {"B", "C", "D"}
    assert (changes["B"].geometry_changed, changes["B"].attributes_changed) == (
        False,
        True,
    )
    assert (changes["C"].geometry_changed, changes["C"].attributes_changed) == (
        True,
        False,
    )
    assert changes["C"].new_area_m2 == pytest.approx(4 * changes["C"].old_area_m2, 0.01)
    assert changes["D"].change == "added"
    removed = version_compare(version=draft, base=extra)
    assert {i.key for i in removed.features if i.change == "removed"} == {"E"}
    assert (comparison.added, comparison.removed, comparison.changed) == (1, 0, 2)


def test_the_map_shows_the_area_that_differs(draft, published):
    collection = version_compare(version=draft, base=published).feature_collection()
    by_key = {f["properties"]["key"]: f for f in collection["features"]}
    assert by_key["C"]["properties"]["change"] == "changed"
    # The symmetric difference of the 0.01° and 0.02° squares: an L, not a square.
    ring = by_key["C"]["geometry"]["coordinates"][0]
    assert len(ring) > 5


def test_rule_changes_are_what_publishing_writes(draft, published):
    rules = version_compare(version=draft, base=published).rules
    assert {(r.code, r.field, str(r.before), str(r.after)) for r in rules} == {
        ("A", "ces", "50.00", "60"),
        ("D", "label_fr", "None", "Zone D"),
        ("D", "cos", "None", "1.5"),
    }


def test_a_first_version_adds_everything(zoning_layer):
    version = layer_version_create(
        layer=zoning_layer,
        features=[FeatureData(geom=square(-6.9, 33.9, 0.01), code="A")],
    )
    comparison = version_compare(version=version, base=None)
    assert [(i.key, i.change) for i in comparison.features] == [("A", "added")]


@pytest.fixture
def planner_client(client, planner):
    client.force_login(planner)
    return client


def test_publishing_asks_for_confirmation_with_the_summary(
    planner_client, draft, published
):
    url = reverse("layers:version-publish", args=[draft.pk])
    page = planner_client.get(url, headers={"accept-language": "en"})
    assert page.status_code == 200
    assert "1 zone or feature added" in page.text
    assert "2 zones or features changed" in page.text
    assert "3 rule values changed" in page.text
    assert f'action="{url}"' in page.text
    draft.refresh_from_db()
    assert draft.status == LayerVersion.Status.DRAFT  # a GET publishes nothing
    assert planner_client.post(url).status_code == 302
    draft.refresh_from_db()
    assert draft.status == LayerVersion.Status.PUBLISHED


def test_the_confirmation_is_in_arabic_with_arabic_plurals(
    planner_client, draft, published
):
    page = planner_client.get(
        reverse("layers:version-publish", args=[draft.pk]),
        headers={"accept-language": "ar"},
    )
    assert 'dir="rtl"' in page.text
    assert "تأكيد النشر" in page.text
    assert "تغيّرت منطقتان أو عنصران (2)" in page.text  # the dual


def test_rolling_back_asks_for_confirmation_with_the_summary(
    planner_client, draft, published
):
    layer_version_publish(version=draft, at=AT + datetime.timedelta(days=1))
    url = reverse("layers:version-restore", args=[published.pk])
    page = planner_client.get(url, headers={"accept-language": "en"})
    assert page.status_code == 200
    assert "1 zone or feature removed" in page.text  # D goes away again
    assert "Confirm the roll back" in page.text
    published.refresh_from_db()
    assert published.status == LayerVersion.Status.SUPERSEDED
    assert planner_client.post(url).status_code == 302
    current = LayerVersion.objects.get(
        layer=published.layer, status=LayerVersion.Status.PUBLISHED
    )
    assert current.restored_from == published


def test_another_agency_sees_no_comparison(client, other_planner, draft):
    client.force_login(other_planner)
    assert (
        client.get(reverse("layers:version-compare", args=[draft.pk])).status_code
        == 404
    )


def test_a_version_with_errors_is_confirmed_only_with_a_reason(
    planner_client, draft, published
):
    draft.report = {**draft.report, "errors": 1, "issues": []}
    draft.save(update_fields=["report"])
    url = reverse("layers:version-publish", args=[draft.pk])
    page = planner_client.get(
        url + "?despite_errors=1&reason=Plan+approuvé",
        headers={"accept-language": "fr"},
    )
    assert "Confirmer : publier malgré les erreurs" in page.text
    assert "Confirmer la publication" not in page.text
    assert "Plan approuvé</textarea>" in page.text  # the reason typed before
    planner_client.post(url, {"despite_errors": "1", "reason": " "})
    draft.refresh_from_db()
    assert draft.status == LayerVersion.Status.DRAFT


def test_the_current_version_is_compared_with_the_one_it_replaced(
    planner_client, draft, published
):
    layer_version_publish(version=draft, at=AT + datetime.timedelta(days=1))
    page = planner_client.get(
        reverse("layers:version-compare", args=[draft.pk]),
        headers={"accept-language": "en"},
    )
    assert f"against the one it replaced ({published.number})" in page.text
    assert "1 zone or feature added" in page.text
    assert "2 zones or features changed" in page.text
