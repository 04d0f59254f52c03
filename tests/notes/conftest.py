"""A small planning site for notes, built through ``layers.services``.

Agency ``aurs`` (territory lon −6.9…−6.8, lat 33.9…34.0), document PA-1 in
force since 2019-07-04, a zoning layer whose version 1 (published 2020-01-01)
splits the land at lon −6.85 into UA (west) and VE (east) up to lon −6.82 (east
of it: no zoning); version 2 (published 2024-01-01) moves the split to −6.849.
Overlays: a road-widening strip, a road alignment line, a heritage point.
Parcels: TF 100/07 across the UA/VE split, TF 200/07 inside UA, TF 300/07 half
outside the zoning, with an official area far from the computed one.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import shapely
from django.contrib.gis.geos import GEOSGeometry, LineString, MultiPolygon, Point
from pyproj import Geod

from layers.models import LandUse, Layer, ZoneRule
from layers.services import FeatureData, layer_version_create, layer_version_publish
from parcels.models import Parcel
from parcels.references import ParcelReference

UTC = datetime.UTC
V1_AT = datetime.datetime(2020, 1, 1, tzinfo=UTC)
V2_AT = datetime.datetime(2024, 1, 1, tzinfo=UTC)
GEOD = Geod(ellps="WGS84")


def box(x0: float, y0: float, x1: float, y1: float) -> MultiPolygon:
    """A lon/lat rectangle as a MultiPolygon in EPSG:4326."""
    return MultiPolygon(
        GEOSGeometry(shapely.box(x0, y0, x1, y1).wkt, srid=4326), srid=4326
    )


def geodesic_area(geom) -> float:
    """Independent ellipsoidal area (pyproj) of a shapely or GEOS geometry, m²."""
    if not isinstance(geom, shapely.Geometry):
        geom = shapely.from_wkb(bytes(geom.wkb))
    return abs(GEOD.geometry_area_perimeter(geom)[0])


def make_parcel(agency, reference: str, geom: MultiPolygon, **extra) -> Parcel:
    return Parcel.objects.create(
        agency=agency,
        kind="TF",
        reference=reference,
        reference_key=ParcelReference.parse(reference).key,
        geom=geom,
        **extra,
    )


@pytest.fixture
def site(agency, document, zoning_layer):
    """The planning site described in the module docstring; returns a namespace."""
    ZoneRule.objects.create(
        document=document,
        code="UA",
        label_fr="Zone d'immeubles",
        label_ar="منطقة العمارات",
        category="collective_housing",
        allowed_uses=[LandUse.HOUSING, LandUse.RETAIL],
        forbidden_uses=[LandUse.INDUSTRY],
        floors_above_ground=4,
        max_height_m=Decimal("17.50"),
        cos=Decimal("2.40"),
        ces=Decimal("60"),
        min_plot_area_m2=150,
        setback_road_m=Decimal("5"),
        articles="Art. 12 à 20",
    )
    ZoneRule.objects.create(
        document=document,
        code="VE",
        label_fr="Zone de villas",
        label_ar="منطقة الفيلات",
        category="villa",
        allowed_uses=[LandUse.HOUSING],
        floors_above_ground=1,
        cos=Decimal("0.40"),
        ces=Decimal("20"),
        min_plot_area_m2=600,
    )
    zones_v1 = {
        "UA": box(-6.9, 33.9, -6.85, 34.0),
        "VE": box(-6.85, 33.9, -6.82, 34.0),
    }
    zones_v2 = {
        "UA": box(-6.9, 33.9, -6.849, 34.0),
        "VE": box(-6.849, 33.9, -6.82, 34.0),
    }
    v1 = layer_version_create(
        layer=zoning_layer,
        features=[
            FeatureData(geom=geom, code=code, label_fr="", label_ar="")
            for code, geom in zones_v1.items()
        ],
    )
    layer_version_publish(version=v1, at=V1_AT)
    v2 = layer_version_create(
        layer=zoning_layer,
        features=[FeatureData(geom=geom, code=code) for code, geom in zones_v2.items()],
    )
    layer_version_publish(version=v2, at=V2_AT)

    overlays = {}
    for name, overlay_type, geometry_type, features in (
        (
            "elargissement",
            Layer.OverlayType.ROAD_WIDENING,
            Layer.GeometryType.POLYGON,
            [
                FeatureData(
                    geom=box(-6.9, 33.9503, -6.8, 33.9504),
                    code="RW1",
                    label_fr="Élargissement de la route 12 à 30 m",
                    label_ar="توسيع الطريق 12",
                )
            ],
        ),
        (
            "alignement",
            Layer.OverlayType.ROAD_ALIGNMENT,
            Layer.GeometryType.LINE,
            [
                FeatureData(
                    geom=LineString((-6.9, 33.9502), (-6.8, 33.9502), srid=4326),
                    code="AL1",
                    label_fr="Alignement de l'avenue Hassan II",
                    label_ar="تصفيف شارع الحسن الثاني",
                )
            ],
        ),
        (
            "patrimoine",
            Layer.OverlayType.HERITAGE,
            Layer.GeometryType.POINT,
            [
                FeatureData(
                    geom=Point(-6.8499, 33.9501, srid=4326),
                    code="H1",
                    label_fr="Fontaine classée",
                    label_ar="سقاية مصنفة",
                )
            ],
        ),
    ):
        layer = Layer.objects.create(
            document=document,
            name=name,
            title_fr=name.title(),
            title_ar=name,
            kind=Layer.Kind.OVERLAY,
            overlay_type=overlay_type,
            geometry_type=geometry_type,
            position=len(overlays) + 1,
        )
        version = layer_version_create(layer=layer, features=features)
        layer_version_publish(version=version, at=V1_AT)
        overlays[name] = features[0].geom

    parcels = {
        "TF 100/07": box(-6.8505, 33.95, -6.8485, 33.9505),
        "TF 200/07": box(-6.89, 33.92, -6.8895, 33.9204),
        "TF 300/07": box(-6.8205, 33.93, -6.8195, 33.9304),
    }
    made = {
        reference: make_parcel(agency, reference, geom)
        for reference, geom in parcels.items()
    }
    made["TF 300/07"].official_area_m2 = Decimal("9000.00")
    made["TF 300/07"].save()

    class Site:
        pass

    result = Site()
    result.agency = agency
    result.document = document
    result.zones_v1 = zones_v1
    result.zones_v2 = zones_v2
    result.overlays = overlays
    result.parcels = made
    result.v1 = v1
    result.v2 = v2
    return result


def expected_zone_areas(subject, zones: dict) -> dict[str, float]:
    """Independent intersection areas (shapely + pyproj) of ``subject`` by zone."""
    shape = shapely.from_wkb(bytes(subject.wkb))
    result = {}
    for code, zone in zones.items():
        piece = shapely.intersection(shape, shapely.from_wkb(bytes(zone.wkb)))
        area = geodesic_area(piece) if not piece.is_empty else 0.0
        if area > 0.01:
            result[code] = area
    return result
