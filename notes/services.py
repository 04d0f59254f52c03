"""Issuing notes: the only write path. An issued note is never updated."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone, translation

from audit.models import AuditEvent
from audit.services import audit_record
from notes import signing, sql
from notes.compose import Moment, note_compose
from notes.models import Note
from notes.subjects import SubjectQuery, subject_resolve
from payments.models import Order, Receipt


@transaction.atomic
def note_issue(
    *,
    query: SubjectQuery,
    language: str | None = None,
    issued_by=None,
    order: Order | None = None,
    receipt: Receipt | None = None,
) -> Note:
    """Compose the note for ``query``, freeze it, sign it and store it.

    ``issued_by`` is the logged-in user who asked, if any (citizens are
    anonymous); the audit log records the issue with the client's address.
    With the paid ``order`` and its ``receipt`` the note is official: it
    names both (``content["note"]["official"]``) and the order (``Note.order``);
    without, it is indicative.

    Returns the new Note, whose reference is ``<agency prefix>-<year>-<6 digits>``
    and whose snapshot is the canonical JSON of the content. Raises the
    subject's errors (``notes.errors``: unknown parcel, outside agencies, …)
    before storing anything.
    """
    language = (language or translation.get_language() or "fr").split("-")[0]
    with translation.override(language):
        subject = subject_resolve(query)
        moment = Moment.of(query.as_of)
        content = note_compose(subject=subject, moment=moment)
    issued_at = timezone.now()
    year = timezone.localdate(issued_at).year
    number = sql.next_note_number(agency_id=subject.agency.pk, year=year)
    reference = f"{subject.agency.note_prefix}-{year}-{number:06d}"
    content["note"] = {
        "reference": reference,
        "issued_at": issued_at.isoformat(),
        "language": language,
        "as_of": moment.day.isoformat(),
        "at": moment.at.isoformat(),
    }
    if order is not None:
        content["note"]["official"] = {
            "order": order.reference,
            "receipt": receipt.reference,
        }
    snapshot = signing.canonical_json(content)
    digest = signing.sha256_hex(snapshot)
    note = Note.objects.create(
        reference=reference,
        token=secrets.token_urlsafe(24),
        agency=subject.agency,
        kind=subject.kind,
        parcel=subject.parcel,
        geom=subject.geom,
        as_of=moment.day,
        language=language,
        snapshot=snapshot,
        sha256=digest,
        signature=signing.sign(reference, digest),
        key_id=signing.key_id(),
        issued_at=issued_at,
        order=order,
    )
    note.layer_versions.set(
        [version["version_id"] for version in content["layer_versions"]]
    )
    audit_record(
        action=AuditEvent.Action.NOTE_ISSUED,
        actor=issued_by,
        obj=note,
        details={"sha256": digest, "as_of": moment.day, "kind": subject.kind},
    )
    return note
