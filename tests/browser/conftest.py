"""Headless Chromium (Debian's) driving the live map, and a small planning area.

One browser per session; one context per test, which refuses every request that
would leave localhost and records console errors — a test fails on either.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon

from accounts.models import User
from layers.models import Agency, Layer, PlanningDocument, ZoneRule
from layers.services import FeatureData, layer_version_create, layer_version_publish
from notes.services import note_issue
from notes.subjects import SubjectQuery
from parcels.models import Parcel
from parcels.references import ParcelReference
from tests.browser_fixtures import SCREENSHOTS

# A 2×2 grid of zones south-west of Rabat's centre, 0.004° (≈ 400 m) each.
ORIGIN_LON, ORIGIN_LAT, CELL = -6.850, 33.990, 0.004
ZONES = [
    ("R+4", "Immeubles R+4", "عمارات", "collective_housing", 0, 0),
    ("V1", "Villas", "فيلات", "villa", 1, 0),
    ("EQ", "Équipements publics", "تجهيزات عمومية", "equipment", 0, 1),
    ("EV", "Espace vert", "منطقة خضراء", "green_space", 1, 1),
]
# The parcel of the tests straddles R+4 and V1 (a share of each).
PARCEL = "TF 12345/07"


def rectangle(west: float, south: float, east: float, north: float) -> MultiPolygon:
    ring = ((west, south), (east, south), (east, north), (west, north), (west, south))
    return MultiPolygon(Polygon(ring), srid=4326)


def cell(column: int, row: int) -> MultiPolygon:
    west = ORIGIN_LON + column * CELL
    south = ORIGIN_LAT + row * CELL
    return rectangle(west, south, west + CELL, south + CELL)


@pytest.fixture
def map_data(transactional_db):
    """An agency with an approved plan (zoning + one overlay) and parcels."""
    agency = Agency.objects.create(
        code="au-rabat-test",
        name_fr="Agence urbaine de Rabat (essai)",
        name_ar="الوكالة الحضرية للرباط (تجربة)",
        name_en="Urban agency of Rabat (test)",
        srid=26191,
        note_prefix="AUR",
        territory=rectangle(-6.86, 33.98, -6.83, 34.0),
    )
    document = PlanningDocument.objects.create(
        agency=agency,
        kind=PlanningDocument.Kind.PA,
        reference="PA-RABAT-2021",
        title_fr="Plan d'aménagement de Rabat centre",
        title_ar="تصميم التهيئة لوسط الرباط",
        status=PlanningDocument.Status.APPROVED,
        approval_act="Décret n° 2.21.123",
        approval_date=datetime.date(2021, 3, 1),
        effective_date=datetime.date(2021, 4, 1),
        perimeter=rectangle(-6.86, 33.98, -6.83, 34.0),
    )
    for code, label_fr, label_ar, category, _column, _row in ZONES:
        ZoneRule.objects.create(
            document=document,
            code=code,
            label_fr=label_fr,
            label_ar=label_ar,
            category=category,
            floors_above_ground=4 if code == "R+4" else 1,
            cos="2.5" if code == "R+4" else "0.6",
            ces="60" if code == "R+4" else "40",
            allowed_uses=["housing", "retail"],
            forbidden_uses=["industry"],
            articles="Art. 12 à 18",
        )
    zoning = Layer.objects.create(
        document=document,
        name="zonage",
        title_fr="Zonage",
        title_ar="التنطيق",
        kind=Layer.Kind.ZONING,
    )
    features = [
        FeatureData(
            geom=cell(column, row), code=code, label_fr=label_fr, label_ar=label_ar
        )
        for code, label_fr, label_ar, _category, column, row in ZONES
    ]
    published_at = datetime.datetime(2021, 4, 1, tzinfo=datetime.UTC)
    layer_version_publish(
        version=layer_version_create(layer=zoning, features=features),
        at=published_at,
    )
    reserved = Layer.objects.create(
        document=document,
        name="equipements",
        title_fr="Sites réservés",
        title_ar="مواقع مخصصة",
        kind=Layer.Kind.OVERLAY,
        overlay_type=Layer.OverlayType.RESERVED_SITE,
        position=1,
    )
    site = rectangle(
        ORIGIN_LON + 0.0045,
        ORIGIN_LAT + 0.0045,
        ORIGIN_LON + 0.0065,
        ORIGIN_LAT + 0.006,
    )
    layer_version_publish(
        version=layer_version_create(
            layer=reserved,
            features=[FeatureData(geom=site, code="ECOLE", label_fr="École primaire")],
        ),
        at=published_at,
    )
    mid = ORIGIN_LON + CELL
    parcels = {
        PARCEL: rectangle(mid - 0.0006, 33.9915, mid + 0.0004, 33.9922),
        "TF 12346/07": rectangle(mid - 0.0030, 33.9915, mid - 0.0015, 33.9922),
        "TF 2210/07": rectangle(mid + 0.0010, 33.9915, mid + 0.0025, 33.9922),
    }
    for text, geom in parcels.items():
        reference = ParcelReference.parse(text)
        Parcel.objects.create(
            agency=agency,
            kind=reference.kind,
            reference=reference.display,
            reference_key=reference.key,
            official_area_m2=None,
            address="Avenue Mohammed V, Rabat" if text == PARCEL else "",
            geom=geom,
        )
    return {"agency": agency, "document": document, "parcels": parcels}


@pytest.fixture
def desktop(session_factory):
    return session_factory(viewport={"width": 1280, "height": 800})


@pytest.fixture
def phone(session_factory):
    return session_factory(
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )


# Leaflet keeps the previous zoom level's tiles for a moment after the new
# ones have loaded (they fade out under them): until they go, what a tile
# draws is in the page once per level. Settled: no tile pending, and one
# level of drawn tiles in each layer.
_ONE_LEVEL = """() => Array.from(document.querySelectorAll(".leaflet-layer")).every(
  (layer) => Array.from(layer.querySelectorAll(".leaflet-tile-container"))
    .filter((level) => level.querySelector("canvas")).length <= 1)"""


def tiles_settle(page) -> None:
    """Wait until the map's tiles are loaded and one zoom level shows."""
    page.wait_for_function(
        "() => (document.body.dataset.tilesPending || '0') === '0'", timeout=15_000
    )
    page.wait_for_function(_ONE_LEVEL)


def screenshot(page, name: str) -> None:
    """Write tests/artifacts/screenshots/<name>.png for a reviewer to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_load_state("networkidle")
    page.wait_for_function(
        "() => (document.body.dataset.tilesPending || '0') === '0'", timeout=15_000
    )
    page.wait_for_timeout(300)  # Leaflet's zoom animation and tile fade
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


@pytest.fixture
def pages_data(map_data):
    """map_data, with an issued note, a draft version waiting for review and a
    planner of the agency."""
    agency, document = map_data["agency"], map_data["document"]
    note = note_issue(
        base_url="http://testserver",
        query=SubjectQuery.from_json({"parcel": PARCEL}),
        language="fr",
    )
    zoning = Layer.objects.get(document=document, kind=Layer.Kind.ZONING)
    draft = layer_version_create(
        layer=zoning,
        features=[
            FeatureData(geom=cell(column, row), code=code, label_fr=label_fr)
            for code, label_fr, _label_ar, _category, column, row in ZONES
        ],
    )
    planner = User.objects.create_user(
        "pages-planner", password="not-a-real-password-9", agency=agency
    )
    return {**map_data, "note": note, "draft": draft, "planner": planner}
