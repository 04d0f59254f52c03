"""The one base class of every error a client can act on.

An error knows what it is, never how it is shown: a stable machine ``code``,
its ``http_status``, a human ``message``, optional ``details``, and the OGC
exception code where one applies (``ogc_code``). Each surface renders any of
them its own way — the JSON API as ``{"error": {"code", "message",
"details"}}`` (``core.api``), the OGC services as an exception report in the
dialect asked for (``ows.exceptions``), pages as the message — so a service
shared by several surfaces raises one error and each caller answers it.

Messages may be lazy translations (``gettext_lazy``): they are rendered when
the answer is written, in the reader's language. Raisers inside a request may
equally pass a message already translated with ``gettext``.
"""

from __future__ import annotations

from django.utils.functional import Promise


class GeoportalError(Exception):
    """An error the client can act on. Subclasses set ``code`` and
    ``http_status``, and ``ogc_code`` where an OGC exception code fits;
    without one the OGC services report ``NoApplicableCode``. A raiser may
    name a finer ``code`` (``unreadable_crs``); the status is the class's."""

    code = "error"
    http_status = 400
    ogc_code: str | None = None

    def __init__(
        self,
        message: str | Promise,
        *,
        code: str | None = None,
        details: dict | None = None,
        locator: str = "",
        retry_after: int | str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.code
        self.details = details or {}
        # The parameter at fault, where there is one (OGC reports name it).
        self.locator = locator
        # Seconds after which the same request may succeed.
        self.retry_after = None if retry_after is None else max(1, int(retry_after))

    def headers(self) -> dict[str, str]:
        """HTTP headers every surface adds to its answer: Retry-After when
        the client may try again later."""
        if self.retry_after is None:
            return {}
        return {"Retry-After": str(self.retry_after)}


class BadRequest(GeoportalError):
    """A parameter or body the client must correct."""

    code = "invalid_request"
    ogc_code = "InvalidParameterValue"


class NotAuthenticated(GeoportalError):
    """The client did not say who it is, and must."""

    http_status = 401
    code = "not_authenticated"


class Forbidden(GeoportalError):
    http_status = 403
    code = "forbidden"


class NotFound(GeoportalError):
    http_status = 404
    code = "not_found"


class Conflict(GeoportalError):
    """The request is right, the state of what it acts on does not allow it."""

    http_status = 409
    code = "conflict"


class TooManyRequests(GeoportalError):
    """The client did this too often; it may again in ``retry_after`` seconds."""

    http_status = 429
    code = "too_many_requests"

    def __init__(
        self, message: str | Promise, *, retry_after: int | str, code: str | None = None
    ) -> None:
        super().__init__(message, code=code, retry_after=retry_after)


class DatabaseUnavailable(GeoportalError):
    """The database is down or restarting: the client may retry shortly
    (``retry_after``)."""

    http_status = 503
    code = "database_unavailable"
