"""Measure what a PAdES signature (core.pades) adds to an issued PDF.

    .venv/bin/python benchmarks/pades.py [--signatures 200]

Signs a two-page PDF made by typst (a note's size, fonts included) with the
local test CA's agency certificate: the cost of loading a signer (once per
process), then the p50/p95 of a B-LT signature (chain and CRL embedded) and of
a B-B one, and the bytes each adds. No database: only the signature.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def sample_pdf() -> bytes:
    import typst

    source = "\n\n".join(
        f"== Article {n}\n" + "Les constructions respectent le règlement. " * 30
        for n in range(12)
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sample.typ"
        path.write_text(source)
        return typst.compile(str(path), format="pdf")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--signatures", type=int, default=200)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geoportal.settings")
    os.environ["GEOPORTAIL_PADES_TEST_CA"] = "true"
    import logging

    import django

    django.setup()
    # pyHanko warns on each B-LT signature that it will not fetch revocation
    # data: the CRLs are given, that is the point.
    logging.getLogger("pyhanko.sign.signers.pdf_signer").setLevel(logging.ERROR)
    from core import pades

    agency = pades.AgencyIdentity("bench", "Agence urbaine de référence", "الوكالة")
    pdf = sample_pdf()
    t0 = time.perf_counter()
    signer = pades.agency_signer(agency)
    load_ms = (time.perf_counter() - t0) * 1000
    print(f"PDF {len(pdf)} bytes; signer loaded in {load_ms:.1f} ms (once per process)")
    b_b = pades.PadesSigner(signer.signer, signer.trust_roots, crls=())
    for label, current in (("B-LT", signer), ("B-B", b_b)):
        timings = []
        for _ in range(args.signatures):
            t0 = time.perf_counter()
            signed = pades.sign_pdf(pdf, signer=current)
            timings.append((time.perf_counter() - t0) * 1000)
        print(
            f"{label}: p50 {statistics.median(timings):.1f} ms, "
            f"p95 {percentile(timings, 95):.1f} ms, +{len(signed) - len(pdf)} bytes"
        )


if __name__ == "__main__":
    main()
