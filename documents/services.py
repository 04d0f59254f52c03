"""Writing the registry: issue a document, revoke it, supersede it.

Issuing is two steps because the PDF carries its own QR code: first
``document_prepare`` draws the identifier and signs the key data (no
database), the caller renders its PDF with ``prepared.qr_text(...)`` and the
printed code — and signs it with PAdES, if it does — then ``document_issue``
stores the entry with the SHA-256 of exactly the bytes it is handed.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import can_change_issued_document
from audit.models import AuditEvent
from audit.services import audit_record
from core.errors import Forbidden
from documents import codes, signing
from documents.errors import (
    DocumentStatusConflict,
    PublicAddressUnknown,
    ReasonMissing,
)
from documents.models import IssuedDocument
from documents.offline import KeyData, b64url, payload_encode


@dataclasses.dataclass(frozen=True)
class PreparedDocument:
    """A document about to be issued: its identifier, signed key data and
    what it stands for."""

    key_data: KeyData
    signature: bytes
    agency_id: int
    subject_type: str
    subject_reference: str

    @property
    def identifier(self) -> str:
        return self.key_data.identifier

    @property
    def code_printed(self) -> str:
        return codes.code_printed(self.identifier)

    @property
    def payload(self) -> str:
        """The compact signed payload (documents.offline)."""
        return payload_encode(self.key_data, self.signature)

    def verification_url(self, *, base_url: str = "") -> str:
        """The verification page's URL, in the document's language."""
        return verification_url(
            identifier=self.identifier,
            language=self.key_data.language,
            base_url=base_url,
        )

    def qr_text(self, *, base_url: str = "") -> str:
        """What the QR code holds: the verification URL, then ``#`` and the
        payload (a fragment: browsers never send it, offline verifiers read it)."""
        return f"{self.verification_url(base_url=base_url)}#{self.payload}"


def document_base_url(*, origin: str = "") -> str:
    """The absolute address every issued document's verification URL (its QR
    code's) starts with — the one rule for all kinds:
    ``GEOPORTAIL_PUBLIC_URL``, the portal's public address (production
    requires it), else ``origin``, the scheme and host of the request that
    caused the issue. E-services that issue later, without a request (a
    payment's callback, a background task), record that origin when the
    thing is created: an order's, a commission session's.

    Raises PublicAddressUnknown when neither is an absolute http(s) address:
    a printed QR code holding a bare path verifies nothing.
    """
    for base in (settings.GEOPORTAIL_PUBLIC_URL, origin):
        parts = urlsplit(base or "")
        if parts.scheme in ("http", "https") and parts.netloc:
            return base.rstrip("/")
    raise PublicAddressUnknown(
        _(
            "This document cannot be issued: the portal does not know its public "
            "address. The administrator must set GEOPORTAIL_PUBLIC_URL."
        )
    )


def request_origin(request) -> str:
    """The scheme and host ``request`` came through, for ``document_base_url``."""
    return request.build_absolute_uri("/").rstrip("/")


def verification_url(*, identifier: str, language: str, base_url: str = "") -> str:
    """The absolute URL of a document's verification page, naming its
    language (whoever scans it reads it in the document's language), on
    ``document_base_url(origin=base_url)``. Raises PublicAddressUnknown."""
    path = reverse("documents:verify", args=[codes.code_of(identifier)])
    return f"{document_base_url(origin=base_url)}{path}?lang={language}"


def document_prepare(
    *,
    kind: str,
    agency,
    language: str,
    template_version: str,
    subject_type: str,
    subject_reference: str,
    content_sha256: str,
    issued_at: datetime.datetime | None = None,
    valid_until: datetime.date | None = None,
) -> PreparedDocument:
    """Draw a new identifier and sign the key data with the current key.

    ``content_sha256`` is the hash of what the document states (a note's
    snapshot, a receipt's data). Nothing is stored. Returns the
    PreparedDocument to render and hand to ``document_issue``.
    """
    key_data = KeyData(
        key_id=signing.key_id(),
        identifier=codes.identifier_new(),
        kind=kind,
        agency=agency.code,
        language=language,
        template_version=template_version,
        issued_at=(issued_at or timezone.now()).replace(microsecond=0),
        valid_until=valid_until,
        content_sha256=content_sha256,
    )
    return PreparedDocument(
        key_data=key_data,
        signature=signing.sign(key_data.message()),
        agency_id=agency.pk,
        subject_type=subject_type,
        subject_reference=subject_reference,
    )


@transaction.atomic
def document_issue(
    *, prepared: PreparedDocument, pdf: bytes, issued_by=None
) -> IssuedDocument:
    """Register ``prepared`` with the exact ``pdf`` bytes (signed or not) and
    their SHA-256; audited. Returns the IssuedDocument."""
    key_data = prepared.key_data
    document = IssuedDocument.objects.create(
        identifier=key_data.identifier,
        kind=key_data.kind,
        subject_type=prepared.subject_type,
        subject_reference=prepared.subject_reference,
        language=key_data.language,
        template_version=key_data.template_version,
        agency_id=prepared.agency_id,
        key_id=key_data.key_id,
        issued_at=key_data.issued_at,
        valid_until=key_data.valid_until,
        pdf=pdf,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        content_sha256=key_data.content_sha256,
        key_data=signing.canonical_json(key_data.as_dict()),
        signature=b64url(prepared.signature),
    )
    audit_record(
        action=AuditEvent.Action.DOCUMENT_ISSUED,
        actor=issued_by,
        obj=document,
        details={
            "kind": document.kind,
            "subject": f"{document.subject_type}:{document.subject_reference}",
            "pdf_sha256": document.pdf_sha256,
        },
    )
    return document


def _status_change(
    *, document: IssuedDocument, user, reason: str, status: str, successor=None
) -> IssuedDocument:
    if not can_change_issued_document(user, document):
        raise Forbidden(_("You may not revoke or supersede this document."))
    reason = reason.strip()
    if not reason:
        raise ReasonMissing(_("Say why, in a few words."))
    locked = IssuedDocument.objects.select_for_update().get(pk=document.pk)
    if locked.status != IssuedDocument.Status.VALID:
        raise DocumentStatusConflict(
            _("This document is already %(status)s.")
            % {"status": locked.get_status_display().lower()}
        )
    locked.status = status
    locked.reason = reason
    locked.successor = successor
    locked.status_changed_at = timezone.now()
    locked.status_changed_by = user
    locked.save(
        update_fields=[
            "status",
            "reason",
            "successor",
            "status_changed_at",
            "status_changed_by",
        ]
    )
    audit_record(
        action=(
            AuditEvent.Action.DOCUMENT_SUPERSEDED
            if successor
            else AuditEvent.Action.DOCUMENT_REVOKED
        ),
        actor=user,
        obj=locked,
        details={"reason": reason, "successor": successor and successor.code},
    )
    return locked


@transaction.atomic
def document_revoke(*, document: IssuedDocument, user, reason: str) -> IssuedDocument:
    """Revoke a valid document with a written reason; the verification page
    says so from then on. Raises Forbidden (not the agency's planner with the
    permission, nor a national administrator), ReasonMissing,
    DocumentStatusConflict (no longer valid). Returns the document."""
    return _status_change(
        document=document,
        user=user,
        reason=reason,
        status=IssuedDocument.Status.REVOKED,
    )


@transaction.atomic
def document_supersede(
    *, document: IssuedDocument, successor: IssuedDocument, user, reason: str
) -> IssuedDocument:
    """Mark a valid document superseded by ``successor`` (another document of
    the same agency), with a reason; the page links to the successor. Raises
    as ``document_revoke`` does, and DocumentStatusConflict for a successor
    that is the document itself, another agency's or not valid."""
    # Its state as stored now, not as the caller last read it.
    successor = IssuedDocument.objects.defer("pdf").get(pk=successor.pk)
    if (
        successor.pk == document.pk
        or successor.agency_id != document.agency_id
        or successor.state() != IssuedDocument.Status.VALID
    ):
        raise DocumentStatusConflict(
            _("A document is superseded by another valid document of its agency.")
        )
    return _status_change(
        document=document,
        user=user,
        reason=reason,
        status=IssuedDocument.Status.SUPERSEDED,
        successor=successor,
    )
