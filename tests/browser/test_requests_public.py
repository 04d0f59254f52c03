"""requête-e's public side on a phone, in French and in Arabic: the list and
map of the requests filed, a request's public page with the text its agency
published, and the filing form offering the open requests nearby before
filing; axe-core finds nothing on any of these pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.models import User
from cases.services import RequesterData
from requete import services
from requete.models import CitizenRequest, RequestKind
from requete.places import PlaceInput
from tests.browser.axe import AxeReport
from tests.browser.conftest import CELL, ORIGIN_LON, PARCEL
from tests.browser.test_first_minutes import phone_in
from tests.browser.test_requests_citizen import snapshot
from tests.requete_fixtures import filing

WORDS = {
    "fr": {
        "title": "Requêtes déposées",
        "count": "2 requêtes",
        "similar": "Demandes similaires près de ce lieu",
        "anyway": "Déposer la mienne quand même",
        "file": "Déposer la requête",
    },
    "ar": {
        "title": "الطلبات المودعة",
        "count": "طلبان",
        "similar": "طلبات مماثلة قرب هذا الموقع",
        "anyway": "إيداع طلبي رغم ذلك",
        "file": "إيداع الطلب",
    },
}
REDACTED = "Classement d'une parcelle en zone verte."
# Words of the requesters: never on a public page.
PRIVATE = ["Amina Berrada", "amina@example.ma", "Ma parcelle est en zone verte."]
# A drawn place a little south of the parcels, inside the agency's territory.
DRAWN = (ORIGIN_LON + CELL - 0.0001, 33.9912)


@pytest.fixture
def requests(map_data):
    """Two submitted requests of the map's agency — one about the parcel,
    its public text published, one about a drawn place — and one never
    confirmed."""
    kind = RequestKind.objects.create(
        agency=map_data["agency"],
        code="zoning-complaint",
        family=RequestKind.Family.COMPLAINT,
        label_fr="Réclamation sur le zonage",
        label_ar="شكاية حول التنطيق",
    )
    planner = User.objects.create_user(
        "planner-public", password="not-a-real-password-7", agency=kind.agency
    )
    places = [
        PlaceInput(parcel_reference=PARCEL),
        PlaceInput(geometry={"type": "Point", "coordinates": list(DRAWN)}),
        PlaceInput(parcel_reference=PARCEL),
    ]
    filed = [
        services.request_file(
            filing=filing(
                kind,
                description=PRIVATE[2],
                requester=RequesterData(
                    name=PRIVATE[0], email=f"{number}.{PRIVATE[1]}"
                ),
                place=place,
            ),
            client_address=f"192.0.2.{number}",
        )
        for number, place in enumerate(places, start=1)
    ]
    for done in filed[:2]:
        services.request_confirm(token=done.confirmation_token)
    first = CitizenRequest.objects.get(pk=filed[0].request.pk)
    services.request_public_text_publish(request=first, actor=planner, text=REDACTED)
    return kind, [done.request.case.reference for done in filed]


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_public_list_map_and_page_on_a_phone(session_factory, requests, language):
    words = WORDS[language]
    _kind, (parcel_request, drawn_request, unconfirmed) = requests
    axe = AxeReport(f"requests-public-{language}")
    page = phone_in(session_factory, language).open("/requests/new")
    # Linked from the requests' pages.
    page.get_by_role("link", name=words["title"]).click()
    expect(page.locator("html")).to_have_attribute(
        "dir", "rtl" if language == "ar" else "ltr"
    )
    expect(page.locator("h1")).to_have_text(words["title"])
    expect(page.locator("#public-list-title")).to_have_text(words["count"])
    rows = page.locator(".public-list tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator(".public-list")).not_to_contain_text(unconfirmed)
    # The map: one marker a request, each opening its public page.
    markers = page.locator("#public-map path.leaflet-interactive")
    expect(markers).to_have_count(2)
    for text in PRIVATE:
        expect(page.locator("body")).not_to_contain_text(text)
    axe.check(page, "list")
    snapshot(page, f"phone-{language}-requests-public-list")
    page.locator("#public-map").scroll_into_view_if_needed()
    markers.first.click()
    popup = page.locator(".leaflet-popup-content a")
    expect(popup).to_be_visible()
    assert popup.inner_text() in {parcel_request, drawn_request}
    # Checked once faded in: half-way, its text is half-transparent.
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('.leaflet-popup'))"
        ".opacity === '1'"
    )
    axe.check(page, "list, a popup open")

    # The request about the parcel: its published text, never the words.
    page.goto(page.url.split("/requests")[0] + f"/requests/public/{parcel_request}/")
    expect(page.locator(".reference")).to_have_text(parcel_request)
    expect(page.locator(".public-text")).to_have_text(REDACTED)
    expect(page.locator("#public-map path.leaflet-interactive")).to_have_count(1)
    expect(page.locator(".history li")).to_have_count(1)
    for text in PRIVATE:
        expect(page.locator("body")).not_to_contain_text(text)
    axe.check(page, "a request")
    snapshot(page, f"phone-{language}-requests-public-request")
    axe.assert_clean()


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_form_offers_the_requests_nearby_before_filing(
    session_factory, requests, language
):
    words = WORDS[language]
    kind, (parcel_request, _drawn, _unconfirmed) = requests
    axe = AxeReport(f"requests-similar-{language}")
    page = phone_in(session_factory, language).open(
        f"/requests/new?agency={kind.agency.code}&parcel={PARCEL}"
    )
    page.locator("#id_kind").select_option(str(kind.pk))
    page.locator("#id_subject").fill("Hauteur autorisée")
    page.locator("#id_description").fill("Quelle hauteur sur ma parcelle ?")
    page.locator("#id_email").fill("karim@example.ma")
    page.get_by_role("button", name=words["file"]).click()

    similar = page.locator("#similar")
    expect(similar.locator("h2")).to_have_text(words["similar"])
    expect(similar.locator("a")).to_have_text([parcel_request])
    expect(similar).to_contain_text(REDACTED)
    # What was typed is kept.
    expect(page.locator("#id_description")).to_have_value(
        "Quelle hauteur sur ma parcelle ?"
    )
    axe.check(page, "similar requests")
    snapshot(page, f"phone-{language}-request-similar")
    before = CitizenRequest.objects.count()
    page.get_by_role("button", name=words["anyway"]).click()
    expect(page.locator(".follow-code")).to_be_visible()
    assert CitizenRequest.objects.count() == before + 1
    axe.assert_clean()
