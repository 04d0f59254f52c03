"""Receipts: immutable, and numbered without gap or duplicate per agency and
year, even when payments are confirmed at the same time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection, transaction

from payments.models import PaymentAttempt, Receipt, ReceiptCounter, Tariff
from payments.services import attempt_start, card_callback_handle, order_place
from payments.simulator import simulated_callback
from tests.conftest import sql_refused
from tests.payments.conftest import URLS


def paid_receipt(order) -> Receipt:
    _attempt, instructions = attempt_start(order=order, provider="cmi", urls=URLS)
    card_callback_handle(
        fields=simulated_callback(instructions.form_fields, approved=True)
    )
    return Receipt.objects.get(order=order)


def test_the_database_refuses_changing_or_deleting_a_receipt(order):
    receipt = paid_receipt(order)
    sql_refused(
        "UPDATE payments_receipt SET amount_centimes = 1 WHERE id = %s", [receipt.pk]
    )
    sql_refused("DELETE FROM payments_receipt WHERE id = %s", [receipt.pk])
    receipt.refresh_from_db()
    assert receipt.amount_centimes == 15_000


def test_the_database_refuses_deleting_a_payment_attempt(order):
    attempt, _instructions = attempt_start(order=order, provider="counter", urls=URLS)
    sql_refused("DELETE FROM payments_paymentattempt WHERE id = %s", [attempt.pk])
    assert PaymentAttempt.objects.filter(pk=attempt.pk).exists()


def test_numbers_follow_per_agency(make_order, other_agency, tariff):
    first = paid_receipt(make_order("a"))
    second = paid_receipt(make_order("b"))
    assert (first.number, second.number) == (1, 2)
    assert second.reference.endswith(f"-R-{second.year}-000002")
    Tariff.objects.create(
        agency=other_agency,
        service=tariff.service,
        label_fr="x",
        label_ar="x",
        amount_centimes=100,
        legal_basis="x",
        valid_from=tariff.valid_from,
    )
    elsewhere, _created = order_place(
        agency=other_agency,
        service=tariff.service,
        subject="TF 1/07",
        language="fr",
        idempotency_key="other",
        origin="http://testserver",
    )
    assert paid_receipt(elsewhere).number == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_payments_leave_no_gap_and_no_duplicate(make_order):
    """Eight connections confirm 40 payments at once; one transaction takes a
    number and rolls back. The numbers are exactly 1…40."""
    callbacks = []
    for index in range(41):
        _attempt, instructions = attempt_start(
            order=make_order(f"key-{index}"), provider="cmi", urls=URLS
        )
        callbacks.append(simulated_callback(instructions.form_fields, approved=True))
    rolled_back, callbacks = callbacks[0], callbacks[1:]
    start = threading.Barrier(9)
    errors = []

    def pay(batch):
        try:
            start.wait()
            for fields in batch:
                card_callback_handle(fields=fields)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    def pay_then_roll_back():
        try:
            start.wait()
            with transaction.atomic():
                card_callback_handle(fields=rolled_back)
                transaction.set_rollback(True)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=pay, args=(callbacks[i::8],)) for i in range(8)
    ] + [threading.Thread(target=pay_then_roll_back)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(Receipt.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 41))


# One process of the two below: Django set up on the test database, the
# gateway's callbacks of its share handled one after the other.
PAY_IN_A_PROCESS = """
import json, sys
import django
django.setup()
from django.conf import settings
settings.PAYMENTS_CMI_STORE_KEY = sys.argv[2]
settings.GEOPORTAIL_PADES_TEST_CA = True
from payments.services import card_callback_handle
for fields in json.load(open(sys.argv[1])):
    card_callback_handle(fields=fields)
"""


@pytest.mark.django_db(transaction=True)
def test_two_processes_paying_at_once_leave_no_gap_and_no_duplicate(
    make_order, settings, tmp_path
):
    """Two web workers are two processes: nothing in Python is shared
    between them, only the database's counter row. 30 payments, half each,
    confirmed at once: the numbers are exactly 1…30."""
    callbacks = []
    for index in range(30):
        _attempt, instructions = attempt_start(
            order=make_order(f"process-{index}"), provider="cmi", urls=URLS
        )
        callbacks.append(simulated_callback(instructions.form_fields, approved=True))
    database = connection.settings_dict
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "geoportal.settings",
        "DATABASE_URL": (
            f"postgis://{database['USER']}@/{database['NAME']}"
            f"?host={database['HOST']}&port={database['PORT']}"
        ),
    }
    environment.pop("GEOPORTAIL_TEST_DATABASE", None)
    processes = []
    for share in range(2):
        path = tmp_path / f"callbacks-{share}.json"
        path.write_text(json.dumps(callbacks[share::2]))
        processes.append(
            subprocess.Popen(
                [
                    *(sys.executable, "-c", PAY_IN_A_PROCESS),
                    *(str(path), settings.PAYMENTS_CMI_STORE_KEY),
                ],
                cwd=Path(__file__).resolve().parents[2],
                env=environment,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    for process in processes:
        _out, errors = process.communicate(timeout=300)
        assert process.returncode == 0, errors[-2000:]
    numbers = sorted(Receipt.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 31))


@pytest.mark.django_db(transaction=True)
def test_the_same_callback_posted_at_once_counts_once(order):
    """A gateway retrying while its first callback is still being handled:
    the attempt's row lock makes the second wait, then read the answer."""
    _attempt, instructions = attempt_start(order=order, provider="cmi", urls=URLS)
    callback = simulated_callback(instructions.form_fields, approved=True)
    start = threading.Barrier(4)
    answers, errors = [], []

    def post():
        try:
            start.wait()
            answers.append(card_callback_handle(fields=callback).text)
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert answers == ["ACTION=POSTAUTH"] * 4
    assert Receipt.objects.filter(order=order).count() == 1
    assert ReceiptCounter.objects.get(agency=order.agency).last_number == 1
