"""Calls for tenders and procedures in the browser, in French and Arabic:
search the calls and keep those open now, open one; read a procedure's steps
and follow its basis to the article — with axe-core's zero violations."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from library.services import library_import
from tenders.models import CallForTenders, TenderStatus
from tests.browser.axe import AxeReport
from tests.browser_fixtures import SCREENSHOTS
from tests.library.conftest import article, law, text_file

pytestmark = pytest.mark.browser

WORDS = {"fr": "étude", "ar": "دراسة"}
DEADLINE_PASSED = {"fr": "Date limite dépassée", "ar": "انقضى الأجل"}
STEPS = {"fr": "Étapes", "ar": "المراحل"}
ARTICLE = {"fr": "Article 3", "ar": "المادة 3"}


@pytest.fixture
def calls(transactional_db, make_agency):
    agency = make_agency("aubt", name_fr="Agence urbaine d'essai", name_ar="وكالة")
    now = timezone.now()
    common = {"agency": agency, "published_on": datetime.date(2026, 11, 20)}
    CallForTenders.objects.create(
        reference="AO n° 51/2026",
        object_fr="Étude d'aménagement du centre",
        object_ar="دراسة تهيئة المركز",
        deadline=now + datetime.timedelta(days=12),
        **common,
    )
    CallForTenders.objects.create(
        reference="AO n° 52/2026",
        object_fr="Étude de circulation, délai passé",
        object_ar="دراسة السير، انقضى أجلها",
        deadline=now - datetime.timedelta(hours=2),
        **common,
    )
    CallForTenders.objects.create(
        reference="AO n° 53/2026",
        object_fr="Travaux de voirie",
        object_ar="أشغال الطرق",
        deadline=now + datetime.timedelta(days=3),
        status=TenderStatus.CANCELLED,
        **common,
    )
    return agency


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_search_the_calls_keep_those_open_now_and_open_one(
    session_factory, calls, language
):
    session = session_factory(viewport={"width": 1100, "height": 800}, locale=language)
    session.context.set_extra_http_headers({"Accept-Language": language})
    report = AxeReport(f"tenders-{language}")
    page = session.open(f"/tenders/?agency={calls.code}")
    expect(page.locator("html")).to_have_attribute(
        "dir", "rtl" if language == "ar" else "ltr"
    )
    expect(page.locator(".call")).to_have_count(3)
    report.check(page, "the list")

    page.locator("#tenders-q").fill(WORDS[language])
    page.locator("#tenders-q").press("Enter")
    expect(page.locator(".call")).to_have_count(2)
    expect(page.locator(".call").filter(has_text="AO n° 52/2026")).to_contain_text(
        DEADLINE_PASSED[language]
    )

    page.locator("input[name=open]").check()
    page.locator("#tenders-q").press("Enter")
    expect(page.locator(".call")).to_have_count(1)
    page.screenshot(path=SCREENSHOTS / f"tenders-list-{language}.png")
    report.check(page, "searched, open now")

    link = page.locator(".call a")
    link.focus()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("AO n° 51/2026")
    expect(page.locator(".tender-status.open")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / f"tenders-call-{language}.png")
    report.check(page, "a call")
    report.assert_clean()
    session.close()


@pytest.fixture
def procedure(transactional_db, tmp_path):
    text_file(
        tmp_path,
        "loi.json",
        **law(
            "9907-1",
            articles=[
                article(
                    "3",
                    "Le permis d'essai est délivré par la commune.",
                    "تسلم الجماعة الرخصة التجريبية.",
                )
            ],
        ),
    )
    (tmp_path / "guide.json").write_text(
        json.dumps(
            {
                "procedure": "guide-d-essai",
                "title": {"fr": "Obtenir un permis d'essai", "ar": "رخصة تجريبية"},
                "delay_days": 15,
                "documents": [{"label": {"fr": "Titre foncier", "ar": "الرسم"}}],
                "steps": [
                    {"title": {"fr": "Trouver la parcelle", "ar": "القطعة"}},
                    {"title": {"fr": "Déposer la demande", "ar": "الطلب"}},
                ],
                "based_on": [{"text": "loi-9907-1", "article": "3"}],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    library_import(path=tmp_path)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_read_a_procedure_and_follow_its_basis_to_the_article(
    session_factory, procedure, language
):
    session = session_factory(viewport={"width": 1100, "height": 800}, locale=language)
    session.context.set_extra_http_headers({"Accept-Language": language})
    report = AxeReport(f"procedure-{language}")
    page = session.open("/library/procedures/guide-d-essai/")
    expect(page.locator("html")).to_have_attribute(
        "dir", "rtl" if language == "ar" else "ltr"
    )
    expect(page.get_by_role("heading", name=STEPS[language])).to_be_visible()
    expect(page.locator(".steps > li")).to_have_count(2)
    page.screenshot(path=SCREENSHOTS / f"procedure-{language}.png")
    report.check(page, "a procedure")

    basis = page.locator(".bases a").filter(has_text=ARTICLE[language])
    basis.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".wording")).to_contain_text(
        "permis d'essai" if language == "fr" else "الرخصة التجريبية"
    )
    page.goto(session.base_url + "/library/procedures/")
    expect(page.locator(".procedures a")).to_contain_text(
        ["Obtenir un permis d'essai" if language == "fr" else "رخصة تجريبية"]
    )
    report.check(page, "the procedures")
    report.assert_clean()
    session.close()


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_pages_reflow_at_320_px(session_factory, calls, procedure, language):
    from tests.browser.test_reflow import PAGE_WIDER_THAN_WINDOW

    session = session_factory(viewport={"width": 320, "height": 740}, locale=language)
    session.context.set_extra_http_headers({"Accept-Language": language})
    call = CallForTenders.objects.get(reference="AO n° 51/2026")
    page = session.new_page()
    overflowing = []
    for path in (
        "/tenders/",
        f"/tenders/{call.pk}/",
        "/library/procedures/",
        "/library/procedures/guide-d-essai/",
    ):
        page.goto(session.base_url + path)
        measure = page.evaluate(PAGE_WIDER_THAN_WINDOW)
        if measure["page"] > measure["window"]:
            overflowing.append((path, measure))
    assert overflowing == []
    session.close()
