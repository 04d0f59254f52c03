"""Planner pages for documents, their regulation files, layers and zone rules:
everything a planner creates without the admin. Views are adapters: parse,
call one service, render; the permission policy decides in the services and
in ``_document`` (what a planner may not read is a 404, not a 403)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.permissions import require_change, viewable, working_agencies
from layers.forms import DocumentForm, LayerForm, RegulationFileForm
from layers.models import Agency, Layer, PlanningDocument, ZoneRule
from layers.services import (
    RegulationFileRefused,
    document_save,
    layer_save,
    regulation_file_add,
    zone_rules_import,
    zone_rules_save,
)
from layers.zone_rules import NUMBER_FIELDS, ZoneRuleFormSet, rules_csv_read

RULES_CSV_MAX_BYTES = 1024 * 1024


def _document(user, pk: int) -> PlanningDocument:
    document = get_object_or_404(
        viewable(user, PlanningDocument.objects.select_related("agency")), pk=pk
    )
    require_change(user, document)
    return document


def _territories(agencies) -> dict:
    """The agencies' territories, drawn under the perimeter for bearings."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": json.loads(agency.territory.geojson),
                "properties": {"name": agency.name},
            }
            for agency in agencies
            if agency.territory
        ],
    }


def _save_document(request, form: DocumentForm) -> PlanningDocument | None:
    if not form.is_valid():
        return None
    try:
        return document_save(
            user=request.user,
            document=form.save(commit=False),
            perimeter=form.cleaned_data.get("perimeter"),
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return None


@login_required
def document_create(request: HttpRequest) -> HttpResponse:
    """A new planning document of one of the planner's agencies."""
    agencies = working_agencies(request.user, Agency.objects.all())
    if not agencies.exists():
        require_change(request.user, PlanningDocument())
    form = DocumentForm(request.POST or None, request.FILES or None, agencies=agencies)
    if request.method == "POST":
        document = _save_document(request, form)
        if document is not None:
            messages.success(request, _("The document is created."))
            return redirect("layers:document", pk=document.pk)
    return render(
        request,
        "layers/document_form.html",
        {"form": form, "territories": _territories(agencies)},
        status=400 if form.errors else 200,
    )


@login_required
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a document; its regulation files, layers and rules around."""
    document = _document(request.user, pk)
    agencies = working_agencies(request.user, Agency.objects.all())
    form = DocumentForm(
        request.POST or None,
        request.FILES or None,
        instance=document,
        agencies=agencies,
    )
    if request.method == "POST":
        if _save_document(request, form) is not None:
            messages.success(request, _("The document is saved."))
            return redirect("layers:document", pk=document.pk)
        document.refresh_from_db()
    return _document_page(request, document, form=form)


def _document_page(request, document, *, form, file_form=None) -> HttpResponse:
    return render(
        request,
        "layers/document_form.html",
        {
            "document": document,
            "form": form,
            "file_form": file_form or RegulationFileForm(prefix="regulation"),
            "files": document.regulation_files.all(),
            "layers": document.layers.all(),
            "rule_count": document.rules.count(),
            "territories": _territories([document.agency]),
        },
        status=400 if form.errors or (file_form and file_form.errors) else 200,
    )


@login_required
@require_POST
def regulation_file_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach a regulation PDF to the document."""
    document = _document(request.user, pk)
    file_form = RegulationFileForm(request.POST, request.FILES, prefix="regulation")
    if file_form.is_valid():
        data = file_form.cleaned_data
        try:
            regulation_file_add(
                user=request.user,
                document=document,
                upload=data["file"],
                title_fr=data["title_fr"],
                title_ar=data["title_ar"],
                language=data["language"],
            )
        except RegulationFileRefused as exc:
            file_form.add_error("file", exc.message)
        else:
            messages.success(request, _("The regulation file is attached."))
            return redirect("layers:document", pk=document.pk)
    form = DocumentForm(
        instance=document,
        agencies=working_agencies(request.user, Agency.objects.all()),
    )
    return _document_page(request, document, form=form, file_form=file_form)


@login_required
def layer_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A new layer of the document, then its page to upload a first version."""
    document = _document(request.user, pk)
    return _layer_form(request, Layer(document=document), created=True)


@login_required
def layer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    layer = get_object_or_404(
        viewable(request.user, Layer.objects.select_related("document__agency")),
        pk=pk,
    )
    require_change(request.user, layer)
    return _layer_form(request, layer, created=False)


def _layer_form(request, layer: Layer, *, created: bool) -> HttpResponse:
    form = LayerForm(request.POST or None, instance=layer)
    if request.method == "POST" and form.is_valid():
        try:
            layer = layer_save(user=request.user, layer=form.save(commit=False))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("The layer is created: upload its first version.")
                if created
                else _("The layer is saved."),
            )
            return redirect("layers:layer", pk=layer.pk)
    return render(
        request,
        "layers/layer_form.html",
        {"form": form, "document": layer.document, "layer": layer, "created": created},
        status=400 if form.errors else 200,
    )


@login_required
def document_rules(request: HttpRequest, pk: int) -> HttpResponse:
    """The document's zone rules as a table, and a CSV file to import."""
    document = _document(request.user, pk)
    queryset = ZoneRule.objects.filter(document=document).order_by("code")
    formset = ZoneRuleFormSet(request.POST or None, queryset=queryset)
    if request.method == "POST" and formset.is_valid():
        try:
            count = zone_rules_save(
                user=request.user,
                document=document,
                rules=formset.save(commit=False),
                deleted=formset.deleted_objects,
            )
        except ValidationError as exc:
            formset._non_form_errors = formset.error_class(exc.messages)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d rule is saved.", "%(count)d rules are saved.", count
                )
                % {"count": count},
            )
            return redirect("layers:document-rules", pk=document.pk)
    return _rules_page(request, document, formset=formset)


def _rules_page(request, document, *, formset, csv_errors=()) -> HttpResponse:
    return render(
        request,
        "layers/document_rules.html",
        {
            "document": document,
            "formset": formset,
            "number_fields": NUMBER_FIELDS,
            "csv_errors": csv_errors,
        },
        status=400 if formset.total_error_count() or csv_errors else 200,
    )


@login_required
@require_POST
def rules_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Create or update the rules from a CSV file; nothing is written when
    any cell is refused, and every refused cell is listed."""
    document = _document(request.user, pk)
    upload = request.FILES.get("file")
    formset = ZoneRuleFormSet(
        queryset=ZoneRule.objects.filter(document=document).order_by("code")
    )
    if upload is None:
        errors = [(0, "", _("Choose a CSV file."))]
        return _rules_page(request, document, formset=formset, csv_errors=errors)
    if upload.size > RULES_CSV_MAX_BYTES:
        errors = [(0, "", _("The CSV file is too large (at most 1 MB)."))]
        return _rules_page(request, document, formset=formset, csv_errors=errors)
    existing = {rule.code: rule for rule in document.rules.all()}
    found = rules_csv_read(upload.read(), existing=existing)
    if found.errors:
        return _rules_page(request, document, formset=formset, csv_errors=found.errors)
    count = zone_rules_import(user=request.user, document=document, rules=found.rules)
    messages.success(
        request,
        ngettext(
            "%(count)d rule is created or changed from the file.",
            "%(count)d rules are created or changed from the file.",
            count,
        )
        % {"count": count},
    )
    return redirect("layers:document-rules", pk=document.pk)
