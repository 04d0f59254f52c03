"""A planner handles a citizen's request in the real page, in French and
Arabic: logs in, opens the queue from the workspace, opens the request,
reads the zoning at its parcel and answers it from a template, citing the
zone rule there, then reads the statistics — with axe-core's WCAG A/AA
rules on each page, zero violations."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from cases.services import RequesterData
from layers.models import ZoneRule
from requete import services
from requete.models import AnswerTemplate, CitizenRequest, RequestKind
from requete.places import PlaceInput
from tests.browser.axe import AxeReport
from tests.browser.conftest import PARCEL
from tests.browser.test_accessibility import log_in, reader
from tests.browser_fixtures import SCREENSHOTS

pytestmark = pytest.mark.browser

PASSWORD = "not-a-real-password-14"
TEXTS = {
    "fr": {
        "queue": "Requêtes à traiter",
        "zone": "Immeubles R+4",
        "updated": "La requête est mise à jour.",
        "answered": "Répondue",
        "cites": "Cite la règle de la zone R+4 de PA-RABAT-2021",
        "use": "Utiliser ce modèle",
    },
    "ar": {
        "queue": "الطلبات المراد معالجتها",
        "zone": "عمارات",
        "updated": "تم تحديث الطلب.",
        "answered": "تم الجواب",
        "cites": "يستند إلى ضابط المنطقة R+4 من PA-RABAT-2021",
        "use": "استعمال هذا النموذج",
    },
}


@pytest.fixture
def request_in_review(map_data):
    """A request about the test parcel, confirmed, acknowledged and in
    review, and a planner of its agency."""
    agency = map_data["agency"]
    planner = User.objects.create_user(
        "requests-planner", password=PASSWORD, agency=agency
    )
    kind = RequestKind.objects.create(
        agency=agency,
        code="zoning-complaint",
        family=RequestKind.Family.COMPLAINT,
        label_fr="Réclamation sur le zonage",
        label_ar="شكاية حول التنطيق",
    )
    filed_at = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=3)
    filed = services.request_file(
        filing=services.RequestFiling(
            kind=kind,
            requester_type=CitizenRequest.RequesterType.CITIZEN,
            subject="Hauteur permise sur ma parcelle",
            description="Combien d'étages puis-je construire ?",
            requester=RequesterData(name="Amina Berrada", email="amina@example.ma"),
            place=PlaceInput(parcel_reference=PARCEL),
        ),
        client_address="192.0.2.14",
        at=filed_at,
    )
    services.request_confirm(token=filed.confirmation_token, at=filed_at)
    request = CitizenRequest.objects.get(pk=filed.request.pk)
    services.request_acknowledge(request=request, actor=planner)
    services.request_review(request=request, actor=planner)
    AnswerTemplate.objects.create(
        agency=agency,
        title="Zone de la parcelle",
        text_fr="Votre parcelle est en zone R+4.",
        text_ar="قطعتكم الأرضية في المنطقة R+4.",
    )
    return request


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_planner_answers_a_request_citing_the_zone_rule(
    session_factory, request_in_review, language
):
    texts = TEXTS[language]
    reference = request_in_review.case.reference
    session = session_factory(
        locale="ar-MA" if language == "ar" else "fr-FR",
        viewport={"width": 1280, "height": 800},
    )
    session.context.set_extra_http_headers({"Accept-Language": language})
    report = AxeReport(f"request-staff-{language}")
    page = session.open("/planner/login/")
    page.locator("#id_username").fill("requests-planner")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url("**/planner/")

    page.get_by_role("link", name=texts["queue"]).click()
    page.wait_for_url("**/planner/requests/")
    expect(page.locator("h1")).to_have_text(texts["queue"])
    report.check(page, "queue")

    page.get_by_role("link", name=reference).click()
    page.wait_for_url(f"**/planner/requests/{reference}/")
    # The zoning at the parcel, and its rule offered first in the answer.
    expect(page.locator("section", has=page.locator("#zoning-title"))).to_contain_text(
        texts["zone"]
    )
    # The small map: the parcel outlined over the zones around it, named.
    expect(page.locator("#place-map .leaflet-tooltip", has_text="R+4")).to_be_visible()
    expect(page.locator("#place-map path.leaflet-interactive")).to_have_count(5)
    report.check(page, "request in review")

    rule = ZoneRule.objects.get(code="R+4", document__reference="PA-RABAT-2021")
    # The answer starts from the agency's template, in the requester's
    # language (French here, whatever the planner reads).
    page.get_by_role("button", name=texts["use"]).click()
    expect(page.locator("#answer-text")).to_have_value(
        "Votre parcelle est en zone R+4."
    )
    page.locator("#answer-rules").select_option(str(rule.pk))
    page.locator("#answer-article").fill("Article 14")
    page.locator("#answer-form button[type=submit]").click()
    page.wait_for_url(f"**/planner/requests/{reference}/")
    expect(page.locator(".messages")).to_contain_text(texts["updated"])
    expect(page.locator("#request-state")).to_have_text(texts["answered"])
    expect(page.locator("#history")).to_contain_text(texts["cites"])
    expect(page.locator("#history")).to_contain_text("Article 14")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"request-staff-{language}.png"))
    report.check(page, "answered")
    page.goto(session.base_url + "/planner/requests/statistics/")
    expect(page.locator("#statistics tbody tr")).to_have_count(2)
    report.check(page, "statistics")
    report.assert_clean()
    request_in_review.case.refresh_from_db()
    assert request_in_review.case.state == "answered"


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_request_pages_on_a_phone(session_factory, request_in_review, language):
    """On a phone, in French and Arabic: the queue, a request and the
    statistics pass axe-core and do not scroll sideways (their tables
    scroll in their own region)."""
    session = reader(session_factory, language, "phone")
    log_in(session, User.objects.get(username="requests-planner"))
    report = AxeReport(f"request-staff-phone-{language}")
    page = session.new_page()
    reference = request_in_review.case.reference
    for state, path in {
        "queue": "/planner/requests/",
        "queue, late only": "/planner/requests/?overdue=yes",
        "request": f"/planner/requests/{reference}/",
        "statistics": "/planner/requests/statistics/",
    }.items():
        page.goto(session.base_url + path)
        page.wait_for_load_state("networkidle")
        report.check(page, state)
        assert page.evaluate(
            "() => document.documentElement.scrollWidth <= innerWidth"
        ), state
    report.assert_clean()


PAGING = {
    "fr": {
        "next": "Page suivante",
        "previous": "Page précédente",
        "first": "Première page",
        "last": "Dernière page",
        "page": "Page {} sur 3",
    },
    "ar": {
        "next": "الصفحة التالية",
        "previous": "الصفحة السابقة",
        "first": "الصفحة الأولى",
        "last": "الصفحة الأخيرة",
        "page": "الصفحة {} من 3",
    },
}


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_planner_pages_through_the_filtered_queue(
    session_factory, request_in_review, language, monkeypatch
):
    """Three a page: the planner filters and orders the queue, then goes
    next, next, previous, first and last — each page holds the requests of
    the filter once, and the filter stays chosen."""
    from requete import staff_views

    monkeypatch.setattr(staff_views, "PAGE_SIZE", 3)
    words = PAGING[language]
    kind = request_in_review.kind
    filed_at = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=2)
    for number in range(7):
        filed = services.request_file(
            filing=services.RequestFiling(
                kind=kind,
                requester_type=CitizenRequest.RequesterType.CITIZEN,
                subject=f"Question {number}",
                description="Quelle hauteur ?",
                requester=RequesterData(
                    name=f"Requester {number}", email=f"r{number}@example.ma"
                ),
                place=PlaceInput(parcel_reference=PARCEL),
            ),
            client_address=f"192.0.2.{20 + number}",
            at=filed_at + datetime.timedelta(minutes=number),
        )
        services.request_confirm(
            token=filed.confirmation_token,
            at=filed_at + datetime.timedelta(minutes=number),
        )
    session = reader(session_factory, language, "desktop")
    log_in(session, User.objects.get(username="requests-planner"))
    report = AxeReport(f"request-queue-pages-{language}")
    page = session.open("/planner/requests/")
    page.locator("#id_state").select_option("submitted")
    page.locator("#id_sort").select_option("submitted")
    page.locator("form.queue-filters button[type=submit]").click()
    page.wait_for_url(re.compile(r"state=submitted"))

    def rows() -> list[str]:
        return page.locator("table.queue input[name=request]").evaluate_all(
            "boxes => boxes.map(box => box.value)"
        )

    nav = page.locator("nav.queue-pages")
    seen = [rows()]
    expect(nav).to_contain_text(words["page"].format(1))
    report.check(page, "first page")
    for number in (2, 3):
        nav.get_by_role("link", name=words["next"]).click()
        expect(nav).to_contain_text(words["page"].format(number))
        seen.append(rows())
        expect(page.locator("#id_state")).to_have_value("submitted")
        expect(page.locator("#id_sort")).to_have_value("submitted")
    expect(nav.get_by_role("link", name=words["next"])).to_have_count(0)
    report.check(page, "last page")
    assert [len(rows) for rows in seen] == [3, 3, 1]
    newest_first = [
        request.case.reference
        for request in CitizenRequest.objects.filter(case__state="submitted").order_by(
            "-case__submitted_at", "-case_id"
        )
    ]
    assert [row for rows in seen for row in rows] == newest_first
    nav.get_by_role("link", name=words["previous"]).click()
    expect(nav).to_contain_text(words["page"].format(2))
    assert rows() == seen[1]
    nav.get_by_role("link", name=words["first"]).click()
    expect(nav).to_contain_text(words["page"].format(1))
    assert rows() == seen[0]
    nav.get_by_role("link", name=words["last"]).click()
    expect(nav).to_contain_text(words["page"].format(3))
    assert rows() == seen[2]
    report.assert_clean()
