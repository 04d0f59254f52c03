"""Files in an S3-compatible bucket, as a citizen meets them, in French and
Arabic: the orthophoto on the map and a plan's regulation on its page come
from the bucket (moto's S3 server), at the portal's own addresses."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from geoportal.demo_orthophoto import demo_orthophoto_ensure
from layers.models import RegulationFile
from tests.browser.conftest import screenshot
from tests.browser.test_orthophoto import MAP_VIEW, PHOTO_TILES, photo_tiles_drawn
from tests.scaling.test_storage_s3 import (  # noqa: F401 - the fixtures
    bucket,
    s3_endpoint,
)

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PHOTO = {"fr": "Orthophoto de démonstration (synthétique)", "ar": "صورة جوية تجريبية"}
REGULATION = {"fr": "Règlement d'aménagement", "ar": "ضابطة التهيئة"}


def open_in(session_factory, language: str, path: str):
    session = session_factory(
        viewport={"width": 1280, "height": 800},
        locale="ar-MA" if language == "ar" else "fr-FR",
    )
    session.context.set_extra_http_headers({"Accept-Language": language})
    page = session.open(path)
    expect(page.locator("html")).to_have_attribute(
        "dir", "rtl" if language == "ar" else "ltr"
    )
    return page


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_orthophoto_in_the_bucket_shows_on_the_map(
    session_factory,
    map_data,
    bucket,  # noqa: F811 - the fixture
    language,
):
    demo_orthophoto_ensure(map_data["agency"])
    assert bucket.keys("orthophotos/cog/")

    page = open_in(session_factory, language, "/" + MAP_VIEW)
    page.wait_for_function("() => document.body.dataset.firstLayerDrawn !== undefined")
    assert page.locator(PHOTO_TILES).count() == 0
    page.get_by_label(PHOTO[language], exact=False).check()

    assert photo_tiles_drawn(page) > 0
    screenshot(page, f"stored-files-orthophoto-{language}")


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_regulation_in_the_bucket_opens_from_its_plans_page(
    session_factory,
    map_data,
    bucket,  # noqa: F811 - the fixture
    language,
):
    document = map_data["document"]
    regulation = RegulationFile(
        document=document, title_fr=REGULATION["fr"], title_ar=REGULATION["ar"]
    )
    regulation.file.save("reglement.pdf", ContentFile(PDF))
    assert bucket.keys("regulations/") == [regulation.file.name]

    page = open_in(
        session_factory,
        language,
        f"/documents/{document.agency.code}/{document.reference}/",
    )
    link = page.get_by_role("link", name=REGULATION[language])
    expect(link).to_have_attribute("href", f"/media/{regulation.file.name}")
    screenshot(page, f"stored-files-regulation-{language}")
    # What the link gives, fetched with the page's own context (clicking
    # would open Chromium's PDF viewer, whose pages are not the portal's).
    answer = page.request.get(urljoin(page.url, link.get_attribute("href")))
    assert answer.status == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.body() == PDF
