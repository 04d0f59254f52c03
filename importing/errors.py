"""Typed errors of an import: each knows its HTTP status and a stable code.

They are ``core.errors.GeoportalError``s: the API answers them as JSON with
their code and status, the planner pages and the command line show their
message, a background import records both on its job.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.errors import GeoportalError


class ImportRefused(GeoportalError):
    """The upload cannot be imported at all; nothing was extracted or written."""

    code = "import_refused"


class UnsafeArchive(ImportRefused):
    """An archive member escapes the extraction folder or is a link."""

    code = "unsafe_archive"


class ArchiveTooLarge(ImportRefused):
    """An archive expands past the limits (a zip bomb, or simply too big)."""

    http_status = 413
    code = "archive_too_large"


class UploadTooLarge(ImportRefused):
    """The uploaded file is larger than GEOPORTAIL_MAX_UPLOAD_BYTES."""

    http_status = 413
    code = "upload_too_large"


class UnreadableFile(ImportRefused):
    """GDAL cannot read the file: truncated, corrupt, or not geographic."""

    code = "unreadable_file"


class EmptyFile(ImportRefused):
    """The file holds no feature."""

    code = "empty_file"


class AmbiguousSource(ImportRefused):
    """Several datasets or layers are in the upload and none was chosen."""

    code = "ambiguous_source"


class UnknownCRS(ImportRefused):
    """The coordinate reference system is missing or not recognised."""

    code = "unknown_crs"


class InvalidMapping(ImportRefused):
    """The attribute mapping names fields that the file does not have."""

    code = "invalid_mapping"


def no_parcel_error() -> EmptyFile:
    """The error of a parcel file in which no parcel could be read."""
    return EmptyFile(_("The file holds no parcel with a readable reference."))
