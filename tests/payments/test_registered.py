"""Receipts and credit notes are issued documents of document-e: registered
with their exact PDF once issued, their QR code's payload signed, their
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
from documents.selectors import payload_of, pdf_of
from documents.services import document_base_url
from payments.issuing import receipt_issue_run
from payments.models import Order, Receipt
from payments.services import attempt_start, card_callback_handle, refund_record
from payments.simulator import simulated_callback
from tests.payments.conftest import URLS, worker_run


@pytest.fixture
def paid(order):
    _attempt, instructions = attempt_start(order=order, provider="cmi", urls=URLS)
    card_callback_handle(
        fields=simulated_callback(instructions.form_fields, approved=True)
    )
    worker_run()
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
    decoded = qr_of(pdf, tmp_path)
    url, _hash, payload = decoded.partition("#")
    assert url.endswith(f"/verify/{document.code}?lang=ar")
    assert payload == payload_of(document)
    assert client.get(url).status_code == 200


def qr_of(pdf: bytes, tmp_path) -> str:
    """What the first page's QR code holds, as a phone's reader decodes it."""
    (tmp_path / "document.pdf").write_bytes(pdf)
    pdftoppm = ["pdftoppm", "-r", "200", "-f", "1", "-l", "1", "-png", "-singlefile"]
    subprocess.run(
        [*pdftoppm, str(tmp_path / "document.pdf"), str(tmp_path / "page")],
        check=True,
    )
    image = cv2.imread(str(tmp_path / "page.png"))
    decoded, _points, _ = cv2.QRCodeDetectorAruco().detectAndDecode(image)
    return decoded


def test_without_a_public_url_the_qr_code_is_absolute_on_the_orders_address(
    client, tariff, settings, planner, tmp_path
):
    """No GEOPORTAIL_PUBLIC_URL: the receipt is issued in the gateway's
    callback, with no citizen's request at hand, and its credit note by an
    agent later; both QR codes name the address the order was placed through."""
    settings.GEOPORTAIL_PUBLIC_URL = ""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "geo.example.ma"]
    placed = client.post(
        reverse("payments:order_create"),
        {"agency": tariff.agency.code, "service": tariff.service}
        | {"subject": "parcelle TF 12345/07", "language": "ar"},
        content_type="application/json",
        headers={"Idempotency-Key": "no-public-url-1", "host": "geo.example.ma"},
    )
    assert placed.status_code == 201
    order = Order.objects.get(reference=placed.json()["reference"])
    assert order.origin == "http://geo.example.ma"
    _attempt, instructions = attempt_start(order=order, provider="cmi", urls=URLS)
    answer = client.post(
        reverse("payments:card_callback"),
        simulated_callback(instructions.form_fields, approved=True),
    )
    assert answer.content.decode().startswith("ACTION=POSTAUTH")
    receipt = Receipt.objects.select_related("issue").get(order=order)
    assert receipt_issue_run(issue_id=receipt.issue.pk) == "done"  # the worker
    document = IssuedDocument.objects.get(subject_reference=receipt.reference)
    url, _hash, payload = qr_of(pdf_of(document), tmp_path).partition("#")
    assert url == f"http://geo.example.ma/verify/{document.code}?lang=ar"
    assert payload == payload_of(document)

    refund = refund_record(
        order=order, amount_centimes=100, reason="Erreur", by=planner
    )
    credit = IssuedDocument.objects.get(subject_reference=refund.reference)
    url, _hash, _payload = qr_of(pdf_of(credit), tmp_path).partition("#")
    assert url == f"http://geo.example.ma/verify/{credit.code}?lang=ar"


def test_the_public_url_comes_first_and_without_any_no_document_is_issued(
    order, settings
):
    settings.GEOPORTAIL_PUBLIC_URL = "https://geoportail.example.ma/"
    assert (
        document_base_url(origin="http://10.0.0.7:8000")
        == "https://geoportail.example.ma"
    )
    settings.GEOPORTAIL_PUBLIC_URL = ""
    assert document_base_url(origin="http://10.0.0.7:8000") == "http://10.0.0.7:8000"
    # An order placed by no request (a script): nothing to print. The payment
    # stands (the gateway took the money); no receipt pointing nowhere is
    # issued: its issue fails, says why, and waits for the setting.
    Order.objects.filter(pk=order.pk).update(origin="")
    order.refresh_from_db()
    _attempt, instructions = attempt_start(order=order, provider="cmi", urls=URLS)
    card_callback_handle(
        fields=simulated_callback(instructions.form_fields, approved=True)
    )
    receipt = Receipt.objects.select_related("issue").get(order=order)
    assert receipt_issue_run(issue_id=receipt.issue.pk) == "pending"
    receipt.issue.refresh_from_db()
    assert receipt.issue.last_error.startswith("PublicAddressUnknown")
    assert not IssuedDocument.objects.exists()
