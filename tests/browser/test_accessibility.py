"""axe-core's WCAG 2.0/2.1 A and AA rules on every page and state a reader meets,
in French and Arabic, on a desktop (1280×800) and a phone (360×740): zero
violations is the bar. Violations are written to tests/artifacts/axe/."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import expect

from accounts.models import User
from layers.models import Layer
from tests.browser.axe import AxeReport
from tests.browser.conftest import PARCEL
from tests.browser.test_map import choose_suggestion, wait_for_map

pytestmark = pytest.mark.browser

LANGUAGES = ["fr", "ar"]
VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {
        "viewport": {"width": 360, "height": 740},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}


def reader(session_factory, language: str, device: str):
    session = session_factory(
        locale="ar-MA" if language == "ar" else "fr-FR", **VIEWPORTS[device]
    )
    session.context.set_extra_http_headers({"Accept-Language": language})
    return session


def log_in(session, user: User) -> None:
    client = Client()
    client.force_login(user)
    session.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": session.base_url,
            }
        ]
    )


def public_pages(data: dict) -> dict[str, str]:
    """The pages anyone reads, by name: their paths for ``pages_data``."""
    agency, document = data["agency"], data["document"]
    zoning = Layer.objects.get(document=document, kind=Layer.Kind.ZONING)
    token = data["note"].token
    return {
        "verification": f"/verify/{token}",
        "verification of an unknown note": "/verify/not-a-token",
        "note": f"/notes/{token}/",
        "documents": f"/documents/{agency.code}/",
        "document": f"/documents/{agency.code}/{document.reference}/",
        "layer metadata": f"/layers/{zoning.pk}/metadata/",
        "planner login": "/planner/login/",
        "not found": "/no-such-page/",
        "offline": "/offline",
        "law library": "/library/",
        "law library, a search": "/library/?q=urbanisme",
        "a request, the form": f"/requests/new?agency={agency.code}",
        "a request, following it": "/requests/follow",
        "requests filed, the public list": "/requests/public/",
        "parcel page": f"/parcels/{agency.code}/TF12345/7/",
        "parcel page, another day": f"/parcels/{agency.code}/TF12345/7/?at=2021-01-01",
        "parcel page, unknown parcel": f"/parcels/{agency.code}/TF1/7/",
    }


def planner_pages(data: dict) -> dict[str, str]:
    """The planner's pages, by name: their paths for ``pages_data``."""
    document, draft = data["document"], data["draft"]
    return {
        "workspace": "/planner/",
        "new document": "/planner/documents/new/",
        "document": f"/planner/documents/{document.pk}/",
        "zone rules": f"/planner/documents/{document.pk}/rules/",
        "new layer": f"/planner/documents/{document.pk}/layers/new/",
        "layer, upload": f"/planner/layers/{draft.layer_id}/",
        "layer edit": f"/planner/layers/{draft.layer_id}/edit/",
        "report of a version": f"/planner/versions/{draft.pk}/",
        "comparison": f"/planner/versions/{draft.pk}/compare/",
        "publish, to confirm": f"/planner/versions/{draft.pk}/publish",
        "parcels upload": "/planner/parcels/",
        "orthophotos": "/planner/orthophotos/",
        "citizens' requests": "/planner/requests/",
        "citizens' requests, statistics": "/planner/requests/statistics/",
        "orders": "/payments/staff/orders/",
        "parcel page, the agency's view": f"/parcels/{data['agency'].code}/TF12345/7/",
    }


NOT_FOUND_ON_PURPOSE = {
    "verification of an unknown note",
    "not found",
    "parcel page, unknown parcel",
}


def forget_expected_not_found(session) -> None:
    """The pages that answer 404 on purpose log it in the console."""
    session.console_errors[:] = [
        error for error in session.console_errors if "status of 404" not in error
    ]


@pytest.mark.parametrize("device", VIEWPORTS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_public_pages_have_no_axe_violations(
    session_factory, pages_data, language, device
):
    session = reader(session_factory, language, device)
    report = AxeReport(f"public-{language}-{device}")
    pages = public_pages(pages_data)
    page = session.new_page()
    for state, path in pages.items():
        response = page.goto(session.base_url + path)
        # The page audited is the page itself, not a refusal in its place.
        assert response.ok or state in NOT_FOUND_ON_PURPOSE, (state, response.status)
        report.check(page, state)
    forget_expected_not_found(session)
    page.goto(session.base_url + "/api/v1/docs")
    expect(page.locator("#swagger-ui .opblock").first).to_be_visible()
    report.check(page, "API docs")
    page.locator("#swagger-ui .opblock-summary").first.click()
    expect(page.locator("#swagger-ui .opblock-body").first).to_be_visible()
    report.check(page, "API docs, an operation open")
    report.assert_clean()


@pytest.mark.parametrize("device", VIEWPORTS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_planner_pages_have_no_axe_violations(
    session_factory, pages_data, language, device
):
    session = reader(session_factory, language, device)
    log_in(session, pages_data["planner"])
    report = AxeReport(f"planner-{language}-{device}")
    pages = planner_pages(pages_data)
    page = session.new_page()
    for state, path in pages.items():
        response = page.goto(session.base_url + path)
        assert response.ok, (state, response.status)
        page.wait_for_load_state("networkidle")
        report.check(page, state)
    page.goto(session.base_url + pages["publish, to confirm"])
    page.locator("form.confirm button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    report.check(page, "after publishing")
    report.assert_clean()


@pytest.mark.parametrize("device", VIEWPORTS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_map_page_has_no_axe_violations_in_any_state(
    session_factory, map_data, language, device
):
    session = reader(session_factory, language, device)
    report = AxeReport(f"map-{language}-{device}")
    page = session.open("/")
    wait_for_map(page)
    report.check(page, "initial")

    page.locator("#search-input").fill("TF 1234")
    expect(page.locator("#search-results").get_by_role("option")).to_have_count(2)
    report.check(page, "search results open")

    choose_suggestion(page, PARCEL, PARCEL)
    expect(page.locator("#issue-note")).to_be_visible()
    report.check(page, "panel open on a parcel")

    with page.expect_download():
        page.locator("#issue-note").click()
    expect(page.locator("#note-status")).to_contain_text("PDF")
    report.check(page, "note issued")

    page.emulate_media(media="print")
    report.check(page, "print view")
    report.assert_clean()
