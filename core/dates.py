"""The days the portal can answer about.

Planning in Morocco starts with the protectorate's first plans (1914); a
plan is not approved centuries ahead. Outside these bounds a date is a
mistake, and near Python's own bounds (years 1 and 9999) the arithmetic of
a day's end or of a time zone overflows: parsers refuse such dates.
"""

from __future__ import annotations

import datetime

FIRST_DAY = datetime.date(1900, 1, 1)
LAST_DAY = datetime.date(2999, 12, 31)


def day_in_range(day: datetime.date) -> bool:
    """Whether ``day`` lies within FIRST_DAY … LAST_DAY."""
    return FIRST_DAY <= day <= LAST_DAY
