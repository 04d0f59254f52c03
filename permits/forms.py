"""The public lookup's form: parses what the page posts; every rule stays
in ``permits.selectors``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class LookupForm(forms.Form):
    number = forms.CharField(
        label=_("File number"),
        max_length=64,
        widget=forms.TextInput(attrs={"dir": "ltr"}),
        help_text=_("As on the filing receipt: the platform's number or ours."),
    )
    code = forms.CharField(
        label=_("Short code"),
        max_length=32,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
        help_text=_("The code printed on the filing receipt, e.g. ABCD-EFGH-JKMN."),
    )

    def describe(self) -> None:
        """Tie each field to its help and its errors (``aria-describedby``)."""
        for bound in self:
            ids = [f"{bound.auto_id}-help"] if bound.help_text else []
            if bound.errors:
                ids.append(f"{bound.auto_id}-error")
                bound.field.widget.attrs["aria-invalid"] = "true"
            if ids:
                bound.field.widget.attrs["aria-describedby"] = " ".join(ids)
