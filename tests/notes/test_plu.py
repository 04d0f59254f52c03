"""Areas and shares on a real plan: the CNIG PLU of commune 41175 (118 zones).

The zones are read with pyogrio (the .dbf says Latin-1 but holds UTF-8, and the
.prj is an ESRI Lambert-93 without EPSG code), stored as a published zoning
version, and notes are composed for polygons across zone boundaries. Every area
is checked against shapely + pyproj on the geometries as stored.
"""

from __future__ import annotations

import datetime
import itertools
import json
from pathlib import Path

import pytest
import shapely
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from pyogrio.raw import read
from pyproj import CRS, Transformer

from layers.models import Feature, Layer, PlanningDocument
from layers.services import FeatureData, layer_version_create, layer_version_publish
from tests.notes.conftest import geodesic_area

pytestmark = pytest.mark.django_db

ZONE_URBA = (
    Path(__file__).resolve().parents[1]
    / "data/cnig-plu-41175/Donnees_geographiques/ZONE_URBA.shp"
)


def read_zones() -> list[tuple[str, str, shapely.Geometry]]:
    """(code, long label, polygon in EPSG:4326) of every zone of the PLU."""
    meta, _fids, geometries, fields = read(ZONE_URBA, encoding="utf-8")
    names = list(meta["fields"])
    source = CRS.from_wkt(meta["crs"])
    to_wgs84 = Transformer.from_crs(source, 4326, always_xy=True)
    zones = []
    for index, wkb in enumerate(geometries):
        geom = shapely.make_valid(shapely.from_wkb(wkb))
        geom = shapely.transform(
            geom, lambda xy: _stack(to_wgs84.transform(xy[:, 0], xy[:, 1]))
        )
        code = fields[names.index("LIBELLE")][index]
        label = fields[names.index("LIBELONG")][index] or ""
        zones.append((code, label, geom))
    return zones


def _stack(pair):
    import numpy

    return numpy.column_stack(pair)


@pytest.fixture
def plu(make_agency, make_document):
    zones = read_zones()
    hull = shapely.unary_union([geom for _c, _l, geom in zones]).convex_hull
    territory = MultiPolygon(GEOSGeometry(hull.buffer(0.01).wkt, srid=4326), srid=4326)
    agency = make_agency("plu41175", territory=territory, note_prefix="PLU")
    document = make_document(
        agency,
        "PLU-41175",
        kind=PlanningDocument.Kind.PLU,
        effective_date=datetime.date(2014, 6, 3),
        approval_date=datetime.date(2014, 6, 3),
        expiry_date=None,
        perimeter=territory,
    )
    layer = Layer.objects.create(
        document=document, name="zone_urba", title_fr="Zonage", kind="zoning"
    )
    version = layer_version_create(
        layer=layer,
        features=[
            FeatureData(
                geom=_multi(geom),
                code=code,
                label_fr=label,
            )
            for code, label, geom in zones
        ],
    )
    layer_version_publish(version=version)
    return version


def _multi(geom: shapely.Geometry) -> GEOSGeometry:
    polygons = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type == "Polygon"]
    return GEOSGeometry(shapely.MultiPolygon(polygons).wkt, srid=4326)


def test_labels_are_repaired_utf8():
    labels = [label for _code, label, _geom in read_zones()]
    assert not any("Ã" in label for label in labels)
    assert any("é" in label for label in labels)


def test_areas_and_shares_on_the_real_plu(client, plu):
    stored = [
        (feature.code, shapely.from_wkb(bytes(feature.geom.wkb)))
        for feature in Feature.objects.filter(version=plu)
    ]
    union = shapely.unary_union([geom for _code, geom in stored])
    # Subjects of 120 m × 80 m centred on boundaries between two zones: some
    # where the zoning is a clean partition, some over its real gaps/overlaps.
    dx, dy = 120 / 2 / 75_000, 80 / 2 / 111_000  # ≈ degrees at 47.9° N
    clean, messy = [], []
    for (code_a, a), (code_b, b) in itertools.combinations(stored, 2):
        if code_a == code_b or not a.touches(b):
            continue
        border = a.intersection(b)
        if border.length == 0:
            continue
        centre = border.representative_point()
        subject = shapely.box(
            centre.x - dx, centre.y - dy, centre.x + dx, centre.y + dy
        )
        pieces = sum(subject.intersection(g).area for _c, g in stored)
        exact = abs(pieces - subject.area) < 1e-12 and subject.within(union)
        (clean if exact else messy).append(subject)
        if len(clean) >= 4 and len(messy) >= 2:
            break
    subjects = [(s, True) for s in clean[:4]] + [(s, False) for s in messy[:2]]
    assert len(subjects) == 6
    checked = 0
    for subject, is_clean in subjects:
        response = client.post(
            "/api/v1/notes/compose",
            data=json.dumps({"geometry": shapely.geometry.mapping(subject)}),
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        content = response.json()
        area = geodesic_area(subject)
        assert content["subject"]["area_m2"] == pytest.approx(area, rel=1e-6)
        expected: dict[str, float] = {}
        for code, geom in stored:
            piece = subject.intersection(geom)
            if not piece.is_empty:
                expected[code] = expected.get(code, 0.0) + geodesic_area(piece)
        expected = {code: value for code, value in expected.items() if value > 0.005}
        got = {zone["code"]: zone for zone in content["zones"]}
        assert set(got) == set(expected)
        assert len(got) >= 2
        for code, value in expected.items():
            assert got[code]["area_m2"] == pytest.approx(value, rel=1e-6, abs=0.01)
            assert got[code]["share"] == pytest.approx(100 * value / area, abs=0.001)
        total = sum(zone["share"] for zone in content["zones"])
        gap = geodesic_area(subject.difference(union))
        overlap = sum(expected.values()) - (area - gap)
        assert content["outside_zoning_m2"] == pytest.approx(gap, abs=0.05)
        assert total == pytest.approx(100 * sum(expected.values()) / area, abs=0.01)
        if is_clean:
            # Where the zoning covers the subject, shares sum to 100 %.
            assert gap < 0.05
            assert abs(overlap) < 0.05
            assert total == pytest.approx(100, abs=0.01)
            checked += 1
    assert checked == 4
