"""The agencies' territories as the map's national view draws them (reads only).

At national scale the map shows every agency's territory with its name, so it
never opens on an empty canvas. A territory may hold thousands of vertices;
drawn a few hundred pixels wide it needs a few dozen, so each is simplified
once and kept, with its bounds, for as long as the catalogue revision
(``layers.selectors.catalogue_revision``, bumped by any change to agencies)
stays the same: a page load costs that one small query, never the geometries.
"""

from __future__ import annotations

import dataclasses
import json

from core import http_cache
from layers.models import Agency
from layers.selectors import catalogue_revision

# About 200 m: under a pixel up to zoom 9, where the zoning overview and the
# vector tiles take over (viewer/static/viewer/map.js, TERRITORY_MAX_ZOOM).
SIMPLIFY_DEGREES = 0.002


@dataclasses.dataclass(frozen=True)
class Territories:
    """The territories of one catalogue revision."""

    revision: int | None
    # Per agency: code, names (fr, ar, en) and bounds [west, south, east, north].
    agencies: tuple[dict, ...]
    # A GeoJSON FeatureCollection of the simplified territories, serialised.
    geojson: bytes

    @property
    def etag(self) -> str:
        return http_cache.strong_etag("territories", self.revision)


_CACHED: list[Territories] = []


def _build(revision: int | None) -> Territories:
    agencies, features = [], []
    for agency in Agency.objects.exclude(territory__isnull=True).order_by("code"):
        entry = {
            "code": agency.code,
            "names": {"fr": agency.name_fr, "ar": agency.name_ar, "en": agency.name_en},
            "bounds": list(agency.territory.extent),
        }
        agencies.append(entry)
        simple = agency.territory.simplify(SIMPLIFY_DEGREES, preserve_topology=True)
        features.append(
            {
                "type": "Feature",
                "id": agency.code,
                "properties": entry,
                "geometry": json.loads(simple.geojson),
            }
        )
    collection = {"type": "FeatureCollection", "features": features}
    return Territories(
        revision=revision,
        agencies=tuple(agencies),
        geojson=json.dumps(collection, separators=(",", ":")).encode(),
    )


def territories() -> Territories:
    """The agencies' territories, simplified, as of the current revision.

    Rebuilt when the revision moved on (or cannot be read: then never kept).
    """
    revision = catalogue_revision()
    if _CACHED and revision is not None and _CACHED[0].revision == revision:
        return _CACHED[0]
    built = _build(revision)
    _CACHED[:] = [built] if revision is not None else []
    return built
