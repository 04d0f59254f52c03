"""Throttles against guessing: logins (django-axes) and API tokens.

Both count failures in the database, so that every web worker process sees
the same counts. Logins are counted by django-axes (``AXES_*`` settings);
this module gives it the client's address and its lockout page. Failed API
tokens are counted per client address in ``TokenFailure``: past the limit,
every token that address sends is refused until the cool-off has passed,
a valid one included, so that a guess that succeeds tells the guesser nothing.
"""

from __future__ import annotations

import datetime
import ipaddress
import math

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.models import RequestQuota, TokenFailure


def client_address(request: HttpRequest) -> str:
    """The client's IP address: the peer's, or, behind ``GEOPORTAIL_PROXY_COUNT``
    proxies, the one the outermost of them put in X-Forwarded-For.

    Addresses the client wrote itself (further left in the header) are never
    trusted; a header shorter than the proxy count or not an address gives
    the peer's address.
    """
    peer = _address(request.META.get("REMOTE_ADDR", "")) or "0.0.0.0"  # noqa: S104
    count = settings.GEOPORTAIL_PROXY_COUNT
    if count <= 0:
        return peer
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < count:
        return peer
    return _address(forwarded[-count]) or peer


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def login_cooloff() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.GEOPORTAIL_LOGIN_COOLOFF_MINUTES)


def retry_after_seconds(cooloff: datetime.timedelta) -> str:
    return str(max(1, math.ceil(cooloff.total_seconds())))


def lockout_response(
    request: HttpRequest, original_response=None, credentials=None
) -> HttpResponse:
    """The page of a locked-out login (django-axes' ``AXES_LOCKOUT_CALLABLE``):
    HTTP 429 in the user's language, with Retry-After."""
    cooloff = login_cooloff()
    response = render(
        request,
        "accounts/locked_out.html",
        {"cooloff_minutes": max(1, math.ceil(cooloff.total_seconds() / 60))},
        status=429,
    )
    response["Retry-After"] = retry_after_seconds(cooloff)
    return response


def token_cooloff() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.GEOPORTAIL_TOKEN_COOLOFF_MINUTES)


def token_lockout_remaining(address: str) -> datetime.timedelta | None:
    """How long ``address`` is still refused API tokens; None when it is not."""
    now = timezone.now()
    cooloff = token_cooloff()
    failure = TokenFailure.objects.filter(
        address=address,
        failures__gte=settings.GEOPORTAIL_TOKEN_FAILURE_LIMIT,
        last_failure_at__gt=now - cooloff,
    ).first()
    if failure is None:
        return None
    return failure.last_failure_at + cooloff - now


@transaction.atomic
def token_failure_record(*, address: str) -> int:
    """Count one failed token from ``address``; return its failures so far
    (counting starts again once the cool-off has passed since the last one)."""
    now = timezone.now()
    # Addresses whose cool-off has passed count from zero: their rows go.
    TokenFailure.objects.filter(last_failure_at__lte=now - token_cooloff()).exclude(
        address=address
    ).delete()
    failure, created = TokenFailure.objects.select_for_update().get_or_create(
        address=address, defaults={"failures": 1, "last_failure_at": now}
    )
    if not created:
        if failure.last_failure_at <= now - token_cooloff():
            failure.failures = 1
        else:
            failure.failures += 1
        failure.last_failure_at = now
        failure.save(update_fields=["failures", "last_failure_at"])
    return failure.failures


def quota_take(
    *, scope: str, address: str, limit: int, window: datetime.timedelta
) -> datetime.timedelta | None:
    """Count one use of ``scope`` by ``address`` in the current fixed window.

    ``address`` is the client's address, or, for a scope counted per thing
    whoever asks, that thing's key (at most 64 characters).
    Returns None when the use is allowed, or how long until the window ends
    when ``address`` already used its ``limit``. One statement, atomic across
    processes: a row per scope and address, reset when its window has passed.
    """
    table = RequestQuota._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (scope, address, window_start, count)
            VALUES (%(scope)s, %(address)s, now(), 1)
            ON CONFLICT (scope, address) DO UPDATE SET
              window_start = CASE WHEN {table}.window_start <= now() - %(window)s
                                  THEN now() ELSE {table}.window_start END,
              count = CASE WHEN {table}.window_start <= now() - %(window)s
                           THEN 1 ELSE {table}.count + 1 END
            RETURNING count, window_start + %(window)s - now()
            """,  # noqa: S608 - the table name is the model's, not input
            {"scope": scope, "address": address, "window": window},
        )
        count, remaining = cursor.fetchone()
    if count <= limit:
        return None
    return max(remaining, datetime.timedelta(seconds=1))
