"""Fast lanes: the base class of the readers' lanes (map images, vector
tiles) that answer some anonymous requests without Django's handler, and the
one place they send Django's request signals.

A lane is attached to its URL pattern (``core.routes.machine``); the machine
path (``geoportal/machine.py``) runs it and answers whatever it leaves.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpResponse


class Lane:
    """A fast lane: answers some anonymous requests without Django's handler.

    The hottest public requests (map images, vector tiles) spend more time in
    Django's request handling (request object, query dictionary, middleware
    chain: 0.5–1 ms) than in their own work. A lane takes its requests from
    the WSGI environ and its route's arguments (``match``, no database) and
    answers them (``answer``) with a plain success, or None to leave the
    request to the machine handler. A client's mistake is raised, as a typed
    error (``geoportal.machine.FALLBACK_ERRORS``), for the handler to answer
    in the client's language.
    """

    def match(self, environ: dict, kwargs: Mapping) -> tuple | None:
        """The arguments of ``answer`` for a request of this lane, or None.

        ``kwargs`` are the route's arguments, as the view would get them.
        """
        raise NotImplementedError

    def answer(self, *args) -> HttpResponse | None:
        """The response, or None to leave the request to the machine handler."""
        raise NotImplementedError


@contextmanager
def request_signals(environ: dict) -> Iterator[None]:
    """Django's ``request_started`` and ``request_finished`` around a request
    answered without Django's handler.

    Their receivers keep the database connections usable — Django's
    ``close_old_connections``, ``core.db``'s dropping of dead and broken ones —
    so a lane's queries see the same upkeep as a view's.
    """
    signals.request_started.send(sender=WSGIHandler, environ=environ)
    try:
        yield
    finally:
        signals.request_finished.send(sender=WSGIHandler)
