"""Measure prestations-e's order-to-paid time with the card gateway simulator.

    .venv/bin/python -m geoportal.embedded_db ensure
    .venv/bin/python benchmarks/payments.py [--orders 300] [--official-notes] [--worker]

In a throw-away database of the embedded cluster (created and migrated, then
dropped), each round goes through Django's whole request handler, in process:
``POST /api/v1/payments/orders`` (Idempotency-Key) → ``POST
/payments/orders/<ref>/pay/cmi`` (the attempt and the gateway's signed form)
→ the simulator's signed approval posted to ``/payments/callback/cmi`` →
``ACTION=POSTAUTH``, the order paid and its receipt numbered. Then the
worker's part, run at once in the same process (``payments.issuing``): the
receipt's PDF rendered, signed and registered (with ``--official-notes`` each
order names a parcel, and its official note is issued first). It prints the
p50/p95 of order → paid, of the callback alone, of the worker's part and of
order → receipt available (the round and the worker's part). With
``--worker`` the documents are issued by scripts/run's worker in another
process (``import_worker --interval 1``), and "the worker's part" is the wait
from the callback's answer until they are. No network, no browser: the
gateway's own latency is not in these figures.
"""

from __future__ import annotations

import argparse
import datetime
import html
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument(
        "--official-notes",
        action="store_true",
        help="each order names a parcel: its callback issues the official note",
    )
    parser.add_argument(
        "--worker",
        action="store_true",
        help="issue the documents by the worker of scripts/run (manage.py "
        "import_worker --interval 1, another process), waited for, instead of "
        "at once in this process",
    )
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geoportal.settings")
    os.environ["GEOPORTAIL_TEST_DATABASE"] = "geoportail_bench_payments"
    # Receipts are signed (PAdES): by the local test CA, as in development.
    os.environ.setdefault("GEOPORTAIL_PADES_TEST_CA", "true")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    # The pages name static files without a collectstatic manifest, as in tests.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    worker = worker_start(connection.settings_dict) if args.worker else None
    try:
        measure(
            Client(),
            args.orders,
            official_notes=args.official_notes,
            worker=worker is not None,
        )
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
        connection.creation.destroy_test_db(old_name, verbosity=0)


def worker_start(database: dict) -> subprocess.Popen:
    """scripts/run's worker, on the benchmark's database."""
    environment = {
        **os.environ,
        "DATABASE_URL": (
            f"postgis://{database['USER']}@/{database['NAME']}"
            f"?host={database['HOST']}&port={database['PORT']}"
        ),
    }
    environment.pop("GEOPORTAIL_TEST_DATABASE", None)
    return subprocess.Popen(
        [sys.executable, "manage.py", "import_worker", "--interval", "1", "-v", "0"],
        cwd=REPO_ROOT,
        env=environment,
    )


def measure(client, orders: int, *, official_notes: bool, worker: bool) -> None:
    from django.contrib.gis.geos import MultiPolygon, Polygon

    from layers.models import Agency
    from notes.models import Note
    from parcels.models import Parcel
    from parcels.references import ParcelReference
    from payments.issuing import receipt_issue_run
    from payments.models import Order, Receipt, ReceiptIssue, Tariff
    from payments.simulator import simulated_callback

    ring = ((-6.9, 33.9), (-6.8, 33.9), (-6.8, 34.0), (-6.9, 34.0), (-6.9, 33.9))
    agency = Agency.objects.create(
        code="bench-pay",
        name_fr="Agence de mesure",
        name_ar="وكالة القياس",
        srid=26191,
        note_prefix="BPAY",
        territory=MultiPolygon(Polygon(ring), srid=4326),
    )
    # The official note must name a parcel; without notes, a service that
    # delivers nothing but its receipt.
    service = "official-note" if official_notes else "file-study"
    Tariff.objects.create(
        agency=agency,
        service=service,
        label_fr="Note officielle",
        label_ar="مذكرة رسمية",
        amount_centimes=15_000,
        legal_basis="Arrêté tarifaire",
        valid_from=datetime.date(2024, 1, 1),
    )
    rounds, callbacks, issuings, available = [], [], [], []
    for index in range(orders + 20):  # the first 20 warm the process up
        body = {
            "agency": "bench-pay",
            "service": service,
            "subject": f"TF {index}/07",
            "language": "fr",
        }
        if official_notes:
            west = -6.89 + (index % 100) * 0.0008
            south = 33.91 + (index // 100) * 0.0008
            Parcel.objects.create(
                agency=agency,
                kind="TF",
                reference=f"TF {index}/07",
                reference_key=ParcelReference.parse(f"TF {index}/07").key,
                geom=MultiPolygon(
                    Polygon.from_bbox((west, south, west + 0.0005, south + 0.0005)),
                    srid=4326,
                ),
            )
            body["parcel"] = f"TF {index}/07"
        start = time.perf_counter()
        placed = client.post(
            "/api/v1/payments/orders",
            json.dumps(body),
            content_type="application/json",
            headers={"Idempotency-Key": f"bench-{index}"},
        ).json()
        form = client.post(
            f"/payments/orders/{placed['reference']}/pay/cmi"
        ).content.decode()
        fields = {html.unescape(k): html.unescape(v) for k, v in HIDDEN.findall(form)}
        callback = simulated_callback(fields, approved=True)
        called = time.perf_counter()
        answer = client.post("/payments/callback/cmi", callback)
        end = time.perf_counter()
        assert answer.content == b"ACTION=POSTAUTH", answer.content
        issue = ReceiptIssue.objects.get(receipt__order__reference=placed["reference"])
        if worker:
            while not ReceiptIssue.objects.filter(pk=issue.pk, status="done").exists():
                time.sleep(0.002)
        else:
            assert receipt_issue_run(issue_id=issue.pk) == "done"
        ready = time.perf_counter()
        if index >= 20:
            rounds.append(end - start)
            callbacks.append(end - called)
            issuings.append(ready - end)
            available.append(ready - start)
    assert Order.objects.filter(status=Order.Status.PAID).count() == orders + 20
    numbers = sorted(Receipt.objects.values_list("number", flat=True))
    assert numbers == list(range(1, orders + 21))
    notes = Note.objects.filter(order__isnull=False).count()
    assert notes == (orders + 20 if official_notes else 0)
    ms = 1000
    print(
        f"orders paid: {orders} (after 20 warm-up), receipts 1…{len(numbers)}, "
        f"official notes issued: {notes}"
    )
    print(
        f"order → paid (3 requests): p50 {percentile(rounds, 50) * ms:.1f} ms, "
        f"p95 {percentile(rounds, 95) * ms:.1f} ms, "
        f"mean {statistics.fmean(rounds) * ms:.1f} ms"
    )
    for label, values in (
        ("callback alone", callbacks),
        ("worker's part (documents issued)", issuings),
        ("order → receipt available", available),
    ):
        print(
            f"{label}: p50 {percentile(values, 50) * ms:.1f} ms, "
            f"p95 {percentile(values, 95) * ms:.1f} ms"
        )


if __name__ == "__main__":
    main()
