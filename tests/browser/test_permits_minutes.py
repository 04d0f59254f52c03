"""A commission's minutes as a reader on a phone meets them, in French and
Arabic: from the session's results to the PDF, then to its verification
page, where the downloaded PDF is recognised as the registered one — axe
finds nothing, and nothing of the applicant shows."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urljoin

import pytest
from django.utils import translation
from playwright.sync_api import expect

from documents.models import DocumentKind, IssuedDocument
from tests.browser.axe import AxeReport
from tests.browser.test_first_minutes import phone_in
from tests.browser.test_permits import reviewed  # noqa: F401 - a fixture
from tests.browser_fixtures import SCREENSHOTS

pytestmark = pytest.mark.browser


@pytest.fixture
def published(reviewed):  # noqa: F811 - the fixture imported above
    """The published session of test_permits' file under a conditional
    opinion."""
    session, _code = reviewed
    return session


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_from_the_results_to_the_minutes_and_their_verification(
    session_factory, published, language, tmp_path
):
    with translation.override(language):
        minutes, verification, favourable, same_file = (
            translation.gettext(text)
            for text in (
                "Minutes (PDF)",
                "Verification of the minutes",
                "Favourable with conditions",
                "This file is exactly the registered PDF.",
            )
        )
    axe = AxeReport(f"permits-minutes-{language}")
    page = phone_in(session_factory, language).open(
        f"/permits/{published.agency.code}/sessions/{published.pk}/"
    )
    axe.check(page, "results")

    link = page.get_by_role("link", name=minutes)
    href = urljoin(page.url, link.get_attribute("href"))
    pdf = page.request.get(href).body()
    assert page.request.get(href).body() == pdf
    document = IssuedDocument.objects.get(
        kind=DocumentKind.COMMISSION_DECISION,
        subject_reference=str(published.pk),
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
    )
    assert document.language == language

    page.get_by_role("link", name=verification).click()
    expect(page).to_have_url(re.compile(f"/verify/{document.code}"))
    expect(page.locator("#document-code")).to_have_text(document.code_printed)
    files = page.locator("#minutes-files tbody tr")
    expect(files).to_have_count(1)
    expect(files).to_contain_text("PC-2026-0042")
    expect(files).to_contain_text(favourable)
    html = page.content()
    assert "Bennani" not in html
    assert "Alaoui" not in html
    axe.check(page, "verification")

    copy = tmp_path / "minutes.pdf"
    copy.write_bytes(pdf)
    page.locator("#pdf").set_input_files(str(copy))
    page.locator("#upload-form button").click()
    expect(page.locator("#upload-result")).to_have_text(same_file)
    axe.check(page, "upload compared")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(SCREENSHOTS / f"permits-minutes-verify-{language}.png"),
        full_page=True,
    )
    axe.assert_clean()
