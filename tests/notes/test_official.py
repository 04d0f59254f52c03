"""The official note: issued only once its order is paid, it and its receipt
cite each other (both PDFs), the order page gives both; the indicative note
stays free."""

from __future__ import annotations

import datetime
import json
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from notes.models import Note
from payments.issuing import receipt_issues_due
from payments.models import Order, PaymentAttempt, Tariff
from payments.providers.base import ReturnUrls
from payments.services import attempt_start, card_callback_handle
from payments.simulator import simulated_callback
from tests.conftest import sql_refused

pytestmark = pytest.mark.django_db

URLS = ReturnUrls(
    ok="http://testserver/ok", fail="http://testserver/fail", callback="http://cb"
)


def pdf_text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


@pytest.fixture
def order(site, settings, client):
    """An official note ordered, in French, for the site's parcel TF 100/07
    through the citizen's form."""
    settings.PAYMENTS_CMI_STORE_KEY = "test-store-key"
    Tariff.objects.create(
        agency=site.agency,
        service="official-note",
        label_fr="Note de renseignements urbanistiques officielle",
        label_ar="مذكرة المعلومات التعميرية الرسمية",
        amount_centimes=15_000,
        legal_basis="Arrêté tarifaire n° 12/2024",
        valid_from=datetime.date(2024, 1, 1),
    )
    form = {
        "agency": site.agency.code,
        "service": "official-note",
        "parcel": "tf 100/7",
        "idempotency_key": "k" * 24,
    }
    answer = client.post(
        reverse("payments:order_new"), form, headers={"Accept-Language": "fr"}
    )
    assert answer.status_code == 302
    return Order.objects.get(agency=site.agency)


def pay(order: Order, *, approved: bool = True, expired: bool = False) -> None:
    """The gateway's callback, then the worker's part: the note and the
    receipt's PDF are issued after the payment commits."""
    attempt, instructions = attempt_start(order=order, provider="cmi", urls=URLS)
    if expired:
        PaymentAttempt.objects.filter(pk=attempt.pk).update(
            expires_at=timezone.now() - datetime.timedelta(seconds=1)
        )
    card_callback_handle(
        fields=simulated_callback(instructions.form_fields, approved=approved)
    )
    receipt_issues_due()


def test_the_order_names_the_parcel(order, site):
    assert order.parcel == site.parcels["TF 100/07"]
    assert order.subject == "TF 100/07"


def test_a_paid_order_gets_its_official_note_citing_the_receipt(order):
    pay(order)
    order.refresh_from_db()
    note = Note.objects.get(order=order)
    assert note.is_official
    assert note.language == "fr"
    assert note.content["note"]["official"] == {
        "order": order.reference,
        "receipt": order.receipt.reference,
    }
    assert note.content["subject"]["reference"] == "TF 100/07"


def test_the_note_and_the_receipt_pdfs_cite_each_other(order, client):
    pay(order)
    order.refresh_from_db()
    note = Note.objects.get(order=order)
    page = client.get(reverse("payments:order", args=[order.reference]))
    html = page.content.decode()
    note_pdf_url = reverse("notes:pdf", args=[note.token])
    assert note_pdf_url in html
    assert reverse("notes:verify", args=[note.token]) in html
    note_text = pdf_text(client.get(note_pdf_url).content)
    assert "Note de renseignements urbanistiques officielle" in note_text
    assert order.receipt.reference in note_text
    assert order.reference in note_text
    receipt = client.get(
        reverse("payments:receipt_pdf", args=[order.reference]),
        headers={"Accept-Language": "fr"},
    )
    assert note.reference in pdf_text(receipt.content)


def test_the_verification_page_says_the_note_is_official(order, client):
    pay(order)
    order.refresh_from_db()
    note = Note.objects.get(order=order)
    page = client.get(
        reverse("notes:verify", args=[note.token]) + "?lang=ar"
    ).content.decode()
    assert "مذكرة رسمية" in page
    assert order.receipt.reference in page


def test_an_unpaid_order_has_no_official_note(order, client):
    assert not Note.objects.filter(order=order).exists()
    html = client.get(reverse("payments:order", args=[order.reference]))
    assert "delivered-pdf" not in html.content.decode()


def test_a_declined_payment_yields_no_official_note(order):
    pay(order, approved=False)
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT
    assert not Note.objects.filter(order=order).exists()


def test_a_payment_confirmed_after_expiry_yields_no_official_note(order):
    pay(order, expired=True)
    assert not Note.objects.filter(order=order).exists()
    assert not Note.objects.exists()


def test_a_repeated_callback_issues_no_second_note(order):
    _attempt, instructions = attempt_start(order=order, provider="cmi", urls=URLS)
    callback = simulated_callback(instructions.form_fields, approved=True)
    card_callback_handle(fields=callback)
    receipt_issues_due()
    card_callback_handle(fields=callback)
    receipt_issues_due()
    assert Note.objects.filter(order=order).count() == 1


def test_the_indicative_note_stays_free_and_says_so(client, site):
    issued = client.post(
        "/api/v1/notes",
        data=json.dumps({"parcel": "TF 100/07", "language": "fr"}),
        content_type="application/json",
    ).json()
    note = Note.objects.get(reference=issued["reference"])
    assert not note.is_official
    text = pdf_text(client.get(issued["pdf_url"]).content)
    assert "Note indicative, gratuite" in text
    assert "officielle" not in text.split("Note indicative")[0]


def test_a_parcel_the_agency_does_not_hold_cannot_be_ordered(order, client, site):
    answer = client.get(
        reverse("payments:order_new"),
        {"agency": site.agency.code, "service": "official-note", "parcel": "TF 9/9"},
    )
    assert answer.status_code == 404


def test_the_database_refuses_to_unlink_an_official_note_from_its_order(order):
    pay(order)
    note = Note.objects.get(order=order)
    sql_refused("UPDATE notes_note SET order_id = NULL WHERE id = %s", [note.pk])


def test_the_indicative_note_page_offers_the_official_one(order, client, site):
    issued = client.post(
        "/api/v1/notes",
        data=json.dumps({"parcel": "TF 100/07"}),
        content_type="application/json",
    ).json()
    page = client.get(issued["note_url"]).content.decode()
    assert 'id="order-official"' in page
    assert "service=official-note" in page
    assert "parcel=TF+100%2F07" in page


def test_the_api_orders_the_official_note_of_a_parcel(order, client, site):
    def post(body: dict, key: str):
        return client.post(
            reverse("payments:order_create"),
            data=json.dumps(body),
            content_type="application/json",
            headers={"Idempotency-Key": key},
        )

    body = {"agency": site.agency.code, "service": "official-note"}
    answer = post({**body, "parcel": "TF 200/07", "language": "ar"}, "api-1")
    assert answer.status_code == 201
    assert answer.json()["parcel"] == "TF 200/07"
    assert answer.json()["subject"] == "TF 200/07"
    placed = Order.objects.get(reference=answer.json()["reference"])
    assert placed.parcel == site.parcels["TF 200/07"]
    pay(placed)
    assert Note.objects.get(order=placed).language == "ar"
    unknown = post({**body, "parcel": "TF 9/9"}, "api-2")
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "parcel_not_found"


def test_a_counter_payment_confirmed_by_an_agent_issues_it_too(order, site):
    from accounts.models import User
    from payments.services import counter_payment_confirm

    attempt_start(order=order, provider="counter", urls=URLS)
    assert not Note.objects.filter(order=order).exists()
    agent = User.objects.create_user("counter-agent", agency=site.agency)
    counter_payment_confirm(
        payment_reference=order.payment_reference, agent=agent, cash=False
    )
    assert not Note.objects.filter(order=order).exists()
    receipt_issues_due()
    note = Note.objects.get(order=order)
    assert note.content["note"]["official"]["receipt"] == order.receipt.reference


@pytest.mark.parametrize(
    ("language", "words"),
    [("fr", "parcelle"), ("ar", "قطعة أرضية")],
)
def test_an_official_note_cannot_be_ordered_without_a_parcel(
    order, client, site, language, words
):
    """Paid for, it could deliver nothing: the API refuses it when placed,
    in the citizen's language, and the form too."""
    answer = client.post(
        reverse("payments:order_create"),
        data=json.dumps(
            {
                "agency": site.agency.code,
                "service": "official-note",
                "subject": "TF 100/07",
                "language": language,
            }
        ),
        content_type="application/json",
        headers={
            "Idempotency-Key": f"no-parcel-{language}",
            "Accept-Language": language,
        },
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "parcel_required"
    assert words in answer.json()["error"]["message"]
    form = client.post(
        reverse("payments:order_new"),
        {
            "agency": site.agency.code,
            "service": "official-note",
            "subject": "TF 100/07",
            "idempotency_key": "f" * 24,
        },
        headers={"Accept-Language": language},
    )
    assert form.status_code == 400
    assert words in form.content.decode()
    assert Order.objects.filter(agency=site.agency).count() == 1
