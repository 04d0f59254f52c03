"""Layer versions: one published at a time, a gap-free history, restorable."""

import datetime

import pytest
from django.contrib.gis.geos import Polygon
from django.db import IntegrityError, transaction

from layers.models import LayerVersion
from layers.selectors import version_in_force
from layers.services import (
    FeatureData,
    VersionStateError,
    layer_version_create,
    layer_version_publish,
    layer_version_restore,
)

T0 = datetime.datetime(2021, 3, 1, tzinfo=datetime.UTC)
T1 = datetime.datetime(2023, 5, 1, tzinfo=datetime.UTC)
T2 = datetime.datetime(2024, 9, 1, tzinfo=datetime.UTC)


def zone(code: str, x0: float) -> FeatureData:
    ring = ((x0, 33.9), (x0 + 0.01, 33.9), (x0 + 0.01, 33.91), (x0, 33.91), (x0, 33.9))
    return FeatureData(
        geom=Polygon(ring, srid=4326), code=code, label_fr=f"Zone {code}"
    )


@pytest.fixture
def history(zoning_layer):
    v1 = layer_version_create(layer=zoning_layer, features=[zone("D1", -6.9)])
    layer_version_publish(version=v1, at=T0)
    v2 = layer_version_create(
        layer=zoning_layer, features=[zone("B4", -6.9), zone("EV", -6.89)]
    )
    layer_version_publish(version=v2, at=T1)
    v1.refresh_from_db()
    v2.refresh_from_db()
    return v1, v2


def test_publishing_supersedes_the_current_version_and_closes_its_interval(history):
    v1, v2 = history
    assert (v1.status, v1.valid_from, v1.valid_to) == ("superseded", T0, T1)
    assert (v2.status, v2.valid_from, v2.valid_to) == ("published", T1, None)
    assert v2.feature_count == 2


def test_each_instant_has_exactly_one_version(history, zoning_layer):
    v1, v2 = history
    assert (
        version_in_force(layer=zoning_layer, at=T0 - datetime.timedelta(days=1)) is None
    )
    assert version_in_force(layer=zoning_layer, at=T0) == v1
    assert (
        version_in_force(layer=zoning_layer, at=T1 - datetime.timedelta(seconds=1))
        == v1
    )
    assert version_in_force(layer=zoning_layer, at=T1) == v2
    assert version_in_force(layer=zoning_layer) == v2


def test_database_refuses_a_second_published_version(history, zoning_layer):
    draft = layer_version_create(layer=zoning_layer, features=[])
    with pytest.raises(IntegrityError), transaction.atomic():
        LayerVersion.objects.filter(pk=draft.pk).update(
            status="published", valid_from=T2
        )


@pytest.mark.usefixtures("history")
def test_database_refuses_overlapping_validity_intervals(zoning_layer):
    draft = layer_version_create(layer=zoning_layer, features=[])
    overlapping = {"status": "superseded", "valid_from": T0, "valid_to": T1}
    with pytest.raises(IntegrityError), transaction.atomic():
        LayerVersion.objects.filter(pk=draft.pk).update(**overlapping)


def test_database_refuses_an_interval_that_does_not_match_the_status(zoning_layer):
    draft = layer_version_create(layer=zoning_layer, features=[])
    with pytest.raises(IntegrityError), transaction.atomic():
        LayerVersion.objects.filter(pk=draft.pk).update(valid_from=T0)


def test_only_drafts_are_published_and_never_into_the_past(history, zoning_layer):
    v1, _ = history
    with pytest.raises(VersionStateError):
        layer_version_publish(version=v1, at=T2)
    draft = layer_version_create(layer=zoning_layer, features=[])
    with pytest.raises(VersionStateError):
        layer_version_publish(version=draft, at=T0)
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_rollback_publishes_a_copy_and_keeps_history_linear(history, zoning_layer):
    v1, v2 = history
    v3 = layer_version_restore(version=v1, at=T2)
    assert v3.number == 3
    assert v3.restored_from == v1
    assert sorted(v3.features.values_list("code", flat=True)) == ["D1"]
    v2.refresh_from_db()
    assert (v2.status, v2.valid_to) == ("superseded", T2)
    assert version_in_force(layer=zoning_layer, at=T1) == v2
    assert version_in_force(layer=zoning_layer) == v3


def test_a_failed_version_leaves_nothing_behind(history, zoning_layer):
    def features():
        yield zone("D1", -6.9)
        raise RuntimeError("reader failed half-way")

    with pytest.raises(RuntimeError):
        layer_version_create(layer=zoning_layer, features=features(), batch_size=1)
    assert zoning_layer.versions.count() == 2
    assert version_in_force(layer=zoning_layer) == history[1]
