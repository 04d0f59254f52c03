"""The mapping step of an upload in headless Chromium, in French and Arabic:
fields detected and shown with their values, a value nothing tells must be
given a category before importing, the preview (features, map, rows as
stored, report) follows the choices, and the next upload of the layer starts
from them. Console errors (CSP included) fail the test."""

from __future__ import annotations

import pytest
import shapely
from django.test import Client
from playwright.sync_api import expect

from accounts.models import User
from layers.models import Agency, Feature, Layer, LayerVersion, PlanningDocument
from tests.browser_fixtures import SCREENSHOTS
from tests.conftest import square
from tests.importing.conftest import SIZE, SOUTH, WEST, geojson_file

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WORDS = {
    "fr": {
        "detected": "détecté",
        "remembered": "comme la dernière fois",
        "collective": "Immeubles",
        "import": "Importer",
    },
    "ar": {
        "detected": "مكتشَف",
        "remembered": "كالمرة السابقة",
        "collective": "عمارات",
        "import": "استيراد",
    },
}

LATER = {"fr": "premiers objets", "ar": "عناصره الأولى"}


@pytest.fixture
def mapping_layer(transactional_db):
    agency = Agency.objects.create(
        code="au-mapping", name_fr="Agence d'essai", territory=square(-6.9, 33.9, 0.1)
    )
    document = PlanningDocument.objects.create(
        agency=agency,
        reference="PA-MAP",
        kind="pa",
        title_fr="Plan d'essai",
        perimeter=agency.territory,
    )
    layer = Layer.objects.create(document=document, name="zonage", kind="zoning")
    planner = User.objects.create_user("mapper", agency=agency)
    return layer, planner


def _zones(path):
    half = SIZE / 2
    types = ["habitat", "habitat", "zone agricole", "U"]
    features = [
        (
            shapely.box(
                WEST + col * half,
                SOUTH + row * half,
                WEST + (col + 1) * half,
                SOUTH + (row + 1) * half,
            ),
            {
                "Zonage": f"Z{row}{col}",
                "Libellé": f"Secteur {row}{col}",
                "Nom_AR": "منطقة",
                "Type": types[2 * row + col],
            },
        )
        for row in range(2)
        for col in range(2)
    ]
    return geojson_file(path, features)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_planner_maps_fields_and_values_before_importing(
    session_factory, live_server, mapping_layer, tmp_path, language
):
    layer, planner = mapping_layer
    words = WORDS[language]
    client = Client()
    client.force_login(planner)
    session = session_factory(
        viewport={"width": 1280, "height": 1400},
        locale="fr-FR" if language == "fr" else "ar-MA",
    )
    session.context.add_cookies(
        [
            {
                "name": name,
                "value": value,
                "url": live_server.url,
            }
            for name, value in (
                ("sessionid", client.cookies["sessionid"].value),
                ("django_language", language),
            )
        ]
    )
    page = session.open(f"/planner/layers/{layer.pk}/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    # The choices below replace the free-text mapping of the page without script.
    expect(page.locator("textarea[name=mapping]")).to_be_hidden()
    path = _zones(tmp_path / "zonage.geojson")
    page.set_input_files("input[type=file]", str(path))

    # Fields: detected by their usual names, shown with the file's values.
    code_row = page.locator("#mapping-fields tr[data-target=code]")
    expect(code_row.locator("select")).to_have_value("Zonage")
    expect(code_row).to_contain_text(words["detected"])
    expect(code_row).to_contain_text("Z00 · Z01 · Z10 · Z11")
    label_row = page.locator("#mapping-fields tr[data-target=label_fr]")
    expect(label_row.locator("select")).to_have_value("Libellé")
    category_row = page.locator("#mapping-fields tr[data-target=category]")
    expect(category_row.locator("select")).to_have_value("Type")
    expect(category_row).to_contain_text("habitat · zone agricole · U")

    # Values: suggested where the value tells, to be chosen where it does not.
    habitat = page.locator("#mapping-values tr[data-value=habitat]")
    expect(habitat).to_have_class("unrecognised")
    expect(habitat.locator("select")).to_have_value("")
    expect(
        page.locator("#mapping-values tr[data-value='zone agricole'] select")
    ).to_have_value("agricultural")
    submit = page.locator("#upload-form button[type=submit]")
    expect(submit).to_be_disabled()
    expect(page.locator("#mapping-unconfirmed")).to_be_visible()

    # The preview: four features on the map and in the table, the warning
    # that a value fell to "other"; nothing is stored yet.
    expect(page.locator("#outcome-map .leaflet-interactive")).to_have_count(4)
    expect(page.locator("#outcome-rows tbody tr")).to_have_count(4)
    expect(page.locator("#outcome-issues")).to_contain_text("habitat")
    assert not LayerVersion.objects.filter(layer=layer).exists()

    habitat.locator("select").select_option("collective_housing")
    first_row = page.locator("#outcome-rows tbody tr").first
    expect(first_row).to_contain_text(words["collective"])
    expect(page.locator("#outcome-issues")).not_to_contain_text("habitat")
    expect(submit).to_be_enabled()
    expect(page.locator("#mapping-unconfirmed")).to_be_hidden()

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#inspection").screenshot(
        path=str(SCREENSHOTS / f"planner-mapping-{language}.png")
    )

    submit.click()
    page.wait_for_url("**/planner/versions/*/", timeout=30_000)
    version = LayerVersion.objects.get(layer=layer)
    categories = dict(
        Feature.objects.filter(version=version).values_list("code", "category")
    )
    assert categories == {
        "Z00": "collective_housing",
        "Z01": "collective_housing",
        "Z10": "agricultural",
        "Z11": "mixed",
    }

    # The next upload of the layer starts from these choices.
    page = session.open(f"/planner/layers/{layer.pk}/")
    page.set_input_files("input[type=file]", str(path))
    expect(page.locator("#mapping-remembered")).to_be_visible()
    code_row = page.locator("#mapping-fields tr[data-target=code]")
    expect(code_row).to_contain_text(words["remembered"])
    habitat = page.locator("#mapping-values tr[data-value=habitat] select")
    expect(habitat).to_have_value("collective_housing")
    expect(page.locator("#upload-form button[type=submit]")).to_be_enabled()


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_large_upload_shows_its_first_shapes_and_says_the_report_comes_later(
    session_factory, live_server, mapping_layer, tmp_path, settings, language
):
    settings.GEOPORTAIL_INLINE_IMPORT_BYTES = 100
    layer, planner = mapping_layer
    client = Client()
    client.force_login(planner)
    session = session_factory(viewport={"width": 1280, "height": 900})
    session.context.add_cookies(
        [
            {"name": name, "value": value, "url": live_server.url}
            for name, value in (
                ("sessionid", client.cookies["sessionid"].value),
                ("django_language", language),
            )
        ]
    )
    page = session.open(f"/planner/layers/{layer.pk}/")
    page.set_input_files("input[type=file]", str(_zones(tmp_path / "zonage.geojson")))
    expect(page.locator("#outcome-later")).to_be_visible()
    expect(page.locator("#outcome-later")).to_contain_text(LATER[language])
    expect(page.locator("#outcome-map .leaflet-interactive")).to_have_count(4)
    expect(page.locator("#outcome-rows")).to_be_hidden()
    # Values are still asked for before the upload goes.
    expect(page.locator("#upload-form button[type=submit]")).to_be_disabled()
    assert not LayerVersion.objects.filter(layer=layer).exists()
