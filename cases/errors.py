"""Errors of the case core, each a ``GeoportalError`` with its HTTP status."""

from __future__ import annotations

from core.errors import BadRequest, Forbidden, NotFound


class CaseNotFollowed(NotFound):
    """No case has this reference and follow code (one answer for both, so a
    guesser learns nothing about which was wrong)."""

    code = "case_not_found"


class NotCaseHandler(Forbidden):
    """The user may not act on this case (another agency, another group)."""

    code = "not_case_handler"


class PersonalDataRefused(Forbidden):
    """Personal data is for the handling agency's staff only."""

    code = "personal_data_refused"


class AttachmentRefused(BadRequest):
    """An attached file is too big, not a PDF, JPEG or PNG, or unreadable."""

    code = "attachment_refused"
