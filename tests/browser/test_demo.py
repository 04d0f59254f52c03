"""The map on the demo agency (data/demo): what a citizen sees, in screenshots."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from parcels.models import Parcel
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def wait_for_map(page) -> None:
    page.wait_for_function("() => document.body.dataset.firstLayerDrawn !== undefined")


@pytest.fixture
def demo_parcel(demo_reloaded):
    """A land title of the demo agency in the zoning of its plan in force."""
    return (
        Parcel.objects.filter(agency=demo_reloaded, kind="TF")
        .order_by("reference_key")
        .first()
    )


def test_demo_parcel_found_by_its_land_title(desktop, demo_parcel):
    page = desktop.open("/")
    wait_for_map(page)
    expect(page.locator(".agency-name")).to_contain_text("Oued Zahra")
    screenshot(page, "demo-desktop-fr-overview")

    page.locator("#search-input").fill(demo_parcel.reference.lower().replace(" ", ""))
    page.locator("#search-results").get_by_role("option").filter(
        has_text=demo_parcel.reference
    ).first.click()

    expect(page.locator("#info-title")).to_contain_text(demo_parcel.reference)
    expect(page.locator(".zone-code").first).to_be_visible()
    expect(page.locator("#issue-note")).to_be_visible()
    screenshot(page, "demo-desktop-fr-parcel")

    page.locator("#language-select").select_option("ar")
    page.locator(".language-switch button").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("#info-title")).to_contain_text(demo_parcel.reference)
    expect(page.locator("#issue-note")).to_be_visible()
    screenshot(page, "demo-desktop-ar-parcel")


def test_demo_on_a_phone(phone, demo_parcel):
    page = phone.open("/")
    wait_for_map(page)
    page.locator("#search-input").fill(demo_parcel.reference)
    page.locator("#search-input").press("Enter")

    expect(page.locator("#info-title")).to_contain_text(demo_parcel.reference)
    expect(page.locator("#issue-note")).to_be_visible()
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "demo-phone-fr-map")
    page.locator("#info").scroll_into_view_if_needed()
    screenshot(page, "demo-phone-fr-panel")
