"""The zone categories of the one palette (``layers.styles``) stay apart for
readers with a colour-vision deficiency, and zones stand out from the base map.

Colours are compared as they are seen: each fill laid at its opacity over the
note's and the legend's white and over the map page's plain background
(``.map`` in viewer/static/viewer/map.css), for normal vision and simulated
protanopia, deuteranopia and tritanopia (Machado, Oliveira and Fernandes 2009,
severity 1, on linear sRGB). Differences are CIEDE2000 ΔE (CIE Lab, D65);
contrasts are WCAG 2.1 ratios. Zone codes on the map
(``viewer/static/viewer/zonecodes.js``) tell each zone too: colour is never the
only carrier.
"""

from __future__ import annotations

import itertools
import math

import pytest

from layers.models import ZoneCategory
from layers.styles import (
    LABEL_HALO,
    LABEL_HALO_OPACITY,
    LABEL_INK,
    WHITE,
    ZONE_OUTLINE,
    Swatch,
    rgb,
    zone_swatch,
)

MAP_BACKGROUND = (0xE9, 0xED, 0xF2)
BACKGROUNDS = {"white": WHITE, "map": MAP_BACKGROUND}
# Machado et al. 2009, table of severity 1.0, rows applied to linear RGB.
SIMULATIONS = {
    "normal": ((1, 0, 0), (0, 1, 0), (0, 0, 1)),
    "protanopia": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
    "deuteranopia": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
    "tritanopia": (
        (1.255528, -0.076749, -0.178779),
        (-0.078411, 0.930809, 0.147602),
        (0.004733, 0.691367, 0.303900),
    ),
}
# Two categories at least this far apart (CIEDE2000): clearly different at a
# glance, side by side; 1 is the just-noticeable difference.
MIN_CATEGORY_DIFFERENCE = 5.0
# A zone, whatever its category, this far from the base map around it.
MIN_BASE_DIFFERENCE = 5.0
# WCAG 2.1 AA: graphics (1.4.11) and text (1.4.3).
MIN_GRAPHIC_CONTRAST = 3.0
MIN_TEXT_CONTRAST = 4.5


def linear(colour: tuple[int, int, int]) -> tuple[float, ...]:
    """8-bit sRGB as linear RGB in [0, 1]."""
    return tuple(
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
        for c in (value / 255 for value in colour)
    )


def simulated(colour: tuple[int, int, int], vision: str) -> tuple[float, ...]:
    """Linear RGB of ``colour`` as seen with ``vision``, clipped to the gamut."""
    values = linear(colour)
    return tuple(
        min(1.0, max(0.0, sum(m * v for m, v in zip(row, values, strict=True))))
        for row in SIMULATIONS[vision]
    )


def lab(values: tuple[float, ...]) -> tuple[float, float, float]:
    """Linear sRGB as CIE Lab (D65)."""
    r, g, b = values
    x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047
    y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
    z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def ciede2000(first, second) -> float:
    """CIEDE2000 colour difference of two Lab colours (Sharma et al. 2005)."""
    l1, a1, b1 = first
    l2, a2, b2 = second
    mean_c = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(mean_c**7 / (mean_c**7 + 25**7)))
    a1, a2 = (1 + g) * a1, (1 + g) * a2
    c1, c2 = math.hypot(a1, b1), math.hypot(a2, b2)
    h1 = math.degrees(math.atan2(b1, a1)) % 360 if c1 else 0.0
    h2 = math.degrees(math.atan2(b2, a2)) % 360 if c2 else 0.0
    dh = 0.0 if c1 * c2 == 0 else (h2 - h1 + 180) % 360 - 180
    dl, dc = l2 - l1, c2 - c1
    big_dh = 2 * math.sqrt(c1 * c2) * math.sin(math.radians(dh / 2))
    mean_l, mean_cp = (l1 + l2) / 2, (c1 + c2) / 2
    if c1 * c2 == 0:
        mean_h = h1 + h2
    elif abs(h1 - h2) <= 180:
        mean_h = (h1 + h2) / 2
    else:
        mean_h = (h1 + h2 + (360 if h1 + h2 < 360 else -360)) / 2
    t = (
        1
        - 0.17 * math.cos(math.radians(mean_h - 30))
        + 0.24 * math.cos(math.radians(2 * mean_h))
        + 0.32 * math.cos(math.radians(3 * mean_h + 6))
        - 0.20 * math.cos(math.radians(4 * mean_h - 63))
    )
    rotation = 30 * math.exp(-(((mean_h - 275) / 25) ** 2))
    rc = 2 * math.sqrt(mean_cp**7 / (mean_cp**7 + 25**7))
    sl = 1 + 0.015 * (mean_l - 50) ** 2 / math.sqrt(20 + (mean_l - 50) ** 2)
    sc = 1 + 0.045 * mean_cp
    sh = 1 + 0.015 * mean_cp * t
    rt = -math.sin(math.radians(2 * rotation)) * rc
    return math.sqrt(
        (dl / sl) ** 2
        + (dc / sc) ** 2
        + (big_dh / sh) ** 2
        + rt * (dc / sc) * (big_dh / sh)
    )


def luminance(colour: tuple[int, int, int]) -> float:
    r, g, b = linear(colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: tuple[int, int, int], second: tuple[int, int, int]) -> float:
    """WCAG 2.1 contrast ratio."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def seen(colour: tuple[int, int, int], vision: str) -> tuple[float, float, float]:
    return lab(simulated(colour, vision))


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [  # Sharma, Wu and Dalal 2005, test data pairs 1, 7, 17 and 25.
        ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
        ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
        ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
        ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ],
)
def test_the_yardstick_is_ciede2000(first, second, expected):
    assert ciede2000(first, second) == pytest.approx(expected, abs=1e-4)
    assert ciede2000(second, first) == pytest.approx(expected, abs=1e-4)


def test_the_simulations_keep_greys_grey():
    for vision in SIMULATIONS:
        for level in (0, 96, 255):
            values = simulated((level, level, level), vision)
            assert max(values) - min(values) < 1e-3, vision


@pytest.mark.parametrize("vision", list(SIMULATIONS))
@pytest.mark.parametrize("background", list(BACKGROUNDS))
def test_every_two_zone_categories_stay_apart(vision, background):
    below = BACKGROUNDS[background]
    colours = {
        category: seen(zone_swatch(category).blended(below), vision)
        for category in ZoneCategory.values
    }

    too_close = [
        (first, second, round(ciede2000(colours[first], colours[second]), 2))
        for first, second in itertools.combinations(colours, 2)
        if ciede2000(colours[first], colours[second]) < MIN_CATEGORY_DIFFERENCE
    ]

    assert too_close == []


@pytest.mark.parametrize("vision", list(SIMULATIONS))
@pytest.mark.parametrize("background", list(BACKGROUNDS))
def test_every_zone_stands_out_from_the_base_map(vision, background):
    below = BACKGROUNDS[background]
    base = seen(below, vision)

    too_close = [
        (category, round(difference, 2))
        for category in ZoneCategory.values
        if (
            difference := ciede2000(
                seen(zone_swatch(category).blended(below), vision), base
            )
        )
        < MIN_BASE_DIFFERENCE
    ]

    assert too_close == []


@pytest.mark.parametrize("background", list(BACKGROUNDS))
def test_zone_outlines_meet_the_base_map_and_every_fill_at_3_to_1(background):
    # Where a zone meets the base map its outline is the boundary a reader
    # sees, whatever the fill's own contrast (pale yellows are ~1.1:1).
    below = BACKGROUNDS[background]
    outline = rgb(ZONE_OUTLINE)
    ratios = {"base map": contrast(outline, below)} | {
        category: contrast(outline, zone_swatch(category).blended(below))
        for category in ZoneCategory.values
    }

    assert {
        name: round(ratio, 2)
        for name, ratio in ratios.items()
        if ratio < MIN_GRAPHIC_CONTRAST
    } == {}


def test_zone_codes_read_on_their_halo_over_any_zone():
    halo = Swatch(LABEL_HALO, LABEL_HALO, LABEL_HALO_OPACITY)
    darkest = min(
        (zone_swatch(category).blended(MAP_BACKGROUND) for category in ZoneCategory),
        key=luminance,
    )

    assert contrast(rgb(LABEL_INK), halo.blended(darkest)) >= MIN_TEXT_CONTRAST
