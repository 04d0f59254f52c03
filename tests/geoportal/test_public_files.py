"""Stored files at their URLs (``geoportal.public_files``): what the public
pages link to is served to whoever may read it; private files (attachments,
uploads) have no address, whoever asks."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from cases.attachments import case_attachment_add
from layers.models import PlanningDocument, RegulationFile
from library.models import Text
from tenders.models import TenderDocument
from tests.requete_fixtures import filing
from tests.tenders.conftest import make_call  # noqa: F401 - the fixture

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def regulation_of(document: PlanningDocument) -> RegulationFile:
    regulation = RegulationFile(document=document, title_fr="Règlement")
    regulation.file.save("reglement.pdf", ContentFile(PDF), save=False)
    regulation.save()
    return regulation


def test_an_approved_documents_regulation_is_served_to_everyone(document, client):
    regulation = regulation_of(document)

    response = client.get(regulation.file.url)

    assert regulation.file.url.startswith("/media/regulations/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "public, max-age=3600"


def test_a_drafts_regulation_is_served_to_its_agencys_planners_only(
    agency, make_document, planner, other_planner
):
    draft = make_document(agency, "PA-2", status=PlanningDocument.Status.DRAFT)
    url = regulation_of(draft).file.url

    assert Client().get(url).status_code == 404
    other = Client()
    other.force_login(other_planner)
    assert other.get(url).status_code == 404
    own = Client()
    own.force_login(planner)
    response = own.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-cache"


def test_library_and_tender_documents_are_public(agency, make_call, client):  # noqa: F811
    text = Text.objects.create(
        # Not one of the demo's texts (the session's demo data may hold them).
        kind="law",
        number="99-01",
        key="loi-99-01",
        title_fr="Loi 99-01",
    )
    text.pdf_ar.save("loi-99-01.ar.pdf", ContentFile(PDF))
    tender = TenderDocument(call=make_call(agency), title_fr="Cahier des charges")
    tender.file.save("cps.pdf", ContentFile(PDF))

    assert client.get(text.pdf_ar.url).status_code == 200
    assert client.get(tender.file.url).status_code == 200


def test_private_files_have_no_address(kind, planner, administrator, client):
    from requete import services

    filed = services.request_file(
        filing=filing(kind), client_address="192.0.2.9", at=timezone.now()
    )
    attachment = case_attachment_add(
        case=filed.request.case, name="titre.pdf", content=PDF, by_requester=True
    )
    url = attachment.file.url
    assert attachment.file.storage.exists(attachment.file.name)

    for user in (None, planner, administrator):
        if user is not None:
            client.force_login(user)
        assert client.get(url).status_code == 404, user


@pytest.mark.parametrize(
    "address",
    [
        "/media/regulations/../cases/attachments/1.pdf",
        "/media/regulations/2026/missing.pdf",
        "/media/",
    ],
)
def test_odd_or_unknown_names_are_not_found(address, document, client):
    regulation_of(document)

    assert client.get(address).status_code == 404
