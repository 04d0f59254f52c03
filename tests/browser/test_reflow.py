"""Reflow (WCAG 1.4.10): at 320 CSS px the verification page, the document
pages (their version tables), a parcel's page and the API documentation read
without scrolling the page sideways, in French and Arabic. A table may scroll
inside its own named region; the page itself may not."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from layers.models import Layer, ZoneRule

pytestmark = pytest.mark.browser

# The page's width, the window's, and the first elements that stick out (the
# skip link waits off-screen on purpose).
PAGE_WIDER_THAN_WINDOW = """() => ({
  page: document.documentElement.scrollWidth,
  window: window.innerWidth,
  outside: [...document.querySelectorAll("body *:not(.skip-link)")]
    .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5
      || e.getBoundingClientRect().left < -0.5)
    .slice(0, 4)
    .map((e) => e.tagName.toLowerCase() + (e.className ? "." + e.className : "")),
})"""


@pytest.mark.parametrize("width", [320, 360])
@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_pages_reflow_on_a_narrow_screen(
    session_factory,
    pages_data,
    language,
    width,
):
    # A zone label of long words, as real regulations have, and a long title.
    rule = ZoneRule.objects.get(document=pages_data["document"], code="R+4")
    rule.label_fr = rule.label_ar = "Zone-d'immeubles-collectifs-" * 6
    rule.save()
    session = session_factory(
        locale="ar-MA" if language == "ar" else "fr-FR",
        # Not emulated as a phone: a phone's browser widens its layout viewport
        # to the page's content, which hides the overflow this test looks for.
        viewport={"width": width, "height": 740},
    )
    session.context.set_extra_http_headers({"Accept-Language": language})
    agency, document = pages_data["agency"], pages_data["document"]
    zoning = Layer.objects.get(document=document, kind=Layer.Kind.ZONING)
    pages = {
        "verification": f"/verify/{pages_data['note'].token}",
        "note": f"/notes/{pages_data['note'].token}/",
        "documents": f"/documents/{agency.code}/",
        "document": f"/documents/{agency.code}/{document.reference}/",
        "layer metadata": f"/layers/{zoning.pk}/metadata/",
        "API docs": "/api/v1/docs",
        "parcel": f"/parcels/{agency.code}/TF12345/7/",
    }
    page = session.new_page()
    overflowing = []
    for name, path in pages.items():
        page.goto(session.base_url + path)
        if name == "API docs":
            operation = page.locator("#operations-notes-post_api_v1_notes_compose")
            operation.locator(".opblock-summary").click()
            expect(operation.locator(".opblock-body")).to_be_visible()
        measure = page.evaluate(PAGE_WIDER_THAN_WINDOW)
        assert measure["window"] == width
        if measure["page"] > measure["window"]:
            overflowing.append(
                f"{name}: {measure['page']} px wide, sticking out: {measure['outside']}"
            )
    assert overflowing == []
