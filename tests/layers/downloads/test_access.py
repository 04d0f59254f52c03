"""Which version a download gets, for whom: current, as of a date, by number;
drafts never for the public; bad parameters answered in the reader's language."""

from __future__ import annotations

import tempfile

import pyogrio
import pytest

from layers.models import Layer, LayerVersion, PlanningDocument
from layers.services import layer_import
from tests.importing.conftest import geojson_file, zoning_cells
from tests.layers.downloads.conftest import download, records


def _labels(path) -> set[str]:
    return set(pyogrio.raw.read(path, columns=["LIBELLE"])[3][0])


def test_the_current_download_is_the_published_version(client, published, tmp_path):
    path = download(client, published.layer, tmp_path, format="geojson")
    assert path.name == "aurs_pa-1_zonage_v2.geojson"
    assert "Villas « Al Amal » (v2)" in _labels(path)


@pytest.mark.parametrize(
    ("day", "tag"), [("2022-12-31", "v1"), ("2023-06-01", "v2"), ("2021-01-10", "v1")]
)
def test_as_of_a_date_the_version_then_in_force(client, published, tmp_path, day, tag):
    path = download(client, published.layer, tmp_path, format="gpkg", at=day)
    assert f"Villas « Al Amal » ({tag})" in _labels(path)
    assert all(label.endswith(f"({tag})") for label in _labels(path))


def test_before_the_document_applied_there_is_nothing(client, published):
    # The document is in force from 2019-07-04; its first version from 2021.
    for day in ("2019-01-01", "2020-12-31"):
        response = client.get(
            f"/api/v1/layers/{published.layer.pk}/download",
            {"at": day},
            HTTP_ACCEPT_LANGUAGE="fr",
        )
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "no_version"
        assert "en vigueur" in response.json()["error"]["message"]


def test_a_draft_is_not_found_for_the_public_but_its_planner_gets_it(
    client, published, planner, other_planner, tmp_path
):
    features = list(zip(zoning_cells(), records("draft"), strict=True))
    source = geojson_file(tmp_path / "draft.geojson", features)
    draft = layer_import(layer=published.layer, path=source)
    url = f"/api/v1/layers/{published.layer.pk}/download"
    assert client.get(url, {"version": draft.number}).status_code == 404
    client.force_login(other_planner)
    assert client.get(url, {"version": draft.number}).status_code == 404
    client.force_login(planner)
    path = download(client, published.layer, tmp_path, version=draft.number)
    assert path.name.endswith(f"_v{draft.number}.gpkg")
    # History stays public: an older published version, by number.
    client.logout()
    path = download(client, published.layer, tmp_path, version=1, format="csv")
    assert "Villas « Al Amal » (v1)" in path.read_text(encoding="utf-8")


def test_a_layer_of_a_draft_document_is_not_found_for_the_public(
    client, agency, planner, make_document
):
    document = make_document(agency, "PA-PROJET", status=PlanningDocument.Status.DRAFT)
    layer = Layer.objects.create(
        document=document, name="zonage", title_fr="Zonage", kind="zoning"
    )
    LayerVersion.objects.create(layer=layer, number=1)
    url = f"/api/v1/layers/{layer.pk}/download"
    assert client.get(url, {"version": 1}).status_code == 404
    assert client.get(url).status_code == 404
    client.force_login(planner)
    assert client.get(url, {"version": 1}).status_code == 200


@pytest.mark.parametrize(
    ("params", "code", "words"),
    [
        ({"format": "dwg"}, "invalid_format", "format de téléchargement"),
        ({"crs": "EPSG:2154"}, "invalid_crs", "EPSG:26191"),
        ({"at": "hier"}, "invalid_date", "date"),
        ({"at": "2021-01-01", "version": "1"}, "invalid_request", "pas les deux"),
        ({"version": "²"}, "invalid_version", "nombre entier"),
    ],
)
def test_bad_parameters_are_a_400_in_the_readers_language(
    client, published, params, code, words
):
    response = client.get(
        f"/api/v1/layers/{published.layer.pk}/download",
        params,
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    assert words in response.json()["error"]["message"]


def test_nothing_is_left_in_the_temporary_folder(
    client, published, tmp_path, monkeypatch
):
    work = tmp_path / "tmp"
    work.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(work))
    for export in ("gpkg", "shp", "csv", "geojson"):
        download(client, published.layer, tmp_path, format=export)
        assert list(work.iterdir()) == []


def test_the_planners_version_page_downloads_its_draft(
    client, published, planner, tmp_path
):
    features = list(zip(zoning_cells(), records("draft"), strict=True))
    draft = layer_import(
        layer=published.layer,
        path=geojson_file(tmp_path / "draft.geojson", features),
    )
    client.force_login(planner)
    page = client.get(f"/planner/versions/{draft.pk}/").content.decode()
    address = (
        f"/api/v1/layers/{published.layer.pk}/download?version={draft.number}"
        "&amp;format=shp"
    )
    assert address in page
    path = download(client, published.layer, tmp_path, version=draft.number)
    assert "Villas « Al Amal » (draft)" in _labels(path)


def test_the_openapi_document_describes_the_download(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    operation = paths["/api/v1/layers/{pk}/download"]["get"]
    parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}
    assert parameters["format"]["schema"]["enum"] == ["gpkg", "geojson", "shp", "csv"]
    assert {"crs", "at", "version"} <= set(parameters)
    assert {"200", "400", "404"} <= set(operation["responses"])
    assert "application/zip" in operation["responses"]["200"]["content"]
