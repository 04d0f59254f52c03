"""Small published and draft layers, and parcels, for tile tests."""

from __future__ import annotations

import datetime

import pytest

from layers.models import Layer, PlanningDocument, ZoneRule
from layers.services import FeatureData, layer_version_create, layer_version_publish
from parcels.models import Parcel
from parcels.references import ParcelReference
from tests.conftest import square

# Two zones side by side near Rabat (agency territory starts at -6.9, 33.9).
ZONES = [
    FeatureData(geom=square(-6.85, 33.95, 0.002), code="R+4", label_fr="Immeubles"),
    FeatureData(
        geom=square(-6.848, 33.95, 0.002),
        code="V1",
        label_fr="Villas",
        category="villa",
    ),
]


@pytest.fixture
def published_zoning(zoning_layer):
    ZoneRule.objects.create(
        document=zoning_layer.document,
        code="R+4",
        label_fr="Immeubles R+4",
        category="collective_housing",
    )
    version = layer_version_create(layer=zoning_layer, features=ZONES)
    layer_version_publish(
        version=version,
        at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
    )
    return version


@pytest.fixture
def draft_document_layer(agency, make_document):
    document = make_document(
        agency,
        "PA-PROJET",
        status=PlanningDocument.Status.DRAFT,
        effective_date=None,
        expiry_date=None,
    )
    layer = Layer.objects.create(
        document=document, name="zonage", title_fr="Zonage", kind=Layer.Kind.ZONING
    )
    layer_version_create(layer=layer, features=ZONES[:1])
    return layer


@pytest.fixture
def parcels(agency):
    made = []
    for number, lon in ((101, -6.8495), (102, -6.8485)):
        reference = ParcelReference.parse(f"TF {number}/07")
        made.append(
            Parcel.objects.create(
                agency=agency,
                kind=reference.kind,
                reference=reference.display,
                reference_key=reference.key,
                geom=square(lon, 33.9505, 0.0005),
            )
        )
    return made
