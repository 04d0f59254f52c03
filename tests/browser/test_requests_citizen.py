"""requête-e from the citizen's side, on a phone, in French and in Arabic:
file a request from the map's panel, confirm it by the e-mailed link, and
follow it with its reference and follow code to the agency's answer — given
by a planner on the staff pages, in another browser — and rate it; axe-core
finds nothing on any of the pages."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import User
from cases.models import Case
from requete.models import CitizenRequest, RequestKind
from requete.states import State
from tests.browser.axe import AxeReport
from tests.browser.conftest import CELL, ORIGIN_LON, PARCEL
from tests.browser.test_accessibility import log_in, reader
from tests.browser.test_first_minutes import phone_in
from tests.browser.test_map import MAP_VIEW, click_lonlat, wait_for_map
from tests.browser_fixtures import SCREENSHOTS
from tests.cases.test_attachments import png

WORDS = {
    "fr": {
        "file": "Déposer la requête",
        "confirm": "Confirmer la requête",
        "follow": "Suivre",
        "answered": "Répondue",
        "rate": "Évaluer",
        "attach": "Joindre le fichier",
    },
    "ar": {
        "file": "إيداع الطلب",
        "confirm": "تأكيد الطلب",
        "follow": "تتبع",
        "answered": "تم الجواب",
        "rate": "تقييم",
        "attach": "إرفاق الملف",
    },
}


def snapshot(page, name: str) -> None:
    """tests/artifacts/screenshots/<name>.png (gitignored), the whole page,
    which fits the phone's width: nothing to scroll sideways."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def kind(map_data):
    return RequestKind.objects.create(
        agency=map_data["agency"],
        code="zoning-complaint",
        family=RequestKind.Family.COMPLAINT,
        label_fr="Réclamation sur le zonage",
        label_ar="شكاية حول التنطيق",
    )


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_file_confirm_and_follow_a_request_on_a_phone(
    session_factory, map_data, kind, language
):
    words = WORDS[language]
    axe = AxeReport(f"requests-citizen-{language}")
    page = phone_in(session_factory, language).open("/" + MAP_VIEW)
    wait_for_map(page)

    # The map's panel: a parcel, and the link filing a request about it.
    click_lonlat(page, ORIGIN_LON + CELL - 0.0001, 33.9918)
    link = page.locator("#file-request")
    expect(link).to_be_visible()
    link.click()

    # The form, prefilled with the parcel and narrowed to its agency.
    expect(page.locator("html")).to_have_attribute(
        "dir", "rtl" if language == "ar" else "ltr"
    )
    expect(page.locator("#id_parcel")).to_have_value(PARCEL)
    axe.check(page, "form")
    page.locator("#id_kind").select_option(str(kind.pk))
    page.locator("#id_subject").fill("Zonage de ma parcelle")
    page.locator("#id_description").fill("Le plan classe ma parcelle en zone verte.")
    # A wrong e-mail first: the message is tied to its field.
    page.locator("#id_email").fill("amina@")
    page.get_by_role("button", name=words["file"]).click()
    expect(page.locator("#id_email")).to_have_attribute(
        "aria-describedby", "id_email-error"
    )
    axe.check(page, "form with errors")
    snapshot(page, f"phone-{language}-request-form-errors")
    page.locator("#id_email").fill("amina@example.ma")
    page.get_by_role("button", name=words["file"]).click()

    # Filed: unconfirmed, the follow code shown once.
    reference = page.locator(".reference").first.inner_text()
    code = page.locator(".follow-code").inner_text()
    case = Case.objects.get(reference=reference)
    assert case.state == State.UNCONFIRMED
    assert CitizenRequest.objects.get(pk=case.pk).parcel.reference == PARCEL
    axe.check(page, "filed")
    snapshot(page, f"phone-{language}-request-filed")

    # The e-mailed link, sent by the outbox in the filer's language.
    call_command("outbox_send", verbosity=0)
    body = mail.outbox[-1].body
    path = re.search(r"/requests/confirm/\S+", body).group(0)
    page.goto(page.url.split("/requests")[0] + path)
    axe.check(page, "confirm")
    page.get_by_role("button", name=words["confirm"]).click()
    expect(page.locator(".requete .reference")).to_have_text(reference)
    axe.check(page, "confirmed")
    case.refresh_from_db()
    assert case.state == State.SUBMITTED

    # Following it at once, the requester attaches a photo of the site.
    page.locator(".requete a[href*='/requests/follow']").click()
    page.locator("#id_code").fill(code)
    page.get_by_role("button", name=words["follow"], exact=True).click()
    page.locator("#attach-file").set_input_files(
        files=[{"name": "chantier.png", "mimeType": "image/png", "buffer": png()}]
    )
    snapshot(page, f"phone-{language}-request-attaching")
    page.get_by_role("button", name=words["attach"]).click()
    expect(page.locator(".notice")).to_be_visible()
    expect(page.locator(".history")).to_contain_text("chantier.png")
    axe.check(page, "attached")
    follow_url = page.url + f"?reference={reference}"

    # The agency answers: a planner, in another browser, finds the request
    # in the queue, acknowledges it, reviews it and answers it.
    planner = User.objects.create_user(
        f"planner-{language}", password="not-a-real-password-5", agency=kind.agency
    )
    staff = reader(session_factory, language, "desktop")
    log_in(staff, planner)
    desk = staff.open("/planner/requests/")
    desk.get_by_role("link", name=reference).click()
    desk.wait_for_url(f"**/planner/requests/{reference}/")
    for action in ("acknowledge", "review"):
        with desk.expect_navigation():
            desk.locator(f"form[action$='/{action}'] button[type=submit]").click()
    desk.locator("#answer-text").fill("La zone reste verte (art. 12).")
    desk.locator("#answer-form button[type=submit]").click()
    expect(desk.locator("#request-state")).to_have_text(words["answered"])
    axe.check(desk, "answered by the agency")

    # Following again: the reference and the code, the answer, then a rating.
    page.goto(follow_url)
    expect(page.locator("#id_reference")).to_have_value(reference)
    page.locator("#id_code").fill(code)
    axe.check(page, "follow")
    page.get_by_role("button", name=words["follow"], exact=True).click()
    expect(page.locator(".state")).to_have_text(words["answered"])
    expect(page.locator(".history")).to_contain_text("La zone reste verte")
    axe.check(page, "followed")
    snapshot(page, f"phone-{language}-request-followed")
    page.locator("input[name=score][value='4']").check()
    page.get_by_role("button", name=words["rate"], exact=True).click()
    expect(page.locator(".notice")).to_be_visible()
    assert CitizenRequest.objects.get(pk=case.pk).rating == 4
    axe.assert_clean()


def test_the_form_is_walked_with_the_keyboard_past_the_honeypot(
    session_factory, map_data, kind
):
    page = phone_in(session_factory, "ar").open("/requests/new")
    focused = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focused.append(
            page.evaluate("document.activeElement.id || document.activeElement.tagName")
        )
        if (
            focused[-1] == "BUTTON"
            and page.evaluate("document.activeElement.type") == "submit"
            and "id_phone" in focused
        ):
            break
    fields = [
        "id_kind",
        "id_requester_type",
        "id_subject",
        "id_description",
        "id_parcel",
        "id_note",
        "id_lon",
        "id_lat",
        "id_name",
        "id_email",
        "id_phone",
    ]
    assert [name for name in focused if name in fields] == fields
    assert "id_website" not in focused
    assert focused[-1] == "BUTTON"


# In view, just south of the parcels: no parcel is registered there.
HERE = (ORIGIN_LON + CELL - 0.0001, 33.9912)


def test_a_place_without_parcel_is_passed_by_its_coordinates(
    session_factory, map_data, kind
):
    page = phone_in(session_factory, "fr").open("/" + MAP_VIEW)
    wait_for_map(page)
    click_lonlat(page, *HERE)
    link = page.locator("#file-request")
    expect(link).to_have_text("Déposer une requête sur ce lieu")
    link.click()
    expect(page.locator("#id_parcel")).to_be_visible()
    # Where the finger landed, within a pixel or two at zoom 17.
    assert float(page.locator("#id_lon").input_value()) == pytest.approx(
        HERE[0], abs=5e-5
    )
    assert float(page.locator("#id_lat").input_value()) == pytest.approx(
        HERE[1], abs=5e-5
    )
    expect(page.locator("#id_parcel")).to_have_value("")
