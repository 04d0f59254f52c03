"""A planner's day with the keyboard only (Tab, Shift+Tab, Enter, Space; no
mouse): log in, upload a zoning layer, read its report, publish it — in
French and Arabic, with a visible focus ring at every stop on the way."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from layers.models import Agency, Layer, LayerVersion, PlanningDocument
from tests.conftest import square
from tests.importing.conftest import geojson_file, zoning_features

pytestmark = pytest.mark.browser

PASSWORD = "not-a-real-password-7"
TEXTS = {
    "fr": {"import": "Importer", "publish": "Publier cette version", "done": "publiée"},
    "ar": {"import": "استيراد", "publish": "نشر هذه النسخة", "done": "تم نشر"},
}

# The focused element, whether a ring shows around it, and whether it is on
# screen (the page scrolled it into view).
FOCUS = """() => {
  const element = document.activeElement;
  if (element === document.body) return null;
  const style = getComputedStyle(element);
  const box = element.getBoundingClientRect();
  return {
    name: element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
      + " " + (element.textContent || element.value || "").trim().slice(0, 30),
    ring: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    onScreen: box.bottom > 0 && box.top < innerHeight && box.width > 0,
  };
}"""


@pytest.fixture
def planner_layer(transactional_db):
    agency = Agency.objects.create(
        code="au-keyboard",
        name_fr="Agence d'essai au clavier",
        name_ar="وكالة تجربة لوحة المفاتيح",
        territory=square(-6.9, 33.9, 0.1),
    )
    document = PlanningDocument.objects.create(
        agency=agency,
        reference="PA-KB",
        kind="pa",
        title_fr="Plan d'essai au clavier",
        title_ar="تصميم تجربة لوحة المفاتيح",
        perimeter=agency.territory,
    )
    layer = Layer.objects.create(
        document=document,
        name="zonage",
        kind="zoning",
        title_fr="Zonage",
        title_ar="التنطيق",
    )
    User.objects.create_user("keyboard-planner", password=PASSWORD, agency=agency)
    return layer


class Keyboard:
    """Tab through a page to an element, checking each stop's focus ring."""

    def __init__(self, page):
        self.page = page
        self.stops: list[str] = []
        self.unringed: list[str] = []

    def tab_to(self, locator, *, backwards: bool = False, limit: int = 80) -> None:
        key = "Shift+Tab" if backwards else "Tab"
        if locator.evaluate("element => element === document.activeElement"):
            return  # already there (the login form focuses its first field)
        for _ in range(limit):
            self.page.keyboard.press(key)
            focus = self.page.evaluate(FOCUS)
            if focus is None:
                continue  # past the page's last stop, in the browser's own bar
            self.stops.append(focus["name"])
            if not (focus["ring"] and focus["onScreen"]):
                self.unringed.append(focus["name"])
            if locator.evaluate("element => element === document.activeElement"):
                return
        pytest.fail(f"{key} × {limit} never reached {locator}: {self.stops[-10:]}")


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_planner_uploads_and_publishes_with_the_keyboard_only(
    session_factory, planner_layer, tmp_path, language
):
    texts = TEXTS[language]
    session = session_factory(
        locale="ar-MA" if language == "ar" else "fr-FR",
        viewport={"width": 1280, "height": 800},
    )
    session.context.set_extra_http_headers({"Accept-Language": language})
    page = session.open("/planner/login/")
    keys = Keyboard(page)

    # Log in.
    keys.tab_to(page.locator("#id_username"))
    page.keyboard.type("keyboard-planner")
    keys.tab_to(page.locator("#id_password"))
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/planner/")

    # The workspace, the layer.
    keys.tab_to(page.locator(f"a[href='/planner/layers/{planner_layer.pk}/']"))
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/planner/layers/{planner_layer.pk}/")

    # Choose the file (Space opens the system's file dialog), read how it will
    # be imported, import.
    keys.tab_to(page.locator("#upload-form input[type=file]"))
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(
        geojson_file(tmp_path / "zonage.geojson", zoning_features())
    )
    expect(page.locator("#inspection-preview tbody tr")).to_have_count(4)
    submit = page.locator("#upload-form button[type=submit]")
    expect(submit).to_be_enabled()
    keys.tab_to(submit)
    expect(submit).to_have_text(texts["import"])
    page.keyboard.press("Enter")
    page.wait_for_url("**/planner/versions/*/", timeout=30_000)
    version = LayerVersion.objects.get(layer=planner_layer)

    # The report: its facts and problems are read from the page top down.
    expect(page.locator(".facts")).to_contain_text("zonage.geojson")
    expect(page.locator(".issues li").first).to_be_visible()
    publish = page.get_by_role("button", name=re.compile(texts["publish"]))
    keys.tab_to(publish)
    # Shift+Tab goes back to the link before it, Tab again to the button.
    keys.tab_to(
        page.locator(f"a[href$='/versions/{version.pk}/compare/']"), backwards=True
    )
    keys.tab_to(publish)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/planner/versions/{version.pk}/publish*")

    # Confirm: Space on the button, as a keyboard user may.
    confirm = page.locator("form.confirm:not(.publish-despite-errors) button")
    keys.tab_to(confirm)
    page.keyboard.press("Space")
    page.wait_for_url(f"**/planner/layers/{planner_layer.pk}/")

    expect(page.locator(".messages")).to_contain_text(texts["done"])
    version.refresh_from_db()
    assert version.status == LayerVersion.Status.PUBLISHED
    assert keys.unringed == []
    assert len(keys.stops) >= 10
