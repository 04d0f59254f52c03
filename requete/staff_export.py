"""The staff queue as CSV, for a spreadsheet. Cells a spreadsheet would run
as a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return first) are
quoted with an apostrophe: a requester's subject is the requester's text."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterable, Iterator

from django.utils import translation
from django.utils.translation import gettext as _

from cases.clock import is_overdue
from requete.models import CitizenRequest
from requete.states import State

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Line:
    """A file-like object that hands back what csv.writer writes to it."""

    def write(self, text: str) -> str:
        return text


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.isoformat(timespec="minutes")
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _header(contacts: bool) -> list[str]:
    header = [
        _("Reference"),
        _("Kind"),
        _("State"),
        _("Submitted"),
        _("Acknowledgement due"),
        _("Answer due"),
        _("Late"),
        _("Assigned to"),
        _("Parcel"),
        _("Planning document"),
    ]
    if contacts:
        header += [_("Subject"), _("Name"), _("E-mail"), _("Phone")]
    return header


def _row(item: CitizenRequest, *, contacts: bool, now: datetime.datetime) -> list:
    case = item.case
    row = [
        case.reference,
        item.kind.label,
        State(case.state).label,
        case.submitted_at,
        case.acknowledge_due_at if case.acknowledged_at is None else None,
        case.answer_due_at,
        _("yes") if is_overdue(case, now) else _("no"),
        case.assignee.get_username() if case.assignee else "",
        item.parcel.reference if item.parcel_id else "",
        item.document.reference if item.document_id else "",
    ]
    if contacts:
        requester = case.requester
        row += [item.subject, requester.name, requester.email, requester.phone]
    return row


def queue_csv(
    requests: Iterable[CitizenRequest], *, contacts: bool, now: datetime.datetime
) -> Iterator[str]:
    """The lines of the CSV of ``requests``, in the language active now (the
    response streams them later); the requester's subject and contact only
    with ``contacts`` (the caller checked and logged it)."""
    return _lines(requests, contacts, now, translation.get_language())


def _lines(requests, contacts, now, language) -> Iterator[str]:
    writer = csv.writer(_Line())
    with translation.override(language):
        yield "\ufeff" + writer.writerow(_header(contacts))
        for item in requests:
            yield writer.writerow(
                [_cell(value) for value in _row(item, contacts=contacts, now=now)]
            )
