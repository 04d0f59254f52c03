"""Text out of a PDF for the full-text index: poppler's ``pdftotext``.

The file is checked first (a PDF by its content, within
``GEOPORTAIL_MAX_REGULATION_BYTES``, the limit of the planning documents'
regulation PDFs); ``pdftotext`` runs with a time limit and its output is
capped, so a hostile or broken file costs a bounded amount of work.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from importing.errors import ImportRefused

TIMEOUT_SECONDS = 60
# A 300-page law is ≈ 1 M characters; the cap keeps the tsvector under its
# 1 MB limit.
MAX_TEXT_CHARACTERS = 1_000_000


class PdfRefused(ImportRefused):
    """The file is no PDF, is too large, or pdftotext cannot read it."""

    code = "pdf_refused"


def pdf_check(path: Path) -> None:
    """Raise PdfRefused unless ``path`` is a PDF within the size limit."""
    limit = settings.GEOPORTAIL_MAX_REGULATION_BYTES
    size = path.stat().st_size
    if size > limit:
        raise PdfRefused(
            _("“%(name)s” is %(size)s; a PDF may be at most %(limit)s.")
            % {
                "name": path.name,
                "size": filesizeformat(size),
                "limit": filesizeformat(limit),
            }
        )
    with path.open("rb") as file:
        if b"%PDF-" not in file.read(1024):
            raise PdfRefused(_("“%(name)s” is not a PDF file.") % {"name": path.name})


def _pdftotext() -> str:
    found = shutil.which("pdftotext")
    if found is None:
        raise ImproperlyConfigured("pdftotext not found: install poppler-utils.")
    return found


def pdf_text(path: Path) -> str:
    """The text of the PDF ``path`` (UTF-8, pages joined). Raises PdfRefused
    when it is no PDF, too large, unreadable or too slow to read."""
    pdf_check(path)
    try:
        completed = subprocess.run(  # noqa: S603 (fixed program, a path argument)
            [_pdftotext(), "-enc", "UTF-8", "-nopgbrk", "-q", str(path), "-"],
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise PdfRefused(
            _("Reading “%(name)s” took too long.") % {"name": path.name}
        ) from None
    if completed.returncode != 0:
        raise PdfRefused(_("“%(name)s” cannot be read.") % {"name": path.name})
    text = completed.stdout.decode("utf-8", errors="replace")
    return text[:MAX_TEXT_CHARACTERS].replace("\x00", "")
