"""Measure document-e's verification: the page, its JSON and a PDF compared.

    .venv/bin/python -m geoportal.embedded_db ensure
    .venv/bin/python benchmarks/documents.py [--documents 2000] [--lookups 300]

In a throw-away database of the embedded cluster (created and migrated, then
dropped): registers ``--documents`` receipts (each a ~1 kB PDF, so the table
holds rows and bytes), then times through Django's whole request handler, in
process, ``GET /verify/<code>`` (check symbol, look-up, signature checked with
the key ring, the page rendered), ``GET /api/v1/issued-documents/<code>`` and
a ``POST`` of the PDF to compare (hashed in memory), on codes drawn at random;
and ``documents.offline.payload_verify`` alone (what an offline verifier
does). Prints p50/p95 of each.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--lookups", type=int, default=300)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geoportal.settings")
    os.environ["GEOPORTAIL_TEST_DATABASE"] = "geoportail_bench_documents"
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
    try:
        measure(Client(), args.documents, args.lookups)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def measure(client, count: int, lookups: int) -> None:
    import hashlib

    from django.contrib.gis.geos import MultiPolygon, Polygon
    from django.core.files.uploadedfile import SimpleUploadedFile

    from documents import signing
    from documents.offline import payload_verify
    from documents.selectors import payload_of
    from documents.services import document_issue, document_prepare
    from layers.models import Agency

    ring = ((-6.9, 33.9), (-6.8, 33.9), (-6.8, 34.0), (-6.9, 34.0), (-6.9, 33.9))
    agency = Agency.objects.create(
        code="bench-doc",
        name_fr="Agence de mesure",
        name_ar="وكالة القياس",
        srid=26191,
        note_prefix="BDOC",
        territory=MultiPolygon(Polygon(ring), srid=4326),
    )
    documents = []
    for index in range(count):
        reference = f"BDOC-R-2026-{index:06d}"
        pdf = b"%PDF-1.4\n" + os.urandom(1000) + b"\n%%EOF\n"
        prepared = document_prepare(
            kind="receipt",
            agency=agency,
            language="fr",
            template_version="bench-1",
            subject_type="payments.receipt",
            subject_reference=reference,
            content_sha256=hashlib.sha256(reference.encode()).hexdigest(),
        )
        documents.append((document_issue(prepared=prepared, pdf=pdf), pdf))
    chosen = random.Random(7).choices(documents, k=lookups + 20)
    pages, jsons, uploads, offline = [], [], [], []
    key = signing.public_key()
    for index, (document, pdf) in enumerate(chosen):
        start = time.perf_counter()
        page = client.get(f"/verify/{document.code}")
        paged = time.perf_counter()
        answer = client.get(f"/api/v1/issued-documents/{document.code}")
        answered = time.perf_counter()
        compared = client.post(
            f"/verify/{document.code}",
            {"pdf": SimpleUploadedFile("copy.pdf", pdf, "application/pdf")},
        )
        uploaded = time.perf_counter()
        payload = payload_of(document)
        checked = time.perf_counter()
        payload_verify(payload, public_key=key)
        end = time.perf_counter()
        assert page.status_code == 200, page.status_code
        assert answer.json()["authentic"] is True
        assert b'id="upload-result"' in compared.content
        if index >= 20:  # the first 20 warm the process up
            pages.append(paged - start)
            jsons.append(answered - paged)
            uploads.append(uploaded - answered)
            offline.append(end - checked)
    ms = 1000
    print(f"documents registered: {count}; look-ups: {lookups} (after 20 warm-up)")
    for name, values in (
        ("verification page", pages),
        ("JSON", jsons),
        ("PDF compared (POST)", uploads),
        ("offline payload check", offline),
    ):
        print(
            f"{name}: p50 {percentile(values, 50) * ms:.2f} ms, "
            f"p95 {percentile(values, 95) * ms:.2f} ms"
        )


if __name__ == "__main__":
    main()
