"""The mapping step through the API: inspect answers the fields with samples,
the detected or remembered mapping, the category values with suggestions and
the import's outcome without keeping anything; an upload takes the structured
mapping the inspection proposed."""

from __future__ import annotations

import json

import pytest
import shapely
from django.test import Client

from accounts.tokens import api_token_create
from layers.models import Feature, Layer, LayerVersion
from tests.importing.conftest import (
    SIZE,
    SOUTH,
    WEST,
    geojson_file,
    shapefile_zip,
    zip_files,
    zoning_file,
)


@pytest.fixture
def client(planner):
    key = api_token_create(user=planner, name="script")[1]
    return Client(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="fr")


def _zones(tmp_path):
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
            {"Zonage": f"Z{row}{col}", "Nom_AR": "منطقة", "Type": types[2 * row + col]},
        )
        for row in range(2)
        for col in range(2)
    ]
    return geojson_file(tmp_path / "zonage.geojson", features)


def _post(client, url, path, **fields):
    with path.open("rb") as stream:
        return client.post(url, {"file": stream, **fields})


def test_inspect_answers_the_mapping_step_and_keeps_nothing(
    client, zoning_layer, tmp_path, settings
):
    response = _post(
        client, f"/api/v1/layers/{zoning_layer.pk}/inspect", _zones(tmp_path)
    )
    assert response.status_code == 200, response.content
    plan = response.json()
    assert plan["mapping"]["fields"] == {
        "code": "Zonage",
        "label_ar": "Nom_AR",
        "category": "Type",
    }
    assert plan["mapping"]["origins"]["code"] == "detected"
    assert plan["remembered"] is False
    assert plan["field_samples"]["Type"] == ["habitat", "zone agricole", "U"]
    targets = {target["name"]: target["label"] for target in plan["targets"]}
    assert targets["code"] == "code"
    assert targets["cos"] == "coefficient d'occupation du sol (COS)"
    categories = {c["value"]: c["label"] for c in plan["categories"]}
    assert categories["collective_housing"] == "Immeubles"
    values = {value["value"]: value for value in plan["category_values"]}
    assert values["habitat"]["count"] == 2
    assert values["habitat"]["recognised"] is False
    assert values["zone agricole"]["suggestion"] == "agricultural"
    outcome = plan["outcome"]
    assert outcome["feature_count"] == 4
    assert [row["code"] for row in outcome["rows"]] == ["Z00", "Z01", "Z10", "Z11"]
    assert outcome["rows"][0]["label_ar"] == "منطقة"
    assert len(outcome["features"]["features"]) == 4
    unmapped = [
        issue
        for issue in outcome["report"]["issues"]
        if issue["code"] == "category_unmapped"
    ]
    assert "habitat" in unmapped[0]["message"]
    # Nothing was kept: no version, no file, no remembered mapping.
    assert not LayerVersion.objects.filter(layer=zoning_layer).exists()
    assert not [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]
    assert Layer.objects.get(pk=zoning_layer.pk).import_mapping == {}


def test_inspect_with_the_planners_choices_previews_them(
    client, zoning_layer, tmp_path
):
    mapping = {
        "fields": {"code": "Zonage", "label_fr": "Type", "label_ar": ""},
        "values": {"habitat": "villa"},
    }
    response = _post(
        client,
        f"/api/v1/layers/{zoning_layer.pk}/inspect",
        _zones(tmp_path),
        mapping=json.dumps(mapping),
    )
    assert response.status_code == 200, response.content
    plan = response.json()
    assert plan["mapping"]["origins"]["label_fr"] == "chosen"
    assert "label_ar" not in plan["mapping"]["fields"]
    values = {value["value"]: value for value in plan["category_values"]}
    assert values["habitat"]["category"] == "villa"
    first = plan["outcome"]["rows"][0]
    assert (first["label_fr"], first["label_ar"], first["category"]) == (
        "habitat",
        "",
        "villa",
    )


def test_upload_takes_the_structured_mapping_and_remembers_it(
    client, zoning_layer, tmp_path
):
    mapping = {
        "fields": {"code": "Zonage", "category": "Type"},
        "values": {"habitat": "collective_housing", "U": "equipment"},
    }
    path = _zones(tmp_path)
    response = _post(
        client,
        f"/api/v1/layers/{zoning_layer.pk}/versions",
        path,
        mapping=json.dumps(mapping),
    )
    assert response.status_code == 201, response.content
    categories = dict(
        Feature.objects.filter(version_id=response.json()["id"]).values_list(
            "code", "category"
        )
    )
    assert categories == {
        "Z00": "collective_housing",
        "Z01": "collective_housing",
        "Z10": "agricultural",
        "Z11": "equipment",
    }
    plan = _post(client, f"/api/v1/layers/{zoning_layer.pk}/inspect", path).json()
    assert plan["remembered"] is True
    assert plan["mapping"]["origins"]["code"] == "remembered"
    values = {value["value"]: value for value in plan["category_values"]}
    assert values["habitat"]["mapped"] == "collective_housing"
    assert values["U"]["category"] == "equipment"


@pytest.mark.parametrize(
    ("mapping", "words"),
    [
        ({"fields": {"code": "NOPE"}}, "NOPE"),
        ({"fields": {"colour": "Type"}}, "colour"),
        ({"fields": {}, "values": {"habitat": "houses"}}, "houses"),
        ({"fields": {}, "values": ["habitat"]}, "values"),
        ({"fields": {"code": 3}}, "texte"),
        ("[1, 2]", "JSON"),
    ],
)
def test_a_bad_structured_mapping_is_a_400_in_the_users_language(
    client, zoning_layer, tmp_path, mapping, words
):
    response = _post(
        client,
        f"/api/v1/layers/{zoning_layer.pk}/inspect",
        _zones(tmp_path),
        mapping=mapping if isinstance(mapping, str) else json.dumps(mapping),
    )
    assert response.status_code == 400, response.content
    assert words in response.json()["error"]["message"]


def test_inspect_of_the_real_cnig_plu_suggests_its_zone_types(plu_zoning, tmp_path):
    from accounts.models import User

    user = User.objects.create_user("plu-planner", agency=plu_zoning.document.agency)
    key = api_token_create(user=user)[1]
    client = Client(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="ar")
    plan = _post(
        client, f"/api/v1/layers/{plu_zoning.pk}/inspect", shapefile_zip(tmp_path)
    ).json()
    assert plan["mapping"]["schema"] == "cnig_plu_zone_urba"
    assert plan["category_reads"] == ["DESTDOMI"]
    values = {value["value"]: value for value in plan["category_values"]}
    assert {value: values[value]["count"] for value in values} == {
        "A": 49,
        "Nh": 29,
        "U": 24,
        "N": 8,
        "AUc": 6,
        "AUs": 2,
    }
    assert all(value["recognised"] for value in values.values())
    assert plan["outcome"]["feature_count"] == 118


def test_an_overlay_maps_its_values_to_overlay_types(plu_overlay, tmp_path):
    from accounts.models import User

    layer = plu_overlay("prescriptions")
    user = User.objects.create_user("plu-mapper", agency=layer.document.agency)
    key = api_token_create(user=user)[1]
    client = Client(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="fr")
    path = shapefile_zip(tmp_path, "PRESCRIPTION_SURF")
    plan = _post(client, f"/api/v1/layers/{layer.pk}/inspect", path).json()
    assert plan["mapping"]["schema"] == "cnig_plu_prescription"
    assert "cos" not in {target["name"] for target in plan["targets"]}
    assert {c["value"] for c in plan["categories"]} == set(Layer.OverlayType.values)
    values = {value["value"]: value for value in plan["category_values"]}
    assert values["07"]["suggestion"] == "heritage"
    assert values["07"]["count"] == 20
    mapping = {"fields": plan["mapping"]["fields"], "values": {"01": "reserved_site"}}
    response = _post(
        client,
        f"/api/v1/layers/{layer.pk}/versions",
        path,
        mapping=json.dumps(mapping),
    )
    assert response.status_code == 201, response.content
    categories = set(
        Feature.objects.filter(version_id=response.json()["id"]).values_list(
            "category", flat=True
        )
    )
    assert categories == {"heritage", "reserved_site"}


def test_a_large_upload_is_mapped_on_its_first_shapes_without_a_trial_import(
    client, zoning_layer, tmp_path, settings
):
    settings.GEOPORTAIL_INLINE_IMPORT_BYTES = 100
    shapefile = zoning_file(tmp_path, driver="ESRI Shapefile", suffix=".shp")
    parts = sorted(tmp_path.glob("zonage.*"))
    archive = zip_files(tmp_path / "zonage.zip", parts)
    plan = _post(client, f"/api/v1/layers/{zoning_layer.pk}/inspect", archive).json()
    assert shapefile.exists()
    assert plan["srid"] == 26191
    assert plan["outcome"] is None
    shapes = plan["first_shapes"]["features"]
    codes = [shape["properties"]["code"] for shape in shapes]
    assert codes == ["R+4", "V1", "ZI", "EV"]
    lon, lat = shapes[0]["geometry"]["coordinates"][0][0]
    assert WEST - 0.001 < lon < WEST + SIZE
    assert SOUTH - 0.001 < lat < SOUTH + SIZE
    values = {value["value"] for value in plan["category_values"]}
    assert values == set()  # no category field in this file
    assert not LayerVersion.objects.filter(layer=zoning_layer).exists()
