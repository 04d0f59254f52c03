"""The verification page (``/verify/<code>``, ``documents.views``) compares a
PDF anyone uploads with the registered one by its SHA-256: whatever the
upload — any bytes, empty, a PDF's head on anything, any name, no file, text
in the file's field — the page says the file is the registered PDF, is not,
or why it cannot compare, in the page's language; never a server error, and
nothing is stored."""

from __future__ import annotations

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st

from documents.models import IssuedDocument
from tests.documents.conftest import PDF, issue  # noqa: F401 - a fixture
from tests.fuzz import fuzz_settings
from tests.fuzz.strategies import TEXT

HEADS = st.sampled_from([b"%PDF-", b"%PDF-1.7\n", b"%PD", b"", b"PK\x03\x04"])
NAMES = st.one_of(
    st.sampled_from(["copy.pdf", "../../etc/passwd", "x" * 300 + ".pdf", "a.html"]),
    TEXT.filter(bool),
)
# What the page says, in French and Arabic: the comparison or a refusal.
ANSWERS = {
    "fr": ["le PDF enregistré", "n'est pas un PDF", "Choisissez le fichier PDF"],
    "ar": ["ملف PDF المسجل", "ليس ملف PDF", "اختر ملف PDF"],
}


@pytest.fixture
def registered(issue):  # noqa: F811 - issue is a fixture
    return issue()


@pytest.mark.django_db
@given(
    head=HEADS,
    body=st.one_of(st.binary(max_size=300), st.just(PDF[5:])),
    name=NAMES,
    as_text=st.booleans(),
    language=st.sampled_from(["fr", "ar"]),
)
@fuzz_settings(150)
def test_any_upload_is_compared_or_refused_and_nothing_is_stored(
    client, registered, head, body, name, as_text, language
):
    content = head + body
    upload = content.decode("latin-1") if as_text else SimpleUploadedFile(name, content)
    documents = IssuedDocument.objects.count()

    response = client.post(
        f"/verify/{registered.code}?lang={language}", {"pdf": upload}
    )

    assert response.status_code in {200, 400}, response.status_code
    page = html.unescape(response.content.decode())
    assert f'lang="{language}"' in page
    if response.status_code == 200:
        assert any(answer in page for answer in ANSWERS[language]), page[-3000:]
    assert IssuedDocument.objects.count() == documents
