"""Query parameters of the map page, parsed once."""

from __future__ import annotations

import dataclasses
import datetime

from django.http import QueryDict
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from core.dates import FIRST_DAY, LAST_DAY, day_in_range
from core.errors import BadRequest


class InvalidMapDate(BadRequest):
    code = "invalid_date"


@dataclasses.dataclass(frozen=True)
class MapQuery:
    """``?at=YYYY-MM-DD``: the day whose zoning the map shows (None: today)."""

    day: datetime.date | None = None

    @classmethod
    def parse(cls, query: QueryDict) -> MapQuery:
        """Read ``at``; raises InvalidMapDate for anything but a day in range."""
        text = query.get("at", "").strip()
        if not text:
            return cls()
        try:
            day = parse_date(text)
        except ValueError:  # well formed, yet no such day (2024-02-31)
            day = None
        if day is None or not day_in_range(day):
            raise InvalidMapDate(
                _("The date must be a day between %(first)s and %(last)s.")
                % {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()}
            )
        return cls(day=day)
