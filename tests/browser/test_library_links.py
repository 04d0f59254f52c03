"""From the map to the law, in French and Arabic: a demo zone's rule links to
the article it cites, whose page lists the zones citing it; the main search
box finds law 12-90 by its number and opens its page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from parcels.models import Parcel
from tests.browser.axe import AxeReport
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CITED = {"fr": "Loi 12-90, article 19", "ar": "قانون 12-90، المادة 19"}
ARTICLE = {"fr": "Article 19", "ar": "المادة 19"}
CITED_BY = {"fr": "Cité par les zones", "ar": "تشير إليها مناطق وثائق التعمير"}
TEXT = {"fr": "Loi 12-90", "ar": "قانون 12-90"}


def wait_for_map(page) -> None:
    page.wait_for_function("() => document.body.dataset.firstLayerDrawn !== undefined")


def open_in(session_factory, language: str, path: str):
    session = session_factory(viewport={"width": 1280, "height": 800}, locale=language)
    session.context.set_extra_http_headers({"Accept-Language": language})
    page = session.open(path)
    expect(page.locator("html")).to_have_attribute(
        "dir", "rtl" if language == "ar" else "ltr"
    )
    return page


@pytest.fixture
def demo_parcel(demo_reloaded):
    """A land title of the demo agency in the zoning of its plan in force."""
    return (
        Parcel.objects.filter(agency=demo_reloaded, kind="TF")
        .order_by("reference_key")
        .first()
    )


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_zone_rule_links_to_the_article_it_cites(
    session_factory, demo_parcel, language
):
    page = open_in(session_factory, language, "/")
    wait_for_map(page)
    page.locator("#search-input").fill(demo_parcel.reference)
    page.locator("#search-input").press("Enter")
    expect(page.locator("#info-title")).to_contain_text(demo_parcel.reference)

    link = page.locator("#info a.citation").filter(has_text=CITED[language]).first
    expect(link).to_be_visible()
    screenshot(page, f"library-links-zone-rule-{language}")
    axe = AxeReport(f"library-links-{language}")
    axe.check(page, "a zone's rule citing articles")
    link.click()

    expect(page).to_have_url(re.compile(r"/library/loi-12-90/art-19/\?at="))
    expect(page.locator("h1")).to_contain_text(ARTICLE[language])
    cited_by = page.locator(".cited-by")
    expect(cited_by).to_contain_text(CITED_BY[language])
    expect(cited_by).to_contain_text("PA-OZ-2021")
    expect(cited_by.locator('a[href^="/#map="]').first).to_be_visible()
    screenshot(page, f"library-links-article-{language}")
    axe.check(page, "an article and the zones citing it")
    axe.assert_clean()

    # The map link opens the map at that zone.
    cited_by.locator('a[href^="/#map="]').first.click()
    wait_for_map(page)
    expect(page).to_have_url(re.compile(r"/#map=16/"))


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_main_search_box_opens_law_12_90(session_factory, demo_reloaded, language):
    page = open_in(session_factory, language, "/")
    wait_for_map(page)
    page.locator("#search-input").fill("12-90")
    option = (
        page.locator("#search-results")
        .get_by_role("option")
        .filter(has_text=TEXT[language])
    )
    expect(option).to_have_count(1)
    screenshot(page, f"library-links-search-{language}")
    option.click()

    expect(page).to_have_url(re.compile(r"/library/loi-12-90/$"))
    expect(page.locator("h1")).to_contain_text("12")
