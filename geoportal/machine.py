"""The machine path: how anonymous requests to the machine routes are answered.

The OGC services, vector tiles and the note endpoints identify and compose
answer machines and the map page, many times per screen. For an anonymous
request — no session cookie, no ``Authorization`` header — sessions,
authentication, CSRF, messages and static files do nothing, yet cost a good
part of a request that should take a few milliseconds (benchmarks/README.md).

``MachinePath`` wraps the project's WSGI application (``geoportal/wsgi.py``).
A request takes the machine path when it is anonymous and Django's resolver
finds a route marked ``core.routes.machine`` for it, with an allowed method;
every other request — and every one with a session or a token, so a planner
still sees their drafts — goes to the project's application unchanged.
Machine routes never write, so the reads of the machine path go to a read
replica when there are some (``core/replicas.py``).

On the machine path, the route's lane (``core.lanes.Lane``: map images,
tiles) answers first, without Django's handler; what it leaves, and what it
refuses as a client's mistake (``FALLBACK_ERRORS``), the machine handler
answers: Django's handler with ``settings.MACHINE_MIDDLEWARE``. Any other
exception of a lane is answered as Django answers it: logged with its
traceback to ``django.request``, then the 500 (or, while the database is
away, 503) of ``handler500``. The settings say which middleware each path
runs and why; ``machine_middleware_check`` keeps every entry of
``MIDDLEWARE`` accounted for.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.checks import CheckMessage, Error
from django.core.exceptions import ImproperlyConfigured, MiddlewareNotUsed
from django.core.handlers.exception import (
    convert_exception_to_response,
    response_for_exception,
)
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest, get_path_info
from django.http import HttpRequest, HttpResponse
from django.urls import ResolverMatch, URLResolver, get_resolver
from django.utils.module_loading import import_string

from core.errors import GeoportalError
from core.lanes import Lane, request_signals
from core.nul import has_nul_byte
from core.replicas import replica_aliases, request_reads
from core.routes import RESOLVED_PATHS, MachineRoute, MachineRoutes

# The client's mistakes a lane raises and leaves to the machine handler, which
# answers them in the client's language and form (OGC exception report or
# image, the API's JSON error): every error of the portal's one family.
FALLBACK_ERRORS = (GeoportalError,)


def anonymous_user(get_response: Callable) -> Callable:
    """Middleware of the machine path: its requests carry no credentials."""

    def middleware(request):
        request.user = AnonymousUser()
        return get_response(request)

    return middleware


class MachineHandler(WSGIHandler):
    """Django's WSGI handler with ``settings.MACHINE_MIDDLEWARE`` in place of
    ``settings.MIDDLEWARE``, and the view of each path remembered."""

    def __init__(self) -> None:
        super().__init__()
        # Machine routes come back to the same few thousand paths; resolving
        # one walks the URL configuration's patterns (≈ 5 % of an identify).
        # A match is only read (Django hands its kwargs out unpacked, and no
        # machine middleware has process_view), so requests may share it.
        self.resolved = functools.lru_cache(maxsize=RESOLVED_PATHS)(URLResolver.resolve)

    def resolve_request(self, request: HttpRequest) -> ResolverMatch:
        """Django's ``BaseHandler.resolve_request``, the matches of the
        project's URL configuration remembered by path (a request with its
        own ``urlconf`` is resolved as Django does).

        Raises Resolver404 as Django's does.
        """
        if hasattr(request, "urlconf"):
            return super().resolve_request(request)
        request.resolver_match = self.resolved(get_resolver(), request.path_info)
        return request.resolver_match

    def load_middleware(self, is_async: bool = False) -> None:
        """Django's ``BaseHandler.load_middleware`` — which reads MIDDLEWARE —
        over MACHINE_MIDDLEWARE, in its synchronous form (WSGI).

        Raises ImproperlyConfigured for a middleware that cannot run
        synchronously.
        """
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        handler = convert_exception_to_response(self._get_response)
        for name in reversed(settings.MACHINE_MIDDLEWARE):
            factory = import_string(name)
            if not getattr(factory, "sync_capable", True):
                raise ImproperlyConfigured(f"{name} cannot serve WSGI requests.")
            try:
                middleware = factory(handler)
            except MiddlewareNotUsed:
                continue
            if hasattr(middleware, "process_view"):
                self._view_middleware.insert(0, middleware.process_view)
            if hasattr(middleware, "process_template_response"):
                self._template_response_middleware.append(
                    middleware.process_template_response
                )
            if hasattr(middleware, "process_exception"):
                self._exception_middleware.append(middleware.process_exception)
            handler = convert_exception_to_response(middleware)
        self._middleware_chain = handler


class MachinePath:
    """``application`` with the machine path in front (a WSGI application)."""

    def __init__(self, application: Callable) -> None:
        self.application = application
        self.handler = MachineHandler()
        # Only their process_response is called, on a lane's answer.
        self.replicas = bool(replica_aliases())
        self.lane_middleware = [
            import_string(name)(lambda request: None)
            for name in settings.LANE_MIDDLEWARE
        ]

    @cached_property
    def routes(self) -> MachineRoutes:
        # On the first request: the URL configuration imports every view.
        return MachineRoutes()

    def route(self, environ: dict) -> tuple[MachineRoute, Mapping] | None:
        """The machine route of an anonymous request and the route's
        arguments, or None when the request does not take the machine path."""
        if "HTTP_AUTHORIZATION" in environ:
            return None
        if f"{settings.SESSION_COOKIE_NAME}=" in environ.get("HTTP_COOKIE", ""):
            return None
        found = self.routes.resolve(get_path_info(environ))
        if found is None or environ.get("REQUEST_METHOD") not in found[0].methods:
            return None
        return found

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        found = self.route(environ)
        if found is None:
            return self.application(environ, start_response)
        route, kwargs = found
        # Machine routes never write: their reads may go to a replica.
        if self.replicas:
            request_reads(replica=True)
        # A NUL is refused by the handler's middleware, in the client's language.
        if route.lane is not None and not has_nul_byte(environ):
            response = self.lane_response(route.lane, environ, kwargs)
            if response is not None:
                return self.lane_answer(response, environ, start_response)
        return self.handler(environ, start_response)

    def lane_response(
        self, lane: Lane, environ: dict, kwargs: Mapping
    ) -> HttpResponse | None:
        """The lane's response, Django's answer to the lane's failure, or None
        to leave the request to the machine handler."""
        try:
            arguments = lane.match(environ, kwargs)
            if arguments is None:
                return None
            with request_signals(environ):
                return lane.answer(*arguments)
        except FALLBACK_ERRORS:
            return None
        except Exception as error:  # answered as Django would, logged
            return response_for_exception(WSGIRequest(environ), error)

    def lane_answer(
        self, response: HttpResponse, environ: dict, start_response: Callable
    ) -> list[bytes]:
        request = WSGIRequest(environ)
        for middleware in self.lane_middleware:
            response = middleware.process_response(request, response)
        response["Content-Length"] = str(len(response.content))
        start_response(
            f"{response.status_code} {response.reason_phrase}", [*response.items()]
        )
        return [response.content]


def machine_middleware_check(app_configs, **kwargs) -> list[CheckMessage]:
    """System check: no middleware is skipped by the machine path unsaid.

    Every entry of MIDDLEWARE is in MACHINE_MIDDLEWARE or, with its reason, in
    MACHINE_SKIPPED_MIDDLEWARE (E001), and the shared ones come in the same
    order (E002); every entry of MACHINE_MIDDLEWARE is in LANE_MIDDLEWARE or,
    with its reason, in LANE_SKIPPED_MIDDLEWARE (E003), and the lanes apply
    no middleware the machine handler does not run (E004).
    """
    machine, lane = settings.MACHINE_MIDDLEWARE, settings.LANE_MIDDLEWARE
    errors = [
        Error(
            f"{name} is in MIDDLEWARE, but the machine path neither runs nor skips it.",
            hint="Add it to MACHINE_MIDDLEWARE, or to MACHINE_SKIPPED_MIDDLEWARE "
            "with the reason the machine requests do without it.",
            id="geoportal.E001",
        )
        for name in settings.MIDDLEWARE
        if name not in machine and name not in settings.MACHINE_SKIPPED_MIDDLEWARE
    ]
    if [name for name in machine if name in settings.MIDDLEWARE] != [
        name for name in settings.MIDDLEWARE if name in machine
    ]:
        errors.append(
            Error(
                "MACHINE_MIDDLEWARE does not keep MIDDLEWARE's order.",
                hint="Order them alike, so both paths shape a response alike.",
                id="geoportal.E002",
            )
        )
    errors.extend(
        Error(
            f"{name} is in MACHINE_MIDDLEWARE, but the fast lanes neither apply "
            "nor skip it.",
            hint="Add it to LANE_MIDDLEWARE if its only effect on a success is "
            "its headers, else to LANE_SKIPPED_MIDDLEWARE with the reason.",
            id="geoportal.E003",
        )
        for name in machine
        if name not in lane and name not in settings.LANE_SKIPPED_MIDDLEWARE
    )
    errors.extend(
        Error(
            f"{name} is in LANE_MIDDLEWARE but not in MACHINE_MIDDLEWARE.",
            hint="A lane answers as the machine handler would, a little faster.",
            id="geoportal.E004",
        )
        for name in lane
        if name not in machine
    )
    return errors
