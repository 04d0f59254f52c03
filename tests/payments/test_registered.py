"""Receipts and credit notes are issued documents of document-e: registered
with their exact PDF when numbered, their QR code's payload signed, their
verification page reachable by the printed code."""

from __future__ import annotations

import hashlib
import subprocess

import cv2
import pytest
from django.urls import reverse

from documents import signing
from documents.models import IssuedDocument
from documents.offline import payload_verify
from documents.selectors import payload_of
from payments.models import Receipt
from payments.services import attempt_start, card_callback_handle, refund_record
from payments.simulator import simulated_callback
from tests.payments.conftest import URLS


@pytest.fixture
def paid(order):
    _attempt, instructions = attempt_start(order=order, provider="cmi", urls=URLS)
    card_callback_handle(
        fields=simulated_callback(instructions.form_fields, approved=True)
    )
    order.refresh_from_db()
    return order


def test_a_receipt_is_registered_in_the_orders_language(client, paid, agency):
    receipt = Receipt.objects.get(order=paid)
    document = IssuedDocument.objects.get(subject_reference=receipt.reference)
    assert (document.kind, document.language) == ("receipt", "ar")
    assert document.subject_type == "payments.receipt"
    assert document.agency == agency
    pdf = client.get(
        reverse("payments:receipt_pdf", args=[paid.reference]),
        HTTP_ACCEPT_LANGUAGE="ar",
    ).content
    assert hashlib.sha256(pdf).hexdigest() == document.pdf_sha256
    key_data = payload_verify(payload_of(document), public_key=signing.public_key())
    assert key_data.identifier == document.identifier
    # In French, the same receipt rendered again: not the registered file.
    french = client.get(
        reverse("payments:receipt_pdf", args=[paid.reference]),
        HTTP_ACCEPT_LANGUAGE="fr",
    ).content
    assert french.startswith(b"%PDF-")
    assert hashlib.sha256(french).hexdigest() != document.pdf_sha256
    page = client.get(f"/verify/{document.code}?lang=ar").content.decode()
    assert "هذه الوثيقة أصلية وسارية" in page
    assert "الوصل" in page
    # The citizen's subject is not shown to whoever verifies.
    assert "TF 12345/07" not in page


def test_a_refund_registers_its_credit_note(client, paid, planner):
    refund = refund_record(
        order=paid, amount_centimes=5_000, reason="Double emploi", by=planner
    )
    document = IssuedDocument.objects.get(subject_reference=refund.reference)
    assert document.kind == "credit_note"
    assert document.subject_type == "payments.refund"
    url = reverse("payments:credit_note_pdf", args=[paid.reference, refund.reference])
    pdf = client.get(url, HTTP_ACCEPT_LANGUAGE="ar").content
    assert hashlib.sha256(pdf).hexdigest() == document.pdf_sha256
    order_page = client.get(
        reverse("payments:order", args=[paid.reference]), HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert url in order_page
    verification = client.get(f"/verify/{document.code}?lang=fr").content.decode()
    assert "Avoir" in verification
    assert "Double emploi" not in verification
    other = reverse("payments:credit_note_pdf", args=[paid.reference, "AURS-A-1-1"])
    assert client.get(other).status_code == 404


def test_the_receipts_qr_code_decodes_to_its_page_and_payload(client, paid, tmp_path):
    receipt = Receipt.objects.get(order=paid)
    document = IssuedDocument.objects.get(subject_reference=receipt.reference)
    pdf = client.get(
        reverse("payments:receipt_pdf", args=[paid.reference]),
        HTTP_ACCEPT_LANGUAGE="ar",
    ).content
    (tmp_path / "receipt.pdf").write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "200",
            "-f",
            "1",
            "-l",
            "1",
            "-png",
            "-singlefile",
            str(tmp_path / "receipt.pdf"),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    image = cv2.imread(str(tmp_path / "page.png"))
    decoded, _points, _ = cv2.QRCodeDetectorAruco().detectAndDecode(image)
    url, _hash, payload = decoded.partition("#")
    assert url.endswith(f"/verify/{document.code}?lang=ar")
    assert payload == payload_of(document)
    assert client.get(url).status_code == 200
