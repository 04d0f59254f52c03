"""The citizen's pages: file through the form (errors on their fields, in the
reader's language), confirm by the link, follow with the reference and the
follow code, and act — reply, withdraw, reopen, rate."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from cases.models import Case, CaseAttachment, CaseEvent, Notification
from requete import services
from requete.models import CitizenRequest
from requete.privacy import requester_erase
from requete.states import State
from tests.cases.test_attachments import PDF, jpeg_with_exif, zipped

NEW = "/requests/new"
FOLLOW = "/requests/follow"


def form_data(kind, **changes):
    data = {
        "agency": kind.agency.code,
        "kind": str(kind.pk),
        "requester_type": "citizen",
        "subject": "Zonage de ma parcelle",
        "description": "Le plan classe ma parcelle en zone verte.",
        "name": "Amina Berrada",
        "email": "amina@example.ma",
        "phone": "",
        "website": "",
    }
    data.update(changes)
    return data


def confirmation_link(case: Case) -> str:
    body = Notification.objects.filter(case=case).first().body
    return re.search(r"(/requests/confirm/\S+)", body).group(1)


def follow_code(html: str) -> str:
    return re.search(r'class="follow-code">([^<]+)<', html).group(1)


def test_the_form_names_its_fields_and_narrows_kinds_to_the_agency(
    client, kind, other_kind
):
    page = client.get(NEW, {"agency": kind.agency.code, "parcel": "TF 1/07"})
    html = page.content.decode()
    assert page.status_code == 200
    assert '<label for="id_subject">' in html
    assert 'value="TF 1/07"' in html
    assert f'value="{kind.pk}"' in html
    assert f'value="{other_kind.pk}"' not in html


def test_filing_shows_the_follow_code_once_and_queues_the_link(client, kind):
    page = client.post(NEW, form_data(kind))
    assert page.status_code == 201
    case = Case.objects.get()
    assert case.state == State.UNCONFIRMED
    html = page.content.decode()
    assert case.reference in html
    code = follow_code(html)
    assert len(code) == 14
    # The link goes to the e-mail address, not onto the page.
    assert "/requests/confirm/" not in html
    assert confirmation_link(case)


def test_a_wrong_field_is_shown_next_to_it_in_arabic(client, kind):
    page = client.post(
        NEW, form_data(kind, email="", phone="12"), HTTP_ACCEPT_LANGUAGE="ar"
    )
    html = page.content.decode()
    assert 'aria-describedby="id_phone-error"' in html
    error = re.search(r'id="id_phone-error">([^<]+)<', html).group(1)
    assert any("\u0600" <= character <= "\u06ff" for character in error)
    assert 'dir="rtl"' in html
    assert not Case.objects.exists()


def test_an_unknown_parcel_is_refused_on_the_parcel_field(client, kind):
    page = client.post(NEW, form_data(kind, parcel="TF 99999/07"))
    assert 'aria-describedby="id_parcel-help id_parcel-error"' in page.content.decode()


def test_the_honeypot_refuses_the_filing(client, kind):
    page = client.post(NEW, form_data(kind, website="http://spam.example"))
    assert 'role="alert"' in page.content.decode()
    assert not Case.objects.exists()


def test_the_limit_per_address_answers_429(client, kind, settings):
    settings.GEOPORTAIL_REQUEST_LIMIT_HOUR = 2
    for number in range(2):
        assert (
            client.post(NEW, form_data(kind, email=f"a{number}@example.ma"))
        ).status_code == 201
    page = client.post(NEW, form_data(kind, email="a9@example.ma"))
    assert page.status_code == 429
    assert page["Retry-After"]


def test_the_kinds_extra_fields_are_drawn_and_checked(client, make_kind, agency):
    kind = make_kind(
        agency,
        code="permit",
        extra_schema={
            "type": "object",
            "properties": {
                "permit_number": {"type": "string", "title_fr": "Numéro du permis"}
            },
            "required": ["permit_number"],
        },
    )
    html = client.get(NEW, {"kind": kind.pk}).content.decode()
    assert "Numéro du permis" in html
    refused = client.post(NEW, form_data(kind))
    assert 'id="id_extra_permit_number-error"' in refused.content.decode()
    filed = client.post(NEW, form_data(kind, extra_permit_number="123/2020"))
    assert filed.status_code == 201
    assert CitizenRequest.objects.get().extra == {"permit_number": "123/2020"}


def test_confirming_by_the_link_submits_once(client, kind):
    client.post(NEW, form_data(kind))
    case = Case.objects.get()
    link = confirmation_link(case)
    shown = client.get(link)
    # Opening the link (a mail scanner does) confirms nothing.
    assert shown.status_code == 200
    case.refresh_from_db()
    assert case.state == State.UNCONFIRMED
    confirmed = client.post(link)
    case.refresh_from_db()
    assert confirmed.status_code == 200
    assert case.state == State.SUBMITTED
    assert case.reference in confirmed.content.decode()
    again = client.post(link, HTTP_ACCEPT_LANGUAGE="fr")
    assert again.status_code == 400
    assert "déjà" in again.content.decode()


def test_a_forged_link_gets_a_page_in_arabic(client):
    page = client.get("/requests/confirm/forged", HTTP_ACCEPT_LANGUAGE="ar")
    assert page.status_code == 400
    assert 'role="alert"' in page.content.decode()
    assert 'dir="rtl"' in page.content.decode()


def test_an_expired_link_says_so(client, kind, settings):
    client.post(NEW, form_data(kind))
    link = confirmation_link(Case.objects.get())
    settings.GEOPORTAIL_REQUEST_CONFIRM_HOURS = 0
    page = client.post(link, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 400
    assert "expired" in page.content.decode()
    assert Case.objects.get().state == State.UNCONFIRMED


@pytest.fixture
def followed(client, kind):
    """A request filed and confirmed through the pages: (case, follow code)."""
    code = follow_code(client.post(NEW, form_data(kind)).content.decode())
    case = Case.objects.get()
    client.post(confirmation_link(case))
    case.refresh_from_db()
    return case, code


def follow(client, case, code, **action):
    return client.post(FOLLOW, {"reference": case.reference, "code": code, **action})


def test_following_shows_the_state_deadlines_and_public_history_only(
    client, followed, planner
):
    case, code = followed
    request = CitizenRequest.objects.get(pk=case.pk)
    services.request_message_add(
        request=request, actor=planner, text="Note interne secrète", public=False
    )
    services.request_message_add(
        request=request, actor=planner, text="Nous étudions votre demande", public=True
    )
    page = follow(client, case, code)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-state="submitted"' in html
    assert "Nous étudions votre demande" in html
    assert "Note interne secrète" not in html


def test_a_wrong_code_is_refused_and_guessing_is_limited(client, followed, settings):
    case, _code = followed
    settings.GEOPORTAIL_LOGIN_FAILURE_LIMIT = 3
    answers = [follow(client, case, "AAAA-BBBB-CCCC") for _ in range(4)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert all("data-state" not in a.content.decode() for a in answers[:3])
    assert "Aucune requête n&#x27;a cette référence" in answers[0].content.decode()
    # Locked out, even the right code is refused until the cool-off.
    assert follow(client, case, _code).status_code == 429


def test_the_requester_replies_when_asked_and_the_clock_runs_again(
    client, followed, planner
):
    case, code = followed
    request = CitizenRequest.objects.get(pk=case.pk)
    services.request_acknowledge(request=request, actor=planner)
    services.request_review(request=request, actor=planner)
    services.request_ask(request=request, actor=planner, question="Le numéro ?")
    page = follow(client, case, code)
    assert 'name="action" value="reply"' in page.content.decode()
    replied = follow(client, case, code, action="reply", text="Permis 123/2020")
    case.refresh_from_db()
    assert replied.status_code == 200
    assert case.state == State.IN_REVIEW
    assert case.paused_since is None
    assert "Permis 123/2020" in replied.content.decode()


def test_an_empty_reply_is_refused_in_the_page(client, followed, planner):
    case, code = followed
    request = CitizenRequest.objects.get(pk=case.pk)
    services.request_acknowledge(request=request, actor=planner)
    services.request_review(request=request, actor=planner)
    services.request_ask(request=request, actor=planner, question="Le numéro ?")
    page = follow(client, case, code, action="reply", text="  ")
    assert 'role="alert"' in page.content.decode()
    case.refresh_from_db()
    assert case.state == State.WAITING


def test_the_requester_withdraws(client, followed):
    case, code = followed
    page = follow(client, case, code, action="withdraw")
    case.refresh_from_db()
    assert case.state == State.WITHDRAWN
    assert 'name="action" value="withdraw"' not in page.content.decode()


def test_an_answer_is_reopened_then_rated(client, followed, planner):
    case, code = followed
    request = CitizenRequest.objects.get(pk=case.pk)
    services.request_acknowledge(request=request, actor=planner)
    services.request_review(request=request, actor=planner)
    services.request_answer(request=request, actor=planner, answer="Zone verte.")
    html = follow(client, case, code).content.decode()
    assert "Zone verte." in html
    assert 'value="reopen"' in html
    follow(client, case, code, action="reopen", text="Je conteste.")
    case.refresh_from_db()
    assert case.state == State.IN_REVIEW
    services.request_answer(request=request, actor=planner, answer="Confirmé.")
    rated = follow(client, case, code, action="rate", score="4", text="Clair")
    assert rated.status_code == 200
    assert CitizenRequest.objects.get(pk=case.pk).rating == 4
    assert CaseEvent.objects.filter(case=case, kind="rating").count() == 1
    assert 'value="rate"' not in rated.content.decode()


def test_the_confirmation_is_sent_by_the_outbox_in_the_filers_language(client, kind):
    client.post(NEW, form_data(kind), HTTP_ACCEPT_LANGUAGE="ar")
    call_command("outbox_send", verbosity=0)
    assert len(mail.outbox) == 1
    assert "/requests/confirm/" in mail.outbox[0].body
    assert any("\u0600" <= c <= "\u06ff" for c in mail.outbox[0].body)


def test_the_requester_attaches_a_photo_then_a_zip_is_refused(client, followed):
    case, code = followed
    photo = SimpleUploadedFile("chantier.jpg", jpeg_with_exif(), "image/jpeg")
    page = follow(client, case, code, action="attach", file=photo)
    assert "chantier.jpg" in page.content.decode()
    stored = CaseAttachment.objects.get(case=case)
    assert b"SecretPhone" not in stored.file.read()
    archive = SimpleUploadedFile("plan.pdf", zipped(), "application/pdf")
    refused = follow(client, case, code, action="attach", file=archive)
    assert 'role="alert"' in refused.content.decode()
    assert CaseAttachment.objects.filter(case=case).count() == 1


def test_erasure_deletes_the_requesters_files(
    client, followed, django_capture_on_commit_callbacks
):
    case, code = followed
    upload = SimpleUploadedFile("acte-Amina-Berrada.pdf", PDF, "application/pdf")
    follow(client, case, code, action="attach", file=upload)
    stored = CaseAttachment.objects.get(case=case).file.name
    assert default_storage.exists(stored)
    with django_capture_on_commit_callbacks(execute=True):
        requester_erase(email="amina@example.ma")
    assert not CaseAttachment.objects.filter(case=case).exists()
    assert not default_storage.exists(stored)
    html = follow(client, case, code).content.decode()
    assert "Amina-Berrada" not in html


def test_the_pages_carry_no_inline_script(client, followed):
    case, code = followed
    pages = [
        client.get(NEW),
        client.get(FOLLOW),
        follow(client, case, code),
        client.get("/requests/confirm/forged"),
    ]
    for page in pages:
        html = page.content.decode()
        assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []
        assert "onclick=" not in html
        assert "style=" not in html
