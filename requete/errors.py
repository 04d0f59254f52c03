"""Errors of requête-e, each a ``GeoportalError`` with its HTTP status."""

from __future__ import annotations

from core.errors import BadRequest, Conflict, NotFound


class FilingRefused(BadRequest):
    """A field of the filing is missing or wrong; ``details`` names it."""

    code = "filing_refused"


class TransitionRefused(Conflict):
    """The request's state does not allow the action."""

    code = "transition_refused"


class ConfirmationInvalid(BadRequest):
    """The confirmation link is forged, expired or already used."""

    code = "confirmation_invalid"


class KindNotFound(NotFound):
    code = "kind_not_found"
