"""The fast lane of anonymous WMS GetMap requests.

Map images are the bulk of a map client's traffic: a dozen per view, again
on every pan and zoom. Django's request handling (request object, query
dictionary, middleware chain, URL resolution) costs 0.7–1 ms of a 4–6 ms
image (benchmarks/README.md). The light path (``geoportal.light``) hands an
anonymous KVP GetMap to :class:`GetMapLane` first, which parses the query
string once and calls the same ``ows.wms.getmap.handle`` as ``/ows`` does;
the response gets its headers from the project's own security, frame-options
and content-security-policy middleware (their ``process_response``), and
Django's request signals are sent as its handler sends them (database
connection upkeep).

Whatever is not a plain success goes back to the light path, which answers
it as it answers any request: a client's mistake deserves an exception
report in the client's language, and a server error is Django's to log.
Images do not depend on the language, so they carry no ``Content-Language``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from urllib.parse import parse_qsl

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
from django.utils.module_loading import import_string

from ows.params import OwsRequest, kvp_from_items
from ows.registry import ALIASES, ServiceContext
from ows.wms import getmap

# /ows, /wms and /ows/<agency>/ (see ows.urls).
PATHS = re.compile(r"/(?:ows|wms|ows/(?P<agency>[-\w]+)/)")
# The project's middleware that only adds response headers.
HEADER_MIDDLEWARE = (
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
)


class GetMapLane:
    """A WSGI callable answering anonymous KVP GetMap requests, or None."""

    def __init__(self) -> None:
        self.header_middleware = [
            import_string(name)(lambda request: None)
            for name in settings.MIDDLEWARE
            if name in HEADER_MIDDLEWARE
        ]

    def __call__(
        self, environ: dict, start_response: Callable
    ) -> Iterable[bytes] | None:
        """The answer to ``environ``, or None to leave it to the light path.

        The caller has already checked that it is an anonymous request.
        """
        if environ.get("REQUEST_METHOD") != "GET":
            return None
        path = PATHS.fullmatch(environ.get("PATH_INFO", ""))
        if path is None:
            return None
        params = kvp_from_items(
            parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        )
        operation = params.get("REQUEST", "").upper()
        service = params.get("SERVICE", "WMS" if path[0] == "/wms" else "")
        version = params.get("VERSION") or params.get("WMTVER") or "1.3.0"
        if (
            ALIASES.get(operation, operation) != "GETMAP"
            or service.upper() != "WMS"
            or version not in ("1.1.1", "1.3.0")
        ):
            return None
        ows_request = OwsRequest(params, service, operation, version)
        context = ServiceContext(
            user=AnonymousUser(), agency_code=path["agency"], url=""
        )
        signals.request_started.send(sender=WSGIHandler, environ=environ)
        try:
            response = getmap.handle(ows_request, context)
        except Exception:  # the light path answers again, and logs a failure
            return None
        finally:
            signals.request_finished.send(sender=WSGIHandler)
        request = WSGIRequest(environ)
        for middleware in self.header_middleware:
            response = middleware.process_response(request, response)
        response["Content-Length"] = str(len(response.content))
        start_response(
            f"{response.status_code} {response.reason_phrase}", [*response.items()]
        )
        return [response.content]
