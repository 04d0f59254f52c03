"""The days the portal can answer about.

Planning in Morocco starts with the protectorate's first plans (1914); a
plan is not approved centuries ahead. Outside these bounds a date is a
mistake, and near Python's own bounds (years 1 and 9999) the arithmetic of
a day's end or of a time zone overflows: parsers refuse such dates.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from core.errors import BadRequest

FIRST_DAY = datetime.date(1900, 1, 1)
LAST_DAY = datetime.date(2999, 12, 31)


def day_in_range(day: datetime.date) -> bool:
    """Whether ``day`` lies within FIRST_DAY … LAST_DAY."""
    return FIRST_DAY <= day <= LAST_DAY


def day_parse(text: str) -> datetime.date | None:
    """A day written YYYY-MM-DD; None for blank text. ValueError when it is
    no day (2024-02-31, "demain") or lies outside FIRST_DAY … LAST_DAY."""
    text = text.strip()
    if not text:
        return None
    day = parse_date(text)  # ValueError: well formed, yet no such day
    if day is None or not day_in_range(day):
        raise ValueError(text)
    return day


def instant_parse(text: str) -> datetime.datetime | None:
    """``at`` of a request: an instant, None for blank text.

    A day (YYYY-MM-DD) means the end of that day in the portal's time zone —
    what was in force when the day ended (parse_datetime alone would read it
    as its midnight); else a date and time, in the portal's time zone when it
    names none. BadRequest ("invalid_date") otherwise.
    """
    text = text.strip()
    if not text:
        return None
    try:
        day = parse_date(text)
        if day is not None:
            moment = datetime.datetime.combine(day, datetime.time.max)
        else:
            moment = parse_datetime(text)
        if moment is None:
            raise ValueError(text)
    except ValueError as exc:
        raise BadRequest(
            _("“at” must be a date (YYYY-MM-DD) or a date and time."),
            code="invalid_date",
        ) from exc
    if not day_in_range(moment.date()):  # and its zone cannot overflow
        raise BadRequest(
            _("“at” must be a day between %(first)s and %(last)s.")
            % {"first": FIRST_DAY, "last": LAST_DAY},
            code="invalid_date",
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment
