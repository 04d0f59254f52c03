"""A MapProxy configuration for the portal's WMS layers, from the layer registry.

MapProxy (a proven tile cache, run beside the web nodes) keeps the map tiles
of every layer the public's GetCapabilities lists — the layers in force and
the orthophotos — on the ``GLOBAL_WEBMERCATOR`` grid, filled on demand or by
``mapproxy-seed`` from the portal's own WMS, and serves them as WMS, TMS and
WMTS. Nothing is ever purged: each cache's name and directory carry what its
images are drawn from — the catalogue revision (``layers_catalogue_revision``,
the one the portal's ETags use) for vector layers, the published version for
an orthophoto (its publishing does not move the revision), and the release of
the code that draws them (``core.http_cache.code_version``, as the ETags) — so
a publish or a new release gives a new configuration whose caches are new,
and MapProxy reloads a changed configuration. ``--prune`` deletes the caches
no longer named, keeping those of the configuration replaced (a MapProxy not
yet reloaded).

What is in force also changes at midnight (documents come into force and
expire by date): a layer then enters or leaves the list, while a layer that
stays draws the same. Regenerating the configuration after each publish and
each midnight (or every minute: it is written only when it changes) keeps
MapProxy's list the portal's.

The configuration is YAML written as JSON (YAML 1.2 reads JSON): no YAML
library in the product.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from pathlib import Path

from core.http_cache import code_version
from layers.selectors import catalogue_revision
from ows.catalog import catalog_layers, layer_extents
from ows.metadata import service_metadata
from ows.wms.rasters import raster_layers

GRID = "GLOBAL_WEBMERCATOR"
GRID_LEVELS = 20  # MapProxy's default grids: levels 0 to 19
IMAGE_FORMAT = "image/png"


@dataclasses.dataclass(frozen=True)
class MapProxyConfig:
    """A generated configuration: its text, and what it was made from."""

    text: str
    revision: int | None
    layer_names: tuple[str, ...]
    # mapproxy-seed's configuration of those caches, when asked for.
    seed_text: str | None = None


@dataclasses.dataclass(frozen=True)
class CachedLayer:
    """One WMS layer as MapProxy keeps it."""

    name: str
    title: str
    # What its images are drawn from: "r<catalogue revision>-<release>" for
    # a vector layer, "v<version>-<release>" for an orthophoto; in its
    # cache's name and folder.
    stamp: str
    folder: Path
    # West, south, east, north in degrees (None: not read, or empty).
    extent: tuple[float, float, float, float] | None = None

    @property
    def key(self) -> str:
        """The name without its colon, which MapProxy reads in a source's name
        as ``source:layers`` (slugs hold no ``--``: no two names meet)."""
        return self.name.replace(":", "--")

    @property
    def cache(self) -> str:
        return f"{self.key}_{self.stamp}"

    @property
    def source(self) -> str:
        return f"{self.key}_wms"


def release_stamp() -> str:
    """The release of the code that draws the tiles (``code_version``),
    written with letters, digits and hyphens only: a part of a cache's name
    and folder."""
    return re.sub(r"[^0-9A-Za-z]+", "-", code_version()).strip("-")[:40] or "0"


def cached_layers(*, extents: bool) -> tuple[list[CachedLayer], int | None]:
    """The layers the public's WMS offers now, with their ``extents`` if
    asked (a pass over their features), and the catalogue revision."""
    # Read before the catalogue: a publish in between gives a newer revision
    # at the next run, hence new caches.
    revision = catalogue_revision()
    release = release_stamp()
    entries = catalog_layers(user=None)
    boxes = layer_extents(entries) if extents else {}
    layers = [
        CachedLayer(
            name=entry.name,
            title=entry.title,
            stamp=f"r{revision}-{release}",
            folder=Path(f"r{revision}-{release}", entry.prefix, entry.local_name),
            extent=boxes.get(entry.version.pk),
        )
        for entry in entries
    ]
    layers += [
        CachedLayer(
            name=raster.name,
            title=raster.title,
            stamp=f"v{raster.version}-{release}",
            folder=Path(
                "orthophotos", f"v{raster.version}-{release}", *raster.name.split(":")
            ),
            extent=raster.extent,
        )
        for raster in raster_layers().values()
    ]
    return layers, revision


def mapproxy_config_build(
    *, portal_url: str, cache_dir: Path, seed_levels: tuple[int, int] | None = None
) -> MapProxyConfig:
    """The MapProxy configuration of the layers the public's WMS offers now,
    their tiles fetched from ``portal_url``'s ``/ows`` and kept under
    ``cache_dir``; with ``seed_levels`` (first, last), also mapproxy-seed's
    configuration filling those levels of every cache over its layer's
    extent."""
    layers, revision = cached_layers(extents=seed_levels is not None)
    wms_url = portal_url.rstrip("/") + "/ows"
    sources = {
        layer.source: {
            "type": "wms",
            "req": {"url": wms_url, "layers": layer.name, "transparent": True},
            "wms_opts": {"version": "1.3.0"},
            "supported_srs": ["EPSG:3857"],
            "supported_formats": [IMAGE_FORMAT],
        }
        for layer in layers
    }
    caches = {
        layer.cache: {
            "grids": [GRID],
            "sources": [layer.source],
            "format": IMAGE_FORMAT,
            "request_format": IMAGE_FORMAT,
            # One GetMap a tile, as the map page asks them: the portal labels
            # zones across tile edges itself, its tile-aligned images are
            # what nginx's proxy_cache keeps too, and a metatile's labels
            # would fall elsewhere.
            "meta_size": [1, 1],
            "meta_buffer": 0,
            "cache": {
                "type": "file",
                "directory_layout": "tms",
                "directory": str(cache_dir / layer.folder),
            },
        }
        for layer in layers
    }
    meta = service_metadata()
    config = {
        "services": {
            "wms": {
                "md": {"title": meta.title, "abstract": meta.abstract},
                "srs": ["EPSG:3857", "EPSG:4326"],
            },
            # TMS as its specification says (origin south-west, Web
            # Mercator's level 0 of four tiles); WMTS's REST addresses are
            # the {z}/{x}/{y} of web maps.
            "tms": {"use_grid_names": True},
            "wmts": {},
        },
        "layers": [
            {"name": layer.name, "title": layer.title, "sources": [layer.cache]}
            for layer in layers
        ],
        "caches": caches,
        "sources": sources,
        "globals": {
            # RGBA PNGs as the portal draws them (MapProxy would make them
            # paletted).
            "image": {"paletted": False},
            # A tile's address stays when a publish changes it: clients and
            # caches may keep it but must ask again (max-age=0, with its ETag
            # and Last-Modified), as for the portal's own maps; MapProxy's
            # default is three days.
            "tiles": {"expires_hours": 0},
        },
    }
    return MapProxyConfig(
        text=_json(config),
        revision=revision,
        layer_names=tuple(layer.name for layer in layers),
        seed_text=None if seed_levels is None else _seed_text(layers, seed_levels),
    )


def _seed_text(layers: list[CachedLayer], levels: tuple[int, int]) -> str:
    """mapproxy-seed's configuration: one seed a layer, over its extent (a
    layer without features has nothing to seed)."""
    seeded = [layer for layer in layers if layer.extent is not None]
    return _json(
        {
            "coverages": {
                layer.key: {"bbox": list(layer.extent), "srs": "EPSG:4326"}
                for layer in seeded
            },
            "seeds": {
                layer.key: {
                    "caches": [layer.cache],
                    "coverages": [layer.key],
                    "levels": {"from": levels[0], "to": levels[1]},
                }
                for layer in seeded
            },
        }
    )


def _json(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def mapproxy_caches_prune(*, cache_dir: Path, kept: list[str]) -> list[Path]:
    """Delete the caches under ``cache_dir`` (``r<revision>-<release>``
    folders, and ``orthophotos/v<version>-<release>``) that none of the
    configurations ``kept`` (their texts) names; return them. Given the new
    configuration and the one it replaces, a MapProxy not yet reloaded keeps
    its tiles, and the caches of older revisions and releases, which nothing
    asks for any more, go."""
    named = set()
    for text in kept:
        for cache in json.loads(text)["caches"].values():
            named.add(Path(cache["cache"]["directory"]))
    stamped = [*cache_dir.glob("r*"), *(cache_dir / "orthophotos").glob("v*")]
    removed = []
    for folder in sorted(path for path in stamped if path.is_dir()):
        if not any(folder == path or folder in path.parents for path in named):
            shutil.rmtree(folder)
            removed.append(folder)
    return removed


def mapproxy_config_write(*, text: str, path: Path) -> bool:
    """Write ``text`` to ``path`` unless it holds it already (MapProxy
    reloads a configuration whose file changed); True if written. The file is
    replaced whole (a reader never sees half of it)."""
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)
    return True
