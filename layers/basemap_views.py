"""Planner pages of the raster base maps (orthophotos): upload, then publish.
Views are adapters over ``layers/basemaps.py``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import editable, working_agencies
from importing.errors import ImportRefused
from layers.basemaps import (
    BaseMapNotPublishable,
    base_map_upload,
    base_map_version_publish,
)
from layers.forms import OrthophotoUploadForm
from layers.models import Agency, BaseMapVersion


@login_required
def orthophotos(request: HttpRequest) -> HttpResponse:
    """The base maps' versions the planner may change, and the upload form."""
    agencies = working_agencies(request.user, Agency.objects.order_by("code"))
    form = OrthophotoUploadForm(
        request.POST or None, request.FILES or None, agencies=agencies
    )
    if request.method == "POST" and form.is_valid():
        try:
            version = base_map_upload(
                agency=form.cleaned_data["agency"],
                name=form.cleaned_data["name"],
                title_fr=form.cleaned_data["title_fr"],
                title_ar=form.cleaned_data["title_ar"],
                upload=form.cleaned_data["file"],
                user=request.user,
            )
        except ImportRefused as exc:
            form.add_error("file", str(exc.message))
        else:
            if version.status == BaseMapVersion.Status.FAILED:
                messages.error(request, version.error)
            else:
                messages.success(
                    request,
                    _("Version %(number)s of %(name)s received: %(status)s.")
                    % {
                        "number": version.number,
                        "name": version.base_map.name,
                        "status": version.get_status_display(),
                    },
                )
            return redirect("layers:orthophotos")
    versions = editable(
        request.user,
        BaseMapVersion.objects.select_related("base_map__agency").order_by(
            "base_map__agency__code", "base_map__name", "-number"
        ),
    )
    return render(
        request, "layers/orthophotos.html", {"form": form, "versions": versions}
    )


@login_required
@require_POST
def orthophoto_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish a converted draft; the version published before is superseded."""
    version = get_object_or_404(
        editable(request.user, BaseMapVersion.objects.all()), pk=pk
    )
    try:
        base_map_version_publish(version=version, user=request.user)
    except BaseMapNotPublishable as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The base map version is published."))
    return redirect("layers:orthophotos")
