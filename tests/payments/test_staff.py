"""The staff's orders list, its CSV export and refunds from it."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse

from accounts.models import User
from payments.models import Order, Refund
from payments.services import (
    attempt_start,
    card_callback_handle,
    counter_payment_confirm,
)
from payments.simulator import simulated_callback
from tests.payments.conftest import URLS

LIST = "/payments/staff/orders/"


@pytest.fixture
def paid(order):
    _attempt, instructions = attempt_start(order=order, provider="cmi", urls=URLS)
    card_callback_handle(
        fields=simulated_callback(instructions.form_fields, approved=True)
    )
    order.refresh_from_db()
    return order


def test_a_planner_sees_the_orders_of_the_agency_and_downloads_them(
    client, paid, make_order, planner
):
    unpaid = make_order("second", subject="parcelle R 4567/07")
    client.force_login(planner)
    page = client.get(LIST).content.decode()
    assert paid.reference in page
    assert unpaid.reference in page
    answer = client.get(LIST, {"format": "csv"})
    assert answer["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.content.decode())))
    by_reference = {row["reference"]: row for row in rows}
    assert by_reference[paid.reference]["amount_mad"] == "150.00"
    assert by_reference[paid.reference]["paid_with"] == "cmi"
    assert by_reference[paid.reference]["receipt"] == paid.receipt.reference
    assert by_reference[unpaid.reference]["status"] == "awaiting_payment"
    assert by_reference[unpaid.reference]["receipt"] == ""


def test_another_agencys_planner_sees_none_of_them(client, paid, other_planner):
    client.force_login(other_planner)
    assert paid.reference not in client.get(LIST).content.decode()
    rows = client.get(LIST, {"format": "csv"}).content.decode().splitlines()
    assert len(rows) == 1  # the header
    url = reverse("payments:staff_refund", args=[paid.reference])
    assert client.post(url, {"amount": "1", "reason": "x"}).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, paid):
    answer = client.get(LIST)
    assert answer.status_code == 302
    assert "/login/" in answer["Location"]


@pytest.mark.parametrize(
    ("language", "done", "refused"),
    [
        ("fr", "avoir n°", "au plus 100,00 DH"),
        ("ar", "إشعار دائن رقم", "100,00 درهم"),
    ],
)
def test_a_refund_from_the_list_gives_a_credit_note(
    client, paid, planner, language, done, refused
):
    client.force_login(planner)
    url = reverse("payments:staff_refund", args=[paid.reference])
    headers = {"Accept-Language": language}
    first = client.post(
        url,
        {"amount": "50,00", "reason": "Double emploi"},
        headers=headers,
        follow=True,
    ).content.decode()
    assert done in first
    assert Refund.objects.get().amount_centimes == 5_000
    second = client.post(
        url, {"amount": "100.01", "reason": "x"}, headers=headers, follow=True
    ).content.decode()
    assert refused in second
    assert Refund.objects.count() == 1
    client.post(url, {"amount": "100", "reason": "Annulé"}, headers=headers)
    paid.refresh_from_db()
    assert paid.status == Order.Status.REFUNDED


@pytest.mark.parametrize("amount", ["abc", "1.005", "NaN", "Infinity", ""])
def test_an_unreadable_amount_refunds_nothing(client, paid, planner, amount):
    client.force_login(planner)
    url = reverse("payments:staff_refund", args=[paid.reference])
    answer = client.post(url, {"amount": amount, "reason": "x"}, follow=True)
    assert answer.status_code == 200
    assert "Écrivez le montant en dirhams" in answer.content.decode()
    assert not Refund.objects.exists()


@pytest.mark.parametrize(
    ("language", "done", "mistyped"),
    [
        ("fr", "Paiement confirmé ; reçu n°", "chiffres de contrôle"),
        ("ar", "تم تأكيد الأداء؛ وصل رقم", "أرقام المراقبة"),
    ],
)
def test_an_agent_confirms_a_counter_payment_from_the_list(
    client, order, planner, language, done, mistyped
):
    attempt_start(order=order, provider="counter", urls=URLS)
    client.force_login(planner)
    url = reverse("payments:staff_counter_confirm")
    headers = {"Accept-Language": language}
    # One character changed: MOD 97-10 catches every single substitution.
    last = order.payment_reference[-1]
    wrong = order.payment_reference[:-1] + ("2" if last != "2" else "3")
    answer = client.post(
        url, {"payment_reference": wrong}, headers=headers, follow=True
    )
    assert mistyped in answer.content.decode()
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT
    answer = client.post(
        url,
        {"payment_reference": order.payment_reference},
        headers=headers,
        follow=True,
    )
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    page = answer.content.decode()
    assert done in page
    assert order.receipt.reference in page


def test_the_reconciliation_sums_receipts_per_day_and_method(
    client, paid, make_order, planner
):
    counter_order = make_order("counter")
    attempt_start(order=counter_order, provider="counter", urls=URLS)
    counter_payment_confirm(
        payment_reference=counter_order.payment_reference, agent=planner, cash=True
    )
    paid_again = make_order("card-2")
    _attempt, instructions = attempt_start(order=paid_again, provider="cmi", urls=URLS)
    card_callback_handle(
        fields=simulated_callback(instructions.form_fields, approved=True)
    )
    client.force_login(planner)
    page = client.get(LIST, headers={"Accept-Language": "fr"}).content.decode()
    table = page[page.index('id="reconciliation"') :]
    rows = re.findall(
        r"<tr><td><bdi>([\d-]+)</bdi></td><td>([^<]+)</td>"
        r"<td>(\d+)</td><td><bdi>([^<]+)</bdi></td></tr>",
        table,
    )
    day = paid.receipt.issued_at.astimezone().date().isoformat()
    assert sorted(rows) == [
        (day, "Carte", "2", "300,00"),
        (day, "Guichet ou virement", "1", "150,00"),
    ]


@pytest.mark.parametrize(
    ("language", "first"),
    [("fr", "un autre agent doit confirmer"), ("ar", "يجب أن يؤكد عون آخر")],
)
def test_large_cash_at_the_counter_takes_a_second_agent(
    client, order, planner, payments_settings, language, first
):
    payments_settings.PAYMENTS_CASH_SECOND_AGENT_CENTIMES = 10_000
    attempt_start(order=order, provider="counter", urls=URLS)
    url = reverse("payments:staff_counter_confirm")
    headers = {"Accept-Language": language}
    form = {"payment_reference": order.payment_reference, "means": "cash"}
    client.force_login(planner)
    page = client.post(url, form, headers=headers, follow=True).content.decode()
    assert first in page
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT
    second = User.objects.create_user("second-agent", agency=order.agency)
    client.force_login(second)
    client.post(url, form, headers=headers)
    order.refresh_from_db()
    assert order.status == Order.Status.PAID


def test_the_csv_never_carries_a_formula(client, make_order, planner):
    make_order("formula", subject='=HYPERLINK("http://evil")')
    client.force_login(planner)
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(LIST, {"format": "csv"}).content.decode())
        )
    )
    assert rows[0]["subject"] == '\'=HYPERLINK("http://evil")'


def test_another_agencys_reference_at_the_counter_is_refused_with_a_message(
    client, order, other_planner
):
    attempt_start(order=order, provider="counter", urls=URLS)
    client.force_login(other_planner)
    answer = client.post(
        reverse("payments:staff_counter_confirm"),
        {"payment_reference": order.payment_reference, "means": "transfer"},
        follow=True,
    )
    assert answer.status_code == 200
    assert "que les données de votre agence" in answer.content.decode()
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT
