"""The orthophoto on the map: a citizen switches the agency's aerial photo on
under the plan, in French and in Arabic."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from geoportal.demo_orthophoto import demo_orthophoto_ensure
from tests.browser.conftest import CELL, ORIGIN_LAT, ORIGIN_LON, screenshot

pytestmark = pytest.mark.browser

MAP_VIEW = f"#map=16/{ORIGIN_LAT + 0.004:.6f}/{ORIGIN_LON + CELL:.6f}"
PHOTO_TILES = "img.leaflet-tile[src*='/tiles/raster/']"


@pytest.fixture
def orthophoto(map_data):
    """The synthetic orthophoto of the demo, over the test agency's plan."""
    demo_orthophoto_ensure(map_data["agency"])


def photo_tiles_drawn(page) -> int:
    """How many orthophoto tiles the page shows, each a decoded 256-px image."""
    page.wait_for_function(
        f"""() => {{
          const tiles = [...document.querySelectorAll("{PHOTO_TILES}")];
          return tiles.length > 0 && tiles.every(t => t.complete);
        }}"""
    )
    return page.evaluate(
        f"""() => [...document.querySelectorAll("{PHOTO_TILES}")]
              .filter(t => t.naturalWidth === 256 && t.naturalHeight === 256)
              .length"""
    )


@pytest.mark.parametrize(
    ("language", "heading", "title"),
    [
        ("fr", "Photos aériennes", "Orthophoto de démonstration (synthétique)"),
        ("ar", "الصور الجوية", "صورة جوية تجريبية (اصطناعية)"),
    ],
)
def test_the_orthophoto_can_be_switched_on_under_the_plan(
    session_factory, orthophoto, language, heading, title
):
    session = session_factory(
        viewport={"width": 1280, "height": 800},
        locale="ar-MA" if language == "ar" else "fr-FR",
    )
    session.context.set_extra_http_headers({"Accept-Language": language})
    page = session.open("/" + MAP_VIEW)
    page.wait_for_function("() => document.body.dataset.firstLayerDrawn !== undefined")

    switch = page.locator(".orthophotos")
    expect(switch).to_contain_text(heading)
    assert page.locator(PHOTO_TILES).count() == 0  # off until asked for
    page.get_by_label(title, exact=False).check()

    assert photo_tiles_drawn(page) > 0
    # Under the plan: the photo's tiles are in Leaflet's tile pane, the
    # zones' canvases in their own pane above it.
    panes = page.evaluate(
        """() => [getComputedStyle(document.querySelector('.leaflet-tile-pane')).zIndex,
                  getComputedStyle(window.geoportailMap.getPane('zones')).zIndex]"""
    )
    assert int(panes[0]) < int(panes[1])
    # The switch sits on the side opposite the zoom buttons, mirrored in Arabic.
    map_box = page.locator("#map").bounding_box()
    box = switch.bounding_box()
    on_right = box["x"] + box["width"] / 2 > map_box["x"] + map_box["width"] / 2
    assert on_right == (language == "fr")
    screenshot(page, f"orthophoto-{language}")

    page.get_by_label(title, exact=False).uncheck()
    expect(page.locator(PHOTO_TILES)).to_have_count(0)
