"""What can go wrong with an issued document, each with its HTTP status and
code. Messages are translated by the raiser, in the language of the request."""

from __future__ import annotations

from core.errors import BadRequest, Conflict, GeoportalError, NotFound


class InvalidDocumentCode(BadRequest):
    """A code with a typo: its check symbol does not match (nothing looked up)."""

    code = "invalid_document_code"


class DocumentNotFound(NotFound):
    """A well-formed code that names no document of this portal."""

    code = "document_not_found"


class DocumentStatusConflict(Conflict):
    """A revocation or supersession of a document no longer valid."""

    code = "document_not_valid"


class ReasonMissing(BadRequest):
    """Revoking or superseding a document takes a written reason."""

    code = "reason_required"


class PdfRefused(BadRequest):
    """An uploaded file that is not a PDF, or is larger than the page hashes."""

    code = "pdf_refused"


class PublicAddressUnknown(GeoportalError):
    """A document to issue with no absolute address for its verification URL:
    neither ``GEOPORTAIL_PUBLIC_URL`` nor the address of the request that
    caused it. The server's configuration is at fault, not the reader."""

    code = "public_address_unknown"
    http_status = 500
