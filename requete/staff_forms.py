"""The staff queue's filter form: the query string parsed once into
``selectors.QueueFilters``; a value outside the choices is refused, never
guessed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

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


class QueueFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    state = forms.ChoiceField(label=_("State"), choices=STATE_CHOICES, required=False)
    overdue = forms.ChoiceField(
        label=_("Deadline"), choices=OVERDUE_CHOICES, required=False
    )
    assigned = forms.ChoiceField(
        label=_("Assigned to"), choices=ASSIGNED_CHOICES, required=False
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
        )
