"""Personal API tokens: creation, and authentication of script requests.

Scripts send ``Authorization: Token <key>``; such requests need no CSRF token
(no browser is involved). Requests without the header use the session and go
through Django's CSRF check as any form would.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from accounts.models import ApiToken, User
from accounts.throttle import (
    client_address,
    retry_after_seconds,
    token_failure_record,
    token_lockout_remaining,
)
from audit.models import AuditEvent
from audit.services import audit_record
from core.errors import Forbidden, GeoportalError, NotAuthenticated, TooManyRequests


class InvalidToken(NotAuthenticated):
    """The Authorization header names no active token."""

    code = "invalid_token"


class TooManyTokenFailures(TooManyRequests):
    """The client's address sent too many invalid tokens; it must wait."""

    code = "too_many_token_failures"


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *, user: User, name: str = "", created_by: User | None = None
) -> tuple[ApiToken, str]:
    """Create a token for ``user``; return it and its key (shown only now).

    ``created_by`` is who asked (None: an operator's command); the audit log
    records it, never the key.
    """
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=key[:8], digest=_digest(key)
    )
    _audit_token(token, action=AuditEvent.Action.TOKEN_CREATED, actor=created_by)
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken, revoked_by: User | None = None) -> None:
    """Delete ``token``: its key no longer authenticates; the log records it."""
    _audit_token(token, action=AuditEvent.Action.TOKEN_REVOKED, actor=revoked_by)
    token.delete()


def _audit_token(token: ApiToken, *, action: str, actor: User | None) -> None:
    audit_record(
        action=action,
        actor=actor,
        obj=token,
        agency_id=token.user.agency_id,
        details={"user": token.user.get_username(), "prefix": token.prefix},
    )


def token_user(header: str) -> User:
    """The active user whose token is in ``header`` (``Token <key>``).

    Raises InvalidToken otherwise.
    """
    scheme, _sep, key = header.partition(" ")
    if scheme.lower() != "token" or not key.strip():
        raise InvalidToken(_("Send the header as “Authorization: Token <key>”."))
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(key.strip()))
        .first()
    )
    if token is None or not token.user.is_active:
        raise InvalidToken(_("This API token is not valid."))
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


def _csrf_failure(request: HttpRequest) -> HttpResponse | None:
    check = CsrfViewMiddleware(lambda request: HttpResponse())
    check.process_request(request)
    return check.process_view(request, None, (), {})


def token_or_session(
    on_error: Callable[[GeoportalError], HttpResponse],
) -> Callable:
    """Authenticate a view by API token, or by session with the CSRF check.

    ``on_error`` answers the refusal — an InvalidToken (401), a
    TooManyTokenFailures (429 with its Retry-After) or a failed CSRF check
    (Forbidden, 403) — in the view's form. Past the limit of failed tokens from
    one address, its tokens are refused unchecked.
    """

    def decorate(view: Callable) -> Callable:
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            header = request.headers.get("Authorization")
            if header:
                request.user = AnonymousUser()
                address = client_address(request)
                remaining = token_lockout_remaining(address)
                if remaining is not None:
                    refusal = TooManyTokenFailures(
                        _(
                            "Too many invalid API tokens from your address; "
                            "try again later."
                        ),
                        retry_after=retry_after_seconds(remaining),
                    )
                    return on_error(refusal)
                try:
                    request.user = token_user(header)
                except InvalidToken as exc:
                    token_failure_record(address=address)
                    return on_error(exc)
            elif request.method not in ("GET", "HEAD", "OPTIONS"):
                refused = _csrf_failure(request)
                if refused is not None:
                    return on_error(Forbidden(_("CSRF check failed; reload the page.")))
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
