"""The note's PDF carries its agency's PAdES signature: pdfsig and pyHanko's
validator accept it against the test CA, and refuse it once a byte changes."""

from __future__ import annotations

import json

import pytest

from tests.pades import pdfsig, pyhanko_verdict, tampered

pytestmark = pytest.mark.django_db


@pytest.fixture
def note_pdf(client, site) -> bytes:
    issued = client.post(
        "/api/v1/notes",
        data=json.dumps({"parcel": "TF 100/07"}),
        content_type="application/json",
    ).json()
    answer = client.get(issued["pdf_url"])
    assert answer.status_code == 200
    return answer.content


def test_pdfsig_says_the_note_is_signed_by_its_agency_and_valid(
    note_pdf, site, tmp_path
):
    report = pdfsig(note_pdf, tmp_path)
    assert f"Signer Certificate Common Name: {site.agency.name_fr}" in report
    assert "Signature Validation: Signature is Valid." in report
    assert "Certificate Validation: Certificate is Trusted." in report


def test_pyhanko_says_the_note_is_intact_and_trusted(note_pdf):
    verdict = pyhanko_verdict(note_pdf)
    assert verdict.intact
    assert verdict.valid
    assert verdict.trusted


def test_a_note_changed_after_signing_fails_both(note_pdf, tmp_path):
    changed = tampered(note_pdf)
    assert "Signature is Valid." not in pdfsig(changed, tmp_path)
    assert not pyhanko_verdict(changed).intact
