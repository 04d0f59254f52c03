"""A note is an issued document of document-e: registered with its exact
PDF, verified at its code's page with what changed since, revocable."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents.models import IssuedDocument
from documents.services import document_revoke

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(client, site):
    response = client.post(
        "/api/v1/notes",
        data=json.dumps({"parcel": "TF 100/07", "language": "ar"}),
        content_type="application/json",
    )
    assert response.status_code == 201
    data = response.json()
    data["document"] = IssuedDocument.objects.get(subject_reference=data["reference"])
    return data


def test_issuing_a_note_registers_its_pdf(client, issued, agency):
    document = issued["document"]
    assert document.kind == "note"
    assert document.subject_type == "notes.note"
    assert document.language == "ar"
    assert document.agency == agency
    assert document.content_sha256 == issued["sha256"]
    pdf = client.get(issued["pdf_url"]).content
    assert pdf.startswith(b"%PDF-")
    # The PDF served in the note's language is exactly the registered one.
    assert hashlib.sha256(pdf).hexdigest() == document.pdf_sha256


def test_the_downloaded_pdf_is_recognised_on_the_verification_page(client, issued):
    pdf = client.get(issued["pdf_url"]).content
    response = client.post(
        issued["verify_url"],
        {"pdf": SimpleUploadedFile("note.pdf", pdf, "application/pdf")},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    text = response.content.decode()
    assert "هذا الملف مطابق تماما لملف PDF المسجل." in text
    # A rendering in another language is the same note, not the same file.
    french = client.get(issued["pdf_url"] + "?lang=fr").content
    response = client.post(
        issued["verify_url"],
        {"pdf": SimpleUploadedFile("note.pdf", french, "application/pdf")},
    )
    assert "هذا الملف ليس ملف PDF المسجل" in response.content.decode()


def test_the_codes_page_says_authentic_and_whether_the_planning_changed(client, issued):
    response = client.get(issued["verify_url"].replace("lang=ar", "lang=en"))
    text = response.content.decode()
    assert "Verification of a note" in text
    assert "authentic and valid" in text
    assert "Has the planning changed since?" in text
    assert issued["reference"] in text
    assert "TF 100/07" in text
    data = client.get(f"/api/v1/issued-documents/{issued['document'].code}").json()
    assert data["details"]["planning_changed"] is False
    assert data["details"]["reference"] == issued["reference"]


def test_a_revoked_note_says_so_on_both_its_pages(client, issued, administrator):
    document_revoke(
        document=issued["document"], user=administrator, reason="Wrong parcel"
    )
    by_code = client.get(issued["verify_url"].replace("lang=ar", "lang=en"))
    assert "REVOKED" in by_code.content.decode()
    by_token = client.get(f"/verify/{issued['token']}?lang=en").content.decode()
    assert "The registry of issued documents says: Revoked." in by_token
    assert "Wrong parcel" in by_token
