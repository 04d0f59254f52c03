"""Versions of imported layers: a failed import changes nothing published;
publish and roll back keep a linear history that answers as-of questions."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, connection
from django.utils import timezone

from importing.plan import ImportOptions
from layers.models import Feature, LayerVersion, ZoneRule
from layers.selectors import version_in_force
from layers.services import (
    layer_import,
    layer_version_publish,
    layer_version_restore,
)
from tests.importing.conftest import geojson_file, zoning_features


def _snapshot(layer):
    published = LayerVersion.objects.get(layer=layer, status="published")
    return {
        "versions": list(
            LayerVersion.objects.filter(layer=layer).values_list("pk", "status")
        ),
        "published": published.pk,
        "features": sorted(
            Feature.objects.filter(version=published).values_list(
                "code", "label_fr", "geom"
            ),
            key=lambda row: row[0],
        ),
        "rules": list(
            ZoneRule.objects.filter(document=layer.document).values_list(
                "code", "label_fr", "cos"
            )
        ),
        "features_total": Feature.objects.filter(version__layer=layer).count(),
    }


@pytest.fixture
def published(zoning_layer, tmp_path):
    path = geojson_file(tmp_path / "v1.geojson", zoning_features())
    version = layer_import(layer=zoning_layer, path=path)
    return layer_version_publish(version=version)


def test_database_failure_mid_import_leaves_published_data_untouched(
    published, tmp_path, settings
):
    layer = published.layer
    before = _snapshot(layer)
    features = zoning_features()
    features[2] = (features[2][0], {"ZONE": "POISON", "LIBELLE": "Cassé"})
    path = geojson_file(tmp_path / "v2.geojson", features)
    # The database refuses the third feature, after the first batch of two has
    # already been copied (a constraint added for this test, rolled back after).
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "ALTER TABLE layers_feature ADD CONSTRAINT test_poison "
            "CHECK (code <> 'POISON') NOT VALID"
        )
    uploads_before = set(settings.MEDIA_ROOT.rglob("*"))
    with pytest.raises(IntegrityError, match="test_poison"):
        layer_import(layer=layer, path=path, options=ImportOptions(batch_size=2))
    assert _snapshot(layer) == before
    assert set(settings.MEDIA_ROOT.rglob("*")) == uploads_before


def test_interrupted_import_leaves_published_data_untouched(published, tmp_path):
    layer = published.layer
    before = _snapshot(layer)
    path = geojson_file(tmp_path / "v2.geojson", zoning_features())

    def interrupt(done, total):
        raise KeyboardInterrupt  # the worker is stopped part-way

    with pytest.raises(KeyboardInterrupt):
        layer_import(
            layer=layer,
            path=path,
            options=ImportOptions(batch_size=1),
            progress=interrupt,
        )
    assert _snapshot(layer) == before


def test_original_upload_is_kept_with_its_checksum(published):
    import hashlib

    data = published.source_file.read()
    assert hashlib.sha256(data).hexdigest() == published.source_sha256
    assert published.source_name == "v1.geojson"


def test_publish_v1_v2_restore_v1_answers_every_instant(zoning_layer, tmp_path):
    t1 = timezone.now() - datetime.timedelta(days=30)
    t2 = t1 + datetime.timedelta(days=10)
    t3 = t2 + datetime.timedelta(days=10)
    first = layer_import(
        layer=zoning_layer,
        path=geojson_file(tmp_path / "v1.geojson", zoning_features()),
    )
    layer_version_publish(version=first, at=t1)
    renamed = [
        (geometry, {**properties, "LIBELLE": properties["LIBELLE"] + " (révisé)"})
        for geometry, properties in zoning_features()
    ]
    second = layer_import(
        layer=zoning_layer, path=geojson_file(tmp_path / "v2.geojson", renamed)
    )
    layer_version_publish(version=second, at=t2)
    third = layer_version_restore(version=first, at=t3)

    versions = list(zoning_layer.versions.order_by("number"))
    assert [v.status for v in versions] == ["superseded", "superseded", "published"]
    assert [(v.valid_from, v.valid_to) for v in versions] == [
        (t1, t2),
        (t2, t3),
        (t3, None),
    ]
    assert version_in_force(layer=zoning_layer, at=t1 - datetime.timedelta(1)) is None
    assert version_in_force(layer=zoning_layer, at=t1) == first
    assert version_in_force(layer=zoning_layer, at=t2 - datetime.timedelta(0, 1)) == (
        first
    )
    assert version_in_force(layer=zoning_layer, at=t2) == second
    assert version_in_force(layer=zoning_layer, at=t3) == third
    assert version_in_force(layer=zoning_layer) == third
    assert third.restored_from == first
    assert third.feature_count == 4
    restored = set(third.features.values_list("label_fr", "geom"))
    original = set(first.features.values_list("label_fr", "geom"))
    assert {label for label, _ in restored} == {label for label, _ in original}
    assert sorted(g.wkt for _, g in restored) == sorted(g.wkt for _, g in original)
