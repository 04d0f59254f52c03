"""Query parameters of the map page, parsed once."""

from __future__ import annotations

import dataclasses
import datetime

from django.http import QueryDict
from django.utils.translation import gettext as _

from core.dates import FIRST_DAY, LAST_DAY, day_parse
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
        try:
            day = day_parse(query.get("at", ""))
        except ValueError:
            raise InvalidMapDate(
                _("The date must be a day between %(first)s and %(last)s.")
                % {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()}
            ) from None
        return cls(day=day)
