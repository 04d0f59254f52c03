"""The map follows the parcel the citizen chose, in French and Arabic.

Beside the plan of ``map_data``, a mother parcel TF 88006/07 not yet retired
after its subdivision holds its daughter TF 88007/07, registered after it. The
search box, a choice among the parcels of a click, the permalink and the note
must all be about the parcel chosen — not the first registered at a point of
it, which is what identifying again at the result's anchor gave.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from layers.models import Agency
from parcels.models import Parcel
from parcels.references import ParcelReference
from tests.browser.axe import AxeReport
from tests.browser.conftest import rectangle, screenshot
from tests.browser.test_map import TO_PIXEL, choose_suggestion, wait_for_map
from tests.notes.test_pdf import pdf_text

pytestmark = pytest.mark.browser

MOTHER, DAUGHTER = "TF 88006/07", "TF 88007/07"
# Inside the daughter, hence inside the mother too.
OVERLAP = (-6.84815, 33.99565)
VIEW = f"#map=18/{OVERLAP[1]:.6f}/{OVERLAP[0]:.6f}"
# What each language calls the choice among overlapping parcels.
CHOICE = {"fr": "2 parcelles", "ar": "قطعتان"}


@pytest.fixture
def overlapping(map_data):
    agency = map_data["agency"]
    for text, geom in (
        (MOTHER, rectangle(-6.8490, 33.9950, -6.8470, 33.9965)),
        (DAUGHTER, rectangle(-6.8485, 33.9953, -6.8478, 33.9960)),
    ):
        reference = ParcelReference.parse(text)
        Parcel.objects.create(
            agency=agency,
            kind=reference.kind,
            reference=reference.display,
            reference_key=reference.key,
            geom=geom,
        )
    return agency


@pytest.fixture(params=["fr", "ar"])
def citizen(request, session_factory):
    """A desktop browser whose reader asks for the page in French or Arabic."""
    language = request.param
    session = session_factory(
        viewport={"width": 1280, "height": 800},
        locale="ar-MA" if language == "ar" else "fr-FR",
    )
    session.context.set_extra_http_headers({"Accept-Language": language})
    session.language = language
    return session


def agency_name(agency, citizen) -> str:
    """The agency's name as the citizen's page writes it."""
    return agency.name_ar if citizen.language == "ar" else agency.name_fr


def test_search_then_note_are_about_the_parcel_chosen(citizen, overlapping, tmp_path):
    page = citizen.open("/")
    wait_for_map(page)

    choose_suggestion(page, DAUGHTER, DAUGHTER)

    name = agency_name(overlapping, citizen)
    panel = page.locator("#info")
    expect(panel.locator("#info-title")).to_contain_text(DAUGHTER)
    expect(panel.locator(".parcel-agency")).to_contain_text(name)
    expect(panel.locator(".zone-code")).to_have_text(["EQ"])
    expect(page).to_have_url(
        re.compile(r"agency=au-rabat-test&parcel=TF%2088007%2F07$")
    )
    with page.expect_download() as download:
        page.locator("#issue-note").click()
    target = tmp_path / "note.pdf"
    download.value.save_as(target)
    text = pdf_text(target.read_bytes())
    assert DAUGHTER in text
    assert MOTHER not in text
    verification = page.locator("#note-status a").last.get_attribute("href")
    checked = citizen.open(verification.replace(citizen.base_url, ""))
    # document-e's verification page: the note's land and issuing agency.
    facts = checked.locator("main article")
    expect(facts).to_contain_text(DAUGHTER)
    expect(facts).to_contain_text(name)
    expect(checked.locator("main")).not_to_contain_text(MOTHER)
    screenshot(page, f"desktop-{citizen.language}-identity-search-note")


def test_a_click_on_overlapping_parcels_lets_the_citizen_choose(citizen, overlapping):
    page = citizen.open("/" + VIEW)
    wait_for_map(page)

    position = page.evaluate(TO_PIXEL, list(OVERLAP))
    page.locator("#map").click(position=position)

    choice = page.locator("#info ul.parcel-choice")
    expect(choice).to_have_accessible_name(re.compile(CHOICE[citizen.language]))
    buttons = choice.get_by_role("button")
    expect(buttons).to_have_count(2)
    expect(buttons.first).to_have_accessible_name(re.compile(MOTHER))
    expect(page.locator("#issue-note")).to_have_count(0)
    screenshot(page, f"desktop-{citizen.language}-identity-choice")
    # The choice is a state of the map page: axe-core's bar holds there too.
    report = AxeReport(f"identity-choice-{citizen.language}-desktop")
    report.check(page, "several parcels: the choice")
    report.assert_clean()
    # The keyboard alone chooses: the daughter's button, then Enter.
    buttons.nth(1).focus()
    page.keyboard.press("Enter")

    expect(page.locator("#info-title")).to_contain_text(DAUGHTER)
    expect(page.locator("#issue-note")).to_be_visible()
    expect(page).to_have_url(re.compile(r"parcel=TF%2088007%2F07"))


def test_the_permalink_reopens_the_parcel_chosen(citizen, overlapping):
    page = citizen.open("/")
    wait_for_map(page)
    choose_suggestion(page, DAUGHTER, DAUGHTER)
    expect(page.locator(".zone-code").first).to_be_visible()
    shared = page.url

    again = citizen.open(shared.replace(citizen.base_url, ""))

    expect(again.locator("#info-title")).to_contain_text(DAUGHTER)
    name = agency_name(overlapping, citizen)
    expect(again.locator(".parcel-agency")).to_contain_text(name)
    expect(again.locator("#issue-note")).to_be_visible()
    assert again.url == shared
    # A link naming the parcel without its view zooms to it.
    bare = citizen.open("/#agency=au-rabat-test&parcel=TF%2088007%2F07")
    expect(bare.locator("#info-title")).to_contain_text(DAUGHTER)
    bare.wait_for_function("() => window.geoportailMap.getZoom() >= 17")


def test_an_old_link_of_a_reference_two_agencies_hold_offers_both(citizen, overlapping):
    # A link made before links named the agency; another agency, whose
    # territory overlaps, registered the same reference.
    other = Agency.objects.create(
        code="au-sale-test",
        name_fr="Agence urbaine de Salé (essai)",
        name_ar="الوكالة الحضرية لسلا (تجربة)",
        srid=26191,
        note_prefix="AUS",
        territory=rectangle(-6.85, 33.99, -6.84, 34.0),
    )
    reference = ParcelReference.parse(DAUGHTER)
    Parcel.objects.create(
        agency=other,
        kind=reference.kind,
        reference=reference.display,
        reference_key=reference.key,
        geom=rectangle(-6.8484, 33.9954, -6.8479, 33.9959),
    )

    page = citizen.open("/#parcel=TF%2088007%2F07")

    buttons = page.locator("#info ul.parcel-choice").get_by_role("button")
    expect(buttons).to_have_count(2)
    expect(buttons.nth(1)).to_have_accessible_name(
        re.compile(re.escape(agency_name(other, citizen)))
    )
    buttons.nth(1).focus()
    page.keyboard.press("Enter")
    expect(page.locator(".parcel-agency")).to_contain_text(agency_name(other, citizen))
    expect(page).to_have_url(re.compile(r"agency=au-sale-test&parcel=TF%2088007%2F07"))
    # The browser logs the API's answer that the reference names two parcels
    # (409, which the page turned into the choice): expected, not a failure.
    citizen.console_errors[:] = [
        error for error in citizen.console_errors if "409 (Conflict)" not in error
    ]


def test_the_choice_fits_a_phone_in_arabic(session_factory, overlapping):
    phone = session_factory(
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="ar-MA",
    )
    phone.context.set_extra_http_headers({"Accept-Language": "ar"})
    page = phone.open("/" + VIEW)
    wait_for_map(page)

    position = page.evaluate(TO_PIXEL, list(OVERLAP))
    page.locator("#map").tap(position=position)

    buttons = page.locator("#info ul.parcel-choice").get_by_role("button")
    expect(buttons).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    report = AxeReport("identity-choice-ar-phone")
    report.check(page, "several parcels: the choice")
    report.assert_clean()
    buttons.nth(1).tap()
    expect(page.locator("#info-title")).to_contain_text(DAUGHTER)
    screenshot(page, "phone-ar-identity-chosen")
