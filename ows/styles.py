"""The WMS styles: ``layers.styles`` (the one palette) as the renderer and
the legend graphic draw it (the renderer's also for the note PDF's map).

One style per layer kind, named ``default``: zones filled by category,
overlays by overlay type, reference data by reference type, each as RGBA
computed once per process (never per feature or per request); only the
translated titles are made per request.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping

from django.utils.translation import gettext as _

from layers import styles as palette
from layers.models import Layer, ZoneCategory

DEFAULT_STYLE = "default"

RGBA = tuple[int, int, int, int]


@dataclasses.dataclass(frozen=True)
class Style:
    """How to draw one layer: fills by category, an outline, point size."""

    title: str
    outline: RGBA
    outline_width: float
    default_fill: RGBA | None
    fills: Mapping[str, RGBA] = dataclasses.field(default_factory=dict)
    point_radius: float = palette.POINT_RADIUS
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


@functools.cache
def _zone_fills() -> dict[str, RGBA]:
    return {
        str(category): swatch.fill_rgba()
        for category, swatch in palette.ZONE_CATEGORY_SWATCHES.items()
    }


@functools.cache
def label_colours() -> tuple[RGBA, RGBA]:
    """(ink, halo) of zone codes, as RGBA."""
    return (
        palette.rgba(palette.LABEL_INK),
        palette.rgba(palette.LABEL_HALO, palette.LABEL_HALO_OPACITY),
    )


def style_for(layer: Layer) -> Style:
    """The default style of ``layer``, by its kind and overlay type."""
    if layer.kind == Layer.Kind.ZONING:
        fills = _zone_fills()
        return Style(
            title=_("Zoning"),
            outline=palette.rgba(palette.ZONE_OUTLINE),
            outline_width=palette.zone_swatch(ZoneCategory.OTHER).width,
            default_fill=fills[ZoneCategory.OTHER],
            fills=fills,
            labels=True,
            partition=True,
        )
    if layer.kind == Layer.Kind.REFERENCE:
        swatch = palette.reference_swatch(layer.reference_type)
        return Style(
            title=str(Layer.ReferenceType(layer.reference_type or "street").label),
            outline=swatch.outline_rgba(),
            outline_width=swatch.width,
            default_fill=swatch.fill_rgba() if swatch.opacity else None,
        )
    swatch = palette.overlay_swatch(layer.overlay_type)
    is_line = layer.geometry_type == Layer.GeometryType.LINE
    return Style(
        title=str(Layer.OverlayType(layer.overlay_type or "other").label),
        outline=swatch.outline_rgba(),
        outline_width=palette.LINE_WIDTH if is_line else swatch.width,
        default_fill=None if is_line else swatch.fill_rgba(),
    )
