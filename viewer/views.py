"""The citizens' map and the pages of planning documents: thin adapters."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET

from viewer import selectors
from viewer.messages import map_messages


@ensure_csrf_cookie
@require_GET
def map_page(request: HttpRequest) -> HttpResponse:
    """The home page: the map, its search box, layer switcher and legend."""
    response = render(
        request,
        "viewer/map.html",
        {
            "config": selectors.map_config(user=request.user),
            "messages": map_messages(),
        },
    )
    if request.user.is_authenticated:
        # A planner's map lists drafts: no shared cache, nor the installable
        # app's service worker, may keep it (geoportal/webapp.py).
        patch_cache_control(response, private=True)
    return response


@require_GET
def documents(request: HttpRequest, agency: str) -> HttpResponse:
    """The planning documents of one agency."""
    found, listed = selectors.agency_documents(agency_code=agency, user=request.user)
    return render(
        request, "viewer/documents.html", {"agency": found, "documents": listed}
    )


@require_GET
def document(request: HttpRequest, agency: str, reference: str) -> HttpResponse:
    """One planning document: metadata, regulation files, layers, versions."""
    found = selectors.document_detail(
        agency_code=agency, reference=reference, user=request.user
    )
    return render(
        request,
        "viewer/document.html",
        {
            "document": found,
            "in_force": selectors.document_in_force_today(found),
            "layers": selectors.document_layers(document=found, user=request.user),
        },
    )
