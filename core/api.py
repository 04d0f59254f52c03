"""The JSON API's shared plumbing: one error shape for every endpoint, JSON in
and out.

Every API view is wrapped by ``api_view``; it raises a ``GeoportalError``
(``core.errors``) to answer an error, and returns plain data (dict or list) or
an HttpResponse. Any GeoportalError, whichever app raised it, is answered with
its status and headers as

    {"error": {"code": "parcel_not_found", "message": "…", "details": {…}}}

the message in the request's language. Django's own refusals (PermissionDenied,
Http404, ValidationError) are answered in the same shape.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable

import orjson
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.errors import BadRequest, Forbidden, GeoportalError, NotFound
from core.nul import NulCharacter

logger = logging.getLogger(__name__)


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


def error_response(error: GeoportalError) -> HttpResponse:
    """The JSON API's answer to ``error``: its body, status and headers."""
    payload = {"code": error.code, "message": str(error.message)}
    if error.details:
        payload["details"] = error.details
    return json_response(
        {"error": payload}, status=error.http_status, headers=error.headers()
    )


def read_json(request: HttpRequest) -> dict:
    """The request body as a JSON object; BadRequest when it is not one,
    NulCharacter when it holds a NUL character (as ``geoportal.middleware``
    refuses in addresses)."""
    try:
        data = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(
            _("The request body is not valid JSON."), code="malformed_json"
        ) from exc
    if not isinstance(data, dict):
        raise BadRequest(
            _("The request body must be a JSON object."), code="malformed_json"
        )
    if _holds_nul(data):  # "\u0000": PostgreSQL cannot store it in text
        raise NulCharacter()
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
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
            try:
                result = view(request, *args, **kwargs)
            except GeoportalError as error:
                return error_response(error)
            except PermissionDenied as exc:
                return error_response(Forbidden(str(exc) or _("Permission denied.")))
            except Http404 as exc:
                return error_response(NotFound(str(exc) or _("Not found.")))
            except ValidationError as exc:
                details = exc.message_dict if hasattr(exc, "error_dict") else {}
                return error_response(
                    BadRequest("; ".join(exc.messages), code="invalid", details=details)
                )
            if isinstance(result, HttpResponseBase):  # streamed files too
                return result
            return json_response(result)

        return wrapper

    return decorate
