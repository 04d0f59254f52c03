"""The one palette of the portal: how zones, overlays, reference data
(streets, neighbourhoods, landmarks), parcels and zone codes are coloured.

Every reader draws from here and nowhere else: the map page (as JSON in its
configuration, ``palette()``), the map renderer and the legend graphic
(``ows.styles``, which QGIS sees; the renderer draws the note PDF's map too)
and the note's legend (``notes.pdf.mapimage``).
``tests/viewer/test_palette_readers.py`` samples each of them against this
module.

Colours are ``#rrggbb``. A fill is laid at its swatch's ``opacity`` over what
lies below (the base map, white in the note), so the colour seen inside a
feature is ``Swatch.blended(background)``; outlines and points are opaque.
"""

from __future__ import annotations

import dataclasses

from layers.models import Layer, ZoneCategory

WHITE = (255, 255, 255)

# One opacity for every zone: the map page makes the zoning layer translucent
# as a whole (its tiles' fills are opaque on the canvas, so two zoom levels
# never stack into darker bands), which takes a single figure.
ZONE_OPACITY = 0.55
# One outline for every zone: adjacent zones share their edges, and the WMS
# renderer strokes each shared edge once, in one colour (ows.render).
ZONE_OUTLINE = "#3c3c3c"
# Line overlays are stroked in their outline colour, this wide (pixels).
LINE_WIDTH = 2.5
# Point overlays are discs of their outline colour, this radius (pixels).
POINT_RADIUS = 4.0
# Zone codes (WMS at large scales, the map page from zoom 15): dark ink in a
# white halo.
LABEL_INK = "#1e1e1e"
LABEL_HALO = "#ffffff"
LABEL_HALO_OPACITY = 0.9


@dataclasses.dataclass(frozen=True)
class Swatch:
    """How one class of features is drawn: fill, outline, fill opacity and
    outline width (pixels)."""

    fill: str
    outline: str
    opacity: float = ZONE_OPACITY
    width: float = 1.0

    def fill_rgba(self) -> tuple[int, int, int, int]:
        """The fill as 8-bit RGBA, its alpha from ``opacity`` (for renderers)."""
        return (*rgb(self.fill), round(self.opacity * 255))

    def outline_rgba(self) -> tuple[int, int, int, int]:
        """The outline as opaque 8-bit RGBA."""
        return (*rgb(self.outline), 255)

    def blended(self, background: tuple[int, int, int] = WHITE) -> tuple[int, int, int]:
        """The colour seen inside a feature: the fill at ``opacity`` over an
        opaque ``background`` (readers' 8-bit arithmetic may differ by 1)."""
        alpha = self.opacity
        return tuple(
            round(fill * alpha + below * (1 - alpha))
            for fill, below in zip(rgb(self.fill), background, strict=True)
        )


def hex_colour(rgb: tuple[int, int, int]) -> str:
    """Three 8-bit integers as ``#rrggbb``."""
    return "#" + "".join(f"{value:02x}" for value in rgb)


def rgb(colour: str) -> tuple[int, int, int]:
    """``#rrggbb`` as three 8-bit integers."""
    return tuple(int(colour[index : index + 2], 16) for index in (1, 3, 5))


def rgba(colour: str, opacity: float = 1.0) -> tuple[int, int, int, int]:
    """``#rrggbb`` and an opacity as 8-bit RGBA."""
    return (*rgb(colour), round(opacity * 255))


def _zone(fill: str) -> Swatch:
    return Swatch(fill, ZONE_OUTLINE, ZONE_OPACITY)


# Colours follow the usual conventions of Moroccan and French zoning plans:
# housing in warm reds, oranges and yellows, activity in violet, facilities in
# blue, nature and farming in greens. As seen (at ZONE_OPACITY over white and
# over the map's background), every two stay at least 5 CIEDE2000 apart for
# normal vision and simulated protanopia, deuteranopia and tritanopia, and every
# zone 5 from the base map (tests/layers/test_palette_vision.py); the map also
# writes zone codes over them, so colour is never the only carrier.
ZONE_CATEGORY_SWATCHES: dict[str, Swatch] = {
    ZoneCategory.COLLECTIVE_HOUSING: _zone("#e68258"),
    ZoneCategory.VILLA: _zone("#f6a5a5"),
    ZoneCategory.INDIVIDUAL_HOUSING: _zone("#ecc431"),
    ZoneCategory.ECONOMIC_HOUSING: _zone("#f2ec17"),
    ZoneCategory.MIXED: _zone("#dc1503"),
    ZoneCategory.INDUSTRIAL: _zone("#b200eb"),
    ZoneCategory.TOURISM: _zone("#3bc4fa"),
    ZoneCategory.EQUIPMENT: _zone("#4f6ff0"),
    ZoneCategory.GREEN_SPACE: _zone("#18ab80"),
    ZoneCategory.AGRICULTURAL: _zone("#9de178"),
    ZoneCategory.NATURAL: _zone("#41a708"),
    ZoneCategory.TO_URBANISE: _zone("#ca91bb"),
    ZoneCategory.OTHER: _zone("#c4bcc5"),
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

# Reference data gives bearings under the plan: streets are lines of their
# outline colour (``width`` pixels wide), neighbourhoods an outline without
# fill, landmarks discs; each is labelled with its name (``REFERENCE_LABELS``:
# along a street, inside a neighbourhood, beside a landmark).
REFERENCE_TYPE_SWATCHES: dict[str, Swatch] = {
    # Streets drawn as areas (rights-of-way) get a pale paving colour.
    Layer.ReferenceType.STREET: Swatch("#f4f1ea", "#8d8474", 1.0, 3.0),
    Layer.ReferenceType.NEIGHBOURHOOD: Swatch("#ffffff", "#5e548e", 0.0, 1.5),
    Layer.ReferenceType.LANDMARK: Swatch("#ffffff", "#3d405b", 1.0, 1.0),
}
REFERENCE_LABELS: dict[str, str] = {
    Layer.ReferenceType.STREET: "line",
    Layer.ReferenceType.NEIGHBOURHOOD: "area",
    Layer.ReferenceType.LANDMARK: "point",
}

# Parcels (map page only): an outline, no fill.
PARCEL_SWATCH = Swatch("#ffffff", "#1d2433", 0.0, 0.8)
# Agencies' territories (map page, national scale): a light fill that tells
# where planning data exists, under the zoning's overview.
TERRITORY_SWATCH = Swatch("#0b5cad", "#0b5cad", 0.12, 2.0)


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


def reference_swatch(reference_type: str) -> Swatch:
    """The swatch of a reference type; unknown or empty types get streets'."""
    return REFERENCE_TYPE_SWATCHES.get(
        reference_type, REFERENCE_TYPE_SWATCHES[Layer.ReferenceType.STREET]
    )


def palette() -> dict:
    """The whole palette as plain data (the map page's JSON configuration)."""
    return {
        "zones": {
            str(key): dataclasses.asdict(swatch)
            for key, swatch in ZONE_CATEGORY_SWATCHES.items()
        },
        "zone_opacity": ZONE_OPACITY,
        "overlays": {
            str(key): dataclasses.asdict(swatch)
            for key, swatch in OVERLAY_TYPE_SWATCHES.items()
        },
        "references": {
            str(key): dataclasses.asdict(swatch)
            for key, swatch in REFERENCE_TYPE_SWATCHES.items()
        },
        "codes": {
            "ink": LABEL_INK,
            "halo": LABEL_HALO,
            "halo_opacity": LABEL_HALO_OPACITY,
        },
        "parcels": dataclasses.asdict(PARCEL_SWATCH),
        "territory": dataclasses.asdict(TERRITORY_SWATCH),
        "line_width": LINE_WIDTH,
        "point_radius": POINT_RADIUS,
    }
