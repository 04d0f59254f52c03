"""The one palette: every category and overlay type has a colour."""

import re

from layers.models import Layer, ZoneCategory
from layers.styles import overlay_swatch, palette, zone_swatch

HEX = re.compile(r"^#[0-9a-f]{6}$")


def test_every_zone_category_and_overlay_type_has_its_own_swatch():
    zones = {zone_swatch(category).fill for category in ZoneCategory.values}
    overlays = {overlay_swatch(kind).fill for kind in Layer.OverlayType.values}

    assert len(zones) == len(ZoneCategory.values)
    assert len(overlays) == len(Layer.OverlayType.values)
    for swatch in [*map(zone_swatch, ZoneCategory.values)]:
        assert HEX.match(swatch.fill)
        assert HEX.match(swatch.outline)
        assert 0 < swatch.opacity <= 1


def test_unknown_categories_fall_back_to_other():
    assert zone_swatch("") == zone_swatch(ZoneCategory.OTHER)
    assert overlay_swatch("nonsense") == overlay_swatch(Layer.OverlayType.OTHER)


def test_renderers_get_rgba():
    swatch = zone_swatch(ZoneCategory.VILLA)

    assert swatch.fill_rgba() == (0xF6, 0xA5, 0xA5, round(swatch.opacity * 255))
    assert swatch.outline_rgba()[3] == 255
    assert set(palette()["zones"]) == set(ZoneCategory.values)
