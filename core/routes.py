"""Machine routes: the URL patterns whose anonymous requests take the machine
path (``geoportal/machine.py``), declared where the routes are.

An app's URL configuration marks a route with ``machine(path(...), methods=...,
lane=...)``; the machine path finds the route of a request with Django's own
resolver, so no address is written twice.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from django.core.exceptions import ImproperlyConfigured
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.exceptions import Resolver404

from core.lanes import Lane

# Distinct paths whose resolution is remembered: map images and the viewer's
# tiles come back to the same few thousand addresses.
RESOLVED_PATHS = 4096


@dataclass(frozen=True)
class MachineRoute:
    """What the machine path may do with an anonymous request to a route:
    answer these ``methods``, after trying ``lane`` (or no lane)."""

    methods: frozenset[str]
    lane: Lane | None = None


def machine(
    pattern: URLPattern, *, methods: Iterable[str], lane: Lane | None = None
) -> URLPattern:
    """Mark ``pattern`` as a machine route (its ``machine_route``, which
    Django ignores) and return it. A machine route reads and never writes:
    its anonymous requests may be answered from a read replica
    (``core/replicas.py``), whatever their method.

    Raises ImproperlyConfigured when the pattern has no name: the machine path
    recognises its routes by their view name, as ``reverse`` does.
    """
    if not pattern.name:
        raise ImproperlyConfigured(f"The machine route {pattern!r} needs a name.")
    pattern.machine_route = MachineRoute(methods=frozenset(methods), lane=lane)
    return pattern


def _marked(
    patterns: Iterable[URLPattern | URLResolver], namespaces: tuple[str, ...]
) -> Iterator[tuple[str, MachineRoute]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            namespace = (pattern.namespace,) if pattern.namespace else ()
            yield from _marked(pattern.url_patterns, (*namespaces, *namespace))
        elif route := getattr(pattern, "machine_route", None):
            yield ":".join((*namespaces, pattern.name)), route


class MachineRoutes:
    """The machine routes of the project's URL configuration."""

    def __init__(self, urlconf: str | None = None) -> None:
        self.resolver = get_resolver(urlconf)
        self.routes = dict(_marked(self.resolver.url_patterns, ()))
        self.resolve = functools.lru_cache(maxsize=RESOLVED_PATHS)(self._resolve)

    def _resolve(self, path: str) -> tuple[MachineRoute, Mapping] | None:
        """The machine route of ``path`` and its arguments (the view's keyword
        arguments, read-only), or None when ``path`` is not a machine route."""
        try:
            match = self.resolver.resolve(path)
        except Resolver404:
            return None
        route = self.routes.get(match.view_name)
        return None if route is None else (route, MappingProxyType(match.kwargs))
