"""Errors of permits, each a ``GeoportalError`` with its HTTP status."""

from __future__ import annotations

from core.errors import BadRequest, Conflict, Forbidden, NotFound


class FilingRefused(BadRequest):
    """A field of a file is missing or wrong; ``details`` names it."""

    code = "permit_filing_refused"


class TransitionRefused(Conflict):
    """The file's state does not allow the action."""

    code = "permit_transition_refused"


class OpinionRefused(BadRequest):
    """An opinion or one of its conditions is wrong (a rule of another
    agency, an article the library does not hold, a deferral without the
    pieces it waits for)."""

    code = "opinion_refused"


class FileNotFound(NotFound):
    """No public file has this number and short code (one answer for a wrong
    number, a wrong code and an unpublished file, so a guesser learns
    nothing)."""

    code = "permit_not_found"


class ImportRefused(BadRequest):
    """An import file that cannot be read at all (not CSV, not the JSON
    format, a missing column)."""

    code = "permit_import_refused"


class ImportForbidden(Forbidden):
    """Only the agency's planners (and national administrators) import its
    files."""

    code = "permit_import_forbidden"
