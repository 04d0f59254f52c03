"""A lighter request path for anonymous requests to the public machine APIs.

The OGC services (``/ows``, ``/wms``, ``/wfs``, ``/ows/<agency>/``), vector
tiles and the note endpoints identify/compose answer machines and the map
page, many times per screen. For an anonymous request — no session cookie,
no ``Authorization`` header — sessions, authentication, CSRF (these views are
exempt), messages and static files do nothing, yet cost a good part of a
request that should take a few milliseconds (benchmarks/README.md).

``with_light_path`` wraps the project's WSGI application and sends those
requests to a second Django handler built with only the middleware that
shapes their responses (security headers, language, common, frame options,
content-security policy, the refusal of NUL characters), plus one that makes
the user anonymous. Everything
else — and every request that carries a session or a token — takes the full
path, so a planner logged in still sees their drafts. Map images and vector
tiles go faster still, through lanes (``core.lanes.Lane``) that skip Django's handler.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.handlers.wsgi import WSGIHandler

KEPT_MIDDLEWARE = (
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "geoportal.middleware.refuse_nul_bytes",
)

# (methods, path) of the requests that may take the light path.
LIGHT_ROUTES = (
    (frozenset({"GET", "HEAD", "POST"}), re.compile(r"/(?:ows|wms|wfs|ows/[-\w]+/)")),
    (frozenset({"GET", "HEAD"}), re.compile(r"/tiles/[^/]+/\d+/\d+/\d+\.mvt")),
    (frozenset({"GET"}), re.compile(r"/api/v1/identify")),
    (frozenset({"POST"}), re.compile(r"/api/v1/notes/compose")),
)


def anonymous_user(get_response: Callable) -> Callable:
    """Middleware of the light path: its requests carry no credentials."""

    def middleware(request):
        request.user = AnonymousUser()
        return get_response(request)

    return middleware


class LightHandler(WSGIHandler):
    """A Django WSGI handler with the project's middleware reduced to
    ``KEPT_MIDDLEWARE`` (in the project's order) and ``anonymous_user``."""

    def load_middleware(self, is_async: bool = False) -> None:
        project = settings.MIDDLEWARE
        # Built once at start-up, before serving: no request in flight sees
        # the swap.
        settings.MIDDLEWARE = [
            *(name for name in project if name in KEPT_MIDDLEWARE),
            f"{__name__}.anonymous_user",
        ]
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = project


def takes_light_path(environ: dict) -> bool:
    """Whether a request is an anonymous one to a light route."""
    if "HTTP_AUTHORIZATION" in environ:
        return False
    if f"{settings.SESSION_COOKIE_NAME}=" in environ.get("HTTP_COOKIE", ""):
        return False
    method, path = environ.get("REQUEST_METHOD"), environ.get("PATH_INFO", "")
    return any(
        method in methods and pattern.fullmatch(path)
        for methods, pattern in LIGHT_ROUTES
    )


def with_light_path(application: Callable, lanes: tuple = ()) -> Callable:
    """``application`` with the light path for anonymous machine requests.

    ``lanes`` (``Lane``) are tried first on the light path's requests.
    """
    light = LightHandler()

    def dispatch(environ: dict, start_response: Callable):
        if not takes_light_path(environ):
            return application(environ, start_response)
        for lane in lanes:
            answer = lane(environ, start_response)
            if answer is not None:
                return answer
        return light(environ, start_response)

    return dispatch
