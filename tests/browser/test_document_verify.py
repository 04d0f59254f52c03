"""document-e's verification page in French and Arabic, as a reader scanning
a QR code meets it: a valid document (and its PDF compared by upload), a
revoked one with its reason, the keys page — each with zero axe violations."""

from __future__ import annotations

import hashlib

import pytest
from playwright.sync_api import expect

from accounts.models import User
from documents.models import DocumentKind
from documents.services import document_issue, document_prepare, document_revoke
from layers.models import Agency
from tests.browser.axe import AxeReport
from tests.browser_fixtures import SCREENSHOTS
from tests.conftest import square

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n% a receipt of the browser test\n%%EOF\n"
VALID = {
    "fr": "Ce document est authentique et valide",
    "ar": "هذه الوثيقة أصلية وسارية",
}
REVOKED = {"fr": "RÉVOQUÉ", "ar": "ألغيت"}
SAME_FILE = {
    "fr": "Ce fichier est exactement le PDF enregistré.",
    "ar": "هذا الملف مطابق تماما لملف PDF المسجل.",
}


@pytest.fixture
def documents(transactional_db):
    agency = Agency.objects.create(
        code="au-doc-test",
        name_fr="Agence urbaine d'essai des documents",
        name_ar="الوكالة الحضرية لتجربة الوثائق",
        srid=26191,
        note_prefix="AUD",
        territory=square(-6.9, 33.9, 0.1),
    )

    def issue(reference: str, language: str):
        prepared = document_prepare(
            kind=DocumentKind.RECEIPT,
            agency=agency,
            language=language,
            template_version="test-1",
            subject_type="payments.receipt",
            subject_reference=reference,
            content_sha256=hashlib.sha256(reference.encode()).hexdigest(),
        )
        return document_issue(prepared=prepared, pdf=PDF)

    administrator = User.objects.create_user(
        "doc-admin", password="not-a-real-password-9", role=User.Role.ADMINISTRATOR
    )
    revoked = issue("AUD-R-2026-000002", "ar")
    document_revoke(
        document=revoked, user=administrator, reason="Paiement annulé par la banque"
    )
    return {"valid": issue("AUD-R-2026-000001", "fr"), "revoked": revoked}


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_verification_page_reads_in_both_languages(
    session_factory, documents, language, tmp_path
):
    session = session_factory(viewport={"width": 1280, "height": 800})
    report = AxeReport(f"document-verify-{language}")
    valid = documents["valid"]
    page = session.open(f"/verify/{valid.code}?lang={language}")
    html = page.locator("html")
    assert html.get_attribute("lang") == language
    assert html.get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    expect(page.locator("#verdict")).to_contain_text(VALID[language])
    expect(page.locator("#document-code")).to_have_text(valid.code_printed)
    report.check(page, "valid")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"document-verify-valid-{language}.png"))

    # The reader compares the PDF they were given.
    copy = tmp_path / "copy.pdf"
    copy.write_bytes(PDF)
    page.locator("#pdf").set_input_files(str(copy))
    page.locator("#upload-form button").click()
    expect(page.locator("#upload-result")).to_have_text(SAME_FILE[language])
    report.check(page, "upload compared")

    revoked = documents["revoked"]
    page = session.open(f"/verify/{revoked.code}?lang={language}")
    verdict = page.locator("#verdict")
    expect(verdict).to_contain_text(REVOKED[language])
    expect(page.locator("#document-reason")).to_have_text(
        "Paiement annulé par la banque"
    )
    report.check(page, "revoked")
    page.screenshot(path=str(SCREENSHOTS / f"document-verify-revoked-{language}.png"))

    page = session.open(f"/verify/keys?lang={language}")
    expect(page.locator("pre").first).to_contain_text("BEGIN PUBLIC KEY")
    report.check(page, "keys")
    report.assert_clean()


def test_a_typed_code_with_a_typo_is_named_on_a_phone(session_factory, documents):
    session = session_factory(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    code = documents["valid"].code
    typo = code[:-1] + ("0" if code[-1] != "0" else "1")
    page = session.open(f"/verify/{typo}?lang=ar")
    expect(page.locator("[role=alert]")).to_contain_text("خطأ في الكتابة")
    report = AxeReport("document-verify-typo-ar")
    report.check(page, "typo")
    report.assert_clean()
    session.console_errors.clear()  # the 400 itself is logged by the browser
