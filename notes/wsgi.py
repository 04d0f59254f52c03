"""A lighter request path for the public, read-only note endpoints.

``GET /api/v1/identify`` and ``POST /api/v1/notes/compose`` are anonymous, store
nothing and answer JSON: sessions, authentication, messages, CSRF (the views are
exempt), clickjacking and CSP headers do nothing for them, yet cost ≈ 0.15 ms of
a ≈ 1 ms request (benchmarks/README.md). ``with_light_public_api`` wraps the
project's WSGI application and sends those two requests to a second Django
handler that keeps only the security, locale and common middleware (in the
project's order) and resolves against a two-route URLconf instead of walking
every app's patterns; every other request takes the full path.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.urls import path

from notes import views

LIGHT_MIDDLEWARE = (
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
)
LIGHT_ROUTES = (
    ("GET", "/api/v1/identify"),
    ("POST", "/api/v1/notes/compose"),
)


# The URLconf of the light path: the same views under the same paths and names.
urlpatterns = [
    path("api/v1/identify", views.identify, name="identify"),
    path("api/v1/notes/compose", views.compose, name="compose"),
]


class LightHandler(WSGIHandler):
    """A Django WSGI handler built with the project's middleware minus the
    ones a public read-only JSON endpoint does not need."""

    def load_middleware(self, is_async: bool = False) -> None:
        project = settings.MIDDLEWARE
        # Built once at start-up, before serving: the swap is not seen by
        # requests in flight.
        settings.MIDDLEWARE = [name for name in project if name in LIGHT_MIDDLEWARE]
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = project

    def get_response(self, request):
        request.urlconf = __name__
        return super().get_response(request)


def with_light_public_api(application: Callable) -> Callable:
    """``application`` with the light path for the public note endpoints."""
    light = LightHandler()
    routes = frozenset(LIGHT_ROUTES)

    def dispatch(environ: dict, start_response: Callable):
        route = (environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"))
        if route in routes:
            return light(environ, start_response)
        return application(environ, start_response)

    return dispatch
