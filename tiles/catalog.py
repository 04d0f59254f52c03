"""Which tile sets exist and who may see them (reads only).

A tile set is one layer of a planning document, named like the OGC services
name it: ``<agency>:<document>-<layer>`` (slugified, stable, readable), or the
parcels of an agency, ``<agency>:parcels``. The public sees each layer's
version public and in force (``layers.in_force``) now or at the instant asked
for, and any public version by its number (history is public); the planners of
the agency (and administrators) also see drafts and documents not in force,
when logged in.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.contrib.gis.db.models import Extent
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.permissions import can_change, viewable
from core import http_cache
from core.errors import BadRequest, NotFound
from layers.in_force import (
    version_public_q,
    versions_in_force_q,
    versions_public_in_force,
)
from layers.models import Agency, Layer, LayerVersion
from parcels.models import Parcel, ParcelsRevision
from tiles import sql

# Below these zooms a tile would hold too much (benchmarks/tiles.py): a z12
# tile of a million parcels weighs 4.7 MB and takes over a second, a z14 one
# 0.3 MB; a z10 tile of 50,000 zones 1.1 MB and ~0.9 s, a z12 one 0.18 MB.
# Small layers (a few thousand features) stay cheap further out.
LAYER_MIN_ZOOM = 10
DENSE_LAYER_MIN_ZOOM = 12
DENSE_LAYER_FEATURES = 5_000
PARCELS_MIN_ZOOM = 15
MAX_ZOOM = 20
PARCELS = "parcels"


class TileSetNotFound(NotFound):
    code = "tileset_not_found"


class TileOutOfRange(NotFound):
    code = "tile_out_of_range"


@dataclasses.dataclass(frozen=True)
class TileSet:
    """One tile set as a request may see it."""

    name: str
    kind: str  # "zoning", "overlay", "reference" or "parcels"
    agency: Agency
    minzoom: int
    maxzoom: int = MAX_ZOOM
    layer: Layer | None = None
    version: LayerVersion | None = None
    parcels_stamp: str = ""
    # Whether anyone asking the same address gets the same set (and shared
    # caches may keep it): parcels, a version public and in force, or a public
    # version asked by number. What only a planner sees is not.
    public: bool = False

    @property
    def title(self) -> str:
        """The set's title in the active language."""
        return self.layer.title if self.layer is not None else _("Parcels")

    @property
    def source_layer(self) -> str:
        """The name of the layer inside the MVT (what a style refers to)."""
        return self.kind

    def etag(self, suffix: str = "") -> str:
        """A strong ETag that changes whenever the data behind the set does,
        or the code that draws it."""
        if self.kind == PARCELS:
            return http_cache.strong_etag(self.name, self.parcels_stamp, suffix)
        return http_cache.strong_etag(
            self.name, self.version.pk, self.version.status, suffix
        )

    def check_tile(self, z: int, x: int, y: int) -> None:
        """Raise TileOutOfRange unless z/x/y is a tile this set serves."""
        if not self.minzoom <= z <= self.maxzoom:
            raise TileOutOfRange(
                _("This layer is served from zoom %(min)s to %(max)s.")
                % {"min": self.minzoom, "max": self.maxzoom},
                details={"minzoom": self.minzoom, "maxzoom": self.maxzoom},
            )
        if not (0 <= x < 2**z and 0 <= y < 2**z):
            raise TileOutOfRange(_("There is no such tile."))


def _ncname(text: str) -> str:
    # The same rule as ows.catalog.ncname, so WMS/WFS and tiles share names.
    slug = slugify(text) or "_"
    return f"_{slug}" if slug[0].isdigit() or slug[0] == "-" else slug


def layer_name(layer: Layer) -> str:
    """The public name of a layer: ``<agency>:<document>-<layer>``, slugified
    as the OGC services name it (an XML NCName on each side of the colon)."""
    document = layer.document
    local = _ncname(f"{slugify(document.reference)}-{layer.name}")
    return f"{_ncname(document.agency.code)}:{local}"


def _version_for(
    *, user, layer: Layer, at: datetime.datetime | None, number: int | None
) -> tuple[LayerVersion | None, bool]:
    """The version of ``layer`` ``user`` sees, and whether the public sees it
    too; (None, False) when none."""
    # Model orderings would join documents and agencies; the pk is enough.
    if number is not None:
        versions = layer.versions.filter(number=number).order_by("pk")
        version = viewable(user, versions).first()
        public = (
            version is not None
            and versions.filter(version_public_q(), pk=version.pk).exists()
        )
        return version, public
    version = versions_public_in_force(at).filter(layer=layer).order_by("pk").first()
    if version is not None:
        return version, True
    if not can_change(user, layer):
        return None, False
    # A planner sees the version of the instant whatever the document's dates,
    # else the latest draft of a layer never published.
    version = layer.versions.filter(versions_in_force_q(at)).order_by("pk").first()
    if version is None and at is None:
        version = layer.versions.order_by("-number").first()
    return version, False


def _layer_tileset(layer: Layer, version: LayerVersion, *, public: bool) -> TileSet:
    dense = version.feature_count > DENSE_LAYER_FEATURES
    return TileSet(
        name=layer_name(layer),
        kind=layer.kind,
        agency=layer.document.agency,
        minzoom=DENSE_LAYER_MIN_ZOOM if dense else LAYER_MIN_ZOOM,
        layer=layer,
        version=version,
        public=public,
    )


def _parcels_tileset(agency: Agency) -> TileSet:
    # The agency's parcels' revision, which every statement writing them
    # bumps (parcels/0006): created, changed, retired or deleted parcels.
    revision = (
        ParcelsRevision.objects.filter(agency=agency)
        .values_list("revision", flat=True)
        .first()
    )
    return TileSet(
        name=f"{_ncname(agency.code)}:{PARCELS}",
        kind=PARCELS,
        agency=agency,
        minzoom=PARCELS_MIN_ZOOM,
        parcels_stamp=str(revision or 0),
        public=True,
    )


# Public name → layer id. Names change only when an agency code, a document
# reference or a layer name does, so a process keeps the map and rebuilds it on
# a miss; every hit is checked against the layer's current name.
_LAYER_IDS: dict[str, int] = {}


def _layers_without_geometry():
    return Layer.objects.select_related("document__agency").defer(
        "document__perimeter", "document__agency__territory"
    )


def _layer_named(name: str) -> Layer | None:
    layer_id = _LAYER_IDS.get(name)
    if layer_id is not None:
        layer = _layers_without_geometry().filter(pk=layer_id).order_by("pk").first()
        if layer is not None and layer_name(layer) == name:
            return layer
    names = {layer_name(layer): layer for layer in _layers_without_geometry()}
    _LAYER_IDS.clear()
    _LAYER_IDS.update({key: layer.pk for key, layer in names.items()})
    return names.get(name)


# Public name → tile set of its version public and in force now, as this
# process last resolved it. Each use is checked by one small primary-key query
# (``sql.version_state``, which asks the rule of ``layers.in_force`` too): a new
# publication supersedes the cached version, a renamed or withdrawn document
# changes the state, and so does a document's expiry, so a stale entry is never
# served.
_PUBLISHED: dict[str, TileSet] = {}


def _state_of(tileset: TileSet) -> tuple:
    layer = tileset.layer
    return (
        tileset.version.status,
        layer.document.status,
        layer.document.agency.code,
        layer.document.reference,
        layer.name,
        layer.kind,
        layer.overlay_type,
        layer.reference_type,
        layer.pk,
        layer.document_id,
        layer.document.agency_id,
        True,  # public and in force
    )


def cached_public_tileset(name: str) -> tuple[TileSet, tuple] | None:
    """The published tile set of ``name`` as this process last resolved it,
    and the state to check it against (``sql.version_state``) — unchecked;
    None unless there is one and the public may see it. A caller finding
    another state calls ``forget``."""
    cached = _PUBLISHED.get(name)
    if cached is None or not cached.public:
        return None
    return cached, _state_of(cached)


def forget(name: str) -> None:
    """Drop the cached tile set of ``name`` (its state changed)."""
    _PUBLISHED.pop(name, None)


def _published_tileset_named(name: str) -> TileSet | None:
    """The fast path of most tile requests: the published version of a known
    name, checked in one round trip when this process has seen it before."""
    cached = _PUBLISHED.get(name)
    if cached is not None:
        if sql.version_state(cached.version.pk) == _state_of(cached):
            return cached
        _PUBLISHED.pop(name, None)
    layer_id = _LAYER_IDS.get(name)
    if layer_id is None:
        return None
    version = (
        versions_public_in_force()
        .filter(layer_id=layer_id)
        .select_related("layer__document__agency")
        .defer(
            "report",
            "layer__document__perimeter",
            "layer__document__agency__territory",
        )
        .order_by("pk")
        .first()
    )
    if version is None or layer_name(version.layer) != name:
        return None
    tileset = _layer_tileset(version.layer, version, public=True)
    _PUBLISHED[name] = tileset
    return tileset


def tileset_get(
    name: str,
    *,
    user,
    at: datetime.datetime | None = None,
    version: int | None = None,
) -> TileSet:
    """The tile set called ``name`` as ``user`` may see it, as of ``at``.

    ``version`` asks for one version by number (drafts only for those who may
    change the layer). Raises TileSetNotFound for unknown names and for what
    the user may not see (without telling which).
    """
    unknown = TileSetNotFound(
        _("There is no layer called “%(name)s”.") % {"name": name}
    )
    agency_code, sep, rest = name.partition(":")
    if not sep or not rest:
        raise unknown
    if rest == PARCELS:
        agency = next(
            (
                agency
                for agency in Agency.objects.defer("territory")
                if _ncname(agency.code) == agency_code
            ),
            None,
        )
        if agency is None:
            raise unknown
        if version is not None:
            raise BadRequest(_("Parcels have no versions."), code="invalid_version")
        return _parcels_tileset(agency)
    if at is None and version is None:
        current = _published_tileset_named(name)
        if current is not None:
            return current
    layer = _layer_named(name)
    if layer is None:
        raise unknown
    found, public = _version_for(user=user, layer=layer, at=at, number=version)
    if found is None:
        raise unknown
    return _layer_tileset(layer, found, public=public)


def tilesets_visible(*, user, at: datetime.datetime | None = None) -> list[TileSet]:
    """Every tile set ``user`` may see as of ``at``: layers, then parcels.

    Ordered agency → document → layer drawing order, as a layer switcher shows
    them. The public gets the versions public and in force at ``at`` (now when
    None); planners also get their agency's layers whose documents are not in
    force, and drafts.
    """
    layers = _layers_without_geometry().order_by(
        "document__agency__code", "document__reference", "position", "name"
    )
    # One query for every layer's version in force, rather than one per layer.
    in_force = {
        version.layer_id: version
        for version in versions_public_in_force(at).defer("report").order_by("pk")
    }
    result: list[TileSet] = []
    for layer in layers:
        found = in_force.get(layer.pk)
        if found is not None:
            result.append(_layer_tileset(layer, found, public=True))
        elif can_change(user, layer):
            found, _public = _version_for(user=user, layer=layer, at=at, number=None)
            if found is not None:
                result.append(_layer_tileset(layer, found, public=False))
    for agency in Agency.objects.defer("territory"):
        if Parcel.objects.filter(agency=agency).exists():
            result.append(_parcels_tileset(agency))
    return result


def tileset_bounds(tileset: TileSet) -> list[float] | None:
    """The WGS 84 bounds [west, south, east, north] of the set's data, if any."""
    if tileset.kind == PARCELS:
        extent = Parcel.objects.filter(agency=tileset.agency).aggregate(
            e=Extent("geom")
        )
    else:
        extent = tileset.version.features.aggregate(e=Extent("geom"))
    return list(extent["e"]) if extent["e"] else None
