"""Bearings on the demo map: street and neighbourhood names drawn on the map,
and found by the search box, in French and in Arabic."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, tiles_settle

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LABELS = """() => Array.from(document.querySelectorAll("canvas.mvt-tile"))
  .flatMap((tile) => (tile.dataset.labels || "").split("\\n"))
  .filter(Boolean)"""


def wait_for_tiles(page) -> None:
    page.wait_for_function("() => document.body.dataset.firstLayerDrawn !== undefined")
    tiles_settle(page)


def labels_drawn(page) -> list[str]:
    wait_for_tiles(page)
    return page.evaluate(LABELS)


def choose(page, typed: str, label: str) -> None:
    page.locator("#search-input").fill(typed)
    option = (
        page.locator("#search-results")
        .get_by_role("option")
        .filter(has_text=label)
        .first
    )
    expect(option).to_be_visible()
    option.click()


def test_street_names_on_the_map_in_french_and_arabic(desktop, demo_reloaded):
    page = desktop.open("/")
    wait_for_tiles(page)
    expect(page.locator("#search-help")).to_contain_text("une rue ou un quartier")

    # A street found by its name, typed without capitals: the map goes there.
    choose(page, "ibn sina", "Rue Ibn Sina")
    expect(page.locator("#search-input")).to_have_value("Rue Ibn Sina")
    page.wait_for_function(
        "() => window.geoportailMap.getZoom() >= 15", polling=100, timeout=10_000
    )
    page.wait_for_timeout(500)  # the zoom animation, then the new tiles
    names = labels_drawn(page)
    assert "Rue Ibn Sina" in names
    screenshot(page, "bearings-desktop-fr")

    page.locator("#language-select").select_option("ar")
    page.locator(".language-switch button").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    names = labels_drawn(page)
    assert "زنقة ابن سينا" in names
    assert "Rue Ibn Sina" not in names
    expect(page.locator("#search-help")).to_contain_text("شارع أو حي")
    screenshot(page, "bearings-desktop-ar")

    # The streets are a layer of their own: hidden, their names go with them.
    streets = page.get_by_label("الشوارع والأزقة")
    expect(streets).to_be_checked()
    streets.uncheck()
    assert "زنقة ابن سينا" not in labels_drawn(page)


@pytest.mark.parametrize(
    ("language", "typed", "name", "kind"),
    [
        ("fr", "hay al andalous", "Hay Al Andalous", "Quartier ·"),
        # "الأندلس" typed with a bare alef.
        ("ar", "الاندلس", "حي الأندلس", "حي ·"),
    ],
)
def test_a_neighbourhood_is_found_and_named_on_the_map(
    desktop, demo_reloaded, language, typed, name, kind
):
    page = desktop.open("/")
    if language == "ar":
        page.locator("#language-select").select_option("ar")
        page.locator(".language-switch button").click()
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
    wait_for_tiles(page)

    page.locator("#search-input").fill(typed)
    option = page.locator("#search-results").get_by_role("option").first
    expect(option).to_contain_text(name)
    expect(option).to_contain_text(kind)  # says it is a neighbourhood
    option.click()
    page.wait_for_timeout(500)  # the zoom animation, then the new tiles

    # Named once, at its label point, whatever the tiles it covers.
    assert labels_drawn(page).count(name) == 1
    screenshot(page, f"bearings-neighbourhood-{language}")


def test_an_address_leads_to_its_parcel(desktop, demo_reloaded):
    page = desktop.open("/")
    wait_for_tiles(page)

    page.locator("#search-input").fill("3, rue ibn sina")
    option = page.locator("#search-results").get_by_role("option").first
    expect(option).to_contain_text("3, Rue Ibn Sina")
    expect(option).to_contain_text("Adresse ·")
    option.click()

    expect(page.locator("#info-title")).to_contain_text("TF")
    expect(page.locator(".zone-code").first).to_be_visible()
