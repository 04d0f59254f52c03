"""A call for tenders' documents (``tenders.services.tender_document_check``)
are what bidders download: a planner's upload of any bytes under any name is
kept only as a PDF that ends as a PDF does, or a ZIP whose members a bidder
can extract safely (no ``..`` nor absolute path, no link, no zip bomb) —
else refused in the staff's language, nothing stored, never a 500."""

from __future__ import annotations

import io
import os
import re
import stat
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st

from tenders.models import CallForTenders, TenderDocument
from tenders.services import TenderDocumentRefused, tender_document_check
from tests.fuzz import fuzz_settings
from tests.tenders.conftest import make_call  # noqa: F401 - a fixture
from tests.tenders.test_admin import ADD, PDF, call_form


def zip_of(*members: tuple[str, bytes], link: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            archive.writestr(name, content)
        if link:
            info = zipfile.ZipInfo(link)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
    return buffer.getvalue()


def check(name: str, content: bytes) -> str | None:
    """None when the document is kept, else the refusal's message."""
    try:
        tender_document_check(SimpleUploadedFile(name, content))
    except TenderDocumentRefused as refused:
        return str(refused.message)
    return None


HEADS = st.sampled_from([b"%PDF-1.7\n", b"PK\x03\x04", b"PK\x05\x06", b"", b"<html>"])
TAILS = st.sampled_from([b"", b"\n%%EOF\n", b"%%EOF"])
NAMES = st.one_of(
    st.sampled_from(["rc.pdf", "RC.PDF", "dao.zip", "rc.pdf.html", "rc", ".pdf"]),
    st.text(max_size=40).map(lambda stem: stem + ".pdf"),
)


@given(head=HEADS, body=st.binary(max_size=400), tail=TAILS, name=NAMES)
@fuzz_settings(300)
def test_any_bytes_are_kept_or_refused_with_a_sentence(head, body, tail, name):
    message = check(name, head + body + tail)
    assert message is None or message


@st.composite
def archives(draw) -> bytes:
    names = st.one_of(
        st.sampled_from(["cps.pdf", "../cps.pdf", "/etc/cron.d/x", "a/../../b", "C:x"]),
        st.text(min_size=1, max_size=30),
    )
    members = draw(
        st.lists(st.tuples(names, st.binary(max_size=200)), min_size=0, max_size=4)
    )
    return zip_of(*members)


@given(content=archives(), cut=st.integers(min_value=0, max_value=400))
@fuzz_settings(200)
def test_any_archive_whole_or_cut_is_kept_or_refused(content, cut):
    for variant in (content, content[: len(content) - cut]):
        message = check("dao.zip", variant)
        assert message is None or message


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (zip_of(("../../cps.pdf", PDF)), "pointe hors de l'archive"),
        (zip_of(("/etc/cron.d/job", PDF)), "pointe hors de l'archive"),
        (zip_of(("..\\..\\cps.pdf", PDF)), "pointe hors de l'archive"),
        (zip_of(("cps.pdf", PDF), link="lien"), "est un lien"),
        (zip_of(("bombe.pdf", b"\0" * 5_000_000)), "compressé"),
    ],
    ids=["dot-dot", "absolute", "backslashes", "symlink", "bomb"],
)
def test_an_archive_a_bidder_could_not_extract_safely_is_refused(
    content, message, settings
):
    settings.LANGUAGE_CODE = "fr"
    assert message in check("dao.zip", content)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("rc.pdf", b""),
        ("rc.pdf", b"%PDF-1.7\n1 0 obj<<>>endobj\n"),  # cut: no %%EOF at its end
        ("rc.pdf", zip_of(("cps.pdf", PDF))),  # a ZIP named .pdf
        ("dao.zip", PDF),  # a PDF named .zip
        ("rc.html", PDF),
    ],
    ids=["empty", "truncated-pdf", "zip-as-pdf", "pdf-as-zip", "html-name"],
)
def test_a_document_that_is_not_what_its_name_says_is_refused(name, content):
    assert check(name, content)


@pytest.mark.parametrize(
    ("language", "name", "message"),
    [
        ("fr", "dao.zip", "pointe hors de l"),
        ("ar", "dao.zip", "خارج الأرشيف"),
        ("fr", "d" * 150 + ".zip", "au plus 100 caractères"),
        ("ar", "d" * 150 + ".zip", "100"),
    ],
    ids=["fr", "ar", "fr-long-name", "ar-long-name"],
)
def test_a_refused_archive_stores_nothing_and_says_why_in_the_staffs_language(
    client, planner, agency, language, name, message
):
    before = set(_stored_files())
    client.force_login(planner)
    data = call_form(
        agency,
        **{
            "documents-0-title_fr": "Dossier",
            "documents-0-file": SimpleUploadedFile(
                name, zip_of(("../../cps.pdf", PDF))
            ),
        },
    )
    response = client.post(ADD, data, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    errors = re.findall(r'class="errorlist[^>]*>(.*?)</ul>', response.content.decode())
    assert any(message in error for error in errors), errors
    assert not CallForTenders.objects.filter(agency=agency).exists()
    assert not TenderDocument.objects.exists()
    assert set(_stored_files()) == before


def _stored_files() -> list[str]:
    root = default_storage.path("")
    return [
        os.path.join(folder, name)
        for folder, _folders, names in os.walk(root)
        for name in names
    ]


# A PDF that also reads as a web page: a browser that sniffed it, or showed
# it inline as HTML, would run its script in the portal's origin.
POLYGLOT = b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>\n%%EOF\n"


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("rc.pdf", POLYGLOT, "application/pdf"),
        (
            "dao.zip",
            zip_of(("index.html", b"<script>alert(1)</script>")),
            "application/zip",
        ),
    ],
)
def test_a_document_is_served_as_a_download_of_its_kind_never_inline(
    client, planner, agency, name, content, content_type
):
    client.force_login(planner)
    data = call_form(
        agency,
        **{
            "documents-0-title_fr": "Pièce",
            "documents-0-file": SimpleUploadedFile(name, content, "text/html"),
        },
    )
    assert client.post(ADD, data).status_code == 302
    document = TenderDocument.objects.get(call__agency=agency)
    client.logout()
    page = client.get(f"/tenders/{document.call_id}/").content.decode()
    assert f'href="{document.download_url}"' in page

    served = client.get(document.download_url)

    assert served.status_code == 200
    assert served["Content-Type"] == content_type
    assert served["Content-Disposition"].startswith("attachment;")
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content) == content
    api = client.get(f"/api/v1/tenders/{document.call_id}").json()
    assert [d["url"] for d in api["documents"]] == [document.download_url]


@pytest.mark.parametrize(
    ("language", "message"),
    [("fr", "n’a pas ce document"), ("ar", "ليس لطلب العروض هذا مثل هذه الوثيقة")],
)
def test_a_document_of_another_call_is_a_404_in_the_readers_language(
    client,
    agency,
    make_call,  # noqa: F811 - a fixture
    language,
    message,
):
    call = make_call(agency)
    document = TenderDocument.objects.create(
        call=call, title_fr="RC", file=SimpleUploadedFile("rc.pdf", PDF)
    )
    other = make_call(agency, reference="AO n° 13/2026")
    answer = client.get(
        f"/tenders/{other.pk}/documents/{document.pk}/", HTTP_ACCEPT_LANGUAGE=language
    )
    assert answer.status_code == 404
    assert message in answer.content.decode()
