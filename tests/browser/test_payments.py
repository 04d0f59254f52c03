"""A citizen orders and pays by card through the local gateway simulator, in
French and in Arabic: the gateway's callback (server to server, over HTTP)
confirms it, and the order page they come back to shows the receipt; agents
confirm counter payments, match bank statements and refund."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import translation
from playwright.sync_api import expect

from accounts.models import User
from layers.models import Agency
from payments.models import Order, Receipt, Refund, Tariff
from payments.providers.base import ReturnUrls
from payments.services import attempt_start, order_place
from tests.browser_fixtures import SCREENSHOTS, worker_run
from tests.conftest import square

pytestmark = pytest.mark.browser


@pytest.fixture
def order(transactional_db, settings, live_server):
    settings.PAYMENTS_SIMULATOR = True
    agency = Agency.objects.create(
        code="au-pay-test",
        name_fr="Agence urbaine d'essai",
        name_ar="الوكالة الحضرية للتجربة",
        srid=26191,
        note_prefix="AUP",
        territory=square(-6.9, 33.9, 0.1),
    )
    # A service that delivers only its receipt (the official note, which must
    # name a parcel, has its own test: test_official_note.py).
    Tariff.objects.create(
        agency=agency,
        service="file-study",
        label_fr="Étude de dossier",
        label_ar="دراسة ملف",
        amount_centimes=15_000,
        legal_basis="Arrêté tarifaire n° 12/2024",
        valid_from=datetime.date(2024, 1, 1),
    )
    placed, _created = order_place(
        agency=agency,
        service="file-study",
        subject="TF 12345/07",
        language="ar",
        idempotency_key="browser",
        origin=live_server.url,
    )
    return placed


def words(language: str, *texts: str) -> list[str]:
    with translation.override(language):
        return [translation.gettext(text) for text in texts]


@pytest.mark.parametrize(
    ("language", "decision"),
    [
        ("fr", "Accept the payment"),
        ("ar", "Accept the payment"),
        ("ar", "Refuse the payment"),
    ],
)
def test_a_citizen_pays_by_card_and_comes_back_to_the_receipt(
    session_factory, order, language, decision
):
    place, pay, go, choose = words(
        language,
        "Place the order",
        "Pay by card",
        "Continue to the secure card payment page",
        decision,
    )
    session = session_factory(locale="ar-MA" if language == "ar" else "fr-FR")
    session.context.set_extra_http_headers({"Accept-Language": language})
    page = session.open(
        f"/payments/orders/new?agency={order.agency.code}&service=file-study"
        "&subject=TF%2099/07"
    )
    expect(page.locator("html")).to_have_attribute(
        "dir", "rtl" if language == "ar" else "ltr"
    )
    page.get_by_role("button", name=place).click()
    order = Order.objects.get(subject="TF 99/07")
    assert order.language == language
    page.get_by_role("button", name=pay).click()
    page.get_by_role("button", name=go).click()
    page.get_by_role("button", name=choose).click()

    state = page.locator("#payment-state")
    order.refresh_from_db()
    if decision == "Accept the payment":
        receipt = Receipt.objects.get(order=order)
        expect(state).to_have_attribute("data-state", "paid")
        expect(state).to_contain_text(receipt.reference)
        assert order.status == Order.Status.PAID
        # Paid; the receipt's PDF is the worker's, after the payment commits.
        expect(page.locator("#documents-state")).to_have_attribute(
            "data-state", "pending"
        )
        worker_run()
        # The page refreshes itself and then links the receipt.
        expect(page.locator("#receipt-pdf")).to_be_visible(timeout=15_000)
        href = page.locator("#receipt-pdf").get_attribute("href")
        pdf = page.request.get(session.base_url + href)
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.body().startswith(b"%PDF")
    else:
        expect(state).to_have_attribute("data-state", "awaiting")
        assert order.status == Order.Status.AWAITING_PAYMENT
        assert not Receipt.objects.filter(order=order).exists()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=SCREENSHOTS / f"payments-{language}-{decision.split()[0].lower()}.png"
    )


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_an_agent_confirms_a_counter_payment_and_refunds_part_of_it(
    session_factory, live_server, order, language
):
    counter, confirm, refund = words(
        language,
        "Pay at the counter or by bank transfer",
        "Confirm the payment",
        "Refund",
    )
    session = session_factory(locale="ar-MA" if language == "ar" else "fr-FR")
    session.context.set_extra_http_headers({"Accept-Language": language})
    citizen = session.open(f"/payments/orders/{order.reference}/")
    citizen.get_by_role("button", name=counter).click()
    quoted = citizen.locator("#payment-reference").inner_text()
    assert quoted == order.payment_reference

    agent = User.objects.create_user("agent", agency=order.agency)
    client = Client()
    client.force_login(agent)
    session.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )
    page = session.open("/payments/staff/orders/")
    expect(page.locator("html")).to_have_attribute(
        "dir", "rtl" if language == "ar" else "ltr"
    )
    page.locator("input[name=payment_reference]").fill(quoted.lower())
    page.get_by_role("button", name=confirm).click()
    receipt = Receipt.objects.get(order=order)
    expect(page.locator(".message-success")).to_contain_text(receipt.reference)

    row = page.locator(f"#order-{order.reference}")
    row.locator("input[name=amount]").fill("50,00")
    row.locator("input[name=reason]").fill("Double emploi")
    row.get_by_role("button", name=refund).click()
    credit_note = Refund.objects.get(receipt=receipt)
    expect(page.locator(".message-success")).to_contain_text(credit_note.reference)
    assert credit_note.amount_centimes == 5_000
    (partly,) = words(language, "Partly refunded")
    expect(page.locator(f"#order-{order.reference}")).to_contain_text(partly)
    expect(page.locator("#reconciliation")).to_contain_text("150")
    page.screenshot(path=SCREENSHOTS / f"payments-staff-{language}.png")


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_an_agent_matches_a_bank_statement(
    session_factory, live_server, order, language, tmp_path
):
    attempt_start(
        order=order, provider="counter", urls=ReturnUrls(ok="", fail="", callback="")
    )
    match = words(language, "Match the transfers")[0]
    with translation.override(language):
        confirmed = translation.ngettext(
            "%(count)s transfer confirmed.", "%(count)s transfers confirmed.", 1
        ) % {"count": 1}
    statement = tmp_path / "releve.csv"
    statement.write_text(
        f"date;reference;amount\n2026-12-01;{order.payment_reference};150,00\n"
        "2026-12-01;RF00 0000;10,00\n"
    )
    agent = User.objects.create_user("agent", agency=order.agency)
    client = Client()
    client.force_login(agent)
    session = session_factory(locale="ar-MA" if language == "ar" else "fr-FR")
    session.context.set_extra_http_headers({"Accept-Language": language})
    session.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )
    page = session.open("/payments/staff/orders/")
    page.locator("input[name=statement]").set_input_files(statement)
    page.get_by_role("button", name=match).click()
    expect(page.locator(".message-success")).to_have_text(confirmed)
    expect(page.locator(".message-warning")).to_have_count(1)
    expect(page.locator(f"#order-{order.reference}")).to_contain_text(
        Receipt.objects.get(order=order).reference
    )
