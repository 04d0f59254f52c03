"""Reads of the registry: a document by its code, and what verifying it says."""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib

from django.utils.translation import gettext as _

from documents import codes, signing
from documents.details import Details, details_of
from documents.errors import DocumentNotFound, InvalidDocumentCode
from documents.models import IssuedDocument
from documents.offline import KeyData, payload_encode
from documents.services import verification_url


def document_by_code(code: str) -> IssuedDocument:
    """The document a code names, without its PDF bytes.

    Raises InvalidDocumentCode for a typo (before any look-up) and
    DocumentNotFound for a code of no document of this portal.
    """
    try:
        identifier = codes.identifier_parse(code)
    except codes.InvalidCode as exc:
        raise InvalidDocumentCode(
            _(
                "This code has a typing error: check each character against the "
                "document (its last character is a check)."
            )
        ) from exc
    document = (
        IssuedDocument.objects.defer("pdf")
        .select_related("agency", "successor")
        .filter(identifier=identifier)
        .first()
    )
    if document is None:
        raise DocumentNotFound(
            _(
                "No document issued by this portal has this code. The document "
                "presented is not authentic."
            )
        )
    return document


def documents_of(*, subject_type: str, subject_reference: str):
    """The documents standing for one object (a note, a receipt), newest first."""
    return IssuedDocument.objects.defer("pdf").filter(
        subject_type=subject_type, subject_reference=subject_reference
    )


def pdf_of(document: IssuedDocument) -> bytes:
    """The exact PDF bytes registered for ``document``."""
    return bytes(
        IssuedDocument.objects.values_list("pdf", flat=True).get(pk=document.pk)
    )


def key_data_of(document: IssuedDocument) -> KeyData:
    """The key data as the registry's columns state them."""
    return KeyData(
        key_id=document.key_id,
        identifier=document.identifier,
        kind=document.kind,
        agency=document.agency.code,
        language=document.language,
        template_version=document.template_version,
        issued_at=document.issued_at,
        valid_until=document.valid_until,
        content_sha256=document.content_sha256,
    )


def signature_of(document: IssuedDocument) -> bytes:
    """The registered signature's bytes (empty when it cannot be read)."""
    text = document.signature
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return b""


def payload_of(document: IssuedDocument) -> str:
    """The signed offline payload of a registered document (its QR code's)."""
    return payload_encode(key_data_of(document), signature_of(document))


def qr_text_of(document: IssuedDocument, *, base_url: str = "") -> str:
    """What a registered document's QR code holds (its verification URL in
    its language, ``#``, its payload): for renderings in another language."""
    url = verification_url(
        identifier=document.identifier, language=document.language, base_url=base_url
    )
    return f"{url}#{payload_of(document)}"


@dataclasses.dataclass(frozen=True)
class DocumentCheck:
    """What the verification page says about a document."""

    document: IssuedDocument
    signature_valid: bool  # the portal's key signed these columns, in service
    state: str  # valid, superseded, revoked, expired
    details: Details | None  # what the document's kind adds (notes: planning)

    @property
    def authentic(self) -> bool:
        return self.signature_valid and (self.details is None or self.details.authentic)


def document_verify(document: IssuedDocument) -> DocumentCheck:
    """Check the signature of a registry entry with the key it names (current
    or retired, in service on the day of issue) and gather its kind's details
    (in the active language). Returns a DocumentCheck."""
    key_data = key_data_of(document)
    signature_valid = signing.canonical_json(
        key_data.as_dict()
    ) == document.key_data and signing.verify(
        key_id=document.key_id,
        message=key_data.message(),
        signature=signature_of(document),
        signed_at=document.issued_at,
    )
    return DocumentCheck(
        document=document,
        signature_valid=signature_valid,
        state=document.state(),
        details=details_of(document),
    )


@dataclasses.dataclass(frozen=True)
class RegistryCheck:
    """Every registry entry verified again: how many of each kind, which fail
    and why."""

    counts: dict[str, int]  # kind → entries checked
    failed: tuple[str, ...]  # "<code>: <reason>", in English for operators

    @property
    def count(self) -> int:
        return sum(self.counts.values())

    @property
    def all_authentic(self) -> bool:
        return not self.failed

    def counts_text(self) -> str:
        """``"note: 2, receipt: 3"`` — the kinds checked, for operators."""
        return ", ".join(f"{kind}: {n}" for kind, n in sorted(self.counts.items()))


def document_problem(document: IssuedDocument, pdf: bytes) -> str | None:
    """Why a registry entry is not what was issued, in English for operators,
    or None: its PDF bytes must hash to the registered SHA-256, its key data
    column must be the canonical form of its columns, and the signature must
    be by the key it names (current or retired), in service on its day."""
    key_data = key_data_of(document)
    if hashlib.sha256(pdf).hexdigest() != document.pdf_sha256:
        return "the PDF does not match its SHA-256"
    if signing.canonical_json(key_data.as_dict()) != document.key_data:
        return "its key data differ from its columns"
    if signing.public_key_by_id(document.key_id) is None:
        return f"signed with unknown key {document.key_id}"
    if not signing.verify(
        key_id=document.key_id,
        message=key_data.message(),
        signature=signature_of(document),
        signed_at=document.issued_at,
    ):
        return f"the signature does not verify with key {document.key_id}"
    return None


def documents_verify_all() -> RegistryCheck:
    """Check every entry (``document_problem``) — after a restore, a key
    rotation or an upgrade. Returns a RegistryCheck."""
    failed = []
    counts: dict[str, int] = {}
    entries = IssuedDocument.objects.select_related("agency").order_by("pk")
    for document in entries.iterator(chunk_size=200):
        counts[document.kind] = counts.get(document.kind, 0) + 1
        problem = document_problem(document, bytes(document.pdf))
        if problem is not None:
            failed.append(f"{document.code}: {problem}")
    return RegistryCheck(counts=counts, failed=tuple(failed))
