"""What an agency's documents and rules say is kept per process
(``notes.planning``) against the catalogue revision: a planner's change
reaches the very next note, and a note never mixes two revisions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import connection

from layers.models import Agency, RegulationFile, ZoneRule
from notes.compose import Moment, note_compose_query
from notes.planning import planning_at
from notes.subjects import SubjectQuery
from tests.notes.test_compose_at_point import POINTS

pytestmark = pytest.mark.django_db


def compose(reference: str) -> dict:
    lon, lat = POINTS[reference]
    query = SubjectQuery.from_json({"lon": lon, "lat": lat})
    return note_compose_query(query=query, moment=Moment.of())


def revision() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT revision FROM layers_catalogue_revision")
        return cursor.fetchone()[0]


def rule_of(content: dict, code: str) -> dict:
    return next(zone["rules"] for zone in content["zones"] if zone["code"] == code)


def test_a_changed_rule_reaches_the_next_note(site):
    assert rule_of(compose("TF 200/07"), "UA")["max_height_m"] == 17.5
    ZoneRule.objects.filter(document=site.document, code="UA").update(
        max_height_m=Decimal("21.00")
    )
    assert rule_of(compose("TF 200/07"), "UA")["max_height_m"] == 21.0


def test_a_renamed_agency_reaches_the_next_note(site):
    # A clicked parcel's agency is read with the planning kept per process.
    assert compose("TF 200/07")["agency"]["name_fr"] == site.agency.name_fr
    Agency.objects.filter(pk=site.agency.pk).update(name_fr="Agence renommée")
    assert compose("TF 200/07")["agency"]["name_fr"] == "Agence renommée"


def test_a_regulation_file_added_reaches_the_next_note(site, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (document,) = compose("TF 200/07")["documents"]
    assert document["regulation_files"] == []
    regulation = RegulationFile(document=site.document, title_fr="Règlement")
    regulation.file.save("reglement.pdf", ContentFile(b"%PDF-1.4"), save=True)
    (document,) = compose("TF 200/07")["documents"]
    assert [file["title"] for file in document["regulation_files"]] == ["Règlement"]


def test_what_is_kept_answers_only_for_its_own_revision(site):
    compose("TF 200/07")
    seen = revision()
    kept = planning_at(agency_id=site.agency.pk, revision=seen)
    assert kept.rules[(site.document.pk, "UA")].label_fr == "Zone d'immeubles"
    ZoneRule.objects.filter(document=site.document, code="UA").update(
        label_fr="Zone d'immeubles collectifs"
    )
    now = revision()
    kept = planning_at(agency_id=site.agency.pk, revision=now)
    assert kept.rules[(site.document.pk, "UA")].label_fr == (
        "Zone d'immeubles collectifs"
    )
    # A statement that saw the old revision gets nothing: the note is composed
    # again rather than quote the rules of another moment.
    assert planning_at(agency_id=site.agency.pk, revision=seen) is None
