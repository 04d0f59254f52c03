"""Issuing notes: the only write path. An issued note is never updated."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone, translation

from audit.models import AuditEvent
from audit.services import audit_record
from documents import services as documents
from documents.models import DocumentKind
from documents.signing import canonical_json, key_id, sha256_hex
from notes import signing, sql
from notes.compose import Moment, note_compose
from notes.models import Note
from notes.pdf import TEMPLATE_VERSION, render_note_pdf
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
    base_url: str = "",
) -> Note:
    """Compose the note for ``query``, freeze it, sign it, store it and
    register its PDF with document-e.

    ``issued_by`` is the logged-in user who asked, if any (citizens are
    anonymous); the audit log records the issue with the client's address.
    The PDF, in the note's language, carries the registry's QR code (its
    verification URL — on ``GEOPORTAIL_PUBLIC_URL``, else ``base_url`` — and
    the signed offline payload) and printed code.
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
    snapshot = canonical_json(content)
    digest = sha256_hex(snapshot)
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
        key_id=key_id(),
        issued_at=issued_at,
        order=order,
    )
    note.layer_versions.set(
        [version["version_id"] for version in content["layer_versions"]]
    )
    prepared = documents.document_prepare(
        kind=DocumentKind.NOTE,
        agency=subject.agency,
        language=language,
        template_version=TEMPLATE_VERSION,
        subject_type=Note._meta.label_lower,
        subject_reference=reference,
        content_sha256=digest,
        issued_at=issued_at,
    )
    pdf = render_note_pdf(
        content,
        language=language,
        verify_url=prepared.qr_text(base_url=base_url),
        sha256=digest,
        document_code=prepared.code_printed,
    )
    documents.document_issue(prepared=prepared, pdf=pdf, issued_by=issued_by)
    audit_record(
        action=AuditEvent.Action.NOTE_ISSUED,
        actor=issued_by,
        obj=note,
        details={"sha256": digest, "as_of": moment.day, "kind": subject.kind},
    )
    return note
