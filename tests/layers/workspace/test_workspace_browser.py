"""The planner's first minutes in headless Chromium, in French and Arabic: log
in from the public page, create a document, draw its perimeter, create a
layer, type its rules; compare a draft and confirm its publication and a roll
back. Console errors (CSP included) and requests leaving localhost fail."""

from __future__ import annotations

import datetime

import pytest

from accounts.models import User
from layers.models import (
    Agency,
    Layer,
    LayerVersion,
    PlanningDocument,
    RegulationFile,
    ZoneRule,
)
from layers.services import FeatureData, layer_version_create, layer_version_publish
from tests.browser.conftest import screenshot
from tests.conftest import square
from tests.layers.workspace.test_documents import PDF

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "not-a-real-password-9"
TEXTS = {
    "fr": {
        "login": "Connexion urbaniste",
        "new": "Nouveau document",
        "draw": "Dessiner un polygone",
        "finish": "Terminer le polygone",
        "create": "Créer le document",
        "new_layer": "Nouvelle couche",
        "create_layer": "Créer la couche",
        "attach": "Joindre le PDF",
        "save_rules": "Enregistrer les règles",
        "confirm": "Confirmer la publication",
        "added": "1 zone ou objet ajouté",
        "rollback": "Revenir à cette version…",
        "confirm_rollback": "Confirmer le retour en arrière",
    },
    "ar": {
        "login": "دخول المخطط",
        "new": "وثيقة جديدة",
        "draw": "رسم مضلع",
        "finish": "إنهاء المضلع",
        "create": "إنشاء الوثيقة",
        "new_layer": "طبقة جديدة",
        "create_layer": "إنشاء الطبقة",
        "attach": "إرفاق ملف PDF",
        "save_rules": "حفظ الضوابط",
        "confirm": "تأكيد النشر",
        "added": "أُضيفت منطقة أو عنصر واحد (1)",
        "rollback": "الرجوع إلى هذه النسخة…",
        "confirm_rollback": "تأكيد الرجوع",
    },
}


@pytest.fixture
def workspace(transactional_db):
    agency = Agency.objects.create(
        code="au-ws",
        name_fr="Agence urbaine d'essai",
        name_ar="الوكالة الحضرية للتجربة",
        territory=square(-6.9, 33.9, 0.1),
    )
    User.objects.create_user("urbaniste", password=PASSWORD, agency=agency)
    return agency


def log_in(page, texts) -> None:
    page.click(f"a:has-text('{texts['login']}')")
    page.fill("input[name=username]", "urbaniste")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action$='/planner/login/'] button[type=submit]")
    page.wait_for_url("**/planner/")


def click_map(page, selector: str, points) -> None:
    page.locator(selector).scroll_into_view_if_needed()
    box = page.locator(selector).bounding_box()
    for x, y in points:
        page.mouse.click(box["x"] + box["width"] * x, box["y"] + box["height"] * y)
        page.wait_for_timeout(400)  # a planner's pace: not a double click


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_planner_creates_a_document_draws_it_adds_a_layer_and_rules(
    session_factory, workspace, language
):
    texts = TEXTS[language]
    session = session_factory(viewport={"width": 1280, "height": 900}, locale=language)
    page = session.open("/")
    log_in(page, texts)
    assert page.locator("html").get_attribute("dir") == (
        "rtl" if language == "ar" else "ltr"
    )
    page.click(f"a:has-text('{texts['new']}')")
    page.fill("input[name=reference]", f"PA-{language.upper()}")
    page.fill("input[name=title_fr]", "Plan d'aménagement du centre")
    page.fill("input[name=title_ar]", "تصميم تهيئة المركز")
    page.select_option("select[name=kind]", "pa")
    page.wait_for_selector("#perimeter-map[data-polygons='0']")
    assert (
        page.locator("#perimeter-map path[stroke='#7a7f87']").count() == 1
    )  # territory
    page.click(f"button:has-text('{texts['draw']}')")
    corners = [(0.42, 0.3), (0.58, 0.3), (0.58, 0.7), (0.42, 0.7)]
    click_map(page, "#perimeter-map", corners)
    assert page.locator("#perimeter-map").get_attribute("data-corners") == "4"
    page.click(f"button:has-text('{texts['finish']}')")
    assert page.locator("#perimeter-map").get_attribute("data-polygons") == "1"
    screenshot(page, f"planner-perimeter-{language}")
    page.click(f"button:has-text('{texts['create']}')")
    page.wait_for_url("**/planner/documents/*/")
    document = PlanningDocument.objects.get(reference=f"PA-{language.upper()}")
    assert document.agency == workspace
    assert workspace.territory.contains(document.perimeter)
    assert document.perimeter.area > 0.1 * workspace.territory.area
    # The drawing is shown again, editable, on the document's page.
    page.wait_for_selector("#perimeter-map[data-polygons='1']")
    page.fill("input[name=regulation-title_fr]", "Règlement d'aménagement")
    page.set_input_files(
        "input[name=regulation-file]",
        files=[{"name": "reglement.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    page.click(f"button:has-text('{texts['attach']}')")
    page.wait_for_selector("a[href$='reglement.pdf']")
    assert RegulationFile.objects.get(document=document).file.read() == PDF

    page.click(f"a:has-text('{texts['new_layer']}')")
    page.fill("input[name=name]", "zonage")
    page.fill("input[name=title_fr]", "Zonage")
    page.select_option("select[name=kind]", "zoning")
    page.click(f"button:has-text('{texts['create_layer']}')")
    page.wait_for_url("**/planner/layers/*/")
    layer = Layer.objects.get(document=document, name="zonage")
    assert page.url.endswith(f"/planner/layers/{layer.pk}/")  # its upload page

    page.goto(f"{session.base_url}/planner/documents/{document.pk}/rules/")
    page.fill("input[name='form-0-code']", "R+4")
    page.fill("input[name='form-0-label_fr']", "Immeubles")
    page.fill("input[name='form-0-cos']", "2.5")
    # The browser's own check first: the CES field says its range.
    assert page.get_attribute("input[name='form-0-ces']", "max") == "100"
    page.fill("input[name='form-0-ces']", "60")
    page.click(f"button:has-text('{texts['save_rules']}')")
    page.wait_for_selector(".message.success")
    screenshot(page, f"planner-rules-{language}")
    rule = ZoneRule.objects.get(document=document, code="R+4")
    assert (str(rule.cos), str(rule.ces)) == ("2.50", "60.00")


@pytest.fixture
def draft(workspace):
    document = PlanningDocument.objects.create(
        agency=workspace, reference="PA-CMP", kind="pa", title_fr="Plan comparé"
    )
    layer = Layer.objects.create(
        document=document, name="zonage", title_fr="Zonage", kind="zoning"
    )
    published = layer_version_publish(
        version=layer_version_create(
            layer=layer,
            features=[
                FeatureData(geom=square(-6.88, 33.92, 0.01), code="A"),
                FeatureData(geom=square(-6.87, 33.92, 0.01), code="B"),
            ],
        ),
        at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
    )
    version = layer_version_create(
        layer=layer,
        features=[
            FeatureData(geom=square(-6.88, 33.92, 0.01), code="A"),
            FeatureData(geom=square(-6.87, 33.92, 0.02), code="B"),
            FeatureData(geom=square(-6.85, 33.92, 0.01), code="C"),
        ],
    )
    return published, version


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_planner_compares_confirms_publication_then_rolls_back(
    session_factory, draft, language
):
    published, version = draft
    texts = TEXTS[language]
    session = session_factory(viewport={"width": 1280, "height": 900}, locale=language)
    page = session.open("/")
    log_in(page, texts)
    page.goto(f"{session.base_url}/planner/versions/{version.pk}/")
    page.click("form[action$='/publish'] button")
    page.wait_for_url(f"**/planner/versions/{version.pk}/publish*")
    assert texts["added"] in page.locator("#comparison-summary").inner_text()
    # B reshaped (its difference) and C added are drawn.
    page.wait_for_selector("#compare-map[data-features='2']")
    assert page.locator("#compare-map .leaflet-interactive").count() == 2
    screenshot(page, f"planner-compare-{language}")
    version.refresh_from_db()
    assert version.status == LayerVersion.Status.DRAFT  # nothing before confirming
    page.click(f"button:has-text('{texts['confirm']}')")
    page.wait_for_url(f"**/planner/layers/{version.layer_id}/")
    version.refresh_from_db()
    assert version.status == LayerVersion.Status.PUBLISHED

    page.click(f"a:has-text('{texts['rollback']}')")
    page.wait_for_url(f"**/planner/versions/{published.pk}/restore")
    assert "1" in page.locator("#comparison-summary .change-removed").inner_text()
    page.click(f"button:has-text('{texts['confirm_rollback']}')")
    page.wait_for_url(f"**/planner/layers/{version.layer_id}/")
    current = LayerVersion.objects.get(
        layer=version.layer, status=LayerVersion.Status.PUBLISHED
    )
    assert current.restored_from == published
