"""Checks of what planners upload to a call for tenders: a document to
download is a PDF or a ZIP by its content (not only its name), within
``GEOPORTAIL_MAX_REGULATION_BYTES`` (the limit of planning documents' files),
and named as what it is, so that the citizen's computer opens it right."""

from __future__ import annotations

import zipfile
from pathlib import PurePath

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from core.errors import BadRequest


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
    if suffix == ".pdf" and head.startswith(b"%PDF-"):
        return
    if suffix == ".zip" and head.startswith(b"PK\x03\x04") and _zip_readable(upload):
        return
    raise TenderDocumentRefused(
        _("“%(name)s” is neither a PDF file nor a ZIP archive.")
        % {"name": PurePath(upload.name).name}
    )


def _zip_readable(upload) -> bool:
    """Whether the archive's directory reads (its members are not opened)."""
    try:
        with zipfile.ZipFile(upload) as archive:
            archive.infolist()
        return True
    except (zipfile.BadZipFile, OSError, EOFError):
        return False
    finally:
        upload.seek(0)
