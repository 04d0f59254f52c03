"""How a tile set is drawn: ``layers.styles`` (the one palette) shaped for a
vector-tile client.

The map page gets it with each layer of its configuration and TileJSON
carries it as ``style`` (TileJSON 3.0 asks clients to keep unknown keys for
those who want them), so both draw what WMS and the note draw. Fills are
``opacity`` over what lies below; a zoning set picks its swatch by the
feature's ``property`` (the MVT attribute), ``fallback`` when unknown.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json

from layers import styles as palette
from layers.models import Layer
from tiles.catalog import PARCELS, TileSet


def tileset_style(tileset: TileSet) -> dict:
    """The style of ``tileset`` as plain JSON data."""
    if tileset.kind == PARCELS:
        return {
            "opacity": 1.0,
            "swatch": dataclasses.asdict(palette.PARCEL_SWATCH),
        }
    if tileset.kind == Layer.Kind.ZONING:
        return {
            "opacity": palette.ZONE_OPACITY,
            "property": "category",
            "swatches": palette.palette()["zones"],
            "fallback": "other",
        }
    if tileset.kind == Layer.Kind.REFERENCE:
        reference_type = tileset.layer.reference_type
        swatch = palette.reference_swatch(reference_type)
        return {
            "opacity": 1.0,
            "swatch": dataclasses.asdict(swatch),
            "line_width": swatch.width,
            "point_radius": palette.POINT_RADIUS,
            # Names (label_fr, label_ar) drawn by the page (viewer/bearings.js).
            "labels": palette.REFERENCE_LABELS.get(reference_type, "line"),
        }
    swatch = palette.overlay_swatch(tileset.layer.overlay_type)
    return {
        "opacity": swatch.opacity,
        "swatch": dataclasses.asdict(swatch),
        "line_width": palette.LINE_WIDTH,
        "point_radius": palette.POINT_RADIUS,
    }


@functools.cache
def palette_digest() -> str:
    """A short digest of the palette, so cached styles change with it."""
    text = json.dumps(palette.palette(), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:12]
