"""Work kept in a row and tried again after a failure (the outbox's messages,
a paid order's documents): the row counts its ``attempts``, keeps the
``last_error`` for staff, and waits twice as long before each new try
(``next_attempt_at``) until its limit, after which it stays failed."""

from __future__ import annotations

import datetime


def failure_record(
    row,
    error: Exception,
    *,
    now: datetime.datetime,
    base: datetime.timedelta,
    max_attempts: int,
    failed_status: str,
) -> bool:
    """Record ``error`` on ``row`` (whose ``attempts`` counts this try) and
    return whether it will be tried again (at ``next_attempt_at``); past
    ``max_attempts`` its status becomes ``failed_status``."""
    row.last_error = f"{type(error).__name__}: {error}"[:2000]
    if row.attempts >= max_attempts:
        row.status = failed_status
        return False
    row.next_attempt_at = now + base * 2 ** (row.attempts - 1)
    return True
