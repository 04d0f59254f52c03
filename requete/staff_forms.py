"""The staff queue's forms: the query string parsed once into
``selectors.QueueFilters`` (filters and order) and ``QueuePosition`` (which
page); a value outside the choices, or a cursor the page did not write, is
refused, never guessed."""

from __future__ import annotations

import dataclasses

from django import forms
from django.utils.translation import gettext_lazy as _

from core.keyset import Cursor, InvalidCursor
from requete.selectors import DUE_SOON, QueueFilters
from requete.states import State

STATE_CHOICES = [("", _("Any state"))] + [
    (state.value, state.label) for state in State if state != State.UNCONFIRMED
]
OVERDUE_CHOICES = [
    ("", _("Late or not")),
    ("yes", _("Late")),
    ("no", _("On time")),
    ("week", _("Due within 7 days")),
]
ASSIGNED_CHOICES = [("", _("Anyone")), ("me", _("Me")), ("nobody", _("Nobody"))]
# The keys of selectors.QUEUE_ORDERS.
SORT_CHOICES = [("", _("Answer due first")), ("submitted", _("Latest submitted first"))]


class QueueFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    state = forms.ChoiceField(label=_("State"), choices=STATE_CHOICES, required=False)
    overdue = forms.ChoiceField(
        label=_("Deadline"), choices=OVERDUE_CHOICES, required=False
    )
    assigned = forms.ChoiceField(
        label=_("Assigned to"), choices=ASSIGNED_CHOICES, required=False
    )
    sort = forms.ChoiceField(
        label=_("Sort order"), choices=SORT_CHOICES, required=False
    )

    def __init__(self, data, *, kinds):
        super().__init__(data)
        self.fields["kind"].choices = [("", _("Any kind"))] + [
            (kind.code, kind.label) for kind in kinds
        ]

    def filters(self) -> QueueFilters:
        """The filters asked (call after ``is_valid``)."""
        data = self.cleaned_data
        overdue = {"yes": True, "no": False}.get(data["overdue"])
        return QueueFilters(
            kind_code=data["kind"],
            state=data["state"],
            overdue=overdue,
            due_within=DUE_SOON if data["overdue"] == "week" else None,
            assigned=data["assigned"],
            sort=data["sort"] or "due",
        )


class CursorField(forms.CharField):
    """A page's cursor as the queue's links write it (``core.keyset``)."""

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        try:
            return Cursor.parse(text)
        except InvalidCursor as error:
            raise forms.ValidationError(
                _(
                    "This link to a page of the queue is damaged; start again "
                    "from the first page."
                ),
                code="invalid_cursor",
            ) from error


@dataclasses.dataclass(frozen=True)
class QueuePosition:
    """Which page of the queue: after a cursor, before one, the last, or
    (none given) the first; ``number`` is the page's number the link
    carried, for the reader (``None``: unknown)."""

    after: Cursor | None = None
    before: Cursor | None = None
    last: bool = False
    number: int | None = None


class QueuePositionForm(forms.Form):
    after = CursorField(required=False)
    before = CursorField(required=False)
    last = forms.BooleanField(required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=10**6)

    def position(self) -> QueuePosition:
        """The page asked (call after ``is_valid``); a bare page number is
        no page of its own: pages are reached from their neighbours."""
        data = self.cleaned_data
        if data["before"] is not None:
            return QueuePosition(before=data["before"], number=data["page"])
        if data["after"] is not None:
            return QueuePosition(after=data["after"], number=data["page"])
        if data["last"]:
            return QueuePosition(last=True)
        return QueuePosition(number=1)
