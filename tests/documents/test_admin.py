"""The registry in the admin: read-only, revoke and supersede asked with a
reason, each agency's planner seeing only its own documents."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.urls import reverse

from audit.models import AuditEvent

CHANGELIST = reverse("admin:documents_issueddocument_changelist")


def test_an_administrator_revokes_with_a_reason(client, issue, administrator):
    document = issue()
    client.force_login(administrator)
    asked = client.post(
        CHANGELIST, {"action": "revoke", "_selected_action": [document.pk]}
    )
    assert asked.status_code == 200
    assert 'name="reason"' in asked.content.decode()
    document.refresh_from_db()
    assert document.status == "valid"  # nothing done before the reason
    done = client.post(
        CHANGELIST,
        {
            "action": "revoke",
            "_selected_action": [document.pk],
            "reason": "Issued for the wrong agency",
        },
    )
    assert done.status_code == 302
    document.refresh_from_db()
    assert (document.status, document.reason) == (
        "revoked",
        "Issued for the wrong agency",
    )
    assert AuditEvent.objects.filter(action="document_revoked").count() == 1


def test_superseding_names_the_successor_by_its_printed_code(
    client, issue, administrator
):
    old, new = issue(reference="R-1"), issue(reference="R-2")
    client.force_login(administrator)
    client.post(
        CHANGELIST,
        {
            "action": "supersede",
            "_selected_action": [old.pk],
            "reason": "Corrected",
            "successor": new.code_printed,
        },
    )
    old.refresh_from_db()
    assert old.successor == new


def test_a_planner_sees_only_the_agencys_documents_and_needs_the_permission(
    client, issue, planner, other_agency
):
    mine = issue(reference="R-1")
    theirs = issue(reference="R-9", agency=other_agency)
    client.force_login(planner)
    page = client.get(CHANGELIST).content.decode()
    assert mine.code_printed in page
    assert theirs.code_printed not in page
    fields = {"action": "revoke", "_selected_action": [mine.pk], "reason": "error"}
    client.post(CHANGELIST, fields)
    mine.refresh_from_db()
    assert mine.status == "valid"
    planner.user_permissions.add(
        Permission.objects.get(codename="revoke_issueddocument")
    )
    client.post(CHANGELIST, fields)
    mine.refresh_from_db()
    assert mine.status == "revoked"
