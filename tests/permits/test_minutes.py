"""The commission's minutes issued through document-e: registered once per
language with the registry's QR code, signed by the agency, the same bytes
at every download; the verification page states the session's public facts
and no personal data."""

from __future__ import annotations

import hashlib
import html
import threading

import cv2
import pytest
from django.db import connection
from django.urls import reverse

from documents import signing
from documents.models import DocumentKind, IssuedDocument
from documents.offline import payload_verify
from permits import services
from permits.minutes import minutes_issue
from permits.states import Action
from tests.notes.test_pdf import first_page_png, pdf_text
from tests.pades import pdfsig, pyhanko_verdict

pytestmark = pytest.mark.django_db


def minutes_url(session) -> str:
    return reverse("permits:session_minutes", args=[session.agency.code, session.pk])


def session_of(reviewed_file):
    return reviewed_file.agenda_items.get().session


def registered(session) -> list[IssuedDocument]:
    return list(
        IssuedDocument.objects.filter(
            kind=DocumentKind.COMMISSION_DECISION, subject_reference=str(session.pk)
        )
    )


def test_the_minutes_are_registered_once_and_served_as_registered(
    client, reviewed, planner
):
    file, _code = reviewed
    session = session_of(file)
    # The publication (in the portal's language, French) issued them.
    (document,) = registered(session)
    assert document.language == "fr"
    services.session_publish(session=session, actor=planner)
    first = client.get(minutes_url(session), HTTP_ACCEPT_LANGUAGE="fr")
    second = client.get(minutes_url(session), HTTP_ACCEPT_LANGUAGE="fr")
    client.force_login(planner)
    staff = client.get(
        reverse("permits_staff:session", args=[session.pk]) + "?minutes=pdf",
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert first["Content-Type"] == "application/pdf"
    assert first.content == second.content == staff.content
    assert hashlib.sha256(first.content).hexdigest() == document.pdf_sha256
    assert registered(session) == [document]


def test_another_language_is_issued_on_its_first_ask_then_kept(client, reviewed):
    session = session_of(reviewed[0])
    first = client.get(minutes_url(session), HTTP_ACCEPT_LANGUAGE="ar").content
    again = client.get(minutes_url(session), HTTP_ACCEPT_LANGUAGE="ar").content
    assert first == again
    assert sorted(document.language for document in registered(session)) == [
        "ar",
        "fr",
    ]
    text = pdf_text(first)
    assert "موافقة بشروط" in text
    assert "Bennani" not in text
    assert "Alaoui" not in text


def test_the_minutes_pdf_carries_the_registry_code_and_a_qr_that_verifies_offline(
    client, reviewed, tmp_path
):
    session = session_of(reviewed[0])
    pdf = client.get(minutes_url(session), HTTP_ACCEPT_LANGUAGE="fr").content
    (document,) = registered(session)
    text = pdf_text(pdf)
    assert document.code_printed in text
    assert "PC-2026-0001" in text
    assert "Planter deux arbres" in text
    image = first_page_png(pdf, tmp_path, dpi=200)
    decoded, _points, _ = cv2.QRCodeDetectorAruco().detectAndDecode(image)
    url, _hash, payload = decoded.partition("#")
    assert url.endswith(f"/verify/{document.code}?lang=fr")
    key_data = payload_verify(payload, public_key=signing.public_key())
    assert key_data.kind == "commission_decision"
    assert key_data.identifier == document.identifier
    assert key_data.content_sha256 == document.content_sha256


def test_the_minutes_are_signed_by_the_agency(client, reviewed, tmp_path):
    session = session_of(reviewed[0])
    pdf = client.get(minutes_url(session), HTTP_ACCEPT_LANGUAGE="fr").content
    report = pdfsig(pdf, tmp_path)
    assert f"Signer Certificate Common Name: {session.agency.name_fr}" in report
    assert "Signature Validation: Signature is Valid." in report
    assert "Certificate Validation: Certificate is Trusted." in report
    verdict = pyhanko_verdict(pdf)
    assert verdict.intact
    assert verdict.trusted


def test_a_session_not_published_has_a_draft_and_nothing_registered(
    client, session, planner
):
    client.force_login(planner)
    draft = client.get(
        reverse("permits_staff:session", args=[session.pk]) + "?minutes=pdf"
    )
    assert draft.content.startswith(b"%PDF")
    assert registered(session) == []
    assert client.get(minutes_url(session)).status_code == 404


@pytest.mark.parametrize(
    ("language", "heading", "opinion", "kind"),
    [
        (
            "fr",
            "Vérification d'un procès-verbal de commission",
            "Favorable sous conditions",
            "Décision de commission",
        ),
        ("ar", "التحقق من محضر اللجنة", "موافقة بشروط", "قرار اللجنة"),
    ],
)
def test_the_verification_page_states_the_session_without_personal_data(
    client, reviewed, language, heading, opinion, kind
):
    session = session_of(reviewed[0])
    (document,) = registered(session)
    page = html.unescape(
        client.get(
            f"/verify/{document.code}", HTTP_ACCEPT_LANGUAGE=language
        ).content.decode()
    )
    assert heading in page
    assert kind in page
    assert "PC-2026-0001" in page
    assert opinion in page
    assert session.agency.name in page
    assert 'id="minutes-changed"' not in page
    for private in ("Samira", "Bennani", "s.b@example.ma", "Cabinet Alaoui"):
        assert private not in page


def test_the_results_page_links_the_minutes_and_their_verification(client, reviewed):
    session = session_of(reviewed[0])
    page = client.get(
        reverse("permits:session", args=[session.agency.code, session.pk]),
        HTTP_ACCEPT_LANGUAGE="ar",
    ).content.decode()
    (arabic,) = [d for d in registered(session) if d.language == "ar"]
    assert minutes_url(session) in page
    assert f"/verify/{arabic.code}" in page
    assert arabic.code_printed in page


def test_a_file_examined_after_the_minutes_leaves_them_as_registered(
    client, reviewed, make_file, planner
):
    session = session_of(reviewed[0])
    before = client.get(minutes_url(session), HTTP_ACCEPT_LANGUAGE="fr").content
    later, _code = make_file("PC-2026-0777")
    later = services.permit_move(
        file=later, action=Action.DECLARE_COMPLETE, actor=planner
    )
    item = services.agenda_add(session=session, file=later, actor=planner)
    services.opinion_record(item=item, kind="favourable", actor=planner)
    after = client.get(minutes_url(session), HTTP_ACCEPT_LANGUAGE="fr").content
    assert after == before
    assert "PC-2026-0777" not in pdf_text(after)
    (document,) = registered(session)
    page = client.get(f"/verify/{document.code}", HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert 'id="minutes-changed"' in text
    assert "PC-2026-0777" in text
    assert "This document is authentic and valid" in text


def test_the_staff_page_links_the_verification_of_the_minutes(
    client, reviewed, planner
):
    session = session_of(reviewed[0])
    (document,) = registered(session)
    client.force_login(planner)
    page = client.get(
        reverse("permits_staff:session", args=[session.pk]), HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert f"/verify/{document.code}" in page
    assert document.code_printed in page


@pytest.mark.django_db(transaction=True)
def test_asks_at_once_issue_one_document(reviewed):
    """Readers opening a results page in a new language at the same moment:
    the session's row lock makes the others wait, then serve the first's."""
    session = session_of(reviewed[0])
    start = threading.Barrier(4)
    codes, errors = [], []

    def ask():
        try:
            start.wait()
            codes.append(minutes_issue(session=session, language="ar").code)
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    (arabic,) = [d for d in registered(session) if d.language == "ar"]
    assert codes == [arabic.code] * 4


def test_the_json_verification_gives_the_same_public_facts(client, reviewed):
    session = session_of(reviewed[0])
    (document,) = registered(session)
    answer = client.get(f"/api/v1/issued-documents/{document.code}")
    assert answer.status_code == 200
    details = answer.json()["details"]
    assert details["held_on"] == session.held_on.isoformat()
    assert details["files"] == [{"number": "PC-2026-0001", "opinion": "conditional"}]
    assert details["session_unchanged"] is True
    for private in ("Samira", "Bennani", "s.b@example.ma", "Alaoui"):
        assert private not in answer.content.decode()


def test_without_a_public_url_the_minutes_qr_names_the_sessions_address(
    client, make_file, planner, settings, tmp_path
):
    """No GEOPORTAIL_PUBLIC_URL: the minutes, issued on a later ask, name the
    address the session was created through, absolute."""
    settings.GEOPORTAIL_PUBLIC_URL = ""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "geo.example.ma"]
    client.force_login(planner)
    response = client.post(
        reverse("permits_staff:session_new"),
        {"held_on": "2026-11-30", "kind": "small_projects"},
        headers={"host": "geo.example.ma"},
    )
    assert response.status_code == 302
    session = planner.agency.commission_sessions.get()
    assert session.origin == "http://geo.example.ma"
    file, _code = make_file()
    file = services.permit_move(
        file=file, action=Action.DECLARE_COMPLETE, actor=planner
    )
    item = services.agenda_add(session=session, file=file, actor=planner)
    services.opinion_record(item=item, kind="favourable", actor=planner)
    services.session_publish(session=session, actor=planner)
    pdf = client.get(minutes_url(session), HTTP_ACCEPT_LANGUAGE="ar").content
    (document,) = [doc for doc in registered(session) if doc.language == "ar"]
    image = first_page_png(pdf, tmp_path, dpi=200)
    decoded, _points, _ = cv2.QRCodeDetectorAruco().detectAndDecode(image)
    url, _hash, payload = decoded.partition("#")
    assert url == f"http://geo.example.ma/verify/{document.code}?lang=ar"
    assert payload_verify(payload, public_key=signing.public_key())
