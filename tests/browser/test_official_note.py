"""A citizen orders the official note of a demo parcel from its indicative
note, pays with the card gateway simulator, downloads the receipt and the
note — signed PDFs that cite each other, issued by the worker while the page
says they are being prepared — and opens the note's verification page, in
Arabic and in French."""

from __future__ import annotations

import subprocess

import pytest
from django.utils import translation
from playwright.sync_api import expect

from notes.models import Note
from notes.services import note_issue
from notes.subjects import SubjectQuery, parse_reference
from parcels.models import Parcel
from payments.models import Order
from tests.browser.axe import AxeReport
from tests.browser_fixtures import SCREENSHOTS, worker_run
from tests.pades import pyhanko_verdict

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def words(language: str, *texts: str) -> list[str]:
    with translation.override(language):
        return [translation.gettext(text) for text in texts]


def pdf_text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


@pytest.fixture
def indicative_note(demo_reloaded, settings):
    """A free note about a demo land title, as a citizen issued it."""
    settings.PAYMENTS_SIMULATOR = True
    parcel = (
        Parcel.objects.filter(agency=demo_reloaded, kind="TF")
        .order_by("reference_key")
        .first()
    )
    return note_issue(
        base_url="http://testserver",
        query=SubjectQuery(
            kind="parcel",
            reference=parse_reference(parcel.reference),
            agency=demo_reloaded.code,
        ),
        language="ar",
    )


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_a_citizen_orders_pays_and_verifies_the_official_note(
    session_factory, indicative_note, language
):
    order_it, place, pay, go, accept = words(
        language,
        "Order the official note",
        "Place the order",
        "Pay by card",
        "Continue to the secure card payment page",
        "Accept the payment",
    )
    session = session_factory(locale="ar-MA" if language == "ar" else "fr-FR")
    session.context.set_extra_http_headers({"Accept-Language": language})
    report = AxeReport(f"official-note-{language}")
    page = session.open(f"/notes/{indicative_note.token}/")
    report.check(page, "indicative note, with its offer")
    expect(page.locator("html")).to_have_attribute(
        "dir", "rtl" if language == "ar" else "ltr"
    )
    page.get_by_role("link", name=order_it).click()
    expect(page.locator(".payment-order")).to_contain_text(
        indicative_note.parcel.reference
    )
    report.check(page, "order of the official note")
    page.get_by_role("button", name=place).click()
    reference = page.url.rstrip("/").rsplit("/", 1)[-1]
    order = Order.objects.get(reference=reference)
    assert order.parcel == indicative_note.parcel
    assert order.language == language
    page.get_by_role("button", name=pay).click()
    page.get_by_role("button", name=go).click()
    page.get_by_role("button", name=accept).click()

    expect(page.locator("#payment-state")).to_have_attribute("data-state", "paid")
    # Paid: the note and the receipt's PDF are being prepared by the worker,
    # after the payment committed; a download asked now says so.
    (preparing,) = words(
        language,
        "Your receipt is being prepared, with what you paid for. This page "
        "updates by itself in a few seconds.",
    )
    expect(page.locator("#documents-state")).to_contain_text(preparing)
    assert not Note.objects.filter(order=order).exists()
    early = page.request.get(
        f"{session.base_url}/payments/orders/{reference}/receipt.pdf"
    )
    assert early.status == 503
    page.screenshot(path=SCREENSHOTS / f"official-note-preparing-{language}.png")
    report.check(page, "paid order, its documents being prepared")
    worker_run()
    # The page refreshes itself (no JavaScript needed) and gives both.
    expect(page.locator("#receipt-pdf")).to_be_visible(timeout=15_000)
    order.refresh_from_db()
    receipt = order.receipt
    note = Note.objects.get(order=order)
    assert note.language == language
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"official-note-order-{language}.png")
    report.check(page, "paid order, its receipt and note")

    receipt_pdf = page.request.get(
        session.base_url + page.locator("#receipt-pdf").get_attribute("href")
    ).body()
    note_pdf = page.request.get(
        session.base_url + page.locator(".delivered-pdf").get_attribute("href")
    ).body()
    assert receipt_pdf.startswith(b"%PDF")
    assert note_pdf.startswith(b"%PDF")
    assert note.reference in pdf_text(receipt_pdf)
    assert receipt.reference in pdf_text(note_pdf)
    for pdf in (receipt_pdf, note_pdf):
        assert pyhanko_verdict(pdf).trusted

    page.locator(".delivered-verify").click()
    expect(page.locator(".verdict-ok")).to_be_visible()
    standing = page.locator("#note-standing")
    expect(standing).to_contain_text(receipt.reference)
    expect(standing).to_contain_text(order.reference)
    page.screenshot(path=SCREENSHOTS / f"official-note-verify-{language}.png")
    report.check(page, "verification of the official note")
    report.assert_clean()
