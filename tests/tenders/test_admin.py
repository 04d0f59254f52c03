"""Planners manage their agency's calls for tenders in the admin, never
another agency's; the documents to download are PDFs or ZIPs by their
content and within the size limit."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from tenders.models import CallForTenders, TenderDocument

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("cps.txt", "Cahier des prescriptions spéciales")
    return buffer.getvalue()


def call_form(agency, **changes) -> dict:
    data = {
        "agency": agency.pk,
        "reference": "AO n° 40/2026",
        "object_fr": "Étude de restructuration des quartiers sous-équipés",
        "object_ar": "دراسة إعادة هيكلة الأحياء ناقصة التجهيز",
        "procedure": "open",
        "status": "open",
        "published_on": "2026-12-01",
        "deadline_0": "2026-12-28",
        "deadline_1": "10:00",
        "opening_at_0": "2026-12-28",
        "opening_at_1": "11:00",
        "opening_place_fr": "",
        "opening_place_ar": "",
        "estimate": "",
        "deposit": "",
        "awardee": "",
        "award_amount": "",
        "awarded_on": "",
        "documents-TOTAL_FORMS": "1",
        "documents-INITIAL_FORMS": "0",
        "documents-MIN_NUM_FORMS": "0",
        "documents-MAX_NUM_FORMS": "1000",
        "documents-0-title_fr": "",
        "documents-0-title_ar": "",
        "documents-0-position": "0",
    }
    data.update(changes)
    return data


ADD = "/admin/tenders/callfortenders/add/"


def test_a_planner_publishes_a_call_of_their_agency_with_a_pdf(client, planner, agency):
    client.force_login(planner)
    data = call_form(
        agency,
        **{
            "documents-0-title_fr": "Règlement de consultation",
            "documents-0-file": SimpleUploadedFile("rc.pdf", PDF),
        },
    )
    response = client.post(ADD, data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    call = CallForTenders.objects.get(reference="AO n° 40/2026")
    assert call.agency == agency
    document = TenderDocument.objects.get(call=call)
    assert document.file.read() == PDF
    page = client.get(reverse("tenders:call", args=[call.pk])).content.decode()
    assert document.download_url in page
    event = AuditEvent.objects.get(object_type="tenders.callfortenders")
    assert (event.action, event.actor, event.agency_id) == (
        AuditEvent.Action.CREATED,
        planner,
        agency.pk,
    )


def test_a_planner_of_another_agency_neither_sees_nor_edits_the_call(
    client, other_planner, planner, agency, make_call
):
    call = make_call(agency)
    client.force_login(other_planner)
    listing = client.get("/admin/tenders/callfortenders/").content.decode()
    assert f"/admin/tenders/callfortenders/{call.pk}/change/" not in listing
    change = f"/admin/tenders/callfortenders/{call.pk}/change/"
    assert client.get(change).status_code in (302, 403, 404)
    client.post(change, call_form(agency, object_fr="Détourné"))
    call.refresh_from_db()
    assert call.object_fr != "Détourné"
    # Nor may they publish one in the other agency's name.
    response = client.post(ADD, call_form(agency, reference="AO n° 41/2026"))
    assert response.status_code == 200  # the foreign agency is not offered
    assert not CallForTenders.objects.filter(reference="AO n° 41/2026").exists()


def test_an_administrator_edits_any_agencys_call(
    client, administrator, other_agency, make_call
):
    call = make_call(other_agency)
    client.force_login(administrator)
    change = f"/admin/tenders/callfortenders/{call.pk}/change/"
    data = call_form(other_agency, reference=call.reference, status="cancelled")
    assert client.post(change, data).status_code == 302
    call.refresh_from_db()
    assert call.status == "cancelled"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "rc.pdf",
            b"<html>not a pdf</html>",
            "n’est ni un fichier PDF ni une archive ZIP",
        ),
        (
            "dossier.zip",
            b"PK\x03\x04 broken",
            "n’est ni un fichier PDF ni une archive ZIP",
        ),
        ("rc.exe", PDF, "n’est ni un fichier PDF ni une archive ZIP"),
        ("rc.pdf", PDF + b"x" * 2048, "au plus"),
    ],
)
def test_a_document_of_the_wrong_kind_or_too_big_is_refused(
    client, planner, agency, settings, name, content, message
):
    settings.GEOPORTAIL_MAX_REGULATION_BYTES = 1024
    client.force_login(planner)
    data = call_form(
        agency,
        **{
            "documents-0-title_fr": "Pièce",
            "documents-0-file": SimpleUploadedFile(name, content),
        },
    )
    response = client.post(ADD, data, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CallForTenders.objects.filter(reference="AO n° 40/2026").exists()


def test_a_zip_file_is_accepted(client, planner, agency):
    client.force_login(planner)
    data = call_form(
        agency,
        **{
            "documents-0-title_fr": "Dossier d'appel d'offres",
            "documents-0-file": SimpleUploadedFile("dao.zip", zip_bytes()),
        },
    )
    assert client.post(ADD, data).status_code == 302
    document = TenderDocument.objects.get(call__agency=agency)
    assert document.file.name.endswith(".zip")


def test_an_awarded_call_needs_its_results(client, planner, agency):
    client.force_login(planner)
    response = client.post(
        ADD, call_form(agency, status="awarded"), HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 200
    assert not CallForTenders.objects.filter(agency=agency).exists()
