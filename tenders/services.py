"""Checks of what planners upload to a call for tenders: a document to
download is a PDF or a ZIP by its content (not only its name), within
``GEOPORTAIL_MAX_REGULATION_BYTES`` (the limit of planning documents' files),
and named as what it is, so that the citizen's computer opens it right.

Bidders open these files on their own computers: a PDF must end as a PDF
does (``%%EOF``: not cut short), and a ZIP must be safe to extract by the
rules of the portal's own uploads (``importing.archive.archive_check``: no
``..`` nor absolute path, no link, no zip bomb)."""

from __future__ import annotations

import zipfile
from pathlib import PurePath

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from core.errors import BadRequest
from importing.archive import ArchiveLimits, archive_check
from importing.errors import ImportRefused

# Where a PDF's last "%%EOF" may stand: writers append a newline or a few
# bytes of padding after it.
PDF_TAIL = 1024


class TenderDocumentRefused(BadRequest):
    """A call's document that is not a PDF or a ZIP, or is too large."""

    code = "tender_document_refused"


def tender_document_check(upload) -> None:
    """Raise TenderDocumentRefused unless ``upload`` (an uploaded file) is a
    PDF named ``.pdf`` or a readable ZIP named ``.zip``, within the limit."""
    limit = settings.GEOPORTAIL_MAX_REGULATION_BYTES
    if upload.size > limit:
        raise TenderDocumentRefused(
            _("The file is %(size)s; a call's document may be at most %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    suffix = PurePath(upload.name).suffix.lower()
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    if suffix == ".pdf" and head.startswith(b"%PDF-") and _pdf_complete(upload):
        return
    if suffix == ".zip" and head.startswith(b"PK\x03\x04") and _zip_safe(upload):
        return
    raise TenderDocumentRefused(
        _("“%(name)s” is neither a PDF file nor a ZIP archive.")
        % {"name": PurePath(upload.name).name}
    )


def _pdf_complete(upload) -> bool:
    """Whether the file ends as a PDF does (a cut upload does not)."""
    upload.seek(max(upload.size - PDF_TAIL, 0))
    tail = upload.read(PDF_TAIL)
    upload.seek(0)
    return b"%%EOF" in tail


def _zip_safe(upload) -> bool:
    """Whether the archive's directory reads (its members are not opened);
    TenderDocumentRefused, with the reason, for a member a bidder could not
    extract safely."""
    try:
        with zipfile.ZipFile(upload) as archive:
            archive_check(archive, ArchiveLimits.from_settings())
        return True
    except (zipfile.BadZipFile, OSError, EOFError):
        return False
    except ImportRefused as unsafe:
        raise TenderDocumentRefused(unsafe.message) from unsafe
    finally:
        upload.seek(0)
