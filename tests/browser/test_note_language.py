"""A note's verification URL and PDF open in the language it was issued in,
whatever the browser that opens them prefers (a QR code scanned by a French
phone on an Arabic note, and the other way round)."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from django.test import Client

from tests.browser.conftest import PARCEL

HEADINGS = {"fr": "Vérification d'une note", "ar": "التحقق من مذكرة"}
# The browser's language, the other one.
READER = {"fr": "ar-MA", "ar": "fr-FR"}


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_verification_url_opens_in_the_notes_language_in_any_browser(
    session_factory, map_data, language
):
    response = Client().post(
        "/api/v1/notes",
        data=json.dumps({"parcel": PARCEL, "language": language}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=READER[language][:2],
    )
    assert response.status_code == 201, response.content
    issued = response.json()
    session = session_factory(
        viewport={"width": 360, "height": 740}, locale=READER[language]
    )
    verify = urlsplit(issued["verify_url"])
    page = session.open(f"{verify.path}?{verify.query}")
    html = page.locator("html")
    assert html.get_attribute("lang") == language
    assert html.get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    assert HEADINGS[language] in page.locator("h1").inner_text()
    pdf = urlsplit(issued["pdf_url"]).path
    headers = page.evaluate(
        "(url) => fetch(url).then((r) => [r.status, r.headers.get('content-language'),"
        " r.headers.get('content-disposition')])",
        pdf,
    )
    assert headers[0] == 200
    assert headers[1] == language
    assert headers[2].endswith(f'-{language}.pdf"')
