"""The document page's downloads, clicked as a citizen would, in French and
Arabic: the file arrives under its name and GDAL reads the plan's zones in it;
the as-of form gives the version then in force."""

from __future__ import annotations

import pyogrio
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ZONES

DOCUMENT = "/documents/au-rabat-test/PA-RABAT-2021/"


@pytest.mark.parametrize(
    ("locale", "language", "link", "metadata"),
    [
        ("fr-FR", "fr", "Shapefile (zip)", "Métadonnées"),
        ("ar-MA", "ar", "Shapefile (zip)", "البيانات الوصفية"),
    ],
)
def test_a_citizen_downloads_the_zoning_from_the_document_page(
    session_factory, map_data, tmp_path, locale, language, link, metadata
):
    session = session_factory(locale=locale, viewport={"width": 1280, "height": 900})
    page = session.open(DOCUMENT)
    expect(page.locator("html")).to_have_attribute("lang", language)
    zoning = page.locator("article.layer").filter(has_text="zonage").first
    with page.expect_download() as download_info:
        zoning.locator(".downloads").get_by_role("link", name=link).click()
    download = download_info.value
    assert download.suggested_filename == "au-rabat-test_pa-rabat-2021_zonage_v1.zip"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    codes = pyogrio.raw.read(f"/vsizip/{saved}", columns=["code"])[3][0]
    assert sorted(codes) == sorted(zone[0] for zone in ZONES)

    # As of a date: the form's GeoPackage, in the agency's CRS.
    form = zoning.locator("form.download-form")
    form.locator("select[name=format]").select_option("gpkg")
    form.locator("select[name=crs]").select_option("EPSG:26191")
    form.locator("input[name=at]").fill("2022-05-01")
    with page.expect_download() as download_info:
        form.get_by_role("button").click()
    download = download_info.value
    assert download.suggested_filename.endswith("_v1_epsg26191.gpkg")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    info = pyogrio.read_info(saved)
    assert info["features"] == len(ZONES)
    assert info["crs"] == "EPSG:26191"

    page.locator("article.layer").first.get_by_role("link", name=metadata).click()
    expect(page.locator("h1")).to_contain_text(metadata)
    expect(page.locator(".layer-metadata")).to_contain_text("EPSG:26191")
