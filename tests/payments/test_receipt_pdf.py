"""A paid order's receipt as a PDF, in the reader's language."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from payments.services import attempt_start, card_callback_handle
from payments.simulator import simulated_callback
from tests.pades import pdfsig, pyhanko_verdict
from tests.payments.conftest import URLS


@pytest.fixture
def paid(order):
    _attempt, instructions = attempt_start(order=order, provider="cmi", urls=URLS)
    card_callback_handle(
        fields=simulated_callback(instructions.form_fields, approved=True)
    )
    order.refresh_from_db()
    return order


@pytest.mark.parametrize(
    ("language", "words"),
    [("fr", ["Reçu", "150,00 DH", "Carte"]), ("ar", ["150,00"])],
)
def test_the_receipt_pdf_states_what_was_paid(client, paid, language, words):
    url = reverse("payments:receipt_pdf", args=[paid.reference])
    answer = client.get(url, headers={"Accept-Language": language})
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(answer.content))
    text = reader.pages[0].extract_text()
    assert paid.receipt.reference in text
    assert paid.reference in text
    for word in words:
        assert word in text
    assert reader.metadata.title.endswith(paid.receipt.reference)


def test_an_unpaid_order_has_no_receipt_pdf(client, order):
    url = reverse("payments:receipt_pdf", args=[order.reference])
    assert client.get(url).status_code == 404


def test_the_order_page_links_the_receipt_once_paid(client, paid):
    page = client.get(reverse("payments:order", args=[paid.reference]))
    assert (
        reverse("payments:receipt_pdf", args=[paid.reference]) in page.content.decode()
    )


def test_the_receipt_pdf_is_signed_by_the_agency(client, paid, tmp_path):
    answer = client.get(reverse("payments:receipt_pdf", args=[paid.reference]))
    report = pdfsig(answer.content, tmp_path)
    assert f"Signer Certificate Common Name: {paid.agency.name_fr}" in report
    assert "Signature Validation: Signature is Valid." in report
    assert "Certificate Validation: Certificate is Trusted." in report
    verdict = pyhanko_verdict(answer.content)
    assert verdict.intact
    assert verdict.trusted
