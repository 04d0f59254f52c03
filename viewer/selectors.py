"""Reads for the map page and the document pages (no writes here)."""

from __future__ import annotations

import dataclasses
import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

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
from layers.selectors import base_maps_published
from layers.styles import overlay_swatch, palette, reference_swatch, zone_swatch
from ows.catalog import DRAFT_SUFFIX
from tiles.catalog import PARCELS, TileSet, layer_name, tilesets_visible
from tiles.style import tileset_style
from viewer.territories import territories

NOTES_ISSUE_URL = "/api/v1/notes"


def _is_draft(tileset: TileSet) -> bool:
    return (
        tileset.version is not None
        and tileset.version.status == LayerVersion.Status.DRAFT
    )


def _tile_url(tileset: TileSet, day: datetime.date | None) -> str:
    url = reverse("tiles:tile", args=[tileset.name, 0, 0, 0])
    url = url.replace("/0/0/0.mvt", "/{z}/{x}/{y}.mvt")
    if _is_draft(tileset):
        return f"{url}?version={tileset.version.number}"
    if day is not None and tileset.kind != PARCELS:
        return f"{url}?at={day.isoformat()}"
    return url


def _layer_entry(tileset: TileSet, day: datetime.date | None) -> dict:
    entry = {
        "name": tileset.name,
        # The same layer in WMS, which draws the zoning's overview (map.js).
        "wms_name": tileset.name + (DRAFT_SUFFIX if _is_draft(tileset) else ""),
        "title": str(tileset.title),
        "kind": tileset.kind,
        "url": _tile_url(tileset, day),
        "minzoom": tileset.minzoom,
        "maxzoom": tileset.maxzoom,
        # What TileJSON says too: the page draws with the server's palette.
        "style": tileset_style(tileset),
    }
    if tileset.layer is not None:
        entry["overlay_type"] = tileset.layer.overlay_type
        entry["reference_type"] = tileset.layer.reference_type
        entry["draft"] = _is_draft(tileset)
        if tileset.kind == Layer.Kind.OVERLAY:
            entry["swatch"] = dataclasses.asdict(
                overlay_swatch(tileset.layer.overlay_type)
            )
        elif tileset.kind == Layer.Kind.REFERENCE:
            entry["swatch"] = dataclasses.asdict(
                reference_swatch(tileset.layer.reference_type)
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


def _end_of(day: datetime.date) -> datetime.datetime:
    """The instant a day means to the readers: its end, in the portal's zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


def map_layer_tree(*, user, day: datetime.date | None = None) -> list[dict]:
    """Agencies → documents in force → tile sets ``user`` may see, on ``day``
    (today when None).

    Every agency with a document in force is listed, even before any layer is
    published, so citizens find its documents from the map.
    """
    agencies: dict[int, dict] = {}
    in_force = (
        PlanningDocument.objects.filter(
            documents_in_force_q(day or timezone.localdate())
        )
        .select_related("agency")
        .defer("perimeter", "agency__territory")
        .order_by("agency__code", "-effective_date", "reference")
    )
    for document in in_force:
        group = agencies.setdefault(document.agency_id, _agency_group(document.agency))
        group["documents"][document.pk] = _document_group(document)
    at = _end_of(day) if day is not None else None
    for tileset in tilesets_visible(user=user, at=at):
        group = agencies.setdefault(tileset.agency.pk, _agency_group(tileset.agency))
        if tileset.kind == PARCELS:
            group["parcels"] = _layer_entry(tileset, day)
            continue
        document = tileset.layer.document
        doc_group = group["documents"].setdefault(
            document.pk, _document_group(document)
        )
        doc_group["layers"].append(_layer_entry(tileset, day))
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


def map_overlay_legend(tree: list[dict]) -> list[dict]:
    """The overlay types drawn on the map (in ``tree``), once each, with their
    translated label and swatch: the legend's second part."""
    types: dict[str, dict] = {}
    for agency in tree:
        for document in agency["documents"]:
            for layer in document["layers"]:
                kind = layer.get("overlay_type")
                if layer["kind"] == Layer.Kind.OVERLAY and kind not in types:
                    types[kind] = {
                        "overlay_type": kind,
                        "label": str(Layer.OverlayType(kind).label),
                        **layer["swatch"],
                    }
    return list(types.values())


def map_start_view() -> dict:
    """Where the map opens: around the agencies' territories, else the default.

    The bounds come from the territories kept per catalogue revision
    (``viewer.territories``), not from the geometries at each load.
    """
    bounds = [agency["bounds"] for agency in territories().agencies]
    extent = None
    if bounds:
        extent = [
            min(box[0] for box in bounds),
            min(box[1] for box in bounds),
            max(box[2] for box in bounds),
            max(box[3] for box in bounds),
        ]
    lat, lon = settings.LEAFLET_CONFIG.get("DEFAULT_CENTER", (33.95, -6.85))
    return {
        "bounds": extent,
        "center": [lat, lon],
        "zoom": settings.LEAFLET_CONFIG.get("DEFAULT_ZOOM", 12),
    }


def map_agencies() -> list[dict]:
    """Every agency with a territory: code, names (fr, ar, en) and bounds, for
    the search box's "choose your agency" and the national view's labels."""
    return [dict(agency) for agency in territories().agencies]


def map_config(*, user, day: datetime.date | None = None) -> dict:
    """Everything the map script needs, as plain data for ``json_script``;
    ``day`` is the day whose zoning the map shows (None: today)."""
    tree = map_layer_tree(user=user, day=day)
    return {
        "tree": tree,
        "at": day.isoformat() if day is not None else "",
        "agencies": map_agencies(),
        "legend": map_legend(),
        "overlay_legend": map_overlay_legend(tree),
        "palette": palette(),
        "start": map_start_view(),
        "basemap": {
            "url": settings.GEOPORTAIL_BASEMAP_URL,
            "attribution": settings.GEOPORTAIL_BASEMAP_ATTRIBUTION,
        },
        # ows/limits.py refuses more names in one GetMap.
        "wmsMaxLayers": settings.OWS_MAX_LAYERS,
        "api": {
            "territories": reverse("viewer:territories"),
            "wms": reverse("ows:wms"),
            "search": reverse("parcels:search"),
            "identify": reverse("notes:identify"),
            "compose": reverse("notes:compose"),
            # The documented address of issuing (notes' API contract).
            "notes": NOTES_ISSUE_URL,
        },
        "documentUrl": reverse("viewer:document", args=["AGENCY", "REFERENCE"]),
        # The parcel's page (geoportal/parcel_views.py), which redirects a
        # reference as written to its canonical key.
        "parcelUrl": reverse("parcel", args=["AGENCY", "REFERENCE"]),
        # The citizen's form of requête-e (requete/citizen.py).
        "requestUrl": reverse("requete_citizen:new"),
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
    ``user`` may see (drafts only for those who may change the document),
    each as ``{"version", "status"}`` (``version_status``)."""
    drafts_visible = can_change(user, document)
    today = timezone.localdate()
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
                {"version": version, "status": version_status(version, document, today)}
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


def version_status(
    version: LayerVersion, document: PlanningDocument, today: datetime.date
) -> str:
    """A version's status as a reader needs it, in the active language.

    The current version of a document that no longer applies is still
    "published" (nothing replaced it), but does not apply either: its status
    says why and since when, or from when it will.
    """
    if version.status != LayerVersion.Status.PUBLISHED:
        return str(version.get_status_display())
    Status = PlanningDocument.Status
    ended = document.expiry_date is not None and document.expiry_date <= today
    dates = {
        "expiry": formats.date_format(document.expiry_date) if ended else "",
        "effective": formats.date_format(document.effective_date)
        if document.effective_date
        else "",
    }
    if document.status == Status.SUPERSEDED:
        if ended:
            return _("Published; the document was superseded on %(expiry)s") % dates
        return _("Published; the document was superseded")
    if document.status == Status.ANNULLED:
        return _("Published; the document was annulled")
    if ended:
        return _("Published; the document expired on %(expiry)s") % dates
    if document.status == Status.EXPIRED:
        return _("Published; the document has expired")
    approved = document.status in PlanningDocument.ONCE_APPROVED
    if approved and dates["effective"] and today < document.effective_date:
        return _("Published; in force from %(effective)s") % dates
    if document.in_force_on(today):
        return _("Published, in force")
    return str(version.get_status_display())


def map_orthophotos() -> dict:
    """The published raster base maps (orthophotos) the map offers under its
    layers — title, agency, tile address template, bounds and native zooms —
    and the heading of their switch."""
    offered = []
    for version in base_maps_published().order_by(
        "base_map__agency__code", "base_map__name"
    ):
        base_map = version.base_map
        west, south, east, north = version.extent.extent
        template = reverse(
            "tiles:raster_tile", args=[base_map.agency.code, base_map.name, 0, 0, 0]
        )
        offered.append(
            {
                "name": f"{base_map.agency.code}/{base_map.name}",
                "title": base_map.title,
                "agency": base_map.agency.name,
                "url": template.replace("/0/0/0.webp", "/{z}/{x}/{y}.webp"),
                "bounds": [[south, west], [north, east]],
                "minzoom": version.min_zoom,
                "maxzoom": version.max_zoom,
            }
        )
    return {"heading": _("Aerial photos"), "maps": offered}
