"""Keeping filing cheap for citizens and dear for robots, with no third party.

- a honeypot: a field people never see (the form hides it) and robots fill;
- rate limits per client address and per contact (e-mail, phone), per hour
  and per day (``GEOPORTAIL_REQUEST_LIMIT_HOUR``/``_DAY``): addresses through
  ``accounts.throttle.quota_take`` (one atomic statement), contacts by
  counting their requests filed in the window (their keys are indexed) under
  a lock on the contact held until the filing commits, so that filings sent
  at once cannot all count the same requests;
- confirmation links signed with the secret key, valid
  ``GEOPORTAIL_REQUEST_CONFIRM_HOURS`` hours and single-use (confirming
  moves the request out of "unconfirmed"; a second use finds it moved).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core import signing
from django.db import connection
from django.utils.translation import gettext as _

from accounts.throttle import quota_take
from cases import codes
from cases.models import Case
from core.errors import TooManyRequests
from requete.errors import ConfirmationInvalid, FilingRefused

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
CONFIRM_SALT = "requete.confirm"


def honeypot_check(value: str) -> None:
    """Refuse a filing whose hidden field was filled."""
    if value:
        raise FilingRefused(_("This request cannot be filed."), code="honeypot")


def _windows() -> list[tuple[str, int, datetime.timedelta]]:
    return [
        ("hour", settings.GEOPORTAIL_REQUEST_LIMIT_HOUR, HOUR),
        ("day", settings.GEOPORTAIL_REQUEST_LIMIT_DAY, DAY),
    ]


def _too_many(wait: datetime.timedelta) -> TooManyRequests:
    return TooManyRequests(
        _("Too many requests were filed from here; try again later."),
        retry_after=int(wait.total_seconds()),
    )


def address_quota_take(address: str) -> None:
    """Count one filing from ``address``; raise TooManyRequests past a limit."""
    for name, limit, window in _windows():
        wait = quota_take(
            scope=f"request_file_{name}", address=address, limit=limit, window=window
        )
        if wait is not None:
            raise _too_many(wait)


def contact_quota_check(*, email: str, phone: str, now: datetime.datetime) -> None:
    """Raise TooManyRequests when this e-mail or phone filed its limit of
    requests in the last hour or day.

    Called inside the filing's transaction: each contact is locked until it
    commits, so a filing of the same contact sent at the same time waits,
    then counts this one."""
    keys = [
        ("requester__email_key", codes.email_key(email)),
        ("requester__phone_key", codes.phone_key(phone)),
    ]
    keys = [(field, key) for field, key in keys if key]
    _contacts_lock(sorted(key for _field, key in keys))
    for key_field, key in keys:
        for _name, limit, window in _windows():
            filed = Case.objects.filter(
                **{key_field: key}, created_at__gt=now - window
            ).order_by("created_at")
            times = list(filed.values_list("created_at", flat=True)[: limit + 1])
            if len(times) >= limit:
                raise _too_many(times[len(times) - limit] + window - now)


def _contacts_lock(keys: list[str]) -> None:
    """Hold each contact key until the transaction ends (in sorted order: two
    filings naming the same two contacts cannot wait for each other)."""
    if not keys:
        return
    if not connection.in_atomic_block:
        raise RuntimeError("a contact is counted inside the filing's transaction")
    with connection.cursor() as cursor:
        for key in keys:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtext('requete.contact'), "
                "hashtext(%s))",
                [key],
            )


def confirmation_token(case: Case) -> str:
    """A signed, timestamped token confirming ``case``."""
    return signing.dumps(
        {"case": case.pk, "reference": case.reference}, salt=CONFIRM_SALT
    )


def confirmation_case_id(token: str) -> int:
    """The case a confirmation token names; raise ConfirmationInvalid when it
    is forged or older than ``GEOPORTAIL_REQUEST_CONFIRM_HOURS``."""
    max_age = datetime.timedelta(hours=settings.GEOPORTAIL_REQUEST_CONFIRM_HOURS)
    try:
        value = signing.loads(token, salt=CONFIRM_SALT, max_age=max_age)
        return int(value["case"])
    except signing.SignatureExpired as exc:
        raise ConfirmationInvalid(
            _("This confirmation link has expired. File the request again."),
            code="confirmation_expired",
        ) from exc
    except (signing.BadSignature, ValueError, TypeError, KeyError) as exc:
        raise ConfirmationInvalid(_("This confirmation link is not valid.")) from exc
