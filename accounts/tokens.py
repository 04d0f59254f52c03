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
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from accounts.models import ApiToken, User


class InvalidToken(Exception):
    """The Authorization header names no active token."""

    http_status = 401
    code = "invalid_token"


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Create a token for ``user``; return it and its key (shown only now)."""
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=key[:8], digest=_digest(key)
    )
    return token, key


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
    on_error: Callable[[Exception], HttpResponse],
) -> Callable:
    """Authenticate a view by API token, or by session with the CSRF check.

    ``on_error`` turns an InvalidToken (or a CSRF refusal) into a response.
    """

    def decorate(view: Callable) -> Callable:
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            header = request.headers.get("Authorization")
            if header:
                try:
                    request.user = token_user(header)
                except InvalidToken as exc:
                    request.user = AnonymousUser()
                    return on_error(exc)
            elif request.method not in ("GET", "HEAD", "OPTIONS"):
                refused = _csrf_failure(request)
                if refused is not None:
                    return on_error(
                        PermissionError(_("CSRF check failed; reload the page."))
                    )
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
