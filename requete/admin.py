"""Kinds of request in the admin, scoped to the planner's agency."""

from django import forms
from django.contrib import admin

from layers.admin import AgencyScopedAdmin
from requete.models import RequestKind
from requete.schema import schema_check


class RequestKindForm(forms.ModelForm):
    class Meta:
        model = RequestKind
        fields = [
            "agency",
            "code",
            "family",
            "label_fr",
            "label_ar",
            "label_en",
            "acknowledge_days",
            "answer_days",
            "extra_schema",
            "handling_group",
            "active",
        ]

    def clean_extra_schema(self):
        schema = self.cleaned_data["extra_schema"]
        problems = schema_check(schema)
        if problems:
            raise forms.ValidationError(problems)
        return schema


@admin.register(RequestKind)
class RequestKindAdmin(AgencyScopedAdmin):
    form = RequestKindForm
    list_display = [
        "code",
        "label_fr",
        "agency",
        "family",
        "acknowledge_days",
        "answer_days",
        "active",
    ]
    list_filter = ["family", "active"]
