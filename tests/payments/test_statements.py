"""A bank statement confirms the transfers it shows, by structured reference
and exact amount; every other line is reported and changes nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from payments.errors import StatementUnreadable
from payments.models import Order, Receipt
from payments.services import attempt_start
from payments.statements import statement_import
from tests.payments.conftest import URLS


@pytest.fixture
def transfers(make_order):
    orders = [make_order(f"transfer-{index}") for index in range(3)]
    for order in orders:
        attempt_start(order=order, provider="counter", urls=URLS)
    return orders


def spaced(reference: str) -> str:
    return " ".join(reference[i : i + 4] for i in range(0, len(reference), 4))


def test_matching_lines_confirm_and_the_others_are_reported(transfers, planner):
    first, second, third = transfers
    typo = first.payment_reference[:-1] + (
        "2" if first.payment_reference[-1] != "2" else "3"
    )
    content = "\n".join(
        [
            "date;libellé;reference;amount",
            f"2026-12-01;VIR M. ALAMI;{spaced(first.payment_reference)};150,00",
            f"2026-12-01;VIR MME BENNANI;{second.payment_reference};149.99",
            f"2026-12-02;VIR;{typo};150.00",
            f"2026-12-02;VIR;{first.payment_reference};150.00",
            f"2026-12-03;VIR;{third.payment_reference};cent cinquante",
        ]
    ).encode()
    report = statement_import(content=content, agent=planner)
    assert report.confirmed == [Receipt.objects.get(order=first).reference]
    assert [line for line, _reason in report.left] == [3, 4, 5, 6]
    for order in (second, third):
        order.refresh_from_db()
        assert order.status == Order.Status.AWAITING_PAYMENT


def test_another_agencys_transfer_is_left(transfers, other_planner):
    content = f"reference,amount\n{transfers[0].payment_reference},150.00\n".encode()
    report = statement_import(content=content, agent=other_planner)
    assert report.confirmed == []
    assert [line for line, _reason in report.left] == [2]
    assert not Receipt.objects.exists()


@pytest.mark.parametrize(
    "content", [b"date,amount\n2026-12-01,150.00\n", b"\xff\xfe\x00r", b""]
)
def test_a_file_that_is_no_such_statement_is_refused(planner, content):
    with pytest.raises(StatementUnreadable):
        statement_import(content=content, agent=planner)


@pytest.mark.parametrize(
    ("language", "confirmed", "line"),
    [
        ("fr", "1 virement confirmé.", "Ligne 3 :"),
        ("ar", "تم تأكيد تحويل واحد.", "السطر 3:"),
    ],
)
def test_the_staff_page_imports_a_statement(
    client, transfers, planner, language, confirmed, line
):
    client.force_login(planner)
    content = (
        "reference,amount\n"
        f"{transfers[0].payment_reference},150.00\n"
        f"{transfers[1].payment_reference},1.00\n"
    ).encode()
    upload = SimpleUploadedFile("releve.csv", content, content_type="text/csv")
    page = client.post(
        "/payments/staff/statement",
        {"statement": upload},
        headers={"Accept-Language": language},
        follow=True,
    ).content.decode()
    assert confirmed in page
    assert line in page
