"""The tenders list's request parameters, parsed once into a TenderQuery."""

from __future__ import annotations

from django.http import QueryDict
from django.utils.translation import gettext as _

from core.errors import BadRequest
from layers.models import Agency
from tenders.models import TenderStatus
from tenders.selectors import TenderQuery

MAX_QUERY_CHARACTERS = 200


def tender_query_parse(params: QueryDict) -> TenderQuery:
    """The TenderQuery of ``q``, ``agency`` (a code), ``status``
    (repeatable) and ``open`` ("1"). BadRequest for a value that is none."""
    text = params.get("q", "").strip()
    if len(text) > MAX_QUERY_CHARACTERS:
        raise BadRequest(
            _("The search may be at most %(count)d characters long.")
            % {"count": MAX_QUERY_CHARACTERS},
            code="query_too_long",
        )
    agency = params.get("agency", "").strip()
    if agency and not Agency.objects.filter(code=agency).exists():
        raise BadRequest(
            _("No agency has the code “%(code)s”.") % {"code": agency},
            code="invalid_parameter",
        )
    statuses = tuple(value for value in params.getlist("status") if value)
    if set(statuses) - set(TenderStatus.values):
        raise BadRequest(
            _("“%(name)s” must be one of: %(values)s.")
            % {"name": "status", "values": ", ".join(TenderStatus.values)},
            code="invalid_parameter",
        )
    return TenderQuery(
        text=text,
        agency=agency,
        statuses=statuses,
        open_now=params.get("open", "") in ("1", "true", "on"),
    )
