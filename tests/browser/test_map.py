"""The citizens' map in headless Chromium against a live server."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import expect

from layers.styles import zone_swatch
from tests.browser.conftest import (
    CELL,
    ORIGIN_LAT,
    ORIGIN_LON,
    PARCEL,
    ZONES,
    screenshot,
)

pytestmark = pytest.mark.browser

MAP_VIEW = f"#map=17/{ORIGIN_LAT + 0.0018:.6f}/{ORIGIN_LON + CELL:.6f}"


def wait_for_map(page) -> None:
    page.wait_for_function("() => document.body.dataset.firstLayerDrawn !== undefined")


TO_PIXEL = """([lon, lat]) => {
  const p = window.geoportailMap.latLngToContainerPoint([lat, lon]);
  return {x: p.x, y: p.y};
}"""


def click_lonlat(page, lon: float, lat: float) -> None:
    position = page.evaluate(TO_PIXEL, [lon, lat])
    page.locator("#map").click(position=position)


def test_home_page_is_the_map_with_its_layers(desktop, map_data):
    page = desktop.open("/")
    wait_for_map(page)

    expect(page.locator(".agency-name")).to_have_text("Agence urbaine de Rabat (essai)")
    expect(page.locator("canvas.mvt-tile").first).to_be_attached()
    expect(page.get_by_label("Zonage", exact=True)).to_be_checked()
    expect(page.locator(".legend-list li:not(.legend-overlay)")).to_have_count(13)
    # The overlays drawn have their entry too (the plan's reserved sites).
    expect(page.locator(".legend-list li.legend-overlay")).to_have_count(1)
    screenshot(page, "desktop-fr-overview")


def choose_suggestion(page, typed: str, label: str) -> None:
    search = page.locator("#search-input")
    search.fill(typed)
    option = (
        page.locator("#search-results")
        .get_by_role("option")
        .filter(has_text=label)
        .first
    )
    expect(option).to_be_visible()
    option.click()


def test_search_by_land_title_zooms_and_shows_the_zones(desktop, map_data):
    page = desktop.open("/")
    wait_for_map(page)

    choose_suggestion(page, "tf 12345/7", PARCEL)

    panel = page.locator("#info")
    expect(panel.locator("#info-title")).to_contain_text(PARCEL)
    expect(panel.locator(".zone-code")).to_have_text(["R+4", "V1"])
    expect(panel.locator(".share").first).to_contain_text("%")
    expect(panel.locator(".rules").first).to_contain_text("R+4")
    expect(panel.locator(".overlays, .hint").first).to_be_visible()
    assert page.evaluate("window.geoportailMap.getZoom()") >= 17
    expect(page).to_have_url(re.compile(r"parcel=TF%2012345%2F07"))
    screenshot(page, "desktop-fr-search")


def test_arabic_digits_in_the_search_box(desktop, map_data):
    page = desktop.open("/")

    choose_suggestion(page, "ر.ع ١٢٣٤٥/٠٧", PARCEL)

    expect(page.locator("#info-title")).to_contain_text(PARCEL)


def test_click_a_parcel_then_issue_the_note_as_pdf(desktop, map_data, tmp_path):
    page = desktop.open("/" + MAP_VIEW)
    wait_for_map(page)

    click_lonlat(page, ORIGIN_LON + CELL - 0.0001, 33.9918)

    expect(page.locator("#info-title")).to_contain_text(PARCEL)
    expect(page.locator(".zone-code")).to_have_text(["R+4", "V1"])
    issue = page.get_by_role("button", name=re.compile("note"))
    expect(issue).to_be_visible()
    screenshot(page, "desktop-fr-click")
    with page.expect_download() as download_info:
        issue.click()
    download = download_info.value
    target = tmp_path / "note.pdf"
    download.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")
    expect(page.locator("#note-status")).to_contain_text("PDF")
    screenshot(page, "desktop-fr-note-issued")


def test_permalink_reopens_the_same_view_and_parcel(desktop, map_data):
    page = desktop.open("/")
    wait_for_map(page)
    choose_suggestion(page, PARCEL, PARCEL)
    expect(page.locator(".zone-code").first).to_be_visible()
    page.evaluate("window.geoportailMap.setZoom(18)")
    page.wait_for_function("() => location.hash.startsWith('#map=18/')")
    shared = page.url
    center = page.evaluate(
        "[window.geoportailMap.getCenter().lat, window.geoportailMap.getCenter().lng]"
    )

    again = desktop.open(shared.replace(desktop.base_url, ""))

    expect(again.locator("#info-title")).to_contain_text(PARCEL)
    assert again.evaluate("window.geoportailMap.getZoom()") == 18
    reopened = again.evaluate(
        "[window.geoportailMap.getCenter().lat, window.geoportailMap.getCenter().lng]"
    )
    assert reopened == pytest.approx(center, abs=1e-5)
    assert again.url == shared


def test_arabic_switches_the_page_to_right_to_left(desktop, map_data):
    page = desktop.open("/" + MAP_VIEW)
    wait_for_map(page)
    french_panel = page.locator("#panel").bounding_box()
    map_box = page.locator("#map").bounding_box()
    assert french_panel["x"] < map_box["x"]

    page.locator("#language-select").select_option("ar")
    page.locator(".language-switch button").click()

    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    wait_for_map(page)
    # The panel moved to the right of the map, the zoom buttons too.
    panel = page.locator("#panel").bounding_box()
    map_box = page.locator("#map").bounding_box()
    assert panel["x"] > map_box["x"]
    zoom = page.locator(".leaflet-control-zoom").bounding_box()
    assert zoom["x"] > map_box["x"] + map_box["width"] / 2
    # The view survived the switch.
    assert page.evaluate("window.geoportailMap.getZoom()") == 17
    click_lonlat(page, ORIGIN_LON + CELL - 0.0001, 33.9918)
    expect(page.locator("#info-title")).to_contain_text(PARCEL)
    expect(page.locator(".agency-name")).to_have_text("الوكالة الحضرية للرباط (تجربة)")
    expect(page.locator("#issue-note")).to_be_visible()
    screenshot(page, "desktop-ar")


def test_phone_layout_at_360_by_740(phone, map_data):
    page = phone.open("/" + MAP_VIEW)
    wait_for_map(page)

    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    map_box = page.locator("#map").bounding_box()
    assert map_box["width"] == pytest.approx(360, abs=1)
    expect(page.locator("#search-input")).to_be_visible()
    screenshot(page, "phone-fr-map")

    position = page.evaluate(TO_PIXEL, [ORIGIN_LON + CELL - 0.0001, 33.9918])
    page.locator("#map").tap(position=position)
    expect(page.locator("#info-title")).to_contain_text(PARCEL)
    expect(page.locator("#issue-note")).to_be_visible()
    expect(page.locator("#locate-button")).to_be_attached()
    screenshot(page, "phone-fr-panel")


def test_keyboard_reaches_the_search_and_focus_is_visible(desktop, map_data):
    page = desktop.open("/")
    wait_for_map(page)

    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "search-input":
            break
    assert page.evaluate("document.activeElement.id") == "search-input"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.type(PARCEL)
    expect(page.locator("#search-results").get_by_role("option").first).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.locator("#info-title")).to_contain_text(PARCEL)
    # Every button and field has a name a screen reader can say.
    unnamed = page.evaluate(
        """[...document.querySelectorAll('button, input, select')]
             .filter(e => e.offsetParent !== null)
             .filter(e => !(e.labels && e.labels.length))
             .filter(e => !e.getAttribute('aria-label') && !e.textContent.trim())
             .map(e => e.outerHTML)"""
    )
    assert unnamed == []


def test_drawn_plot_gets_its_zones(desktop, map_data):
    page = desktop.open("/" + MAP_VIEW)
    wait_for_map(page)

    page.get_by_role("button", name="Dessiner une parcelle").click()
    corners = [
        (ORIGIN_LON + 0.003, ORIGIN_LAT + 0.001),
        (ORIGIN_LON + 0.0035, ORIGIN_LAT + 0.001),
        (ORIGIN_LON + 0.0035, ORIGIN_LAT + 0.0015),
    ]
    for lon, lat in corners:
        click_lonlat(page, lon, lat)
    page.locator("#map").press("Enter")

    expect(page.locator("#info-title")).to_contain_text("Parcelle dessinée")
    expect(page.locator(".zone-code")).to_have_text(["R+4"])


def test_documents_are_reachable_from_the_map(desktop, map_data):
    page = desktop.open("/")

    page.get_by_role("link", name="Tous les documents de cette agence").click()
    expect(page.locator("h1")).to_contain_text("Agence urbaine de Rabat (essai)")
    page.get_by_role("link", name="PA-RABAT-2021").click()

    expect(page.locator("h1")).to_contain_text("Plan d'aménagement de Rabat centre")
    expect(page.locator(".versions").first).to_contain_text("Publiée")
    expect(page.locator("code").first).to_have_text(
        "au-rabat-test:pa-rabat-2021-zonage"
    )


def test_print_view_keeps_the_map_legend_and_scale(desktop, map_data):
    page = desktop.open("/" + MAP_VIEW)
    wait_for_map(page)
    click_lonlat(page, ORIGIN_LON + CELL - 0.0001, 33.9918)
    expect(page.locator("#issue-note")).to_be_visible()

    page.emulate_media(media="print")

    expect(page.locator(".legend")).to_be_visible()
    expect(page.locator(".leaflet-control-scale")).to_be_visible()
    expect(page.locator(".print-title")).to_be_visible()
    expect(page.locator("#info-title")).to_contain_text(PARCEL)
    expect(page.locator("#search-form")).to_be_hidden()
    expect(page.locator(".layers")).to_be_hidden()
    screenshot(page, "desktop-fr-print")


def test_locate_me_on_a_phone_shows_the_parcel_there(session_factory, map_data):
    phone = session_factory(
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        geolocation={"latitude": 33.9918, "longitude": ORIGIN_LON + CELL - 0.0001},
        permissions=["geolocation"],
    )
    page = phone.open("/")

    page.get_by_role("button", name="Me localiser").tap()

    expect(page.locator("#info-title")).to_contain_text(PARCEL)
    assert page.evaluate("window.geoportailMap.getZoom()") == 17


def test_phone_in_arabic(session_factory, map_data):
    phone = session_factory(
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="ar-MA",
    )
    phone.context.set_extra_http_headers({"Accept-Language": "ar"})
    page = phone.open("/" + MAP_VIEW)
    wait_for_map(page)

    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    position = page.evaluate(TO_PIXEL, [ORIGIN_LON + CELL - 0.0001, 33.9918])
    page.locator("#map").tap(position=position)
    expect(page.locator("#issue-note")).to_be_visible()
    screenshot(page, "phone-ar-panel")


def test_the_page_decodes_tiles_as_the_reference_decoder_does(desktop, map_data):
    import math

    import mapbox_vector_tile

    page = desktop.open("/" + MAP_VIEW)
    wait_for_map(page)
    z = 16
    n = 2**z
    lon, lat = ORIGIN_LON + CELL, ORIGIN_LAT + CELL
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    url = f"/tiles/au-rabat-test:pa-rabat-2021-zonage/{z}/{x}/{y}.mvt"

    decoded = page.evaluate(
        """async (url) => {
          const buffer = await (await fetch(url)).arrayBuffer();
          const layer = L.MvtLayer.decode(buffer).zoning;
          return layer.features.map(f => ({id: f.id, type: f.type,
            code: f.properties.code, category: f.properties.category,
            points: f.rings.reduce((sum, ring) => sum + ring.length / 2, 0)}));
        }""",
        url,
    )
    body = page.request.get(desktop.base_url + url).body()
    reference = mapbox_vector_tile.decode(body, default_options={"y_coord_down": True})

    # The reference repeats each ring's first point; MVT itself does not.
    expected = sorted(
        (
            f["id"],
            f["properties"]["code"],
            f["properties"]["category"],
            sum(len(ring) - 1 for ring in f["geometry"]["coordinates"]),
        )
        for f in reference["zoning"]["features"]
    )
    assert len(expected) == 4
    assert (
        sorted((f["id"], f["code"], f["category"], f["points"]) for f in decoded)
        == expected
    )
    assert all(f["type"] == 3 for f in decoded)


def test_a_plot_can_be_drawn_with_the_keyboard_only(desktop, map_data):
    page = desktop.open("/" + MAP_VIEW)
    wait_for_map(page)

    draw = page.get_by_role("button", name="Dessiner une parcelle")
    draw.focus()
    page.keyboard.press("Enter")
    expect(draw).to_have_attribute("aria-pressed", "true")
    page.locator("#map").focus()
    for key in ("Space", "ArrowLeft", "Space", "ArrowUp", "Space"):
        page.keyboard.press(key)
        page.wait_for_timeout(300)  # the pan animation moves the centre
    page.keyboard.press("Enter")

    expect(page.locator("#info-title")).to_contain_text("Parcelle dessinée")
    expect(page.locator(".zone-code").first).to_be_visible()
    expect(page.locator("#issue-note")).to_be_visible()


CONTRAST = """(selectors) => {
  const rgb = (text) => text.match(/[\\d.]+/g).map(Number);
  const luminance = ([r, g, b]) => {
    const c = [r, g, b].map((v) => v / 255)
      .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const background = (element) => {
    for (let e = element; e; e = e.parentElement) {
      const color = rgb(getComputedStyle(e).backgroundColor);
      if (color.length < 4 || color[3] > 0) return color.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const ratios = [];
  for (const selector of selectors) {
    for (const element of document.querySelectorAll(selector)) {
      if (!element.offsetParent || !element.textContent.trim()) continue;
      const fg = luminance(rgb(getComputedStyle(element).color));
      const bg = luminance(background(element));
      const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
      ratios.push([selector, Math.round(ratio * 100) / 100]);
    }
  }
  return ratios;
}"""


def test_panel_and_search_text_meet_wcag_aa_contrast(desktop, map_data):
    page = desktop.open("/" + MAP_VIEW)
    wait_for_map(page)
    page.locator("#search-input").fill("TF 123")
    expect(page.locator("#search-results [role=option]").first).to_be_visible()
    click_lonlat(page, ORIGIN_LON + CELL - 0.0001, 33.9918)
    expect(page.locator("#issue-note")).to_be_visible()
    page.locator("#search-input").fill("TF 123")
    expect(page.locator("#search-results [role=option]").first).to_be_visible()

    ratios = page.evaluate(
        CONTRAST,
        [
            ".search label",
            "#search-help",
            ".suggestion-label",
            ".suggestion-detail",
            ".button",
            "#info h2",
            "#info h3",
            ".zone-head span",
            ".rule-name",
            ".rules bdi",
            "#info .hint",
            ".layer-toggle",
            ".legend-list li",
            ".status-line",
        ],
    )

    assert len(ratios) > 20
    too_low = [(selector, ratio) for selector, ratio in ratios if ratio < 4.5]
    assert too_low == []


def test_zones_show_the_palette_colours(desktop, map_data):
    # The colour inside each zone is the palette's fill at its opacity over
    # the map's plain background (no base map here): what WMS and the note
    # show over theirs (tests/viewer/test_palette_readers.py).
    background = (0xE9, 0xED, 0xF2)  # .map in map.css
    page = desktop.open("/" + MAP_VIEW)
    wait_for_map(page)
    page.wait_for_function(
        "() => (document.body.dataset.tilesPending || '0') === '0'", timeout=15_000
    )
    page.wait_for_timeout(300)  # the tiles' fade-in
    pixels = np.asarray(Image.open(io.BytesIO(page.screenshot())).convert("RGB"))
    for _code, _fr, _ar, category, column, row in ZONES:
        # Inside the zone, clear of the parcels and the overlay.
        lon = ORIGIN_LON + (column + 0.85) * CELL
        lat = ORIGIN_LAT + (row + 0.15) * CELL
        point = page.evaluate(TO_PIXEL, [lon, lat])
        box = page.locator("#map").bounding_box()
        assert 0 < point["x"] < box["width"]
        assert 0 < point["y"] < box["height"]
        x, y = round(box["x"] + point["x"]), round(box["y"] + point["y"])
        seen = tuple(int(value) for value in pixels[y, x])
        expected = zone_swatch(category).blended(background)
        assert max(abs(a - b) for a, b in zip(seen, expected, strict=True)) <= 2, (
            category,
            seen,
            expected,
        )
