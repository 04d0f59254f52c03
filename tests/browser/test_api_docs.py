"""The API documentation page: Swagger UI from local files, under the site's
content-security policy, in the French and Arabic page chrome."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser_fixtures import SCREENSHOTS

pytestmark = pytest.mark.browser

HEADINGS = {"fr": "Documentation de l'API", "ar": "توثيق واجهة البرمجة"}


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_docs_page_shows_the_endpoints_and_a_request_body_schema(
    session_factory, db, language
):
    session = session_factory(viewport={"width": 1280, "height": 900}, locale=language)
    session.context.set_extra_http_headers({"Accept-Language": language})
    page = session.open("/api/v1/docs")

    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("html")).to_have_attribute(
        "dir", "rtl" if language == "ar" else "ltr"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(HEADINGS[language])
    # Swagger UI drew the operations of every app from openapi.json.
    operations = page.locator("#swagger-ui .opblock")
    expect(operations.filter(has_text="/api/v1/identify").first).to_be_visible()
    expect(
        operations.filter(has_text="/api/v1/layers/{pk}/versions").first
    ).to_be_visible()
    assert operations.count() >= 18
    # The reference reads left to right inside the Arabic page.
    expect(page.locator("#swagger-ui")).to_have_attribute("dir", "ltr")

    compose = page.locator("#operations-notes-post_api_v1_notes_compose")
    compose.locator(".opblock-summary").click()
    body = compose.locator(".opblock-section-request-body")
    expect(body).to_be_visible()
    # The example of NoteRequest, then its schema, whose $ref the UI resolved.
    expect(body.locator(".body-param__example, .highlight-code").first).to_contain_text(
        "TF 12345/07"
    )
    body.get_by_role("tab", name="Schema").click()
    model = body.locator(".model-box")
    expect(model).to_contain_text("NoteRequest")
    expect(model).to_contain_text("parcel")
    expect(model).to_contain_text("as_of")
    # An answer's schema is resolved too: its example is built from
    # NoteContent, whose zones are Zone objects (layer_title is only there).
    responses = compose.locator(".responses-table")
    expect(responses).to_contain_text("200")
    expect(responses).to_contain_text("layer_title")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"api-docs-{language}.png"), full_page=False)
