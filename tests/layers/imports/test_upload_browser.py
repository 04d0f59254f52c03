"""The upload page in headless Chromium: inspect, confirm, upload with progress,
land on the report with its map. Console errors (CSP included) fail the test."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import User
from layers.models import Agency, Layer, LayerVersion, PlanningDocument
from tests.conftest import square
from tests.importing.conftest import (
    geojson_file,
    zip_files,
    zoning_features,
    zoning_file,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def upload_layer(transactional_db):
    agency = Agency.objects.create(
        code="au-upload", name_fr="Agence d'essai", territory=square(-6.9, 33.9, 0.1)
    )
    document = PlanningDocument.objects.create(
        agency=agency,
        reference="PA-UP",
        kind="pa",
        title_fr="Plan d'essai",
        perimeter=agency.territory,
    )
    layer = Layer.objects.create(document=document, name="zonage", kind="zoning")
    planner = User.objects.create_user("uploader", agency=agency)
    return layer, planner


def test_planner_uploads_reviews_and_sees_the_map(
    session_factory,
    live_server,
    upload_layer,
    tmp_path,
):
    layer, planner = upload_layer
    client = Client()
    client.force_login(planner)
    session = session_factory(viewport={"width": 1280, "height": 900})
    session.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )
    page = session.open(f"/planner/layers/{layer.pk}/")
    path = geojson_file(tmp_path / "zonage.geojson", zoning_features())
    page.set_input_files("input[type=file]", str(path))
    page.wait_for_selector("#inspection-preview tbody tr")
    assert page.locator("#inspection-preview tbody tr").count() == 4
    code = page.locator("#mapping-fields tr[data-target=code] select")
    assert code.input_value() == "ZONE"
    page.click("button[type=submit]:has-text('Importer')")
    page.wait_for_url("**/planner/versions/*/", timeout=30_000)
    version = LayerVersion.objects.get(layer=layer)
    assert page.url.endswith(f"/planner/versions/{version.pk}/")
    page.wait_for_selector("#version-map .leaflet-interactive", timeout=15_000)
    assert page.locator("#version-map .leaflet-interactive").count() >= 4
    assert page.locator("button:has-text('Publier cette version')").count() == 1


@pytest.mark.parametrize(
    ("locale", "said"),
    [
        (
            "fr-FR",
            "Encodage du texte : CP1252 déclaré dans le fichier .cpg, lu en CP1252.",
        ),
        ("ar-MA", "ترميز النص: CP1252 مصرّح به في ملف"),
    ],
)
def test_the_upload_page_says_the_encoding_a_shapefile_declares(
    session_factory, live_server, upload_layer, tmp_path, locale, said
):
    layer, planner = upload_layer
    shapefile = zoning_file(
        tmp_path, driver="ESRI Shapefile", suffix=".shp", encoding="cp1252"
    )
    shapefile.with_suffix(".cpg").write_text("1252")
    parts = sorted(tmp_path.glob("zonage.*"))
    upload = zip_files(tmp_path / "zonage.zip", parts)
    client = Client()
    client.force_login(planner)
    session = session_factory(viewport={"width": 1280, "height": 900}, locale=locale)
    session.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )
    page = session.open(f"/planner/layers/{layer.pk}/")
    page.set_input_files("input[type=file]", str(upload))
    page.wait_for_selector("#inspection-preview tbody tr")
    encoding = page.locator("#inspection-encoding")
    assert encoding.is_visible()
    assert said in encoding.inner_text()
