"""Areas and shares on the demo agency (demo-rabat), checked independently.

For parcels spread over the demo commune, every zone and overlay area the API
states is recomputed with shapely + pyproj on the same stored geometries, for
several as-of dates (the zoning changes on 2023-09-14; the 2009 plan applied in
2015; nothing in 2020).
"""

from __future__ import annotations

import json

import pytest
import shapely
from django.contrib.gis.geos import GEOSGeometry

from layers.models import Feature, Layer
from parcels.models import Parcel
from tests.notes.conftest import GEOD, geodesic_area

pytestmark = pytest.mark.django_db


def compose(client, body: dict) -> dict:
    response = client.post(
        "/api/v1/notes/compose", data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def independent(geom: GEOSGeometry, content: dict):
    """Zone and overlay measures from shapely + pyproj for the versions used."""
    subject = shapely.from_wkb(bytes(geom.wkb))
    versions = {v["version_id"]: v for v in content["layer_versions"]}
    zones: dict[tuple[str, str], float] = {}
    overlays: dict[tuple[str, str], float] = {}
    features = Feature.objects.filter(
        version_id__in=versions, geom__intersects=geom
    ).select_related("version__layer")
    for feature in features:
        layer = feature.version.layer
        geom = shapely.from_wkb(bytes(feature.geom.wkb))
        piece = subject.intersection(geom)
        if layer.kind == Layer.Kind.ZONING:
            key = (layer.name, feature.code)
            zones[key] = zones.get(key, 0.0) + geodesic_area(piece)
        elif layer.geometry_type == Layer.GeometryType.POLYGON:
            key = (layer.name, feature.code)
            overlays[key] = overlays.get(key, 0.0) + geodesic_area(piece)
        elif layer.geometry_type == Layer.GeometryType.LINE:
            key = (layer.name, feature.code)
            overlays[key] = overlays.get(key, 0.0) + GEOD.geometry_length(piece)
    zones = {key: value for key, value in zones.items() if value >= 0.005}
    overlays = {key: value for key, value in overlays.items() if value >= 0.005}
    return geodesic_area(subject), zones, overlays


@pytest.fixture
def demo_parcels(demo):
    parcels = list(Parcel.objects.filter(agency=demo).order_by("reference_key"))
    assert len(parcels) > 1000
    return parcels[:: len(parcels) // 25][:25]


def subjects(parcels: list[Parcel]) -> list[tuple[dict, GEOSGeometry]]:
    """Each parcel by reference, and a drawn 160 m square around every fifth one
    (those cross zone boundaries)."""
    result = []
    for index, parcel in enumerate(parcels):
        result.append(({"parcel": parcel.reference}, parcel.geom))
        if index % 5 == 0:
            centre = parcel.geom.centroid
            square = shapely.box(
                centre.x - 0.00086,
                centre.y - 0.00072,
                centre.x + 0.00086,
                centre.y + 0.00072,
            )
            geom = GEOSGeometry(square.wkt, srid=4326)
            result.append(({"geometry": shapely.geometry.mapping(square)}, geom))
    return result


@pytest.mark.parametrize("as_of", ["2022-06-30", "2024-06-30"])
def test_demo_areas_and_shares_match_shapely_and_pyproj(client, demo_parcels, as_of):
    multi_zone = 0
    for body, geom in subjects(demo_parcels):
        content = compose(client, {**body, "as_of": as_of})
        area, zones, overlays = independent(geom, content)
        assert content["subject"]["area_m2"] == pytest.approx(area, rel=1e-6, abs=0.01)
        got = {(z["layer"], z["code"]): z for z in content["zones"]}
        assert set(got) == set(zones), body
        for key, value in zones.items():
            assert got[key]["area_m2"] == pytest.approx(value, rel=1e-6, abs=0.01)
            assert got[key]["share"] == pytest.approx(100 * value / area, abs=0.001)
        if content["outside_zoning_m2"] == 0:
            total = sum(z["share"] for z in content["zones"])
            assert total == pytest.approx(100, abs=0.01), body
        multi_zone += len(got) > 1
        measured = {
            (o["layer"], o["code"]): o["area_m2"]
            if o["area_m2"] is not None
            else o["length_m"]
            for o in content["overlays"]
            if o["geometry_type"] != "point"
        }
        assert set(measured) == set(overlays), body
        for key, value in overlays.items():
            assert measured[key] == pytest.approx(value, rel=1e-6, abs=0.01)
    assert multi_zone >= 2


def test_demo_as_of_dates_follow_the_documents(client, demo, demo_parcels):
    parcel = demo_parcels[len(demo_parcels) // 2]
    in_2015 = compose(client, {"parcel": parcel.reference, "as_of": "2015-01-01"})
    assert [d["reference"] for d in in_2015["documents"]] == ["PA-OZ-2009"]
    in_2020 = compose(client, {"parcel": parcel.reference, "as_of": "2020-01-01"})
    assert in_2020["documents"] == []
    assert in_2020["zones"] == []
    codes = {w["code"] for w in in_2020["warnings"]}
    assert "no_document_in_force" in codes
    assert "document_expired" in codes
    before = compose(client, {"parcel": parcel.reference, "as_of": "2023-09-13"})
    after = compose(client, {"parcel": parcel.reference, "as_of": "2023-09-14"})

    def zoning_version(content):
        return [
            v["version"] for v in content["layer_versions"] if v["kind"] == "zoning"
        ]

    assert zoning_version(before) == [1]
    assert zoning_version(after) == [2]
