"""Which requests of the full path read a replica (``core/replicas.py``).

An anonymous request whose method is safe reads a replica, unless the client
wrote a moment ago: every unsafe request (a filing, an order, a note issued)
answers with the cookie ``PIN_COOKIE`` for ``DATABASE_REPLICA_PIN_SECONDS``,
and while the browser sends it back its reads stay on the primary — the
citizen sees what they just did even if a standby lags. A request with a
session (planners, administrators) always reads the primary. Without
``DATABASE_REPLICA_URLS`` the middleware is not used at all.

The machine path makes its own choice (``geoportal/machine.py``): its routes
never write, so all its requests read a replica.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpRequest, HttpResponse

from core.replicas import replica_aliases, request_reads

PIN_COOKIE = "geoportail_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def replica_reads(get_response: Callable) -> Callable:
    """Middleware: the request's reads to a replica or to the primary."""
    if not replica_aliases():
        raise MiddlewareNotUsed

    def middleware(request: HttpRequest) -> HttpResponse:
        safe = request.method in SAFE_METHODS
        request_reads(
            replica=safe
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and PIN_COOKIE not in request.COOKIES
        )
        response = get_response(request)
        if not safe:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.DATABASE_REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    return middleware
