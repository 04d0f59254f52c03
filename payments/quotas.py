"""Bounds on the orders anonymous citizens place: each is a row in the
agency's ledger with a payment reference of its own, so one script must not
fill it. Counted like requête-e's filings (``accounts.throttle.quota_take``,
one atomic statement): per client address, an hour's and a day's
(``GEOPORTAIL_ORDER_LIMIT_HOUR``/``_DAY``), and per agency from any address,
an hour's (``GEOPORTAIL_ORDER_AGENCY_LIMIT_HOUR``: far above what an
agency's citizens place, it stops a script spread over many addresses).
Staff placing orders at the counter are not counted (the views pass no
address for them)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils.translation import gettext as _

from accounts.throttle import quota_take
from core.errors import TooManyRequests
from layers.models import Agency

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


def order_quota_take(*, address: str, agency: Agency) -> None:
    """Count one order placed from ``address`` with ``agency``; raise
    TooManyRequests past a limit."""
    for name, limit, window in (
        ("hour", settings.GEOPORTAIL_ORDER_LIMIT_HOUR, HOUR),
        ("day", settings.GEOPORTAIL_ORDER_LIMIT_DAY, DAY),
    ):
        wait = quota_take(
            scope=f"payment_order_{name}", address=address, limit=limit, window=window
        )
        if wait is not None:
            raise TooManyRequests(
                _("Too many orders were placed from here; try again later."),
                retry_after=int(wait.total_seconds()),
            )
    wait = quota_take(
        scope="payment_order_agency_hour",
        address=agency.code,
        limit=settings.GEOPORTAIL_ORDER_AGENCY_LIMIT_HOUR,
        window=HOUR,
    )
    if wait is not None:
        raise TooManyRequests(
            _("This agency receives too many orders right now; try again later."),
            retry_after=int(wait.total_seconds()),
        )
