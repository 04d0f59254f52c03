"""Fast lanes: the base class of the readers' lanes (map images, vector
tiles) that answer some anonymous requests without Django's handler.

The lanes are wired in ``geoportal/wsgi.py`` on the light path
(``geoportal.light.with_light_path``), which answers whatever a lane leaves.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
from django.http import HttpResponse
from django.utils.module_loading import import_string

from core.nul import has_nul_byte

# The middleware of the light path (geoportal.light) that only adds response
# headers, which lanes apply.
HEADER_MIDDLEWARE = (
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
)


class Lane:
    """A fast lane: answers some anonymous requests without Django's handler.

    The hottest public requests (map images, vector tiles) spend more time in
    Django's request handling (request object, query dictionary, middleware
    chain, URL resolution: 0.5–1 ms) than in their own work. A lane matches
    its requests from the WSGI environ (``match``, no database) and answers
    them (``answer``) between Django's request signals (database connection
    upkeep); the response gets its headers from the project's own security,
    frame-options and content-security-policy middleware. ``answer`` returns
    None for anything but a plain success — a client's mistake deserves the
    light path's answer in the client's language, a server error Django's
    logging — and the light path answers the request again.
    """

    def __init__(self) -> None:
        self.header_middleware = [
            import_string(name)(lambda request: None)
            for name in settings.MIDDLEWARE
            if name in HEADER_MIDDLEWARE
        ]

    def match(self, environ: dict) -> tuple | None:
        """The arguments of ``answer`` for a request of this lane, or None."""
        raise NotImplementedError

    def answer(self, *args) -> HttpResponse | None:
        raise NotImplementedError

    def __call__(self, environ: dict, start_response: Callable):
        """The WSGI answer to ``environ``, or None."""
        if has_nul_byte(environ):  # refused by the light path, in the language
            return None
        arguments = self.match(environ)
        if arguments is None:
            return None
        signals.request_started.send(sender=WSGIHandler, environ=environ)
        try:
            response = self.answer(*arguments)
        except Exception:  # the light path answers again, and logs a failure
            response = None
        finally:
            signals.request_finished.send(sender=WSGIHandler)
        if response is None:
            return None
        request = WSGIRequest(environ)
        for middleware in self.header_middleware:
            response = middleware.process_response(request, response)
        response["Content-Length"] = str(len(response.content))
        status = f"{response.status_code} {response.reason_phrase}"
        start_response(status, [*response.items()])
        return [response.content]
