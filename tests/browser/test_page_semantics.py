"""What assistive technologies read from the markup, on every page, fr and ar:
every id an ``aria-labelledby``, ``aria-describedby``, ``aria-controls`` or a
label's ``for`` names exists, and every text in another language than the page
carries its ``lang`` (and ``dir``), so that a screen reader speaks it in its
own voice and it reads in its own direction."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_accessibility import (
    forget_expected_not_found,
    log_in,
    planner_pages,
    public_pages,
    reader,
)
from tests.browser.test_map import wait_for_map

pytestmark = pytest.mark.browser

MISSING_REFERENCES = """() => {
  const missing = [];
  const attributes = ["aria-labelledby", "aria-describedby", "aria-controls"];
  for (const attribute of attributes) {
    for (const element of document.querySelectorAll(`[${attribute}]`)) {
      for (const id of element.getAttribute(attribute).split(/\\s+/)) {
        if (id && !document.getElementById(id)) missing.push(`${attribute}=${id}`);
      }
    }
  }
  for (const label of document.querySelectorAll("label[for]")) {
    if (!document.getElementById(label.htmlFor)) missing.push(`for=${label.htmlFor}`);
  }
  return missing;
}"""

# Text whose language is not its element's: French or English words where the
# language in force is Arabic, Arabic letters where it is French or English;
# and an element that changes the language without saying its direction.
# Codes, numbers and names of formats (R+4, EPSG:26191, GeoPackage) are no
# language's words and pass. ``asTyped`` are values an agency types in a field
# of no stated language (approval act, articles): the portal cannot say
# their language, so they are left out.
LATIN_WORDS = (
    "le|la|les|des|du|de|et|une|pour|par|est|aux|dans|sur"  # French
    "|the|and|of|with|is|are|this|for|from"  # English
)
LANGUAGE_PROBLEMS = """([asTyped, words]) => {
  const edge = "[^\\\\p{L}]";
  const latinWords = new RegExp(`(^|${edge})(${words})(?=$|${edge})`, "iu");
  const french = /[éèêàçùôîâ]/i;
  const arabic = /[\\u0600-\\u06FF]/;
  const problems = [];
  const page = document.documentElement.lang;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    // A <code> holds a code (a hash, a reference), no language's words: hex
    // digits around "de" or "be" read as a French or English word.
    if (element.closest("script, style, template, noscript, code")) continue;
    const text = node.textContent.replace(/\u200e/g, "").trim();
    if (!text || asTyped.includes(text)) continue;
    const language = (element.closest("[lang]")?.lang || page).split("-")[0];
    const wrong = language === "ar"
      ? latinWords.test(text) || french.test(text)
      : arabic.test(text);
    if (wrong) problems.push(`${language}: ${text.slice(0, 60)}`);
  }
  for (const element of document.body.querySelectorAll("[lang]")) {
    if (element.lang.split("-")[0] !== page && !element.hasAttribute("dir")) {
      const tag = element.tagName.toLowerCase();
      problems.push(`lang=${element.lang} without dir: <${tag}>`);
    }
  }
  return problems;
}"""


def page_problems(page, as_typed: list[str]) -> dict[str, list[str]]:
    return {
        "references": page.evaluate(MISSING_REFERENCES),
        "languages": page.evaluate(LANGUAGE_PROBLEMS, [as_typed, LATIN_WORDS]),
    }


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_references_exist_and_other_languages_are_marked_on_every_page(
    session_factory,
    pages_data,
    language,
):
    document = pages_data["document"]
    as_typed = [
        document.approval_act,
        *document.rules.values_list("articles", flat=True),
    ]
    session = reader(session_factory, language, "desktop")
    page = session.new_page()
    found = []

    def visit(name: str, path: str) -> None:
        page.goto(session.base_url + path)
        if path == "/":
            wait_for_map(page)
        found.extend(
            f"{name}: {kind}: {item}"
            for kind, items in page_problems(page, as_typed).items()
            for item in items
        )

    visit("map", "/")
    for name, path in public_pages(pages_data).items():
        visit(name, path)
    forget_expected_not_found(session)
    visit("API docs", "/api/v1/docs")
    expect(page.locator("#swagger-ui .opblock").first).to_be_visible()
    log_in(session, pages_data["planner"])
    for name, path in planner_pages(pages_data).items():
        visit(name, path)
    assert found == [], "\n".join(found)
