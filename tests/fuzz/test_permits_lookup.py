"""The permits lookup (``/permits/lookup``: a file's number and the short code
of its filing receipt) is an anonymous form: whatever it is sent — any text,
thousands of characters, Arabic-Indic digits, NUL, a form that is no form —
the answer is the lookup page (a file only for its right code), a refusal in
the reader's language or the 429 of too many wrong codes; never a server
error, never a file for a wrong code. Its form needs the CSRF token."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from tests.fuzz import fuzz_settings
from tests.fuzz.strategies import EDGE_VALUES, TEXT
from tests.permits.conftest import (  # noqa: F401 - fixtures
    make_file,
    procedure,
    reviewed,
    session,
)

NUMBERS = st.one_of(
    st.sampled_from(
        [
            "PC-2026-0001",
            " pc-2026-0001 ",
            "PC-٢٠٢٦-٠٠٠١",
            "PC-۲۰۲۶-۰۰۰۱",  # Persian digits
            "PC-2026-0001\x00",
            "PC-2026-0001" + "0" * 60,
            "9" * 5000,
            "ß" * 64,  # longer in capitals: "SS" each
            "ﬃ" * 64,
            "\u200fPC-2026-0001",
            "%",
            "' OR 1=1 --",
        ]
    ),
    st.sampled_from(EDGE_VALUES),
    TEXT,
)
CODES = st.one_of(
    st.sampled_from(
        ["AAAA-BBBB-CCCC", "aaaa bbbb cccc", "٢٣٤٥-٦٧٨٩-٢٣٤٥", "-" * 32, "A" * 33]
    ),
    st.sampled_from(EDGE_VALUES),
    TEXT,
    st.text(min_size=1000, max_size=1200),
)


@pytest.mark.django_db
@pytest.mark.usefixtures("reviewed")
@given(
    number=NUMBERS,
    code=CODES,
    address=st.sampled_from(["192.0.2.1", "192.0.2.2", "192.0.2.9", "2001:db8::1"]),
    language=st.sampled_from(["fr", "ar"]),
)
# Longer in capitals than typed ("ß" → "SS"): a 500 once the number was
# counted under its capitals.
@example(number="ß" * 64, code="AAAA", address="192.0.2.9", language="fr")
@fuzz_settings(150)
def test_any_lookup_is_a_page_or_a_refusal_never_a_file_for_a_wrong_code(
    client, number, code, address, language
):
    response = client.post(
        reverse("permits:lookup"),
        {"number": number, "code": code},
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code in {200, 400, 429}, response.status_code
    body = response.content.decode()
    assert f'lang="{language}"' in body
    assert "data-state" not in body  # no example holds the file's right code
    assert "Bennani" not in body


@pytest.mark.django_db
@given(
    number=st.one_of(NUMBERS, st.lists(NUMBERS, max_size=3)),
    language=st.sampled_from(["fr", "ar"]),
)
@fuzz_settings(60)
def test_any_number_in_the_address_prefills_the_form(client, number, language):
    response = client.get(
        reverse("permits:lookup"), {"number": number}, HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code in {200, 400}
    assert f'lang="{language}"' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_body_that_is_no_form_is_a_400_in_the_readers_language(client, language):
    response = client.generic(
        "POST",
        reverse("permits:lookup"),
        b"--x\r\nbroken",
        content_type="multipart/form-data; boundary=",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 400
    assert f'lang="{language}"' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("fr", "Ce formulaire n'a pas pu être envoyé"),
        ("ar", "تعذر إرسال هذه الاستمارة"),
    ],
)
def test_the_lookup_form_needs_its_csrf_token(
    reviewed,  # noqa: F811 - a fixture
    language,
    message,
):
    _file, code = reviewed
    browser = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE=language)
    data = {"number": "PC-2026-0001", "code": code}
    forged = browser.post(reverse("permits:lookup"), data)
    assert forged.status_code == 403
    page = html.unescape(forged.content.decode())
    assert "data-state" not in page
    # Said in the reader's language, not Django's English page.
    assert f'lang="{language}"' in page
    assert message in page
    browser.get(reverse("permits:lookup"))
    token = browser.cookies["csrftoken"].value
    posted = browser.post(
        reverse("permits:lookup"), {**data, "csrfmiddlewaretoken": token}
    )
    assert 'data-state="opinion_given"' in posted.content.decode()
