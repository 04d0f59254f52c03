"""Reference data (streets, neighbourhoods) goes through the same import as a
plan: read, mapped (names in French and Arabic from the file's own fields),
checked, stored as a draft and published; notes leave it out."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from shapely.geometry import LineString, MultiLineString, box

from layers.models import Feature, Layer
from layers.services import layer_ensure, layer_import, layer_version_publish
from notes.compose import Moment, note_compose
from notes.subjects import SubjectQuery, subject_resolve
from tests.conftest import square
from tests.importing.conftest import geojson_file

STREETS = [
    (
        MultiLineString([[(-6.86, 33.95), (-6.85, 33.951)]]),
        {
            "OSM_ID": 7,
            "NOM": "Avenue Hassan II",
            "NOM_AR": "شارع الحسن الثاني",
            "TYPE": "avenue",
        },
    ),
    (
        LineString([(-6.85, 33.951), (-6.84, 33.952)]),
        {"OSM_ID": 8, "NOM": "Rue de Séville", "NOM_AR": "زنقة إشبيلية", "TYPE": "rue"},
    ),
]


@pytest.fixture
def reference_document(agency, make_document):
    return make_document(agency, "REF-1", kind="reference", expiry_date=None)


@pytest.fixture
def streets_layer(reference_document):
    return layer_ensure(
        document=reference_document,
        name="rues",
        kind=Layer.Kind.REFERENCE,
        title_fr="Rues",
        reference_type=Layer.ReferenceType.STREET,
    )


def test_a_streets_file_is_imported_with_its_names(streets_layer, tmp_path):
    path = geojson_file(tmp_path / "rues.geojson", STREETS)

    version = layer_import(layer=streets_layer, path=path)

    assert version.report["summary"]["mapping"] == {
        "schema": "reference",
        "fields": {
            "source_id": "OSM_ID",
            "label_fr": "NOM",
            "label_ar": "NOM_AR",
            "category": "TYPE",
        },
        "values": {},
        "origins": dict.fromkeys(
            ("source_id", "label_fr", "label_ar", "category"), "detected"
        ),
    }
    assert not [i for i in version.report["issues"] if i["severity"] == "error"]
    features = Feature.objects.filter(version=version).order_by("source_id")
    assert [(f.source_id, f.label_fr, f.label_ar, f.category) for f in features] == [
        ("7", "Avenue Hassan II", "شارع الحسن الثاني", "avenue"),
        ("8", "Rue de Séville", "زنقة إشبيلية", "rue"),
    ]
    streets_layer.refresh_from_db()
    assert streets_layer.geometry_type == Layer.GeometryType.LINE
    published = layer_version_publish(version=version)
    assert published.status == "published"


def test_the_import_command_makes_a_reference_layer(document, tmp_path):
    path = geojson_file(
        tmp_path / "quartiers.geojson",
        [
            (
                box(-6.86, 33.94, -6.85, 33.95),
                {"NOM": "Hay Al Amal", "NOM_AR": "حي الأمل"},
            ),
        ],
    )

    call_command(
        "import_layer",
        str(path),
        agency=document.agency.code,
        document=document.reference,
        kind="reference",
        reference_type="neighbourhood",
        layer="quartiers",
        publish=True,
    )

    layer = Layer.objects.get(document=document, name="quartiers")
    assert (layer.kind, layer.reference_type) == ("reference", "neighbourhood")
    feature = Feature.objects.get(version__layer=layer, version__status="published")
    assert (feature.label_fr, feature.label_ar) == ("Hay Al Amal", "حي الأمل")


def test_a_reference_layer_names_its_type(document):
    with pytest.raises(ValidationError):
        layer_ensure(
            document=document, name="rues", kind=Layer.Kind.REFERENCE, title_fr="Rues"
        )


def test_a_note_does_not_cite_streets(streets_layer, tmp_path):
    path = geojson_file(tmp_path / "rues.geojson", STREETS)
    layer_version_publish(version=layer_import(layer=streets_layer, path=path))
    # A plot the Avenue Hassan II crosses.
    plot = square(-6.856, 33.949, 0.004)
    subject = subject_resolve(
        SubjectQuery.from_json({"geometry": json.loads(plot.json)})
    )

    content = note_compose(subject=subject, moment=Moment.of())

    assert content["overlays"] == []
    assert all(v["kind"] != "reference" for v in content["layer_versions"])
    # The reference document is no planning document of the note.
    assert content["documents"] == []
