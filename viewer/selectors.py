"""Reads for the map page and the document pages (no writes here)."""

from __future__ import annotations

import dataclasses
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from accounts.permissions import can_change, viewable
from layers.downloads.formats import FORMATS
from layers.in_force import (
    PUBLIC_DOCUMENT_STATUSES,
    document_public_q,
    documents_in_force_q,
)
from layers.models import (
    Agency,
    Layer,
    LayerVersion,
    PlanningDocument,
    ZoneCategory,
)
from layers.styles import overlay_swatch, palette, zone_swatch
from tiles.catalog import PARCELS, TileSet, layer_name, tilesets_visible
from tiles.style import tileset_style

NOTES_ISSUE_URL = "/api/v1/notes"


def _tile_url(tileset: TileSet) -> str:
    url = reverse("tiles:tile", args=[tileset.name, 0, 0, 0])
    url = url.replace("/0/0/0.mvt", "/{z}/{x}/{y}.mvt")
    if tileset.version is not None and tileset.version.status == "draft":
        url += f"?version={tileset.version.number}"
    return url


def _layer_entry(tileset: TileSet) -> dict:
    entry = {
        "name": tileset.name,
        "title": str(tileset.title),
        "kind": tileset.kind,
        "url": _tile_url(tileset),
        "minzoom": tileset.minzoom,
        "maxzoom": tileset.maxzoom,
        # What TileJSON says too: the page draws with the server's palette.
        "style": tileset_style(tileset),
    }
    if tileset.layer is not None:
        entry["overlay_type"] = tileset.layer.overlay_type
        entry["draft"] = tileset.version.status == LayerVersion.Status.DRAFT
        if tileset.kind == Layer.Kind.OVERLAY:
            entry["swatch"] = dataclasses.asdict(
                overlay_swatch(tileset.layer.overlay_type)
            )
    return entry


def _agency_group(agency: Agency) -> dict:
    return {
        "code": agency.code,
        "name": agency.name,
        "documents": {},
        "parcels": None,
        "documents_url": reverse("viewer:documents", args=[agency.code]),
    }


def _document_group(document: PlanningDocument) -> dict:
    return {
        "reference": document.reference,
        "title": document.title,
        "url": reverse(
            "viewer:document", args=[document.agency.code, document.reference]
        ),
        "layers": [],
    }


def map_layer_tree(*, user) -> list[dict]:
    """Agencies → documents in force → tile sets ``user`` may see.

    Every agency with a document in force is listed, even before any layer is
    published, so citizens find its documents from the map.
    """
    agencies: dict[int, dict] = {}
    in_force = (
        PlanningDocument.objects.filter(documents_in_force_q(timezone.localdate()))
        .select_related("agency")
        .defer("perimeter", "agency__territory")
        .order_by("agency__code", "-effective_date", "reference")
    )
    for document in in_force:
        group = agencies.setdefault(document.agency_id, _agency_group(document.agency))
        group["documents"][document.pk] = _document_group(document)
    for tileset in tilesets_visible(user=user):
        group = agencies.setdefault(tileset.agency.pk, _agency_group(tileset.agency))
        if tileset.kind == PARCELS:
            group["parcels"] = _layer_entry(tileset)
            continue
        document = tileset.layer.document
        doc_group = group["documents"].setdefault(
            document.pk, _document_group(document)
        )
        doc_group["layers"].append(_layer_entry(tileset))
    ordered = sorted(agencies.values(), key=lambda group: group["code"])
    return [
        {**group, "documents": list(group["documents"].values())} for group in ordered
    ]


def map_legend() -> list[dict]:
    """Zone categories with their translated label and swatch, for the legend."""
    return [
        {
            "category": category.value,
            "label": str(category.label),
            **dataclasses.asdict(zone_swatch(category.value)),
        }
        for category in ZoneCategory
    ]


def map_start_view() -> dict:
    """Where the map opens: around the agencies' territories, else the default."""
    agencies = Agency.objects.exclude(territory__isnull=True)
    extent = None
    for agency in agencies:
        west, south, east, north = agency.territory.extent
        if extent is None:
            extent = [west, south, east, north]
        else:
            extent = [
                min(extent[0], west),
                min(extent[1], south),
                max(extent[2], east),
                max(extent[3], north),
            ]
    lat, lon = settings.LEAFLET_CONFIG.get("DEFAULT_CENTER", (33.95, -6.85))
    return {
        "bounds": extent,
        "center": [lat, lon],
        "zoom": settings.LEAFLET_CONFIG.get("DEFAULT_ZOOM", 12),
    }


def map_config(*, user) -> dict:
    """Everything the map script needs, as plain data for ``json_script``."""
    return {
        "tree": map_layer_tree(user=user),
        "legend": map_legend(),
        "palette": palette(),
        "start": map_start_view(),
        "basemap": {
            "url": settings.GEOPORTAIL_BASEMAP_URL,
            "attribution": settings.GEOPORTAIL_BASEMAP_ATTRIBUTION,
        },
        "api": {
            "search": reverse("parcels:search"),
            "identify": reverse("notes:identify"),
            "compose": reverse("notes:compose"),
            # The documented address of issuing (notes' API contract).
            "notes": NOTES_ISSUE_URL,
        },
        "documentUrl": reverse("viewer:document", args=["AGENCY", "REFERENCE"]),
    }


def agency_documents(*, agency_code: str, user) -> tuple[Agency, QuerySet]:
    """The agency and its documents ``user`` may see (approved ones for the
    public; its own drafts too for a planner). Raises Http404 if unknown."""
    agency = get_object_or_404(Agency, code=agency_code)
    documents = agency.documents.all().order_by("-effective_date", "reference")
    if not can_change(user, PlanningDocument(agency=agency)):
        documents = documents.filter(document_public_q())
    return agency, documents


def document_detail(*, agency_code: str, reference: str, user) -> PlanningDocument:
    """One document with its files, layers and versions. Http404 if unknown
    or if ``user`` may not see it (a draft of another agency)."""
    versions = LayerVersion.objects.order_by("-number")
    document = get_object_or_404(
        PlanningDocument.objects.select_related("agency").prefetch_related(
            "regulation_files",
            Prefetch("layers__versions", queryset=versions),
        ),
        agency__code=agency_code,
        reference=reference,
    )
    if document.status not in PUBLIC_DOCUMENT_STATUSES and not can_change(
        user, document
    ):
        raise Http404(reference)
    return document


def document_in_force_today(document: PlanningDocument) -> bool:
    """Whether ``document`` applies today (in the portal's time zone)."""
    return document.in_force_on(timezone.localdate())


def document_layers(*, document: PlanningDocument, user) -> list[dict]:
    """Each layer of ``document`` with its public name and the versions
    ``user`` may see (drafts only for those who may change the document)."""
    drafts_visible = can_change(user, document)
    return [
        {
            "layer": layer,
            "name": layer_name(layer),
            "downloads": layer_downloads(layer=layer),
            "published": any(
                version.status == LayerVersion.Status.PUBLISHED
                for version in layer.versions.all()
            ),
            "versions": [
                version
                for version in layer.versions.all()
                if drafts_visible or version.status != LayerVersion.Status.DRAFT
            ],
        }
        for layer in document.layers.all()
    ]


def layer_detail(*, pk: int, user) -> Layer:
    """A layer ``user`` may read (of a public document, or their agency's),
    with its document and agency. Http404 otherwise."""
    layers = viewable(user, Layer.objects.select_related("document__agency"))
    return get_object_or_404(layers, pk=pk)


def layer_downloads(*, layer: Layer) -> list[dict]:
    """The download links of ``layer``'s current version, one per format."""
    address = reverse("layers:api-layer-download", args=[layer.pk])
    return [
        {"format": export, "url": f"{address}?{urlencode({'format': export.name})}"}
        for export in FORMATS.values()
    ]


def absolute_url(request: HttpRequest, path: str) -> str:
    """``path`` on the portal's public address (GEOPORTAIL_PUBLIC_URL), else
    on the address the request came to."""
    base = settings.GEOPORTAIL_PUBLIC_URL
    return base.rstrip("/") + path if base else request.build_absolute_uri(path)
