"""The map page's words in French and Arabic: counts take their plural form
(Intl.PluralRules picking the form gettext gives), the zone rules use the
glossary's terms, numbers read as on the note and its verification page, and
units are the language's."""

from __future__ import annotations

import pytest
from django.utils import translation
from playwright.sync_api import expect

from core.i18n import number_text
from tests.browser.conftest import PARCEL
from tests.browser.test_map import choose_suggestion, wait_for_map

pytestmark = pytest.mark.browser


def open_in(session_factory, language: str):
    session = session_factory(locale="ar-MA" if language == "ar" else "fr-FR")
    session.context.set_extra_http_headers({"Accept-Language": language})
    page = session.open("/")
    wait_for_map(page)
    return page


@pytest.mark.parametrize(
    ("language", "one", "two"),
    [
        ("fr", "1 suggestion", "2 suggestions"),
        ("ar", "اقتراح واحد", "اقتراحان"),
    ],
)
def test_the_search_counts_its_suggestions_in_the_right_form(
    session_factory, map_data, language, one, two
):
    page = open_in(session_factory, language)
    search, status = page.locator("#search-input"), page.locator("#search-status")

    search.fill(PARCEL)
    expect(page.locator("#search-results").get_by_role("option")).to_have_count(1)
    expect(status).to_have_text(one)

    search.fill("TF 1234")  # TF 12345/07 and TF 12346/07
    expect(page.locator("#search-results").get_by_role("option")).to_have_count(2)
    expect(status).to_have_text(two)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_panels_rules_use_the_glossary_and_the_notes_numbers(
    session_factory, map_data, language
):
    page = open_in(session_factory, language)
    choose_suggestion(page, PARCEL, PARCEL)

    rules = page.locator(".rules").first
    with translation.override(language):
        cos = translation.gettext("Floor-area ratio (COS)")
        ces = translation.gettext("Coverage ratio (CES)")
    expect(rules).to_contain_text(cos)
    expect(rules).to_contain_text(ces)
    # R+4's COS of 2.5: "2,5" in both languages, as the note writes it.
    expect(rules).to_contain_text(number_text(2.5, language, 1))
    area = page.locator("#info .area")
    if language == "ar":
        expect(rules).to_contain_text("معامل الاستيلاء على الأرض")
        expect(rules).not_to_contain_text("CES")
        expect(area).to_contain_text("م²")
        expect(area).not_to_contain_text("m²")
    else:
        expect(area).to_contain_text("m²")
