"""Requests refused before any view: a NUL character in the path or query.

PostgreSQL cannot hold NUL in text, so a NUL that reaches a query raises
``DataError`` — a 500. No address, parameter name or value of the portal
holds one, so ``refuse_nul_bytes`` answers 400 (``core.nul.NulCharacter``)
before any view, in the user's language and in the form the client reads
(``geoportal.error_answers``): an OGC exception report for the OGC services,
the API's JSON error for ``/api/``, a page for the rest. It is the last
middleware, so that its answers get every header, on the full path and on the
machine path (``geoportal.machine``); the fast lanes leave such requests to
the machine handler (``core.nul.has_nul_byte``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.nul import NulCharacter, has_nul_byte
from geoportal.error_answers import error_answer


def refuse_nul_bytes(get_response: Callable) -> Callable:
    """Middleware: a request with a NUL in its path, query or form is a 400."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if has_nul_byte(request.META) or _form_has_nul_byte(request):
            return nul_byte_response(request)
        return get_response(request)

    return middleware


# Forms as browsers and clients post them; a multipart form's files are
# files (not in ``request.POST``), its fields text like any other form's.
FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def _form_has_nul_byte(request: HttpRequest) -> bool:
    if request.content_type not in FORM_TYPES:
        return False
    return any(
        "\x00" in name or any("\x00" in value for value in values)
        for name, values in request.POST.lists()
    )


def nul_byte_response(request: HttpRequest) -> HttpResponse:
    """The 400 answer to a request holding a NUL, in the client's form."""
    error = NulCharacter()
    return error_answer(request, error) or render(
        request,
        "geoportal/bad_request.html",
        {"message": error.message},
        status=error.http_status,
    )
