"""The citizens' map without a mouse (WCAG 2.1 AA, 2.1.1 and 2.4.3): the focused
map's crosshair and help, its keys, its zoom buttons and hint, where the focus
goes, and the two keyboard journeys — search → panel → note → PDF, and picking
a place on the map — in French and Arabic, on a desktop and a phone."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import CELL, ORIGIN_LAT, ORIGIN_LON, PARCEL, screenshot

pytestmark = pytest.mark.browser

# What each page says, in its language.
WORDS = {
    "fr": {
        "help": "Entrée ou Espace",
        "kind": "carte interactive",
        "zoom_in": "Zoom avant",
        "zoom_out": "Zoom arrière",
        "zoom_hint": "zoomez",
    },
    "ar": {
        "help": "Enter أو المسافة",
        "kind": "خريطة تفاعلية",
        "zoom_in": "تكبير",
        "zoom_out": "تصغير",
        "zoom_hint": "كبّر الخريطة",
    },
}
DEVICES = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {
        "viewport": {"width": 360, "height": 740},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}
# Zoom 17, the centre on the parcel east of PARCEL ("TF 2210/07"); two steps
# of the arrow keys (80 px, ≈ 0.00086° of longitude here) west reach PARCEL.
EAST_OF_PARCEL = f"#map=17/33.991850/{ORIGIN_LON + CELL + 0.0016:.6f}"
PARCEL_VIEW = f"#map=17/{ORIGIN_LAT + 0.0018:.6f}/{ORIGIN_LON + CELL:.6f}"


def open_map(session_factory, language: str, device: str, view: str):
    session = session_factory(
        locale="ar-MA" if language == "ar" else "fr-FR", **DEVICES[device]
    )
    session.context.set_extra_http_headers({"Accept-Language": language})
    page = session.open("/" + view)
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.wait_for_function("() => document.body.dataset.firstLayerDrawn !== undefined")
    return page


def active_id(page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.tagName")


def tab_to(page, element_id: str, *, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the element has the focus."""
    for _ in range(120):
        if active_id(page) == element_id:
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"Tab never reached #{element_id}; at {active_id(page)}")


# The map's centre in Leaflet's pixel coordinates at its zoom.
CENTRE_PIXEL = "window.geoportailMap.project(window.geoportailMap.getCenter())"


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_focused_map_shows_a_crosshair_and_says_how_to_use_it(
    session_factory, map_data, language
):
    page = open_map(session_factory, language, "desktop", PARCEL_VIEW)
    words = WORDS[language]
    map_ = page.locator("#map")
    # A widget that takes keys, called a map, keeping its label.
    expect(map_).to_have_attribute("role", "application")
    expect(map_).to_have_attribute("aria-roledescription", words["kind"])
    expect(map_).to_have_accessible_name(re.compile(r"\S"))
    expect(map_).to_have_accessible_description(re.compile(re.escape(words["help"])))
    assert page.locator("#map-help").bounding_box()["width"] <= 1

    tab_to(page, "map")

    # The help is shown over the map, the crosshair at its centre: dark ink
    # where, without it, the light zoning is.
    expect(page.locator("#map-help")).to_contain_text(words["help"])
    assert page.locator("#map-help").bounding_box()["width"] > 200
    box = map_.bounding_box()
    pixels = Image.open(io.BytesIO(page.screenshot())).convert("L")
    middle = (round(box["x"] + box["width"] / 2), round(box["y"] + box["height"] / 2))
    assert pixels.getpixel(middle) < 80
    screenshot(page, f"desktop-{language}-map-keyboard-focus")


def test_arrows_pan_by_one_step_and_plus_minus_zoom_by_one_level(
    session_factory, map_data
):
    page = open_map(session_factory, "fr", "desktop", PARCEL_VIEW)
    tab_to(page, "map")
    start = page.evaluate(CENTRE_PIXEL)

    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowUp")

    moved = page.evaluate(CENTRE_PIXEL)
    assert moved["x"] == pytest.approx(start["x"] - 160, abs=1)
    assert moved["y"] == pytest.approx(start["y"] - 80, abs=1)
    # "+" as typed on most keyboards (Shift and the "=" key): one level.
    page.keyboard.press("Shift+Equal")
    assert page.evaluate("window.geoportailMap.getZoom()") == 18
    page.keyboard.press("+")
    assert page.evaluate("window.geoportailMap.getZoom()") == 19
    page.keyboard.press("-")
    page.keyboard.press("Minus")
    assert page.evaluate("window.geoportailMap.getZoom()") == 17
    # The page itself did not scroll with the keys.
    assert page.evaluate("window.scrollY") == 0


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_zoom_buttons_speak_the_pages_language_and_take_space(
    session_factory, map_data, language
):
    page = open_map(session_factory, language, "desktop", PARCEL_VIEW)
    words = WORDS[language]
    zoom_in = page.get_by_role("button", name=words["zoom_in"], exact=True)
    zoom_out = page.get_by_role("button", name=words["zoom_out"], exact=True)
    expect(zoom_in).to_have_attribute("title", words["zoom_in"])
    expect(page.get_by_role("button", name="Zoom in")).to_have_count(0)

    zoom_in.focus()
    zoomed = "() => new Promise((done) => window.geoportailMap.once('zoomend', done))"
    page.evaluate(f"() => {{ window.zoomed = ({zoomed})(); }}")
    page.keyboard.press("Space")
    page.wait_for_function("() => window.geoportailMap.getZoom() === 18")
    # Leaflet drops a zoom asked while the last one is still animating, as a
    # reader's would be: the next key waits for the end of this one.
    page.evaluate("() => window.zoomed")
    zoom_out.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => window.geoportailMap.getZoom() === 17")
    # Space pressed a button: it did not scroll the page.
    assert page.evaluate("window.scrollY") == 0
    assert active_id(page) == "A"  # the focus stayed on the button


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_zoom_hint_is_announced_politely(session_factory, map_data, language):
    page = open_map(session_factory, language, "desktop", PARCEL_VIEW)
    hint = page.locator(".zoom-hint")
    expect(hint).to_have_attribute("role", "status")
    expect(hint).to_have_text("")

    page.evaluate("window.geoportailMap.setZoom(6)")

    expect(
        page.get_by_role("status").filter(has_text=WORDS[language]["zoom_hint"])
    ).to_have_count(1)


@pytest.mark.parametrize("device", ["desktop", "phone"])
@pytest.mark.parametrize("language", ["fr", "ar"])
def test_keyboard_journey_picking_a_place_on_the_map(
    session_factory, map_data, language, device
):
    page = open_map(session_factory, language, device, EAST_OF_PARCEL)

    tab_to(page, "map")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Enter")

    # The panel opens for the place under the crosshair, and takes the focus.
    expect(page.locator("#info-title")).to_contain_text(PARCEL)
    expect(page.locator("#issue-note")).to_be_visible()
    page.wait_for_function("() => document.activeElement.id === 'info'")
    expect(page.locator("#info-title")).to_be_in_viewport()
    screenshot(page, f"{device}-{language}-map-keyboard-pick")
    # Closing it gives the focus back to the map, which Space identifies with.
    tab_to(page, "info-close")
    page.keyboard.press("Enter")
    expect(page.locator("#info")).to_be_hidden()
    assert active_id(page) == "map"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Space")
    expect(page.locator("#info-title")).to_contain_text("TF 2210/07")


@pytest.mark.parametrize("device", ["desktop", "phone"])
@pytest.mark.parametrize("language", ["fr", "ar"])
def test_keyboard_journey_search_panel_note_and_pdf(
    session_factory, map_data, language, device, tmp_path
):
    page = open_map(session_factory, language, device, "")

    tab_to(page, "search-input")
    page.keyboard.type(PARCEL)
    expect(page.locator("#search-results [role=option]").first).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.locator("#info-title")).to_contain_text(PARCEL)
    expect(page.locator("#issue-note")).to_be_visible()
    tab_to(page, "issue-note")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    target = tmp_path / "note.pdf"
    download.value.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")

    # The focus is on the PDF's link, which the status line announces.
    page.wait_for_function("() => document.activeElement.id === 'note-pdf'")
    expect(page.locator("#note-status")).to_have_attribute("role", "status")
    expect(page.locator("#note-status")).to_contain_text("PDF")
    screenshot(page, f"{device}-{language}-note-keyboard")
    # Closing the panel gives the focus back to the search box.
    tab_to(page, "info-close", backwards=True)
    page.keyboard.press("Enter")
    expect(page.locator("#info")).to_be_hidden()
    assert active_id(page) == "search-input"


def test_closing_a_panel_that_a_link_opened_gives_the_focus_to_the_map(
    session_factory, map_data
):
    # A shared link opens the panel with nothing focused: closing it must not
    # leave the focus on <body>, where the next Tab starts from the top.
    link = PARCEL_VIEW + "&parcel=" + PARCEL.replace(" ", "%20").replace("/", "%2F")
    page = open_map(session_factory, "fr", "desktop", link)
    expect(page.locator("#info-title")).to_contain_text(PARCEL)

    tab_to(page, "info-close")
    page.keyboard.press("Enter")

    expect(page.locator("#info")).to_be_hidden()
    assert active_id(page) == "map"
