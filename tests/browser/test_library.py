"""The law library in the browser, in French and Arabic: search by words,
open an article, read it as of an earlier day — with the keyboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from library.services import library_import
from tests.browser_fixtures import SCREENSHOTS
from tests.library.conftest import article, law, text_file

pytestmark = pytest.mark.browser

QUERIES = {"fr": "permis de construire", "ar": "رخصة البناء"}
NOW = {"fr": "sur tout le territoire", "ar": "في مجموع التراب"}
BEFORE = {"fr": "communes urbaines seulement", "ar": "الجماعات الحضرية فقط"}
ALL_WORDINGS = {"fr": "Toutes les rédactions", "ar": "جميع الصيغ"}


@pytest.fixture
def texts(transactional_db, tmp_path):
    text_file(
        tmp_path,
        "a.json",
        **law(
            "9906-1",
            articles=[
                article(
                    "40",
                    "Le permis de construire est exigé dans les communes urbaines "
                    "seulement.",
                    "تشترط رخصة البناء في الجماعات الحضرية فقط.",
                )
            ],
        ),
    )
    text_file(
        tmp_path,
        "b.json",
        **law(
            "9906-2",
            articles=[],
            published_on="2016-09-19",
            in_force_on="2016-09-19",
            amendments=[
                {
                    "text": "loi-9906-1",
                    "article": "40",
                    "body": {
                        "fr": "Le permis de construire est exigé sur tout le "
                        "territoire.",
                        "ar": "تشترط رخصة البناء في مجموع التراب الوطني.",
                    },
                }
            ],
        ),
    )
    library_import(path=tmp_path)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_search_then_open_an_article_and_read_it_as_of_a_day(
    session_factory, texts, language
):
    session = session_factory(viewport={"width": 1100, "height": 800}, locale=language)
    session.context.set_extra_http_headers({"Accept-Language": language})
    page = session.open("/library/")
    expect(page.locator("html")).to_have_attribute(
        "dir", "rtl" if language == "ar" else "ltr"
    )

    search = page.locator("#library-q")
    expect(search).to_be_focused()  # autofocus: type at once
    page.keyboard.type(QUERIES[language])
    page.keyboard.press("Enter")

    hit = page.locator(".article-hit").filter(has_text=NOW[language])
    expect(hit).to_have_count(1)
    expect(hit.locator("mark").first).to_be_visible()
    page.screenshot(path=SCREENSHOTS / f"library-search-{language}.png")

    link = hit.locator("a")
    link.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".wording")).to_contain_text(NOW[language])
    expect(page.get_by_role("heading", name=ALL_WORDINGS[language])).to_be_visible()

    page.locator("#article-at").fill("2010-01-01")
    page.locator("#article-at").press("Enter")
    expect(page.locator(".wording")).to_contain_text(BEFORE[language])
    expect(page.locator(".wording")).not_to_contain_text(NOW[language])
    page.screenshot(path=SCREENSHOTS / f"library-article-{language}.png")
    session.close()
