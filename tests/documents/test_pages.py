"""The verification page and its JSON: authentic or not, valid, revoked with
its reason, superseded with a link, expired; the PDF compared by its hash;
wrong codes counted; no personal data."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents import codes
from documents.services import document_revoke, document_supersede
from tests.documents.conftest import PDF


def page(client, document, language="fr", **kwargs):
    return client.get(
        f"/verify/{document.code}", HTTP_ACCEPT_LANGUAGE=language, **kwargs
    )


def test_a_valid_document_is_said_authentic_and_valid(client, issue, agency):
    document = issue()
    response = page(client, document, "en")
    assert response.status_code == 200
    text = response.content.decode()
    assert "This document is authentic and valid" in text
    assert document.code_printed in text
    assert "Receipt" in text
    assert agency.name_en or agency.name_fr in text
    # The printed form of the code (hyphens) reaches the same page.
    assert client.get(f"/verify/{document.code_printed}").status_code == 200


def test_the_page_opens_in_the_language_the_url_names(client, issue):
    document = issue(language="ar")
    response = client.get(f"/verify/{document.code}?lang=ar", HTTP_ACCEPT_LANGUAGE="fr")
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl"' in html
    assert "هذه الوثيقة أصلية وسارية" in html
    assert response["Content-Language"] == "ar"


def test_a_revoked_document_says_so_with_its_reason(client, issue, administrator):
    document = issue()
    document_revoke(document=document, user=administrator, reason="Paid twice")
    text = page(client, document, "en").content.decode()
    assert "REVOKED" in text
    assert "Paid twice" in text
    assert "authentic and valid" not in text
    french = page(client, document, "fr").content.decode()
    assert "RÉVOQUÉ" in french


def test_a_superseded_document_links_to_its_successor(client, issue, administrator):
    old, new = issue(reference="R-1"), issue(reference="R-2")
    document_supersede(
        document=old, successor=new, user=administrator, reason="Name corrected"
    )
    text = page(client, old, "en").content.decode()
    assert "superseded" in text
    assert f'href="/verify/{new.code}"' in text
    assert "Name corrected" in text


def test_an_expired_document_says_its_validity_ended(client, issue):
    document = issue(valid_until=datetime.date(2020, 1, 1))
    text = page(client, document, "en").content.decode()
    assert "its validity has ended" in text
    assert "Expired" in text


def test_a_typo_is_named_and_an_unknown_code_is_not_authentic(client, issue):
    code = issue().code
    typo = code[:-1] + ("0" if code[-1] != "0" else "1")
    response = client.get(f"/verify/{typo}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "typing error" in response.content.decode()
    unknown = codes.code_of(codes.identifier_new())
    response = client.get(f"/verify/{unknown}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "not authentic" in response.content.decode()


def test_guessing_codes_is_throttled_per_address(client, issue, settings):
    settings.GEOPORTAIL_DOCUMENT_LOOKUP_FAILURE_LIMIT = 3
    document = issue()
    for _ in range(3):
        unknown = codes.code_of(codes.identifier_new())
        assert client.get(f"/verify/{unknown}").status_code == 404
    response = page(client, document, "en")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert client.get(f"/api/v1/issued-documents/{document.code}").status_code == 429
    # Another address is not concerned.
    assert page(client, document, REMOTE_ADDR="192.0.2.7").status_code == 200


def upload(client, document, content: bytes, name="copy.pdf"):
    return client.post(
        f"/verify/{document.code}",
        {"pdf": SimpleUploadedFile(name, content, "application/pdf")},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_the_registered_pdf_is_recognised_by_its_hash(client, issue):
    document = issue()
    text = upload(client, document, PDF).content.decode()
    assert "This file is exactly the registered PDF." in text
    altered = PDF.replace(b"test", b"fake")
    text = upload(client, document, altered).content.decode()
    assert "This file is NOT the registered PDF" in text


def test_an_upload_that_is_not_a_pdf_or_too_large_is_refused(client, issue, settings):
    document = issue()
    text = upload(client, document, b"GIF89a...", "x.pdf").content.decode()
    assert "This file is not a PDF." in text
    settings.GEOPORTAIL_DOCUMENT_UPLOAD_MAX_BYTES = 10
    text = upload(client, document, PDF).content.decode()
    assert "larger than" in text
    assert "registered PDF." not in text


def test_the_json_form_says_the_same_without_personal_data(
    client, issue, administrator
):
    document = issue()
    data = client.get(f"/api/v1/issued-documents/{document.code}").json()
    assert data["code"] == document.code
    assert data["authentic"] is True
    assert data["status"] == "valid"
    assert data["kind"] == "receipt"
    assert data["pdf_sha256"] == document.pdf_sha256
    assert "subject_reference" not in data
    assert "pdf" not in data
    document_revoke(document=document, user=administrator, reason="error")
    data = client.get(f"/api/v1/issued-documents/{document.code}").json()
    assert (data["status"], data["reason"]) == ("revoked", "error")
    typo = document.code[:-1] + ("0" if document.code[-1] != "0" else "1")
    error = client.get(f"/api/v1/issued-documents/{typo}")
    assert error.status_code == 400
    assert error.json()["error"]["code"] == "invalid_document_code"


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_keys_page_lists_the_public_keys(client, db, language):
    response = client.get("/verify/keys", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert "-----BEGIN PUBLIC KEY-----" in response.content.decode()
    data = client.get("/api/v1/issued-documents/keys").json()
    assert data["keys"][0]["current"] is True
    assert data["keys"][0]["public_key_pem"].startswith("-----BEGIN PUBLIC KEY-----")
