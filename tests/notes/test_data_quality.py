"""A zoning published despite errors warns, inside the signed note, about the
land that meets a zone involved in those errors — and only there."""

from __future__ import annotations

import datetime

import pytest

from importing.issues import Report
from layers.imports.topology import topology_check
from layers.services import FeatureData, layer_version_create, layer_version_publish
from notes.services import note_issue
from notes.subjects import SubjectQuery
from notes.verification import note_verify
from notes.warnings import warning_message
from tests.notes.conftest import box

pytestmark = pytest.mark.django_db

V3_AT = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
REASON = "Chevauchement présent dans le plan approuvé"


@pytest.fixture
def defective_zoning(site, zoning_layer, planner):
    """Version 3: VE overlaps a facility zone EQ (one error), published anyway.

    TF 100/07 (across UA/VE) meets VE; TF 200/07 lies inside UA only.
    """
    draft = layer_version_create(
        layer=zoning_layer,
        features=[
            FeatureData(geom=box(-6.9, 33.9, -6.849, 34.0), code="UA", source_id="1"),
            FeatureData(geom=box(-6.849, 33.9, -6.82, 34.0), code="VE", source_id="2"),
            FeatureData(
                geom=box(-6.848, 33.94, -6.846, 33.96), code="EQ", source_id="3"
            ),
        ],
    )
    report = Report()
    topology_check(version_id=draft.pk, perimeter=None, report=report)
    draft.report = report.as_dict()
    draft.save(update_fields=["report"])
    assert draft.report["errors"] == 1
    return layer_version_publish(
        version=draft, published_by=planner, at=V3_AT, despite_errors_reason=REASON
    )


def _issue(reference: str, language: str):
    return note_issue(
        base_url="http://testserver",
        query=SubjectQuery.from_json({"parcel": reference}),
        language=language,
    )


def _quality(note) -> list[dict]:
    return [
        item
        for item in note.content["warnings"]
        if item["code"] == "published_despite_errors"
    ]


@pytest.mark.parametrize(
    ("language", "words"),
    [("fr", "Qualité des données"), ("ar", "جودة المعطيات"), ("en", "Data quality")],
)
def test_a_note_on_an_affected_zone_carries_the_signed_warning(
    defective_zoning, language, words
):
    note = _issue("TF 100/07", language)
    (item,) = _quality(note)
    assert item["params"]["zones"] == "VE"
    assert item["params"]["reason"] == REASON
    assert item["params"]["errors"] == "1"
    assert words in item["message"]
    assert REASON in item["message"]
    # Inside the snapshot, so covered by the hash and the signature.
    assert REASON in note.snapshot
    assert note_verify(note, recompute=False).authentic
    for other in ("fr", "ar", "en"):
        assert REASON in warning_message(item, other)


def test_a_note_away_from_the_affected_zones_has_no_such_warning(defective_zoning):
    assert _quality(_issue("TF 200/07", "fr")) == []


def test_a_note_as_of_before_the_publication_has_no_such_warning(defective_zoning):
    note = note_issue(
        base_url="http://testserver",
        query=SubjectQuery.from_json({"parcel": "TF 100/07", "as_of": "2024-06-01"}),
        language="fr",
    )
    assert _quality(note) == []
