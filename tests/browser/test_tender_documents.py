"""A bidder downloads a call's document from its page, in French and Arabic:
the file comes as a download of its own name and bytes — the page stays, the
browser shows nothing of it inline, even for a PDF whose bytes also read as
a web page."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from tenders.models import CallForTenders, TenderDocument
from tests.fuzz.test_tender_documents import POLYGLOT

pytestmark = pytest.mark.browser


@pytest.fixture
def document(transactional_db, make_agency):
    agency = make_agency("aubd", name_fr="Agence urbaine d'essai", name_ar="وكالة")
    call = CallForTenders.objects.create(
        agency=agency,
        reference="AO n° 61/2026",
        object_fr="Étude d'aménagement du centre",
        object_ar="دراسة تهيئة المركز",
        published_on=datetime.date(2026, 11, 20),
        deadline=timezone.now() + datetime.timedelta(days=12),
    )
    return TenderDocument.objects.create(
        call=call,
        title_fr="Règlement de consultation",
        title_ar="نظام الاستشارة",
        file=SimpleUploadedFile("rc.pdf", POLYGLOT),
    )


@pytest.mark.parametrize(
    ("language", "title"),
    [("fr", "Règlement de consultation"), ("ar", "نظام الاستشارة")],
)
def test_a_bidder_downloads_a_document_never_shown_inline(
    session_factory, document, language, title
):
    session = session_factory(locale=language)
    session.context.set_extra_http_headers({"Accept-Language": language})
    page = session.open(f"/tenders/{document.call_id}/")
    expect(page.locator("html")).to_have_attribute(
        "dir", "rtl" if language == "ar" else "ltr"
    )
    with page.expect_download() as download:
        page.get_by_role("link", name=title).click()
    assert download.value.suggested_filename == document.file.name.rsplit("/")[-1]
    with open(download.value.path(), "rb") as saved:
        assert saved.read() == POLYGLOT
    assert page.url.endswith(f"/tenders/{document.call_id}/")

    # Opened by its address, it is a download too, not a page.
    served = page.request.get(session.base_url + document.download_url)
    assert served.headers["content-type"] == "application/pdf"
    assert served.headers["content-disposition"].startswith("attachment;")
    assert served.headers["x-content-type-options"] == "nosniff"
