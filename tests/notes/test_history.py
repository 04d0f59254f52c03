"""An issued note, and the layer versions it cites, cannot be deleted; what it
states cannot be changed — PostgreSQL refuses it, whoever asks."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction

from audit.models import AuditEvent
from layers.models import LayerVersion
from notes.models import Note
from notes.services import note_issue
from notes.subjects import SubjectQuery
from notes.verification import note_verify
from tests.conftest import sql_refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def note(site):
    return note_issue(
        base_url="http://testserver",
        query=SubjectQuery.from_json({"parcel": "TF 100/07"}),
    )


def test_sql_delete_of_an_issued_note_issql_refused(note):
    sql_refused("DELETE FROM notes_note_layer_versions WHERE note_id = %s", [note.pk])
    sql_refused("DELETE FROM notes_note WHERE id = %s", [note.pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        Note.objects.filter(pk=note.pk).delete()
    assert Note.objects.filter(pk=note.pk).exists()
    assert note.layer_versions.count() > 0


def test_sql_update_of_an_issued_notes_snapshot_issql_refused(note):
    sql_refused(
        "UPDATE notes_note SET snapshot = replace(snapshot, 'UA', 'UB') WHERE id = %s",
        [note.pk],
    )
    sql_refused(
        "UPDATE notes_note_layer_versions SET layerversion_id = layerversion_id "
        "WHERE note_id = %s",
        [note.pk],
    )
    note.refresh_from_db()
    assert note_verify(note, recompute=False).authentic


def test_a_version_cited_by_a_note_cannot_be_deleted(note, zoning_layer):
    cited = list(note.layer_versions.all())
    assert cited
    for version in cited:
        assert version.is_history
        sql_refused("DELETE FROM layers_layerversion WHERE id = %s", [version.pk])
    assert LayerVersion.objects.filter(pk__in=[v.pk for v in cited]).count() == len(
        cited
    )


def test_issuing_a_note_leaves_an_audit_event(client, site):
    response = client.post(
        "/api/v1/notes",
        data='{"parcel": "TF 100/07"}',
        content_type="application/json",
        REMOTE_ADDR="198.51.100.4",
    )
    assert response.status_code == 201
    note = Note.objects.get(reference=response.json()["reference"])
    event = AuditEvent.objects.get(action="note_issued", object_id=str(note.pk))
    assert (event.object_type, event.object_id) == ("notes.note", str(note.pk))
    assert event.object_repr == note.reference
    assert event.actor is None  # a citizen
    assert event.agency_id == note.agency_id
    assert event.ip == "198.51.100.4"
    assert event.details["sha256"] == note.sha256
