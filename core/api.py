"""The JSON API's shared plumbing: typed errors that know their HTTP status,
one error shape for every endpoint, JSON in and out.

Every API view is wrapped by ``api_view``; it raises ``ApiError`` (or a subclass)
to answer an error, and returns plain data (dict or list) or an HttpResponse:

    {"error": {"code": "parcel_not_found", "message": "…", "details": {…}}}

Messages are translated into the request's language by the raiser.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable

import orjson
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

logger = logging.getLogger(__name__)


class ApiError(Exception):
    """An error the client can act on. Subclasses set ``http_status`` and ``code``."""

    http_status = 400
    code = "invalid_request"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        http_status: int | None = None,
        details: dict | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.code
        self.http_status = http_status or self.http_status
        self.details = details or {}


class TooManyRequests(ApiError):
    """The client did this too often; it may again in ``retry_after`` seconds."""

    http_status = 429
    code = "too_many_requests"

    def __init__(
        self, message: str, *, retry_after: int | str, code: str | None = None
    ) -> None:
        super().__init__(message, code=code)
        self.retry_after = max(1, int(retry_after))


class NotFound(ApiError):
    http_status = 404
    code = "not_found"


class Forbidden(ApiError):
    http_status = 403
    code = "forbidden"


class Conflict(ApiError):
    http_status = 409
    code = "conflict"


class DatabaseUnavailable(ApiError):
    """The database is down or restarting: the client may retry shortly."""

    http_status = 503
    code = "database_unavailable"


def json_response(
    data, *, status: int = 200, headers: dict | None = None
) -> HttpResponse:
    """Serialise ``data`` with orjson (dates, decimals as numbers, numpy types)."""
    body = orjson.dumps(
        data,
        default=_default,
        option=orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY,
    )
    return HttpResponse(
        body, status=status, content_type="application/json", headers=headers
    )


def _default(value):
    from decimal import Decimal

    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "geojson"):  # GEOS geometry
        return orjson.Fragment(value.geojson)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def error_response(error: ApiError) -> HttpResponse:
    payload = {"code": error.code, "message": error.message}
    if error.details:
        payload["details"] = error.details
    response = json_response({"error": payload}, status=error.http_status)
    if isinstance(error, TooManyRequests):
        response["Retry-After"] = str(error.retry_after)
    return response


def read_json(request: HttpRequest) -> dict:
    """The request body as a JSON object; ApiError when it is not one, or
    when it holds a NUL character (as ``geoportal.middleware`` refuses in
    addresses)."""
    try:
        data = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(
            _("The request body is not valid JSON."), code="malformed_json"
        ) from exc
    if not isinstance(data, dict):
        raise ApiError(
            _("The request body must be a JSON object."), code="malformed_json"
        )
    if _holds_nul(data):  # "\u0000": PostgreSQL cannot store it in text
        raise ApiError(
            _("Addresses and parameters cannot contain a NUL character (%00)."),
            code="nul_byte",
        )
    return data


def _holds_nul(value) -> bool:
    """Whether a NUL character is in ``value``'s strings or keys, at any depth."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


def api_view(*methods: str) -> Callable:
    """Decorate a JSON API view: allowed methods, errors as JSON, data to JSON."""

    def decorate(view: Callable) -> Callable:
        @require_http_methods(list(methods))
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            try:
                result = view(request, *args, **kwargs)
            except ApiError as error:
                return error_response(error)
            except PermissionDenied as exc:
                return error_response(Forbidden(str(exc) or _("Permission denied.")))
            except Http404 as exc:
                return error_response(NotFound(str(exc) or _("Not found.")))
            if isinstance(result, HttpResponse):
                return result
            return json_response(result)

        return wrapper

    return decorate
