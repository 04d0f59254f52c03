"""Compose reads coordinates in any 2D CRS PROJ knows, the agency's own first."""

from __future__ import annotations

import json
import re

import pytest
import shapely
from pyproj import Transformer

from layers.models import Agency
from tests.notes.conftest import geodesic_area

pytestmark = pytest.mark.django_db

CORNERS_WGS84 = [(-6.8700, 33.9400), (-6.8690, 33.9400), (-6.8690, 33.9408)]


def compose(client, body: dict, language: str = "fr"):
    return client.post(
        "/api/v1/notes/compose",
        data=json.dumps(body),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=language,
    )


def corners_in(srid: int) -> list[list[float]]:
    to_srs = Transformer.from_crs(4326, srid, always_xy=True)
    return [list(to_srs.transform(lon, lat)) for lon, lat in CORNERS_WGS84]


@pytest.mark.parametrize(
    "srs",
    [
        "EPSG:2154",
        "2154",
        "urn:ogc:def:crs:EPSG::2154",
        "http://www.opengis.net/def/crs/EPSG/0/2154",
    ],
)
def test_an_agency_in_lambert_93_composes_with_its_own_coordinates(client, site, srs):
    Agency.objects.filter(pk=site.agency.pk).update(srid=2154)
    response = compose(client, {"coordinates": corners_in(2154), "srs": srs})
    assert response.status_code == 200, response.content
    content = response.json()
    assert content["subject"]["srs"] == "EPSG:2154"
    assert content["subject"]["srs_name"] == "RGF93 v1 / Lambert-93"
    area = geodesic_area(shapely.Polygon(CORNERS_WGS84))
    assert content["subject"]["area_m2"] == pytest.approx(area, rel=1e-5)
    assert [zone["code"] for zone in content["zones"]] == ["UA"]


def test_an_agency_in_nord_maroc_composes_with_its_own_coordinates(client, site):
    response = compose(client, {"coordinates": corners_in(26191), "srs": "26191"})
    assert response.status_code == 200, response.content
    assert [zone["code"] for zone in response.json()["zones"]] == ["UA"]


def test_a_point_in_utm_and_crs84_finds_the_parcel(client, site):
    x, y = Transformer.from_crs(4326, 32629, always_xy=True).transform(-6.8495, 33.9502)
    for body in (
        {"x": x, "y": y, "srs": "EPSG:32629"},
        {"x": -6.8495, "y": 33.9502, "srs": "urn:ogc:def:crs:OGC:1.3:CRS84"},
    ):
        response = compose(client, body)
        assert response.status_code == 200, response.content
        assert response.json()["subject"]["reference"] == "TF 100/07"


def suggested_codes(message: str, refused: str) -> list[int]:
    """The EPSG codes a refusal suggests, in order (not the one refused)."""
    return [
        int(code) for code in re.findall(r"EPSG:(\d+)", message.replace(refused, ""))
    ]


@pytest.mark.parametrize(
    ("language", "words"),
    [("fr", "Système de coordonnées inconnu"), ("ar", "نظام إحداثيات غير معروف")],
)
def test_an_unknown_code_names_the_planners_agency_crs_first(
    client, site, planner, other_agency, language, words
):
    Agency.objects.filter(pk=site.agency.pk).update(srid=32629)
    Agency.objects.filter(pk=other_agency.pk).update(srid=2154)
    client.force_login(planner)
    for srs in ("EPSG:999999", "EPSG:5773"):  # unknown; a vertical CRS
        response = compose(client, {"x": 1, "y": 2, "srs": srs}, language)
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["code"] == "invalid_srs"
        assert words in error["message"]
        codes = suggested_codes(error["message"], srs)
        assert codes[0] == 32629
        assert codes.index(2154) < codes.index(4326)
        assert set(codes) >= {26191, 26192, 4326, 3857}


def test_an_unknown_code_names_the_agencies_crs_before_the_usual_ones(client, site):
    Agency.objects.filter(pk=site.agency.pk).update(srid=2154)
    response = client.get("/api/v1/identify", {"x": 1, "y": 2, "srs": "EPSG:0"})
    assert response.status_code == 400
    codes = suggested_codes(response.json()["error"]["message"], "EPSG:0")
    assert codes[0] == 2154
    assert set(codes) >= {4326, 26191, 3857}
