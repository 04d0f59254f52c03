"""permits from the public's side, on a phone, in French and in Arabic: the
lookup of a file by its number and short code (a wrong code first), and a
commission session's results — axe-core finds nothing on any page, and
nothing of the applicant shows."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from accounts.models import User
from cases.services import RequesterData
from layers.models import Agency
from permits import services
from permits.models import CommissionSession, Procedure
from permits.states import Action
from tests.browser.axe import AxeReport
from tests.browser.test_first_minutes import phone_in
from tests.browser_fixtures import SCREENSHOTS
from tests.conftest import square

pytestmark = pytest.mark.browser


@pytest.fixture
def reviewed(transactional_db, live_server):
    """A file with a favourable opinion under a condition, in a published
    session of its agency's commission; returns the session and the code."""
    agency = Agency.objects.create(
        code="au-permits-test",
        name_fr="Agence urbaine d'essai",
        name_ar="الوكالة الحضرية للتجربة",
        srid=26191,
        note_prefix="AUPC",
        territory=square(-6.9, 33.9, 0.1),
    )
    planner = User.objects.create_user(
        "permits-planner", password="not-a-real-password-9", agency=agency
    )
    procedure = Procedure.objects.create(
        agency=agency,
        code="building-permit",
        label_fr="Permis de construire",
        label_ar="رخصة البناء",
    )
    file, code = services.permit_file(
        filing=services.PermitFiling(
            agency=agency,
            procedure=procedure,
            external_reference="PC-2026-0042",
            filed_on=timezone.localdate() - datetime.timedelta(days=20),
            parcels=("TF 12345/07",),
            applicant=RequesterData(name="Samira Bennani"),
            architect="Cabinet Alaoui",
            description="Maison R+2",
        )
    )
    file = services.permit_move(
        file=file, action=Action.DECLARE_COMPLETE, actor=planner
    )
    session = services.session_create(
        agency=agency,
        held_on=timezone.localdate(),
        kind=CommissionSession.Kind.SMALL_PROJECTS,
        members=(),
        actor=planner,
        origin=live_server.url,
    )
    item = services.agenda_add(session=session, file=file, actor=planner)
    services.opinion_record(
        item=item,
        kind="conditional",
        actor=planner,
        conditions=(services.ConditionInput("Planter deux arbres sur rue"),),
    )
    services.session_publish(session=session, actor=planner)
    return session, code


def words(language: str, *texts: str) -> list[str]:
    with translation.override(language):
        return [translation.gettext(text) for text in texts]


def snapshot(page, name: str) -> None:
    """tests/artifacts/screenshots/<name>.png (gitignored): the whole page,
    which fits the phone's width."""
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_citizen_looks_up_a_file_on_a_phone(session_factory, reviewed, language):
    _session, code = reviewed
    (look_up,) = words(language, "Look up")
    number_label, code_label = words(language, "File number", "Short code")
    axe = AxeReport(f"permits-lookup-{language}")
    page = phone_in(session_factory, language).open("/permits/lookup")
    expect(page.locator("html")).to_have_attribute(
        "dir", "rtl" if language == "ar" else "ltr"
    )
    axe.check(page, "empty form")

    page.get_by_label(number_label).fill("PC-2026-0042")
    page.get_by_label(code_label).fill("AAAA-BBBB-CCCC")
    page.get_by_role("button", name=look_up).click()
    expect(page.get_by_role("alert")).to_be_visible()
    axe.check(page, "wrong code")

    page.get_by_label(code_label).fill(code)
    page.get_by_role("button", name=look_up).click()
    state = page.locator("dd.state")
    expect(state).to_have_attribute("data-state", "opinion_given")
    expect(page.locator(".conditions li")).to_have_text("Planter deux arbres sur rue")
    html = page.content()
    assert "Bennani" not in html
    assert "Alaoui" not in html
    axe.check(page, "file")
    snapshot(page, f"permits-lookup-{language}")
    axe.assert_clean()


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_sessions_results_on_a_phone(session_factory, reviewed, language):
    session, _code = reviewed
    (favourable,) = words(language, "Favourable with conditions")
    axe = AxeReport(f"permits-session-{language}")
    page = phone_in(session_factory, language).open(
        f"/permits/{session.agency.code}/sessions/{session.pk}/"
    )
    row = page.locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("PC-2026-0042")
    expect(row).to_contain_text(favourable)
    expect(page.locator(".as-of")).to_be_visible()
    assert "Bennani" not in page.content()
    axe.check(page, "results")
    snapshot(page, f"permits-session-{language}")
    page.locator(f"a[href='/permits/{session.agency.code}/sessions/']").click()
    expect(page.locator("main li a")).to_have_count(1)
    axe.check(page, "sessions")
    axe.assert_clean()
