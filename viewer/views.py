"""The citizens' map and the pages of planning documents: thin adapters."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET

from layers.iso19139 import metadata_xml
from layers.metadata import layer_metadata as metadata_of
from viewer import selectors
from viewer.messages import map_messages
from viewer.params import InvalidMapDate, MapQuery
from viewer.territories import territories as agency_territories


@ensure_csrf_cookie
@require_GET
def map_page(request: HttpRequest) -> HttpResponse:
    """The home page: the map, its search box, layer switcher and legend.

    ``?at=YYYY-MM-DD`` shows the zoning of that day; a date that cannot be
    read shows today's, with the reason beside the date control.
    """
    try:
        query, date_error = MapQuery.parse(request.GET), ""
    except InvalidMapDate as error:
        query, date_error = MapQuery(), str(error.message)
    response = render(
        request,
        "viewer/map.html",
        {
            "config": selectors.map_config(user=request.user, day=query.day),
            "messages": map_messages(),
            "date_error": date_error,
            "orthophotos": selectors.map_orthophotos(),
        },
        status=400 if date_error else 200,
    )
    if request.user.is_authenticated:
        # A planner's map lists drafts: no shared cache, nor the installable
        # app's service worker, may keep it (geoportal/webapp.py).
        patch_cache_control(response, private=True)
    return response


@require_GET
def territories(request: HttpRequest) -> HttpResponse:
    """The agencies' territories, simplified for the national view (GeoJSON).

    The same for everyone and per catalogue revision: its ETag is the
    revision, so a browser revalidates it with one small query.
    """
    found = agency_territories()
    if request.headers.get("If-None-Match") == found.etag:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(found.geojson, content_type="application/geo+json")
    response["ETag"] = found.etag
    response["Cache-Control"] = "public, no-cache"
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


@require_GET
def layer_metadata(request: HttpRequest, pk: int) -> HttpResponse:
    """A layer's metadata, readable: title, agency, act, dates, CRS, licence,
    lineage, and its downloads."""
    layer = selectors.layer_detail(pk=pk, user=request.user)
    return render(
        request,
        "viewer/layer_metadata.html",
        {
            "metadata": metadata_of(layer=layer, user=request.user),
            "downloads": selectors.layer_downloads(layer=layer),
        },
    )


@require_GET
def layer_metadata_xml(request: HttpRequest, pk: int) -> HttpResponse:
    """The same metadata as ISO 19115/19139 XML (gmd:MD_Metadata)."""
    layer = selectors.layer_detail(pk=pk, user=request.user)
    downloads = selectors.layer_downloads(layer=layer)
    body = metadata_xml(
        metadata_of(layer=layer, user=request.user),
        page_url=selectors.absolute_url(
            request, reverse("viewer:layer-metadata", args=[pk])
        ),
        download_urls={
            entry["format"].name: selectors.absolute_url(request, entry["url"])
            for entry in downloads
        },
    )
    return HttpResponse(body, content_type="application/xml; charset=utf-8")
