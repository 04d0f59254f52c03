"""Kinds of request and answer templates in the admin, scoped to the
planner's agency."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from layers.admin import AgencyScopedAdmin
from requete.models import AnswerTemplate, RequestKind
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


class AnswerTemplateForm(forms.ModelForm):
    class Meta:
        model = AnswerTemplate
        fields = ["agency", "kind", "title", "text_fr", "text_ar", "active"]

    def clean(self):
        data = super().clean()
        kind, agency = data.get("kind"), data.get("agency")
        if kind is not None and agency is not None and kind.agency_id != agency.pk:
            self.add_error("kind", _("This kind of request is another agency's."))
        return data


@admin.register(AnswerTemplate)
class AnswerTemplateAdmin(AgencyScopedAdmin):
    form = AnswerTemplateForm
    list_display = ["title", "agency", "kind", "active"]
    list_filter = ["active"]
