"""Default map styles: zone colours by category, overlays by overlay type.

One style per layer kind, named ``default``. Colours are RGBA; fills are
slightly transparent so the base map reads through, outlines are darker so
adjacent zones stay distinct.
"""

from __future__ import annotations

import dataclasses

from django.utils.translation import gettext as _

from layers.models import Layer, ZoneCategory

DEFAULT_STYLE = "default"

RGBA = tuple[int, int, int, int]

ZONE_FILLS: dict[str, RGBA] = {
    ZoneCategory.COLLECTIVE_HOUSING: (228, 108, 84, 200),
    ZoneCategory.VILLA: (252, 205, 150, 200),
    ZoneCategory.INDIVIDUAL_HOUSING: (246, 168, 108, 200),
    ZoneCategory.ECONOMIC_HOUSING: (238, 146, 146, 200),
    ZoneCategory.MIXED: (196, 78, 82, 200),
    ZoneCategory.INDUSTRIAL: (166, 138, 204, 200),
    ZoneCategory.TOURISM: (236, 128, 196, 200),
    ZoneCategory.EQUIPMENT: (112, 158, 222, 200),
    ZoneCategory.GREEN_SPACE: (104, 188, 104, 200),
    ZoneCategory.AGRICULTURAL: (232, 228, 136, 200),
    ZoneCategory.NATURAL: (160, 208, 148, 200),
    ZoneCategory.TO_URBANISE: (250, 228, 178, 200),
    ZoneCategory.OTHER: (200, 200, 200, 200),
}

OVERLAY_COLOURS: dict[str, RGBA] = {
    Layer.OverlayType.ROAD_ALIGNMENT: (200, 30, 30, 255),
    Layer.OverlayType.ROAD_WIDENING: (226, 110, 0, 255),
    Layer.OverlayType.RESERVED_SITE: (40, 90, 200, 255),
    Layer.OverlayType.GREEN_SPACE: (30, 140, 50, 255),
    Layer.OverlayType.HERITAGE: (140, 80, 30, 255),
    Layer.OverlayType.RISK: (210, 20, 60, 255),
    Layer.OverlayType.EASEMENT: (120, 60, 160, 255),
    Layer.OverlayType.OTHER: (90, 90, 90, 255),
}


@dataclasses.dataclass(frozen=True)
class Style:
    """How to draw one layer: fills by category, an outline, point size."""

    title: str
    outline: RGBA
    outline_width: float
    default_fill: RGBA | None
    fills: dict[str, RGBA] = dataclasses.field(default_factory=dict)
    point_radius: float = 4.0
    labels: bool = False
    # Whether features never overlap (zoning is validated as a partition).
    partition: bool = False

    def fill(self, category: str) -> RGBA | None:
        """The fill of a feature of ``category`` (None: outline only)."""
        return self.fills.get(category, self.default_fill)

    def legend(self) -> list[tuple[str, RGBA | None]]:
        """(label, fill) entries, in the order the legend shows them."""
        if not self.fills:
            return [(self.title, self.default_fill)]
        labels = dict(ZoneCategory.choices)
        return [(str(labels.get(key, key)), fill) for key, fill in self.fills.items()]


def style_for(layer: Layer) -> Style:
    """The default style of ``layer``, by its kind and overlay type."""
    if layer.kind == Layer.Kind.ZONING:
        return Style(
            title=_("Zoning"),
            outline=(60, 60, 60, 255),
            outline_width=1.0,
            default_fill=ZONE_FILLS[ZoneCategory.OTHER],
            fills=dict(ZONE_FILLS),
            labels=True,
            partition=True,
        )
    colour = OVERLAY_COLOURS.get(layer.overlay_type, OVERLAY_COLOURS["other"])
    is_line = layer.geometry_type == Layer.GeometryType.LINE
    return Style(
        title=str(Layer.OverlayType(layer.overlay_type or "other").label),
        outline=colour,
        outline_width=2.5 if is_line else 1.5,
        default_fill=None if is_line else (*colour[:3], 70),
    )
