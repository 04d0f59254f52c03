"""Refunds, full or partial, each with its credit note; the receipt is never
changed."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from payments.errors import RefundRefused
from payments.models import Order, Receipt, Refund
from payments.services import attempt_start, card_callback_handle, refund_record
from payments.simulator import simulated_callback
from tests.conftest import sql_refused
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


def test_partial_refunds_then_the_rest(paid, planner):
    first = refund_record(
        order=paid, amount_centimes=5_000, reason="Double emploi", by=planner
    )
    paid.refresh_from_db()
    assert paid.status == Order.Status.PARTLY_REFUNDED
    second = refund_record(
        order=paid, amount_centimes=10_000, reason="Service non rendu", by=planner
    )
    paid.refresh_from_db()
    assert paid.status == Order.Status.REFUNDED
    assert (first.number, second.number) == (1, 2)
    assert first.reference.endswith(f"-A-{first.year}-000001")
    assert first.refunded_by == planner
    # The receipt is as issued; the credit notes offset it.
    assert Receipt.objects.get(order=paid).amount_centimes == 15_000


@pytest.mark.parametrize("centimes", [0, -1, 15_001])
def test_an_amount_outside_what_remains_is_refused(paid, planner, centimes):
    with pytest.raises(RefundRefused):
        refund_record(order=paid, amount_centimes=centimes, reason="x", by=planner)
    assert not Refund.objects.exists()


def test_more_than_remains_after_a_partial_refund_is_refused(paid, planner):
    refund_record(order=paid, amount_centimes=10_000, reason="x", by=planner)
    with pytest.raises(RefundRefused, match="50"):
        refund_record(order=paid, amount_centimes=5_001, reason="x", by=planner)


def test_a_refund_needs_a_reason_and_a_paid_order(paid, make_order, planner):
    with pytest.raises(RefundRefused):
        refund_record(order=paid, amount_centimes=100, reason="  ", by=planner)
    with pytest.raises(RefundRefused):
        refund_record(
            order=make_order("unpaid"), amount_centimes=100, reason="x", by=planner
        )


def test_only_the_agencys_agents_refund(paid, other_planner, administrator):
    with pytest.raises(PermissionDenied):
        refund_record(order=paid, amount_centimes=100, reason="x", by=other_planner)
    refund_record(order=paid, amount_centimes=100, reason="x", by=administrator)


def test_the_database_refuses_changing_a_credit_note(paid, planner):
    refund = refund_record(order=paid, amount_centimes=100, reason="x", by=planner)
    sql_refused(
        "UPDATE payments_refund SET amount_centimes = 1 WHERE id = %s", [refund.pk]
    )
    sql_refused("DELETE FROM payments_refund WHERE id = %s", [refund.pk])


def test_the_order_page_says_a_full_refund(client, paid, planner):
    refund_record(order=paid, amount_centimes=15_000, reason="x", by=planner)
    page = client.get(
        reverse("payments:order", args=[paid.reference]),
        headers={"Accept-Language": "fr"},
    ).content.decode()
    assert "Remboursée en totalité" in page
    assert paid.receipt.reference in page


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fr", ["Remboursée en partie : 50,00 DH rendus", "Remboursée en partie"]),
        ("ar", ["مستردة جزئيا: تم إرجاع 50,00 درهم", "مستردة جزئيا"]),
    ],
)
def test_after_a_partial_refund_the_order_is_partly_refunded_not_paid(
    client, paid, planner, language, words
):
    """The citizen's page and the staff's list say "partly refunded", in the
    reader's language; the rest can still be refunded."""
    refund_record(order=paid, amount_centimes=5_000, reason="x", by=planner)
    headers = {"Accept-Language": language}
    page = client.get(
        reverse("payments:order", args=[paid.reference]), headers=headers
    ).content.decode()
    assert 'data-state="partly_refunded"' in page
    assert words[0] in page
    assert paid.receipt.reference in page
    assert reverse("payments:receipt_pdf", args=[paid.reference]) in page
    client.force_login(planner)
    staff = client.get(reverse("payments:staff_orders"), headers=headers)
    row = staff.content.decode().split(f'id="order-{paid.reference}"')[1]
    row = row.split("</tr>")[0]
    assert f"<td>{words[1]}</td>" in row
    assert reverse("payments:staff_refund", args=[paid.reference]) in row
