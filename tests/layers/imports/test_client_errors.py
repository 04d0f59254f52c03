"""Bad data in an upload is the planner's to fix: a 4xx with a message or an
error of the report, in the planner's language — never a server error."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.tokens import api_token_create
from layers.models import Layer
from tests.importing.conftest import geojson_file, zoning_features

# A zone of the shared agency's territory with one x replaced by ``{x}``.
ZONE = (
    '{{"type": "FeatureCollection", "features": [{{"type": "Feature", '
    '"properties": {{"ZONE": "R+4"}}, "geometry": {{"type": "Polygon", '
    '"coordinates": [[[-6.9, 33.9], [{x}, 33.9], [-6.85, 33.95], [-6.9, 33.95], '
    "[-6.9, 33.9]]]}}}}]}}"
)
# Where NaN keeps the ring from closing, GEOS cannot even read it.
OPEN_RING = (
    '{"type": "FeatureCollection", "features": [{"type": "Feature", '
    '"properties": {"ZONE": "R+4"}, "geometry": {"type": "Polygon", '
    '"coordinates": [[[NaN, 33.9], [-6.85, 33.9], [-6.85, 33.95], [-6.9, 33.95], '
    "[NaN, 33.9]]]}}]}"
)

BAD_DATA = {
    # name: (content, the report's error)
    "nan.geojson": (ZONE.format(x="NaN"), "coordinates_not_numbers"),
    "infinity.geojson": (ZONE.format(x="Infinity"), "coordinates_not_numbers"),
    "open-ring.geojson": (OPEN_RING, "unreadable_geometry"),
    "nan-wkt.csv": (
        'ZONE,WKT\nR+4,"POLYGON((nan 1,2 3,4 5,nan 1))"\n',
        "unreadable_geometry",
    ),
}

MESSAGES_FR = {
    "coordinates_not_numbers": "ne sont pas des nombres",
    "unreadable_geometry": "illisible",
}


@pytest.fixture
def client(planner):
    key = api_token_create(user=planner)[1]
    return Client(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="fr")


def _post(client, url, path, **fields):
    with path.open("rb") as stream:
        return client.post(url, {"file": stream, **fields})


@pytest.mark.parametrize("name", sorted(BAD_DATA))
def test_bad_coordinates_are_errors_of_the_report(zoning_layer, client, tmp_path, name):
    content, code = BAD_DATA[name]
    path = tmp_path / name
    path.write_text(content)
    url = f"/api/v1/layers/{zoning_layer.pk}"
    assert _post(client, f"{url}/inspect", path).status_code == 200
    response = _post(client, f"{url}/versions", path)
    assert response.status_code == 201, response.content
    issue = next(i for i in response.json()["report"]["issues"] if i["code"] == code)
    assert issue["severity"] == "error"
    assert MESSAGES_FR[code] in issue["message"]


@pytest.mark.parametrize("endpoint", ["inspect", "versions"])
def test_csv_without_geometry_columns_is_a_400(
    zoning_layer, client, tmp_path, endpoint
):
    path = tmp_path / "zonage.csv"
    path.write_text("ZONE,LIBELLE\nR+4,Immeubles R+4\n")
    response = _post(client, f"/api/v1/layers/{zoning_layer.pk}/{endpoint}", path)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "no_geometry"
    assert "colonne WKT" in error["message"]


def test_csv_without_geometry_columns_on_the_planner_page(
    zoning_layer, planner, tmp_path
):
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    client.force_login(planner)
    path = tmp_path / "zonage.csv"
    path.write_text("ZONE,LIBELLE\nR+4,Immeubles R+4\n")
    response = _post(client, f"/planner/layers/{zoning_layer.pk}/", path)
    assert response.status_code == 400
    assert "colonne WKT" in response.content.decode()


@pytest.mark.parametrize("tolerance", ["nan", "inf", "-1"])
def test_tolerance_that_is_no_area_is_a_400(zoning_layer, client, tmp_path, tolerance):
    path = tmp_path / "zonage.geojson"
    path.write_text(ZONE.format(x="-6.85"))
    response = _post(
        client,
        f"/api/v1/layers/{zoning_layer.pk}/versions",
        path,
        tolerance=tolerance,
    )
    assert response.status_code == 400
    assert "tolérance" in response.json()["error"]["message"]
    assert not zoning_layer.versions.exists()


def test_features_without_attributes_are_imported(zoning_layer, client, tmp_path):
    """No attribute column at all: the features were lost, then a 500."""
    path = geojson_file(
        tmp_path / "zonage.geojson",
        [(geometry, {}) for geometry, _props in zoning_features()],
    )
    response = _post(client, f"/api/v1/layers/{zoning_layer.pk}/versions", path)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["feature_count"] == 4
    codes = {issue["code"] for issue in data["report"]["issues"]}
    assert "empty_code" in codes  # zones need a code: the planner is told


COLLECTION = (
    '{"type": "FeatureCollection", "features": [{"type": "Feature", '
    '"properties": {"ZONE": "R+4"}, "geometry": {"type": "GeometryCollection", '
    '"geometries": [{"type": "Point", "coordinates": [-6.88, 33.92]}, '
    '{"type": "LineString", "coordinates": [[-6.89, 33.91], [-6.87, 33.93]]}]}}]}'
)


@pytest.mark.parametrize("kind", [Layer.Kind.ZONING, Layer.Kind.OVERLAY])
def test_geometry_collection_is_an_error_said_in_words(
    zoning_layer, client, tmp_path, kind
):
    if kind == Layer.Kind.OVERLAY:  # an overlay takes the type of its data
        zoning_layer.kind = kind
        zoning_layer.geometry_type = ""
        zoning_layer.save()
    path = tmp_path / "zonage.geojson"
    path.write_text(COLLECTION)
    response = _post(client, f"/api/v1/layers/{zoning_layer.pk}/versions", path)
    assert response.status_code == 201, response.content
    issue = next(
        i
        for i in response.json()["report"]["issues"]
        if i["code"] == "wrong_geometry_type"
    )
    assert issue["severity"] == "error"
    assert "collections de géométries" in issue["message"]
    assert "other" not in issue["message"]
