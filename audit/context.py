"""The client address of the request being served, for the audit log.

A middleware records it for the duration of the request, so the services that
write events need not be handed the request (STYLE: they take domain values).
Outside a request (commands, tasks) it is None.
"""

from __future__ import annotations

import contextvars
import ipaddress
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

_client_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "audit_client_ip", default=None
)


def client_ip() -> str | None:
    """The address of the current request's client, or None."""
    return _client_ip.get()


def _address(request: HttpRequest) -> str | None:
    value = request.META.get("REMOTE_ADDR") or ""
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


class ClientAddressMiddleware:
    """Remember ``REMOTE_ADDR`` while the request is handled."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _client_ip.set(_address(request))
        try:
            return self.get_response(request)
        finally:
            _client_ip.reset(token)
