"""What a layer's metadata says, gathered once for its page and its ISO XML.

Title, agency, approval act, dates, CRS, licence and lineage (each version the
reader may see: where it came from, when it was published and replaced), from
the layer, its document and versions. The readable page (``viewer``) and the
ISO 19115/19139 document (``layers.iso19139``) both render a ``LayerMetadata``.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.conf import settings
from django.contrib.gis.db.models import Extent

from accounts.permissions import viewable
from importing.crs import crs_name
from layers.downloads.formats import FORMATS, ExportFormat
from layers.models import STORAGE_SRID, Feature, Layer, LayerVersion


@dataclasses.dataclass(frozen=True)
class LayerMetadata:
    """A layer's metadata as one reader may see it."""

    layer: Layer
    versions: list[LayerVersion]  # newest first, drafts only for their planners
    current: LayerVersion | None  # the published version
    bbox: tuple[float, float, float, float] | None  # EPSG:4326, west south east north
    srids: tuple[int, ...]  # the CRSs downloads are offered in
    licence: str
    licence_url: str
    formats: tuple[type[ExportFormat], ...]
    updated: datetime.datetime | None

    @property
    def document(self):
        return self.layer.document

    @property
    def agency(self):
        return self.layer.document.agency

    @property
    def crs_labels(self) -> list[str]:
        """ "EPSG:26191 — Merchich / Nord Maroc" for each CRS offered."""
        return [f"EPSG:{srid} — {crs_name(srid)}" for srid in self.srids]


def layer_metadata(*, layer: Layer, user) -> LayerMetadata:
    """The metadata of ``layer`` for ``user`` (``accounts.permissions`` decides
    which versions appear)."""
    versions = list(
        viewable(user, LayerVersion.objects.filter(layer=layer))
        .select_related("restored_from")
        .order_by("-number")
    )
    current = next(
        (v for v in versions if v.status == LayerVersion.Status.PUBLISHED), None
    )
    bbox = None
    if current is not None:
        extent = Feature.objects.filter(version=current).aggregate(e=Extent("geom"))
        bbox = extent["e"]
    if bbox is None and layer.document.perimeter is not None:
        bbox = layer.document.perimeter.extent
    stamps = [v.valid_from or v.created_at for v in versions]
    return LayerMetadata(
        layer=layer,
        versions=versions,
        current=current,
        bbox=bbox,
        srids=tuple(dict.fromkeys((STORAGE_SRID, layer.document.agency.srid))),
        licence=settings.GEOPORTAIL_DATA_LICENCE,
        licence_url=settings.GEOPORTAIL_DATA_LICENCE_URL,
        formats=tuple(FORMATS.values()),
        updated=max(stamps, default=None),
    )
