"""Planner pages (logged in, own agency only). Views are adapters: parse, call one
service or selector, render. The JSON they call from the browser is layers.api."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import require_change, viewable
from core.api import json_response
from importing.errors import ImportRefused
from importing.mapping import mapping_parse
from importing.plan import ImportOptions
from importing.report import report_render
from layers import selectors
from layers.compare import version_compare
from layers.forms import PublishDespiteErrorsForm, UploadForm
from layers.models import Feature, ImportJob, Layer, LayerVersion
from layers.services import (
    ReasonRequired,
    VersionStateError,
    layer_version_publish,
    layer_version_restore,
)
from layers.tasks import (
    ImportNotRetryable,
    import_in_background,
    import_job_retry,
    import_start,
)

PREVIEW_LIMIT = 5000  # features drawn on the preview map


def _layer(user, pk: int) -> Layer:
    layer = get_object_or_404(
        viewable(user, Layer.objects.select_related("document__agency")), pk=pk
    )
    require_change(user, layer)
    return layer


def _version(user, pk: int) -> LayerVersion:
    version = get_object_or_404(
        viewable(user, LayerVersion.objects.select_related("layer__document__agency")),
        pk=pk,
    )
    require_change(user, version)
    return version


@login_required
@require_GET
def planner_home(request: HttpRequest) -> HttpResponse:
    """The documents and layers the planner may change."""
    documents = selectors.planner_documents(user=request.user)
    return render(request, "layers/planner_home.html", {"documents": documents})


@login_required
def layer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a new version (with or without JavaScript) and see the history."""
    layer = _layer(request.user, pk)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            options = _options(form)
            upload = form.cleaned_data["file"]
            background = import_in_background(
                size=upload.size, asked=form.cleaned_data["background"]
            )
            job = import_start(
                layer=layer,
                upload=upload,
                user=request.user,
                options=options,
                background=background,
            )
        except ImportRefused as exc:
            form.add_error("file", exc.message)
        else:
            if job.version_id:
                return redirect("layers:version", pk=job.version_id)
            if job.error:
                form.add_error("file", job.error)
            else:
                messages.info(
                    request,
                    _("The file is being imported in the background."),
                )
                return redirect("layers:layer", pk=layer.pk)
    return render(
        request,
        "layers/layer_detail.html",
        {
            "layer": layer,
            "form": form,
            "versions": selectors.layer_versions(layer=layer),
            "imports": layer.imports.exclude(status="done")[:5],
        },
        status=400 if form.errors else 200,
    )


def _options(form: UploadForm) -> ImportOptions:
    data = form.cleaned_data
    srs = (data.get("srs") or "").upper().removeprefix("EPSG:")
    if srs and not (srs.isascii() and srs.isdigit() and len(srs) <= 6):
        raise ImportRefused(_("The CRS must be an EPSG code, e.g. 26191."))
    return ImportOptions(
        source_layer=data.get("source_layer") or None,
        srid=int(srs) if srs else None,
        encoding=data.get("encoding") or None,
        mapping=mapping_parse(form.mapping_items()),
        comment=data.get("comment") or "",
        tolerance_m2=data.get("tolerance"),
    )


@login_required
@require_GET
def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The report with a map of its problems, the draft beside the current one."""
    version = _version(request.user, pk)
    current = selectors.version_in_force(layer=version.layer)
    report = report_render(version.report or {})
    problems = {
        "type": "FeatureCollection",
        "features": [
            feature
            for issue in report.get("issues", [])
            for feature in _issue_features(issue)
        ],
    }
    return render(
        request,
        "layers/version_detail.html",
        {
            "version": version,
            "layer": version.layer,
            "current": current,
            "report": report,
            "problems": problems,
            "can_publish": version.status == "draft" and not report.get("errors"),
            "despite_form": PublishDespiteErrorsForm(),
            "download_url": reverse(
                "layers:api-layer-download", args=[version.layer_id]
            )
            + f"?version={version.number}",
        },
    )


def _issue_features(issue: dict) -> list[dict]:
    properties = {
        "code": issue["code"],
        "severity": issue["severity"],
        "message": issue["message"],
    }
    if issue.get("geometry"):
        return [
            {"type": "Feature", "geometry": issue["geometry"], "properties": properties}
        ]
    return [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": location},
            "properties": properties,
        }
        for location in issue.get("locations", [])
    ]


@login_required
@require_GET
def version_features(request: HttpRequest, pk: int) -> HttpResponse:
    """The version's features as GeoJSON for the preview map (first 5,000)."""
    version = _version(request.user, pk)
    features = Feature.objects.filter(version=version).only(
        "code", "label_fr", "label_ar", "geom"
    )[:PREVIEW_LIMIT]
    return json_response(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": feature.geom,
                    "properties": {"code": feature.code, "label": feature.label},
                }
                for feature in features
            ],
        }
    )


@login_required
@require_GET
def version_comparison(request: HttpRequest, pk: int) -> HttpResponse:
    """What the version changes against the current one, with a map."""
    version = _version(request.user, pk)
    return _comparison_page(request, version, action="")


def _comparison_page(request, version: LayerVersion, *, action: str) -> HttpResponse:
    """The comparison page; with ``action`` ("publish", "restore"), the
    confirmation of that action under the summary."""
    current = selectors.version_in_force(layer=version.layer)
    base = (
        current if current != version else selectors.version_replaced(version=version)
    )
    comparison = version_compare(version=version, base=base)
    report = report_render(version.report or {})
    return render(
        request,
        "layers/version_compare.html",
        {
            "version": version,
            "layer": version.layer,
            "current": current,
            "base": base,
            "comparison": comparison,
            "differences": comparison.feature_collection(),
            "action": action,
            "has_errors": bool(report.get("errors")),
            "despite_form": PublishDespiteErrorsForm(
                initial={"reason": request.GET.get("reason", "")}
            ),
        },
    )


@login_required
def version_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what publishing changes, to confirm; POST: publish the draft
    (with ``despite_errors``, despite its errors, for a written reason)."""
    version = _version(request.user, pk)
    if request.method != "POST":
        return _comparison_page(request, version, action="publish")
    reason = None
    if request.POST.get("despite_errors"):
        form = PublishDespiteErrorsForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        layer_version_publish(
            version=version, published_by=request.user, despite_errors_reason=reason
        )
    except (VersionStateError, ReasonRequired) as exc:
        messages.error(request, str(exc))
        return redirect("layers:version", pk=version.pk)
    messages.success(
        request, _("Version %(number)s is published.") % {"number": version.number}
    )
    return redirect("layers:layer", pk=version.layer_id)


@login_required
def version_restore(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what rolling back to this version changes, to confirm; POST: roll
    back (a published copy of it)."""
    version = _version(request.user, pk)
    if request.method != "POST":
        return _comparison_page(request, version, action="restore")
    try:
        restored = layer_version_restore(version=version, published_by=request.user)
    except VersionStateError as exc:
        messages.error(request, str(exc))
        return redirect("layers:layer", pk=version.layer_id)
    messages.success(
        request,
        _("Version %(number)s is restored as version %(new)s.")
        % {"number": version.number, "new": restored.number},
    )
    return redirect("layers:layer", pk=version.layer_id)


@login_required
@require_POST
def import_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue an interrupted import again, back to its layer's page."""
    job = get_object_or_404(
        viewable(request.user, ImportJob.objects.select_related("layer")), pk=pk
    )
    require_change(request.user, job)
    try:
        import_job_retry(job=job)
    except ImportNotRetryable as exc:
        messages.error(request, str(exc))
    else:
        messages.info(request, _("The import was queued again."))
    return redirect("layers:layer", pk=job.layer_id)
