"""The answer to an error raised outside any view — a NUL in the address, a
database outage, an address that matches nothing — in the form the client at
that address reads: the OGC services' clients an exception report, the JSON
API's clients its JSON error, Open311 clients GeoReport v2 errors. Views
answer their own errors (``core.api``, ``ows.registry``); this is the same
choice for what happens before or around them.
"""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse

from core.api import error_response
from core.errors import GeoportalError
from ows.exceptions import ows_exception_report, wms_exception_report
from requete.open311.answers import error_answer as open311_error_answer

OWS_PATHS = re.compile(r"/(?:ows|wms|wfs|ows/[^/]*/)")


def error_answer(request: HttpRequest, error: GeoportalError) -> HttpResponse | None:
    """``error`` as the machine client of ``request`` reads it, with its
    status and headers; None for an address of pages, which render their own.

    On the OGC addresses, a WMS ServiceExceptionReport when the request is a
    WMS one (1.1.1 if asked, else 1.3.0), else an OWS 2.0 ExceptionReport.
    """
    path = request.path_info
    if OWS_PATHS.fullmatch(path):
        service = request.GET.get("SERVICE", request.GET.get("service", ""))
        if path == "/wms" or service.upper() == "WMS":
            version = request.GET.get("VERSION", request.GET.get("version", ""))
            return wms_exception_report(
                error, "1.1.1" if version == "1.1.1" else "1.3.0"
            )
        return ows_exception_report(error, "2.0.0")
    if path.startswith("/api/"):
        return error_response(error)
    if path.startswith("/open311/"):
        return open311_error_answer(
            error, fmt="xml" if path.endswith(".xml") else "json"
        )
    return None
