"""The language of an issued note is chosen at issue and kept by its URLs."""

from __future__ import annotations

import json

import pytest

from notes.models import Note
from tests.notes.test_pdf import pdf_text

pytestmark = pytest.mark.django_db

TITLES = {
    "fr": "Note de renseignements urbanistiques",
    "ar": "مذكرة المعلومات التعميرية",
    "en": "Urban information note",
}
# Each reader's language differs from the note's.
OTHER = {"fr": "ar", "ar": "en", "en": "fr"}


def issue(client, body: dict, accept_language: str):
    return client.post(
        "/api/v1/notes",
        data=json.dumps(body),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=accept_language,
    )


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_the_requested_language_is_the_notes_whatever_the_request_says(
    client, site, language
):
    response = issue(
        client, {"parcel": "TF 100/07", "language": language}, OTHER[language]
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["language"] == language
    assert data["content"]["note"]["language"] == language
    assert Note.objects.get(reference=data["reference"]).language == language


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_the_pdf_opens_in_the_language_of_issue_for_any_reader(client, site, language):
    data = issue(client, {"parcel": "TF 100/07", "language": language}, "fr").json()
    reader = OTHER[language]
    by_header = client.get(data["pdf_url"], HTTP_ACCEPT_LANGUAGE=reader)
    assert by_header.status_code == 200
    assert TITLES[language] in pdf_text(by_header.content)
    assert TITLES[reader] not in pdf_text(by_header.content)
    client.cookies["django_language"] = reader
    by_cookie = client.get(data["pdf_url"])
    assert TITLES[language] in pdf_text(by_cookie.content)


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_the_verification_url_opens_in_the_language_of_issue(client, site, language):
    data = issue(client, {"parcel": "TF 100/07", "language": language}, "fr").json()
    client.cookies["django_language"] = OTHER[language]
    page = client.get(data["verify_url"], HTTP_ACCEPT_LANGUAGE=OTHER[language])
    assert page.status_code == 200
    assert f'<html lang="{language}"' in page.content.decode()
    assert page["Content-Language"] == language


def test_without_a_language_field_the_request_language_is_kept(client, site):
    data = issue(client, {"parcel": "TF 100/07"}, "ar").json()
    assert data["language"] == "ar"
    pdf = client.get(data["pdf_url"], HTTP_ACCEPT_LANGUAGE="fr").content
    assert TITLES["ar"] in pdf_text(pdf)


@pytest.mark.parametrize(
    ("accept_language", "words"),
    [("fr", "Une note est délivrée"), ("ar", "تصدر المذكرة")],
)
def test_an_unknown_language_is_refused_before_anything_is_issued(
    client, site, accept_language, words
):
    before = Note.objects.count()
    response = issue(client, {"parcel": "TF 100/07", "language": "de"}, accept_language)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_language"
    assert words in error["message"]
    assert Note.objects.count() == before
