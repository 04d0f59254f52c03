"""Query parameters of tile requests, parsed once."""

from __future__ import annotations

import dataclasses
import datetime

from django.http import QueryDict
from django.utils.translation import gettext as _

from core.dates import instant_parse
from core.errors import BadRequest, NotFound

# Version numbers are a PositiveIntegerField: none is larger.
MAX_VERSION = 2**31 - 1


@dataclasses.dataclass(frozen=True)
class TileSetQuery:
    """``at`` (as-of instant) and ``version`` (number) of a tile request."""

    at: datetime.datetime | None = None
    version: int | None = None

    @classmethod
    def parse(cls, query: QueryDict) -> TileSetQuery:
        """Parse ``?at=`` (date or datetime) and ``?version=``; BadRequest if bad.

        A date means the end of that day in the portal's time zone: what was
        in force when the day ended.
        """
        return cls(at=instant_parse(query.get("at", "")), version=_parse_version(query))

    def urlencode(self) -> str:
        """The same parameters as a query string ("" when none)."""
        parts = []
        if self.at is not None:
            parts.append(f"at={self.at.isoformat()}")
        if self.version is not None:
            parts.append(f"version={self.version}")
        return "&".join(parts)


def _parse_version(query: QueryDict) -> int | None:
    text = query.get("version", "").strip()
    if not text:
        return None
    # isdigit() alone admits "²", which int() refuses.
    if not (text.isascii() and text.isdigit()):
        raise BadRequest(_("“version” must be a whole number."), code="invalid_version")
    if len(text) > 10 or int(text) > MAX_VERSION:  # int() refuses 5000 digits
        raise NotFound(
            _("There is no version %(number)s.") % {"number": text[:20]},
            code="version_not_found",
        )
    return int(text)
