"""Which layers a request may see, under which names (reads only).

Public: each layer's version public and in force (``layers.in_force``) — now,
or at the instant asked for. A planner logged in
also sees the layers of their agency's documents that are not in force yet and
each layer's newest draft, named ``<name>-draft``. Layer names are
``<agency>:<document>-<layer>``, slugified (GeoServer's workspace:layer).
"""

from __future__ import annotations

import dataclasses
import datetime
import functools

from django.contrib.gis.db.models import Extent
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.text import slugify

from accounts.permissions import editable
from core.i18n import localized
from layers.in_force import public_in_force_q, versions_in_force_q
from layers.models import Feature, Layer, LayerVersion, PlanningDocument, ZoneRule
from layers.selectors import catalogue_revision
from ows import mapcache

DRAFT_SUFFIX = "-draft"


def ncname(text: str) -> str:
    """``text`` slugified into an XML NCName (a leading digit gets ``_``)."""
    slug = slugify(text) or "_"
    return f"_{slug}" if slug[0].isdigit() or slug[0] == "-" else slug


@dataclasses.dataclass(frozen=True)
class CatalogLayer:
    """One layer as OGC services publish it: one version of one Layer."""

    layer: Layer
    version: LayerVersion
    is_draft: bool = False
    # The catalogue revision (layers.selectors.catalogue_revision) of a
    # cached public entry, which a query may check in its own round trip.
    revision: int | None = None

    @functools.cached_property
    def prefix(self) -> str:
        """The namespace prefix: the agency's code."""
        return ncname(self.layer.document.agency.code)

    @functools.cached_property
    def local_name(self) -> str:
        name = f"{slugify(self.layer.document.reference)}-{self.layer.name}"
        return ncname(name + (DRAFT_SUFFIX if self.is_draft else ""))

    @functools.cached_property
    def name(self) -> str:
        return f"{self.prefix}:{self.local_name}"

    @property
    def title(self) -> str:
        return self.layer.title

    @property
    def document(self) -> PlanningDocument:
        return self.layer.document

    @property
    def source_srid(self) -> int:
        return self.version.source_srid or self.layer.document.agency.srid

    @property
    def version_key(self) -> tuple | None:
        """The version's key in ``ows.mapcache`` (None for a draft)."""
        return mapcache.version_key(self.version)

    @functools.cached_property
    def zone_categories(self) -> dict[str, str]:
        """Zone code → category, from the rules of the layer's document."""
        return dict(
            ZoneRule.objects.filter(document_id=self.layer.document_id).values_list(
                "code", "category"
            )
        )

    @property
    def abstract(self) -> str:
        document = self.layer.document
        return f"{localized(document, 'title')} ({document.reference})"

    @property
    def keywords(self) -> tuple[str, ...]:
        """What a catalogue finds the layer by: its kind and type, its
        document's kind and its agency's code and name (in the active language)."""
        layer = self.layer
        words = [layer.get_kind_display()]
        if layer.overlay_type:
            words.append(layer.get_overlay_type_display())
        if layer.reference_type:
            words.append(layer.get_reference_type_display())
        agency = layer.document.agency
        words += [layer.document.get_kind_display(), agency.code, agency.name]
        return tuple(words)


# The public catalogue of now, per agency scope, with the state it was read
# from: every map request needs it, and building it costs more than the map.
_PUBLIC: dict[str | None, tuple[tuple, list[CatalogLayer]]] = {}


def _catalogue_state() -> tuple:
    """What the public catalogue of now is built from: the tables' revision
    and the day (documents come into force and expire by date)."""
    return (catalogue_revision(), timezone.localdate())


def catalog_layers(
    *,
    user=None,
    agency_code: str | None = None,
    at: datetime.datetime | None = None,
    checked: bool = True,
) -> list[CatalogLayer]:
    """The layers visible to ``user``, ordered agency → document → layer.

    ``at`` (None: now) picks the version in force at that instant and the
    documents in force on that day. The public catalogue of now is reused
    while the tables it is built from are unchanged; ``checked=False`` takes
    today's cached copy without asking the database, for a caller that
    checks the entries' ``revision`` in its own query (and raises
    ``CatalogueChanged`` if it moved on).
    """
    if at is None and (user is None or not user.is_authenticated):
        cached = _PUBLIC.get(agency_code)
        if not checked and cached is not None:
            revision, day = cached[0]
            if revision is not None and day == timezone.localdate():
                return list(cached[1])
        state = _catalogue_state()
        if cached is not None and cached[0] == state and state[0] is not None:
            return list(cached[1])
        entries = [
            dataclasses.replace(entry, revision=state[0])
            for entry in _catalog_layers(user=None, agency_code=agency_code, at=None)
        ]
        if entries or agency_code is None:
            _PUBLIC[agency_code] = (state, entries)
        return list(entries)
    return _catalog_layers(user=user, agency_code=agency_code, at=at)


def _catalog_layers(*, user, agency_code: str | None, at) -> list[CatalogLayer]:
    editable_layers = (
        editable(user, Layer.objects.all()) if user else Layer.objects.none()
    )
    # A planner's own layers: the version of the instant, whatever the
    # document's dates (and their drafts, below).
    versions = LayerVersion.objects.filter(
        public_in_force_q(at)
        | (versions_in_force_q(at) & Q(layer__in=editable_layers.values("pk")))
    )
    if agency_code is not None:
        versions = versions.filter(layer__document__agency__code=agency_code)
    entries = [
        CatalogLayer(layer=version.layer, version=version)
        for version in _light(versions)
    ]
    if user is not None and user.is_authenticated:
        entries += _drafts(editable_layers, agency_code)
    return sorted(entries, key=_order)


def _drafts(editable_layers, agency_code: str | None) -> list[CatalogLayer]:
    newest = (
        LayerVersion.objects.filter(
            layer__in=editable_layers.values("pk"), status=LayerVersion.Status.DRAFT
        )
        .values("layer")
        .annotate(newest=Max("number"))
    )
    drafts = LayerVersion.objects.none()
    for row in newest:
        drafts = drafts | LayerVersion.objects.filter(
            layer_id=row["layer"], number=row["newest"]
        )
    if agency_code is not None:
        drafts = drafts.filter(layer__document__agency__code=agency_code)
    return [
        CatalogLayer(layer=version.layer, version=version, is_draft=True)
        for version in _light(drafts)
    ]


def _light(versions):
    """Versions with their layer, document and agency, without the heavy
    columns (geometries are read only if a capabilities document needs them)."""
    return versions.select_related("layer__document__agency").defer(
        "report",
        "layer__document__perimeter",
        "layer__document__agency__territory",
    )


def _order(entry: CatalogLayer):
    layer = entry.layer
    return (
        layer.document.agency.code,
        layer.document.reference,
        layer.position,
        layer.name,
        entry.is_draft,
    )


def find_layers(
    names: list[str], catalog: list[CatalogLayer]
) -> list[CatalogLayer | None]:
    """The catalogue entry of each name (None when unknown), in order.

    A name without its ``agency:`` prefix is accepted when it is unambiguous.
    """
    by_name = {entry.name: entry for entry in catalog}
    by_local: dict[str, list[CatalogLayer]] = {}
    for entry in catalog:
        by_local.setdefault(entry.local_name, []).append(entry)
    found = []
    for name in names:
        entry = by_name.get(name)
        if entry is None and ":" not in name and len(by_local.get(name, [])) == 1:
            entry = by_local[name][0]
        found.append(entry)
    return found


def layer_extents(
    entries: list[CatalogLayer],
) -> dict[int, tuple[float, float, float, float]]:
    """The lon/lat extent of each entry's version, by version id (empty ones out)."""
    rows = (
        Feature.objects.filter(version__in=[entry.version.pk for entry in entries])
        .values("version")
        .annotate(extent=Extent("geom"))
    )
    return {row["version"]: row["extent"] for row in rows if row["extent"]}
