"""The registry of issued documents: what an entry holds, that the database
keeps it, and revoking or superseding with a reason, by whom may."""

from __future__ import annotations

import datetime
import hashlib
import json

import pytest
from django.contrib.auth.models import Permission
from django.db import connection

from audit.models import AuditEvent
from core.errors import Forbidden
from documents import codes, selectors, signing
from documents.errors import (
    DocumentNotFound,
    DocumentStatusConflict,
    InvalidDocumentCode,
    ReasonMissing,
)
from documents.models import IssuedDocument
from documents.services import document_revoke, document_supersede
from tests.conftest import sql_refused
from tests.documents.conftest import PDF


def test_an_entry_holds_the_proof_of_exactly_what_was_issued(issue, agency):
    document = issue()
    assert len(document.identifier) == 26
    assert document.kind == "receipt"
    assert document.agency == agency
    assert document.key_id == signing.key_id()
    assert bytes(document.pdf) == PDF
    assert document.pdf_sha256 == hashlib.sha256(PDF).hexdigest()
    key_data = json.loads(document.key_data)
    assert key_data["identifier"] == document.identifier
    assert key_data["content_sha256"] == document.content_sha256
    assert key_data["agency"] == agency.code
    assert document.key_data == signing.canonical_json(key_data)
    check = selectors.document_verify(document)
    assert check.authentic
    assert check.state == "valid"
    event = AuditEvent.objects.get(action="document_issued")
    assert event.object_id == str(document.pk)
    assert event.agency_id == agency.pk


def test_an_altered_entry_is_not_authentic(issue):
    document = issue()
    # Someone with database rights switches the guard off and edits the entry.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "ALTER TABLE documents_issueddocument "
            "DISABLE TRIGGER documents_issueddocument_kept"
        )
        cursor.execute(
            "UPDATE documents_issueddocument SET valid_until = '2099-01-01' "
            "WHERE id = %s",
            [document.pk],
        )
        cursor.execute(
            "ALTER TABLE documents_issueddocument "
            "ENABLE TRIGGER documents_issueddocument_kept"
        )
    document.refresh_from_db()
    assert not selectors.document_verify(document).authentic


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("pdf_sha256", "0" * 64),
        ("kind", "note"),
        ("signature", "forged"),
        ("key_data", "{}"),
        ("issued_at", "2020-01-01T00:00:00Z"),
    ],
)
def test_the_database_refuses_to_change_an_entry(issue, column, value):
    document = issue()
    sql_refused(
        f"UPDATE documents_issueddocument SET {column} = %s WHERE id = %s",
        [value, document.pk],
    )


def test_the_database_refuses_to_delete_an_entry(issue):
    document = issue()
    sql_refused("DELETE FROM documents_issueddocument WHERE id = %s", [document.pk])
    assert IssuedDocument.objects.filter(pk=document.pk).exists()


def test_the_status_moves_once_and_never_back(issue, administrator):
    document = issue()
    document_revoke(document=document, user=administrator, reason="Issued in error")
    sql_refused(
        "UPDATE documents_issueddocument SET status = 'valid', reason = '' "
        "WHERE id = %s",
        [document.pk],
    )
    sql_refused(
        "UPDATE documents_issueddocument SET reason = 'another' WHERE id = %s",
        [document.pk],
    )


def test_revoking_keeps_reason_author_and_audit(issue, administrator):
    document = issue()
    revoked = document_revoke(
        document=document, user=administrator, reason="  Paid twice, refunded  "
    )
    revoked.refresh_from_db()
    assert revoked.status == "revoked"
    assert revoked.reason == "Paid twice, refunded"
    assert revoked.status_changed_by == administrator
    assert revoked.status_changed_at is not None
    event = AuditEvent.objects.get(action="document_revoked")
    assert event.actor == administrator
    assert event.details["reason"] == "Paid twice, refunded"
    with pytest.raises(DocumentStatusConflict):
        document_revoke(document=revoked, user=administrator, reason="again")


def test_a_reason_is_required(issue, administrator):
    document = issue()
    with pytest.raises(ReasonMissing):
        document_revoke(document=document, user=administrator, reason="   ")
    document.refresh_from_db()
    assert document.status == "valid"


def test_superseding_names_the_successor(issue, administrator):
    old = issue(reference="R-1")
    new = issue(reference="R-2")
    document_supersede(
        document=old, successor=new, user=administrator, reason="Address corrected"
    )
    old.refresh_from_db()
    assert old.status == "superseded"
    assert old.successor == new
    assert AuditEvent.objects.filter(action="document_superseded").count() == 1


def test_a_successor_is_another_valid_document_of_the_agency(
    issue, administrator, other_agency
):
    document = issue(reference="R-1")
    with pytest.raises(DocumentStatusConflict):
        document_supersede(
            document=document, successor=document, user=administrator, reason="x"
        )
    elsewhere = issue(reference="R-9", agency=other_agency)
    with pytest.raises(DocumentStatusConflict):
        document_supersede(
            document=document, successor=elsewhere, user=administrator, reason="x"
        )
    revoked = issue(reference="R-2")
    document_revoke(document=revoked, user=administrator, reason="error")
    with pytest.raises(DocumentStatusConflict):
        document_supersede(
            document=document, successor=revoked, user=administrator, reason="x"
        )


def test_only_the_agencys_planner_with_the_permission_revokes(
    issue, planner, other_planner
):
    document = issue()
    with pytest.raises(Forbidden):
        document_revoke(document=document, user=planner, reason="error")
    permission = Permission.objects.get(codename="revoke_issueddocument")
    other_planner.user_permissions.add(permission)
    with pytest.raises(Forbidden):
        document_revoke(document=document, user=other_planner, reason="error")
    planner.user_permissions.add(permission)
    planner = type(planner).objects.get(pk=planner.pk)  # no cached permissions
    document_revoke(document=document, user=planner, reason="error")
    document.refresh_from_db()
    assert document.status == "revoked"


def test_expired_is_derived_from_valid_until(issue):
    document = issue(valid_until=datetime.date(2026, 1, 31))
    assert document.state(today=datetime.date(2026, 1, 31)) == "valid"
    assert document.state(today=datetime.date(2026, 2, 1)) == "expired"
    assert document.status == "valid"


def test_a_code_with_a_typo_is_refused_before_any_lookup(
    issue, django_assert_num_queries
):
    code = issue().code
    typo = code[:3] + ("X" if code[3] != "X" else "Y") + code[4:]
    with django_assert_num_queries(0), pytest.raises(InvalidDocumentCode):
        selectors.document_by_code(typo)
    swapped = code[:5] + code[6] + code[5] + code[7:]
    if swapped != code:
        with django_assert_num_queries(0), pytest.raises(InvalidDocumentCode):
            selectors.document_by_code(swapped)
    with pytest.raises(DocumentNotFound):
        selectors.document_by_code(codes.code_of(codes.identifier_new()))
