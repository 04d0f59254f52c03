"""Zones carry their codes on the map (viewer/static/viewer/zonecodes.js), not
their colour alone (WCAG 2.1, 1.4.1): from zoom 15, each inside its zone, none
over another, in French and Arabic alike."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    CELL,
    ORIGIN_LAT,
    ORIGIN_LON,
    ZONES,
    screenshot,
    tiles_settle,
)

pytestmark = pytest.mark.browser

CENTRE = f"{ORIGIN_LAT + CELL:.6f}/{ORIGIN_LON + CELL:.6f}"
WRITTEN = """() => [...document.querySelectorAll('canvas.zone-codes-tile')]
  .filter((tile) => tile.dataset.codes)
  .flatMap((tile) => {
    const box = tile.getBoundingClientRect(), scale = box.width / 256;
    return JSON.parse(tile.dataset.codes).map((c) => ({
      code: c.code, x: box.left + c.x * scale, y: box.top + c.y * scale,
      width: c.width * scale, height: c.height * scale}));
  })"""
TO_PAGE = """([lon, lat]) => {
  const p = window.geoportailMap.latLngToContainerPoint([lat, lon]);
  const box = document.getElementById('map').getBoundingClientRect();
  return {x: box.left + p.x, y: box.top + p.y};
}"""


def open_at(session_factory, language: str, zoom: int):
    session = session_factory(
        viewport={"width": 1280, "height": 800},
        locale="ar-MA" if language == "ar" else "fr-FR",
    )
    session.context.set_extra_http_headers({"Accept-Language": language})
    page = session.open(f"/#map={zoom}/{CENTRE}")
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.wait_for_function("() => document.body.dataset.firstLayerDrawn !== undefined")
    page.wait_for_function(
        "() => (document.body.dataset.tilesPending || '0') === '0'", timeout=15_000
    )
    return page


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_every_zone_shows_its_code_inside_it(session_factory, map_data, language):
    page = open_at(session_factory, language, 17)
    page.wait_for_function(f"() => ({WRITTEN})().length >= {len(ZONES)}")

    written = page.evaluate(WRITTEN)

    assert {code["code"] for code in written} == {zone[0] for zone in ZONES}
    for code, _fr, _ar, _category, column, row in ZONES:
        south_west = page.evaluate(
            TO_PAGE, [ORIGIN_LON + column * CELL, ORIGIN_LAT + row * CELL]
        )
        north_east = page.evaluate(
            TO_PAGE, [ORIGIN_LON + (column + 1) * CELL, ORIGIN_LAT + (row + 1) * CELL]
        )
        for shown in (c for c in written if c["code"] == code):
            assert south_west["x"] < shown["x"] < north_east["x"], shown
            assert north_east["y"] < shown["y"] < south_west["y"], shown
    screenshot(page, f"desktop-{language}-zone-codes")


def test_codes_never_overlap_and_wait_for_readable_scales(session_factory, map_data):
    page = open_at(session_factory, "fr", 16)
    page.wait_for_function(f"() => ({WRITTEN})().length >= {len(ZONES)}")
    written = page.evaluate(WRITTEN)
    for index, first in enumerate(written):
        for second in written[index + 1 :]:
            apart_x = (
                abs(first["x"] - second["x"]) >= (first["width"] + second["width"]) / 2
            )
            apart_y = (
                abs(first["y"] - second["y"])
                >= (first["height"] + second["height"]) / 2
            )
            assert apart_x or apart_y, (first, second)

    page.evaluate("window.geoportailMap.setZoom(14)")
    page.wait_for_function("() => window.geoportailMap.getZoom() === 14")
    page.wait_for_timeout(500)  # the zoom animation, then the new tiles
    tiles_settle(page)

    assert page.evaluate(WRITTEN) == []
    # The zones themselves are drawn there, with their colours only.
    expect(page.locator("canvas.mvt-tile").first).to_be_attached()
