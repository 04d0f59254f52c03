"""The one palette of the portal: colours of zone categories and overlay types.

The map page (vector tiles, legend) and the OGC renderer (WMS styles, legend
graphics) both read these, so a zone looks the same in a browser and in QGIS.
Colours are ``#rrggbb``; fills are drawn semi-transparent over the base map and
outlined with the darker ``outline`` colour of the same entry.
"""

from __future__ import annotations

import dataclasses

from layers.models import Layer, ZoneCategory


@dataclasses.dataclass(frozen=True)
class Swatch:
    """How one class of features is drawn: fill, outline and fill opacity."""

    fill: str
    outline: str
    opacity: float = 0.55

    def fill_rgba(self) -> tuple[int, int, int, int]:
        """The fill as 8-bit RGBA, its alpha from ``opacity`` (for renderers)."""
        return (*_rgb(self.fill), round(self.opacity * 255))

    def outline_rgba(self) -> tuple[int, int, int, int]:
        """The outline as opaque 8-bit RGBA."""
        return (*_rgb(self.outline), 255)


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[index : index + 2], 16) for index in (1, 3, 5))


# Colours follow the usual conventions of Moroccan and French zoning plans:
# housing in warm reds/oranges, activity in violet, nature in greens.
ZONE_CATEGORY_SWATCHES: dict[str, Swatch] = {
    ZoneCategory.COLLECTIVE_HOUSING: Swatch("#e4572e", "#8c2a10"),
    ZoneCategory.VILLA: Swatch("#f6a5a5", "#a33b3b"),
    ZoneCategory.INDIVIDUAL_HOUSING: Swatch("#f7b267", "#9a5a13"),
    ZoneCategory.ECONOMIC_HOUSING: Swatch("#ffd166", "#9a7405"),
    ZoneCategory.MIXED: Swatch("#d7263d", "#7a0f1e"),
    ZoneCategory.INDUSTRIAL: Swatch("#9b5de5", "#4b1f85"),
    ZoneCategory.TOURISM: Swatch("#00bbf9", "#005f80"),
    ZoneCategory.EQUIPMENT: Swatch("#4361ee", "#1b2d8f"),
    ZoneCategory.GREEN_SPACE: Swatch("#57cc99", "#1d6b47"),
    ZoneCategory.AGRICULTURAL: Swatch("#e9f5a1", "#6f7a1c"),
    ZoneCategory.NATURAL: Swatch("#80b918", "#3b5a06"),
    ZoneCategory.TO_URBANISE: Swatch("#f9c6d9", "#8c3b5a"),
    ZoneCategory.OTHER: Swatch("#bfc5cf", "#5a6475"),
}

OVERLAY_TYPE_SWATCHES: dict[str, Swatch] = {
    Layer.OverlayType.ROAD_ALIGNMENT: Swatch("#6c757d", "#343a40", 0.7),
    Layer.OverlayType.ROAD_WIDENING: Swatch("#adb5bd", "#495057", 0.6),
    Layer.OverlayType.RESERVED_SITE: Swatch("#3a86ff", "#0b3d91", 0.35),
    Layer.OverlayType.GREEN_SPACE: Swatch("#2d6a4f", "#1b4332", 0.35),
    Layer.OverlayType.HERITAGE: Swatch("#b5838d", "#6d3b47", 0.35),
    Layer.OverlayType.RISK: Swatch("#ff006e", "#8c003c", 0.3),
    Layer.OverlayType.EASEMENT: Swatch("#fb8500", "#8a4a00", 0.3),
    Layer.OverlayType.OTHER: Swatch("#8d99ae", "#2b2d42", 0.3),
}

PARCEL_SWATCH = Swatch("#ffffff", "#1d2433", 0.0)


def zone_swatch(category: str) -> Swatch:
    """The swatch of a zone category; unknown or empty categories get OTHER's."""
    return ZONE_CATEGORY_SWATCHES.get(
        category, ZONE_CATEGORY_SWATCHES[ZoneCategory.OTHER]
    )


def overlay_swatch(overlay_type: str) -> Swatch:
    """The swatch of an overlay type; unknown or empty types get OTHER's."""
    return OVERLAY_TYPE_SWATCHES.get(
        overlay_type, OVERLAY_TYPE_SWATCHES[Layer.OverlayType.OTHER]
    )


def palette() -> dict:
    """The whole palette as plain data (for the map page's JSON configuration)."""
    return {
        "zones": {
            str(key): dataclasses.asdict(swatch)
            for key, swatch in ZONE_CATEGORY_SWATCHES.items()
        },
        "overlays": {
            str(key): dataclasses.asdict(swatch)
            for key, swatch in OVERLAY_TYPE_SWATCHES.items()
        },
        "parcels": dataclasses.asdict(PARCEL_SWATCH),
    }
