"""The parcel's page in the browser: opened from the map's panel (a click, a
search) in French and Arabic, on a desktop and a phone (360×740), printed
without the site's chrome but with its map, and with no axe-core violation."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from requete import services
from requete.models import RequestKind
from requete.places import PlaceInput
from tests.browser.axe import AxeReport
from tests.browser.conftest import CELL, ORIGIN_LAT, ORIGIN_LON, PARCEL, screenshot
from tests.browser.test_accessibility import VIEWPORTS
from tests.browser.test_map import TO_PIXEL, choose_suggestion, wait_for_map
from tests.requete_fixtures import filing

pytestmark = pytest.mark.browser

MAP_VIEW = f"#map=17/{ORIGIN_LAT + 0.0018:.6f}/{ORIGIN_LON + CELL:.6f}"
INSIDE = [ORIGIN_LON + CELL - 0.0001, 33.9918]  # inside PARCEL
PAGE = re.compile(r"/parcels/au-rabat-test/TF12345/7/$")
PAGE_ON_A_DAY = re.compile(r"/parcels/au-rabat-test/TF12345/7/\?at=2022-06-01$")
TITLE = {"fr": "Parcelle", "ar": "قطعة أرضية"}
REQUESTS = {"fr": "Requêtes et réclamations", "ar": "الطلبات والشكايات"}


@pytest.fixture
def parcel_data(pages_data):
    """``pages_data`` (its note issued for PARCEL), and a request about it."""
    kind = RequestKind.objects.create(
        agency=pages_data["agency"],
        code="zoning-complaint",
        family=RequestKind.Family.COMPLAINT,
        label_fr="Réclamation sur le zonage",
        label_ar="شكاية حول التنطيق",
    )
    filed = services.request_file(
        filing=filing(kind, place=PlaceInput(parcel_reference=PARCEL)),
        client_address="192.0.2.10",
    )
    services.request_confirm(token=filed.confirmation_token)
    return {**pages_data, "request": filed.request.case.reference}


def reader(session_factory, language: str, device: str):
    session = session_factory(
        locale="ar-MA" if language == "ar" else "fr-FR", **VIEWPORTS[device]
    )
    session.context.set_extra_http_headers({"Accept-Language": language})
    return session


def open_from_the_panel(page, device: str, url: re.Pattern = PAGE) -> None:
    """Click (or tap) the parcel on the map, then follow the panel's link."""
    wait_for_map(page)
    position = page.evaluate(TO_PIXEL, INSIDE)
    if device == "phone":
        page.locator("#map").tap(position=position)
    else:
        page.locator("#map").click(position=position)
    expect(page.locator("#info-title")).to_contain_text(PARCEL)
    link = page.locator("#parcel-page-link")
    expect(link).to_be_visible()
    link.click()
    expect(page).to_have_url(url)


def assert_the_parcel_page(page, data: dict, language: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("html")).to_have_attribute(
        "dir", "rtl" if language == "ar" else "ltr"
    )
    expect(page.locator("h1")).to_contain_text(TITLE[language])
    expect(page.locator("h1")).to_contain_text(PARCEL)
    page.wait_for_function("() => document.body.dataset.parcelMapReady === 'true'")
    expect(page.locator("#parcel-map .leaflet-interactive").first).to_be_visible()
    expect(page.locator(".note-zones tbody tr")).to_have_count(2)
    expect(page.locator(".note-zones tbody")).to_contain_text("R+4")
    expect(page.locator("#parcel-notes")).to_contain_text(data["note"].reference)
    expect(page.locator("#parcel-requests-title")).to_have_text(REQUESTS[language])
    expect(page.locator("#parcel-requests")).to_contain_text(data["request"])
    # Public: no requester, no subject, no verification token.
    content = page.content()
    assert "Zonage de ma parcelle" not in content
    assert "amina" not in content.lower()
    assert data["note"].token not in content


@pytest.mark.parametrize("device", ["desktop", "phone"])
@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_parcel_page_opens_from_the_map_panel(
    session_factory, parcel_data, language, device
):
    session = reader(session_factory, language, device)
    page = session.open("/" + MAP_VIEW)

    open_from_the_panel(page, device)

    assert_the_parcel_page(page, parcel_data, language)
    if device == "phone":
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        map_box = page.locator("#parcel-map").bounding_box()
        assert map_box["width"] <= 360
    screenshot(page, f"parcel-page-{language}-{device}")
    report = AxeReport(f"parcel-page-{language}-{device}")
    report.check(page, "parcel page")
    report.assert_clean()


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_search_result_leads_to_the_parcel_page(
    session_factory, parcel_data, language
):
    session = reader(session_factory, language, "desktop")
    page = session.open("/")
    wait_for_map(page)

    choose_suggestion(page, "tf 12345/7", PARCEL)
    page.locator("#parcel-page-link").click()

    expect(page).to_have_url(PAGE)
    assert_the_parcel_page(page, parcel_data, language)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_printed_page_keeps_the_map_without_the_sites_chrome(
    session_factory, parcel_data, language
):
    session = reader(session_factory, language, "desktop")
    page = session.open("/parcels/au-rabat-test/TF12345/7/")
    page.wait_for_function("() => document.body.dataset.parcelMapReady === 'true'")
    expect(page.locator(".site-header")).to_be_visible()

    page.emulate_media(media="print")

    for chrome in (".site-header", ".skip-link", "#parcel-date", ".parcel-links"):
        expect(page.locator(chrome)).to_be_hidden()
    expect(page.locator(".leaflet-control-zoom")).to_be_hidden()
    expect(page.locator("#parcel-map")).to_be_visible()
    expect(page.locator("#parcel-map .leaflet-interactive").first).to_be_visible()
    expect(page.locator(".note-zones")).to_be_visible()
    expect(page.locator("#parcel-notes")).to_be_visible()
    screenshot(page, f"parcel-page-{language}-print")
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")


def test_the_date_control_shows_another_day(session_factory, parcel_data):
    session = reader(session_factory, "fr", "desktop")
    page = session.open("/parcels/au-rabat-test/TF12345/7/")

    page.locator("#parcel-date-input").fill("2021-01-01")
    page.locator("#parcel-date button[type=submit]").click()

    # Before the plan's version was published (2021-04-01): no zone.
    expect(page).to_have_url(re.compile(r"\?at=2021-01-01$"))
    expect(page.locator(".note-zones tbody tr")).to_have_count(0)
    expect(page.locator("#parcel-date-input")).to_have_value("2021-01-01")


def test_the_panels_link_keeps_the_maps_day(session_factory, parcel_data):
    session = reader(session_factory, "ar", "desktop")
    page = session.open("/?at=2022-06-01" + MAP_VIEW)

    open_from_the_panel(page, "desktop", url=PAGE_ON_A_DAY)

    expect(page.locator("#parcel-date-input")).to_have_value("2022-06-01")
    expect(page.locator(".note-zones tbody tr")).to_have_count(2)
