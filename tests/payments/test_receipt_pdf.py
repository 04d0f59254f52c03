"""A paid order's receipt as a PDF, in the reader's language."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from payments.services import attempt_start, card_callback_handle
from payments.simulator import simulated_callback
from tests.pades import pdfsig, pyhanko_verdict
from tests.payments.conftest import URLS, worker_run


def pay(order):
    _attempt, instructions = attempt_start(order=order, provider="cmi", urls=URLS)
    card_callback_handle(
        fields=simulated_callback(instructions.form_fields, approved=True)
    )
    order.refresh_from_db()
    return order


@pytest.fixture
def paid(order):
    pay(order)
    worker_run()
    return order


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fr", ["Votre reçu est en cours de préparation", "Actualiser"]),
        ("ar", ["يجري إعداد وصلكم", "تحديث"]),
    ],
)
def test_until_the_worker_has_run_the_receipt_is_being_prepared(
    client, order, language, words
):
    """The payment is committed, its documents not yet issued: the order
    page says so, with a refresh link and a script that asks again; the
    download says so too, in the citizen's language, and asks to try again."""
    pay(order)
    headers = {"Accept-Language": language}
    page = client.get(
        reverse("payments:order", args=[order.reference]), headers=headers
    )
    content = page.content.decode()
    assert 'id="documents-state" data-state="pending"' in content
    assert "payments/order.js" in content  # asks again, politely
    assert words[0] in content
    assert words[1] in content
    assert reverse("payments:receipt_pdf", args=[order.reference]) not in content
    download = client.get(
        reverse("payments:receipt_pdf", args=[order.reference]), headers=headers
    )
    assert download.status_code == 503
    assert download["Retry-After"] == "5"
    assert download["Content-Type"].startswith("text/html")
    worker_run()
    page = client.get(
        reverse("payments:order", args=[order.reference]), headers=headers
    )
    assert "payments/order.js" not in page.content.decode()
    assert (
        reverse("payments:receipt_pdf", args=[order.reference]) in page.content.decode()
    )


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
