"""A library search's request parameters, parsed once into a LibraryQuery."""

from __future__ import annotations

import datetime

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import FIRST_DAY, LAST_DAY, day_parse
from core.errors import BadRequest
from library.models import TextKind, TextStatus
from library.search import LibraryQuery

MAX_QUERY_CHARACTERS = 200
MAX_LIMIT = 100


def day_param(params: QueryDict, name: str) -> datetime.date | None:
    """The day ``name`` (YYYY-MM-DD) or None; BadRequest when it is no day."""
    try:
        return day_parse(params.get(name, ""))
    except ValueError:
        raise BadRequest(
            _("“%(name)s” must be a day between %(first)s and %(last)s (YYYY-MM-DD).")
            % {"name": name, "first": FIRST_DAY, "last": LAST_DAY},
            code="invalid_date",
        ) from None


def _choices(params: QueryDict, name: str, allowed: list[str]) -> tuple[str, ...]:
    values = tuple(value for value in params.getlist(name) if value)
    unknown = [value for value in values if value not in allowed]
    if unknown:
        raise BadRequest(
            _("“%(name)s” must be one of: %(values)s.")
            % {"name": name, "values": ", ".join(allowed)},
            code="invalid_parameter",
        )
    return values


def library_query_parse(params: QueryDict) -> LibraryQuery:
    """The LibraryQuery of ``params``: ``q``, ``phrase``, ``kind`` and
    ``status`` (repeatable), ``from`` and ``to`` (publication days), ``at``
    (articles as of that day, today by default), ``limit``. BadRequest for a
    value that is not one."""
    text = params.get("q", "").strip()
    if len(text) > MAX_QUERY_CHARACTERS:
        raise BadRequest(
            _("The search may be at most %(count)d characters long.")
            % {"count": MAX_QUERY_CHARACTERS},
            code="query_too_long",
        )
    limit_text = params.get("limit", "") or "20"
    if not (limit_text.isascii() and limit_text.isdigit()) or not (
        1 <= int(limit_text) <= MAX_LIMIT
    ):
        raise BadRequest(
            _("“limit” must be a number from 1 to %(max)d.") % {"max": MAX_LIMIT},
            code="invalid_parameter",
        )
    return LibraryQuery(
        text=text,
        at=day_param(params, "at") or timezone.localdate(),
        phrase=params.get("phrase", "") in ("1", "true", "on"),
        kinds=_choices(params, "kind", TextKind.values),
        statuses=_choices(params, "status", TextStatus.values),
        published_from=day_param(params, "from"),
        published_to=day_param(params, "to"),
        limit=int(limit_text),
    )
