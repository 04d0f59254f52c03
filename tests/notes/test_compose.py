"""Composition: areas and shares against an independent computation, every
subject kind, overlays, warnings and the as-of recomputation."""

from __future__ import annotations

import json

import pytest
import shapely
from pyproj import Transformer

from layers.models import PlanningDocument
from tests.notes.conftest import box, expected_zone_areas, geodesic_area

pytestmark = pytest.mark.django_db


def compose(client, body: dict, **headers):
    return client.post(
        "/api/v1/notes/compose",
        data=json.dumps(body),
        content_type="application/json",
        **headers,
    )


def assert_zones_match(content: dict, subject, zones: dict) -> None:
    """Zone areas and shares equal shapely + pyproj on the same geometries."""
    expected = expected_zone_areas(subject, zones)
    got = {zone["code"]: zone for zone in content["zones"]}
    assert set(got) == set(expected)
    area = geodesic_area(subject)
    assert content["subject"]["area_m2"] == pytest.approx(area, rel=1e-6, abs=0.01)
    for code, value in expected.items():
        assert got[code]["area_m2"] == pytest.approx(value, rel=1e-6, abs=0.01)
        assert got[code]["share"] == pytest.approx(100 * value / area, abs=0.001)


def test_parcel_across_two_zones_has_areas_and_shares_of_the_ellipsoid(client, site):
    response = compose(client, {"parcel": "TF 100/07"})
    assert response.status_code == 200
    content = response.json()
    parcel = site.parcels["TF 100/07"]
    assert_zones_match(content, parcel.geom, site.zones_v2)
    assert sum(zone["share"] for zone in content["zones"]) == pytest.approx(
        100, abs=0.01
    )
    assert content["subject"]["reference"] == "TF 100/07"
    assert content["outside_zoning_m2"] == 0
    ua = next(zone for zone in content["zones"] if zone["code"] == "UA")
    assert ua["label"] == "Zone d'immeubles"
    assert ua["rules"]["height_label"] == "R+4"
    assert ua["rules"]["cos"] == 2.4
    assert [use["code"] for use in ua["rules"]["allowed_uses"]] == [
        "housing",
        "retail",
    ]
    assert ua["layer"] == "zonage"


def test_reference_is_found_however_it_is_typed(client, site):
    for typed in ("tf 100 / 7", "T.F. 100/07", "ر.ع ١٠٠/٠٧"):
        content = compose(client, {"parcel": typed}).json()
        assert content["subject"]["reference"] == "TF 100/07", typed


def test_point_gives_the_parcel_containing_it(client, site):
    content = compose(
        client, {"geometry": {"type": "Point", "coordinates": [-6.8495, 33.9502]}}
    ).json()
    assert content["subject"]["kind"] == "point"
    assert content["subject"]["reference"] == "TF 100/07"


def test_lambert_corner_coordinates_are_a_polygon(client, site):
    to_lambert = Transformer.from_crs(4326, 26191, always_xy=True)
    corners = [
        to_lambert.transform(lon, lat)
        for lon, lat in [
            (-6.852, 33.96),
            (-6.847, 33.96),
            (-6.847, 33.963),
            (-6.852, 33.963),
        ]
    ]
    response = compose(
        client, {"coordinates": [list(c) for c in corners], "srs": "EPSG:26191"}
    )
    assert response.status_code == 200, response.content
    content = response.json()
    assert content["subject"]["kind"] == "polygon"
    assert content["subject"]["srs"] == "EPSG:26191"
    # The same corners, independently, in WGS 84.
    back = Transformer.from_crs(26191, 4326, always_xy=True)
    ring = [back.transform(x, y) for x, y in corners]
    subject = shapely.Polygon(ring)
    from django.contrib.gis.geos import GEOSGeometry

    assert_zones_match(content, GEOSGeometry(subject.wkt, srid=4326), site.zones_v2)
    assert sum(zone["share"] for zone in content["zones"]) == pytest.approx(
        100, abs=0.01
    )


def test_geojson_polygon_partly_outside_the_zoning(client, site):
    subject = box(-6.8225, 33.91, -6.8175, 33.913)
    response = compose(client, {"geometry": json.loads(subject.json)})
    content = response.json()
    assert_zones_match(content, subject, site.zones_v2)
    outside = geodesic_area(subject) - sum(z["area_m2"] for z in content["zones"])
    assert content["outside_zoning_m2"] == pytest.approx(outside, abs=0.05)
    assert "outside_zoning" in {w["code"] for w in content["warnings"]}


def test_overlays_are_measured_inside_the_subject(client, site):
    content = compose(client, {"parcel": "TF 100/07"}).json()
    overlays = {overlay["type"]: overlay for overlay in content["overlays"]}
    parcel = shapely.from_wkb(bytes(site.parcels["TF 100/07"].geom.wkb))
    widening = shapely.from_wkb(bytes(site.overlays["elargissement"].wkb))
    taken = geodesic_area(parcel.intersection(widening))
    assert overlays["road_widening"]["area_taken_m2"] == pytest.approx(taken, abs=0.01)
    line = shapely.from_wkb(bytes(site.overlays["alignement"].wkb))
    length = GEOD_LENGTH(parcel.intersection(line))
    assert overlays["road_alignment"]["length_m"] == pytest.approx(length, abs=0.01)
    assert overlays["heritage"]["count"] == 1
    assert overlays["heritage"]["label"] == "Fontaine classée"
    # A parcel far from every overlay has none.
    assert compose(client, {"parcel": "TF 200/07"}).json()["overlays"] == []


def GEOD_LENGTH(line) -> float:
    from tests.notes.conftest import GEOD

    return GEOD.geometry_length(line)


def test_as_of_recomputes_from_the_versions_in_force_then(client, site):
    parcel = site.parcels["TF 100/07"]
    before = compose(client, {"parcel": "TF 100/07", "as_of": "2023-12-31"}).json()
    after = compose(client, {"parcel": "TF 100/07", "as_of": "2024-01-01"}).json()
    assert_zones_match(before, parcel.geom, site.zones_v1)
    assert_zones_match(after, parcel.geom, site.zones_v2)
    share = {z["code"]: z["share"] for z in before["zones"]}
    assert share["UA"] == pytest.approx(25, abs=0.1)
    assert [
        v["version"] for v in before["layer_versions"] if v["layer"] == "zonage"
    ] == [1]
    # Before the document took effect there was nothing in force.
    early = compose(client, {"parcel": "TF 100/07", "as_of": "2019-07-01"}).json()
    assert early["zones"] == []
    assert "no_document_in_force" in {w["code"] for w in early["warnings"]}


def test_document_warnings(client, site, make_document):
    site.document.status = PlanningDocument.Status.UNDER_REVISION
    site.document.save()
    make_document(
        site.agency,
        "PA-2",
        status=PlanningDocument.Status.PUBLIC_INQUIRY,
        effective_date=None,
        approval_date=None,
        expiry_date=None,
    )
    content = compose(client, {"parcel": "TF 300/07"}).json()
    codes = {w["code"] for w in content["warnings"]}
    assert {
        "document_under_revision",
        "draft_in_public_inquiry",
        "area_mismatch",
        "outside_zoning",
    } <= codes
    expired = compose(client, {"parcel": "TF 100/07", "as_of": "2029-07-05"}).json()
    assert "document_expired" in {w["code"] for w in expired["warnings"]}
    assert expired["zones"] == []


def test_warnings_are_in_the_language_of_the_request(client, site):
    content = compose(client, {"parcel": "TF 300/07"}, HTTP_ACCEPT_LANGUAGE="ar").json()
    message = next(
        w["message"] for w in content["warnings"] if w["code"] == "area_mismatch"
    )
    assert any("\u0600" <= char <= "\u06ff" for char in message)
    ua = compose(client, {"parcel": "TF 100/07"}, HTTP_ACCEPT_LANGUAGE="ar").json()
    assert {z["label"] for z in ua["zones"]} == {"منطقة العمارات", "منطقة الفيلات"}


def test_labels_of_uses_documents_and_overlays_follow_each_requests_language(
    client, site
):
    # Labels are translated once per language and kept: French, Arabic, then
    # French again must each get their own words.
    from django.utils import translation

    from layers.models import LandUse, Layer

    def labels(content: dict) -> dict:
        ua = next(zone for zone in content["zones"] if zone["code"] == "UA")
        document = content["documents"][0]
        overlays = {o["type"]: o["type_label"] for o in content["overlays"]}
        return {
            "use": ua["rules"]["allowed_uses"][0]["label"],
            "kind": document["kind_label"],
            "status": document["status_label"],
            "overlay": overlays["heritage"],
        }

    seen = {}
    for language in ("fr", "ar", "fr"):
        content = compose(
            client, {"parcel": "TF 100/07"}, HTTP_ACCEPT_LANGUAGE=language
        ).json()
        with translation.override(language):
            expected = {
                "use": str(LandUse("housing").label),
                "kind": str(PlanningDocument.Kind(site.document.kind).label),
                "status": str(PlanningDocument.Status(site.document.status).label),
                "overlay": str(Layer.OverlayType("heritage").label),
            }
        assert labels(content) == expected
        seen[language] = expected
    assert all(seen["fr"][key] != seen["ar"][key] for key in seen["fr"])


def test_parcel_straddling_agencies_is_flagged(client, site, make_agency):
    make_agency("aunb", lon=-6.8, lat=33.9)  # east neighbour, from lon −6.8
    from tests.notes.conftest import make_parcel

    make_parcel(site.agency, "TF 400/07", box(-6.8005, 33.95, -6.7995, 33.9505))
    content = compose(client, {"parcel": "TF 400/07"}).json()
    assert "straddles_agencies" in {w["code"] for w in content["warnings"]}


def test_identify_returns_the_parcel_and_its_zones(client, site):
    response = client.get("/api/v1/identify", {"lon": -6.8495, "lat": 33.9502})
    assert response.status_code == 200
    data = response.json()
    assert data["parcel"]["reference"] == "TF 100/07"
    assert data["agency"]["code"] == site.agency.code
    expected = expected_zone_areas(site.parcels["TF 100/07"].geom, site.zones_v2)
    got = {zone["code"]: zone["area_m2"] for zone in data["zones"]}
    assert got == pytest.approx(expected, abs=0.01)
    assert sum(z["share"] for z in data["zones"]) == pytest.approx(100, abs=0.01)


def test_identify_in_lambert_and_off_parcel(client, site):
    x, y = Transformer.from_crs(4326, 26191, always_xy=True).transform(-6.8495, 33.9502)
    data = client.get("/api/v1/identify", {"x": x, "y": y, "srs": "26191"}).json()
    assert data["parcel"]["reference"] == "TF 100/07"
    bare = client.get("/api/v1/identify", {"lon": -6.86, "lat": 33.98}).json()
    assert bare["parcel"] is None
    assert [zone["code"] for zone in bare["zones"]] == ["UA"]
    nowhere = client.get("/api/v1/identify", {"lon": 2.0, "lat": 45.0}).json()
    assert nowhere["agency"] is None
    assert nowhere["zones"] == []


def test_identify_bad_parameters_are_400(client, site):
    assert client.get("/api/v1/identify", {"lon": "east"}).status_code == 400
    response = client.get("/api/v1/identify", {"x": 1, "y": 2, "srs": "EPSG:9999"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_srs"


def test_point_subject_keeps_the_point(site):
    from notes.compose import Moment, note_compose
    from notes.subjects import SubjectQuery, subject_resolve

    query = SubjectQuery.from_json({"lon": -6.8495, "lat": 33.9502})
    subject = subject_resolve(query)
    assert subject.point == (-6.8495, 33.9502)  # lon, lat in WGS 84
    content = note_compose(subject=subject, moment=Moment.of())
    assert content["subject"]["point"] == [-6.8495, 33.9502]


def test_rules_link_the_regulation_file(client, site):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from layers.models import RegulationFile, ZoneRule

    regulation = RegulationFile.objects.create(
        document=site.document,
        title_fr="Règlement d'aménagement",
        title_ar="نظام التهيئة",
        file=SimpleUploadedFile("reglement.pdf", b"%PDF-1.4 test"),
    )
    ZoneRule.objects.filter(document=site.document, code="UA").update(
        regulation_file=regulation
    )
    content = compose(client, {"parcel": "TF 100/07"}).json()
    ua = next(zone for zone in content["zones"] if zone["code"] == "UA")
    assert ua["rules"]["regulation_url"] == regulation.file.url
    files = content["documents"][0]["regulation_files"]
    assert files == [
        {
            "title": "Règlement d'aménagement",
            "language": "fr",
            "url": regulation.file.url,
        }
    ]


@pytest.mark.parametrize("srid", [4326, 26191, 26192, 3857])
@pytest.mark.parametrize("as_text", [False, True])
def test_corner_lists_in_every_accepted_srs(client, site, srid, as_text):
    corners_wgs84 = [(-6.8700, 33.9400), (-6.8690, 33.9400), (-6.8690, 33.9408)]
    to_srs = Transformer.from_crs(4326, srid, always_xy=True)
    corners = [to_srs.transform(lon, lat) for lon, lat in corners_wgs84]
    if as_text:
        digits = 8 if srid == 4326 else 3  # as a surveyor would write them
        value = "; ".join(f"{x:.{digits}f} {y:.{digits}f}" for x, y in corners)
        corners = [tuple(float(n) for n in pair.split()) for pair in value.split("; ")]
    else:
        value = [list(corner) for corner in corners]
    content = compose(client, {"coordinates": value, "srs": f"EPSG:{srid}"}).json()
    back = Transformer.from_crs(srid, 4326, always_xy=True)
    ring = [back.transform(x, y) for x, y in corners]
    area = geodesic_area(shapely.Polygon(ring))
    assert content["subject"]["area_m2"] == pytest.approx(area, rel=1e-5)
    assert [z["code"] for z in content["zones"]] == ["UA"]
    assert content["zones"][0]["share"] == pytest.approx(100, abs=0.01)


def test_identify_as_of_uses_the_versions_in_force_then(client, site):
    parcel = site.parcels["TF 100/07"]
    for as_of, zones in (("2023-12-31", site.zones_v1), ("2024-01-01", site.zones_v2)):
        data = client.get(
            "/api/v1/identify", {"lon": -6.8495, "lat": 33.9502, "as_of": as_of}
        ).json()
        expected = expected_zone_areas(parcel.geom, zones)
        got = {zone["code"]: zone["area_m2"] for zone in data["zones"]}
        assert got == pytest.approx(expected, abs=0.01)
