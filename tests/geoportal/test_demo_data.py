"""The demo agency's data: how it is generated, what it holds, how it loads."""

from __future__ import annotations

import datetime
import io
import json
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import shapely
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from shapely.geometry import shape

from accounts.models import User
from geoportal.demo import demo_accounts_ensure, demo_directory
from layers.models import Feature, Layer, LayerVersion, PlanningDocument, ZoneRule
from layers.selectors import documents_in_force, version_in_force
from parcels.models import Parcel

CURRENT = "PA-OZ-2021"
EXPIRED = "PA-OZ-2009"
REFERENCE_DATA = "REF-OZ"
MOROCCO = datetime.timezone(datetime.timedelta(hours=1))


def demo_files() -> dict[str, bytes]:
    """The committed demo files the generator writes, by relative path."""
    root = demo_directory()
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.suffix in (".json", ".geojson")
    }


def generated(directory: Path) -> dict[str, bytes]:
    subprocess.run(
        [sys.executable, str(demo_directory() / "generate.py"), str(directory)],
        check=True,
        capture_output=True,
    )
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def read_collection(name: str) -> list[tuple[shapely.Geometry, dict]]:
    """Features of a committed demo file, in EPSG:26191 as written."""
    collection = json.loads((demo_directory() / name).read_text(encoding="utf-8"))
    assert collection["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::26191"
    return [(shape(f["geometry"]), f["properties"]) for f in collection["features"]]


def scalar(sql: str, params: list) -> object:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


# --- the files ------------------------------------------------------------------


@pytest.mark.slow
def test_generator_writes_identical_bytes_every_run(tmp_path):
    first = generated(tmp_path / "first")
    second = generated(tmp_path / "second")
    assert first == second
    assert first == demo_files()


def test_data_files_stay_small():
    assert sum(len(data) for data in demo_files().values()) < 3_000_000


def test_parcels_keep_out_of_street_rights_of_way():
    streets = read_collection("streets.geojson")
    # Coordinates rounded to the centimetre may move a boundary by a few
    # millimetres: what is left inside a way narrowed by 2 cm is a sliver at most.
    ways = [
        geom.buffer(properties["width_m"] / 2 - 0.02, cap_style="flat")
        for geom, properties in streets
    ]
    parcels = [geom for geom, _ in read_collection("parcels.geojson")]
    tree = shapely.STRtree(parcels)
    pairs = tree.query(ways, predicate="intersects").T
    inside = [parcels[p].intersection(ways[w]).area for w, p in pairs]
    assert max(inside, default=0) < 0.1


def test_parcel_references_and_areas_look_like_a_land_registry():
    properties = [p for _, p in read_collection("parcels.geojson")]
    references = [p["reference"] for p in properties]
    assert len(set(references)) == len(references)
    assert all(r.startswith(("TF ", "R ")) and "/" in r for r in references)
    assert any(r.startswith("R ") for r in references)
    geoms = [g for g, _ in read_collection("parcels.geojson")]
    off = [
        abs(p["official_area_m2"] - g.area) / g.area
        for g, p in zip(geoms, properties, strict=True)
        if p["official_area_m2"] is not None
    ]
    assert sum(1 for ratio in off if ratio > 0.05) > 10
    assert sorted(off)[len(off) // 2] < 0.02
    assert all(p["address"].endswith("Oued Zahra (fictive)") for p in properties)


# --- the loaded data ----------------------------------------------------------------


def demo_document(agency, reference: str) -> PlanningDocument:
    return PlanningDocument.objects.get(agency=agency, reference=reference)


def zoning_versions(agency) -> list[LayerVersion]:
    return list(
        LayerVersion.objects.filter(
            layer__document__agency=agency, layer__kind=Layer.Kind.ZONING
        ).order_by("layer__document__reference", "number")
    )


def test_demo_agency_is_clearly_fictional(demo):
    assert demo.code == "demo-rabat"
    assert demo.srid == 26191
    assert "fictive" in demo.name_fr
    assert "وهمية" in demo.name_ar
    assert "fictional" in demo.name_en
    # South-west of Rabat, near Témara.
    centre = demo.territory.centroid
    assert -6.95 < centre.x < -6.85
    assert 33.85 < centre.y < 33.95


@pytest.mark.django_db
def test_each_zoning_version_partitions_its_perimeter(demo):
    versions = zoning_versions(demo)
    assert len(versions) == 3  # 2009 v1, 2021 v1 and its 2023 modification
    for version in versions:
        union_area, sum_area, perimeter_area, difference, all_valid = scalar(
            """
            SELECT ST_Area(ST_Union(f.geom)::geography),
                   SUM(ST_Area(f.geom::geography)),
                   ST_Area(d.perimeter::geography),
                   ST_Area(ST_SymDifference(ST_Union(f.geom), d.perimeter)::geography),
                   bool_and(ST_IsValid(f.geom))
            FROM layers_feature f
            JOIN layers_layerversion v ON v.id = f.version_id
            JOIN layers_layer l ON l.id = v.layer_id
            JOIN layers_planningdocument d ON d.id = l.document_id
            WHERE f.version_id = %s
            GROUP BY d.perimeter
            """,
            [version.pk],
        )
        assert all_valid, version
        assert abs(union_area - perimeter_area) < 1.0, version
        assert difference < 1.0, version
        assert abs(sum_area - union_area) < 1.0, version
        (overlaps,) = scalar(
            """
            SELECT count(*) FROM layers_feature a
            JOIN layers_feature b
              ON a.version_id = b.version_id AND a.id < b.id
             AND a.geom_3857 && b.geom_3857
            WHERE a.version_id = %s
              AND ST_Intersects(a.geom, b.geom)
              AND ST_Area(ST_Intersection(a.geom, b.geom)::geography) > 0.01
            """,
            [version.pk],
        )
        assert overlaps == 0, version


@pytest.mark.django_db
def test_current_zoning_has_a_realistic_number_of_zones_with_shared_codes(demo):
    current = version_in_force(
        layer=Layer.objects.get(document=demo_document(demo, CURRENT), name="zonage")
    )
    codes = list(current.features.values_list("code", flat=True))
    assert 60 <= len(codes) <= 150
    assert max(codes.count(code) for code in set(codes)) >= 10
    assert {"B4", "B6", "D1", "D2", "E1", "I", "EC", "EV", "RA"} <= set(codes)


@pytest.mark.django_db
def test_every_zone_code_has_a_rule(demo):
    # The reference data (streets, neighbourhoods) has no zoning.
    plans = PlanningDocument.objects.filter(agency=demo).exclude(
        kind=PlanningDocument.Kind.REFERENCE
    )
    assert plans.count() == 2
    for document in plans:
        codes = set(
            Feature.objects.filter(
                version__layer__document=document,
                version__layer__kind=Layer.Kind.ZONING,
            ).values_list("code", flat=True)
        )
        ruled = set(document.rules.values_list("code", flat=True))
        assert codes, document
        assert codes <= ruled, document


@pytest.mark.django_db
def test_rules_carry_figures_in_both_languages(demo):
    rule = ZoneRule.objects.get(document=demo_document(demo, CURRENT), code="B4")
    assert rule.height_label == "R+4"
    assert rule.cos is not None
    assert rule.ces is not None
    assert rule.label_ar
    assert rule.excerpt_ar
    assert rule.parking_ar
    assert "housing" in rule.allowed_uses


@pytest.mark.django_db
def test_overlays_of_the_current_plan(demo):
    layers = {
        layer.name: layer
        for layer in Layer.objects.filter(document=demo_document(demo, CURRENT))
    }
    kinds = {layer.overlay_type for layer in layers.values() if layer.kind == "overlay"}
    assert kinds == {
        "road_alignment",
        "road_widening",
        "reserved_site",
        "heritage",
        "risk",
    }
    assert layers["alignements"].geometry_type == "line"
    sites = version_in_force(layer=layers["equipements"]).features
    assert sites.filter(code__startswith="EC-").exists()
    assert sites.filter(code__startswith="P-").exists()


@pytest.mark.django_db
def test_parcel_count_and_references(demo):
    parcels = Parcel.objects.filter(agency=demo)
    assert 2000 <= parcels.count() <= 5000
    assert parcels.filter(kind="R").exists()
    parcel = parcels.filter(kind="TF").first()
    assert parcel.reference_key == parcel.reference.replace(" ", "").replace("/0", "/")


@pytest.mark.django_db
def test_parcels_lie_inside_the_territory(demo):
    (outside,) = scalar(
        """
        SELECT count(*) FROM parcels_parcel p JOIN layers_agency a ON a.id = p.agency_id
        WHERE a.id = %s AND NOT ST_CoveredBy(
            ST_Transform(p.geom, 26191),
            ST_Buffer(ST_Transform(a.territory, 26191), 0.01))
        """,
        [demo.pk],
    )
    assert outside == 0


@pytest.mark.django_db
def test_parcels_do_not_overlap(demo):
    (overlaps,) = scalar(
        """
        SELECT count(*) FROM parcels_parcel a
        JOIN parcels_parcel b
          ON a.agency_id = b.agency_id AND a.id < b.id AND a.geom_3857 && b.geom_3857
        WHERE a.agency_id = %s AND ST_Overlaps(a.geom, b.geom)
          AND ST_Area(ST_Intersection(a.geom, b.geom)::geography) > 0.01
        """,
        [demo.pk],
    )
    assert overlaps == 0


@pytest.mark.django_db
def test_expired_document_was_in_force_in_2015_only(demo):
    today = datetime.date.today()
    # The reference data (streets, neighbourhoods) is in force on both days.
    assert set(
        documents_in_force(agency=demo, on=today).values_list("reference", flat=True)
    ) == {CURRENT, REFERENCE_DATA}
    assert set(
        documents_in_force(agency=demo, on=datetime.date(2015, 1, 1)).values_list(
            "reference", flat=True
        )
    ) == {EXPIRED, REFERENCE_DATA}


@pytest.mark.django_db
def test_zoning_as_of_2022_differs_from_as_of_2024(demo):
    layer = Layer.objects.get(document=demo_document(demo, CURRENT), name="zonage")
    before = version_in_force(
        layer=layer, at=datetime.datetime(2022, 1, 1, tzinfo=MOROCCO)
    )
    after = version_in_force(
        layer=layer, at=datetime.datetime(2024, 1, 1, tzinfo=MOROCCO)
    )
    assert (before.number, before.status) == (1, LayerVersion.Status.SUPERSEDED)
    assert (after.number, after.status) == (2, LayerVersion.Status.PUBLISHED)
    changed = after.features.exclude(attributes__modification=None)
    assert changed.count() == 3
    # A point of a reclassified zone answers differently depending on the date.
    reclassified = changed.get(code="B4")
    point = reclassified.geom.point_on_surface
    assert before.features.get(geom__contains=point).code == "D2"
    assert after.features.get(geom__contains=point).code == "B4"


# --- loading ------------------------------------------------------------------------


@pytest.mark.django_db
def test_load_demo_twice_changes_nothing(demo):
    def counts():
        return (
            PlanningDocument.objects.filter(agency=demo).count(),
            LayerVersion.objects.filter(layer__document__agency=demo).count(),
            Feature.objects.filter(version__layer__document__agency=demo).count(),
            Parcel.objects.filter(agency=demo).count(),
            list(
                Parcel.objects.filter(agency=demo)
                .order_by("pk")
                .values_list("pk", flat=True)[:5]
            ),
        )

    before = counts()
    output = io.StringIO()
    call_command("load_demo", "--no-accounts", stdout=output)
    call_command("load_demo", "--no-accounts", stdout=output)
    assert counts() == before
    assert "already up to date" in output.getvalue()


@pytest.mark.slow
@pytest.mark.django_db
def test_forced_reload_gives_the_same_data(demo):
    parcels = Parcel.objects.filter(agency=demo).count()
    output = io.StringIO()
    call_command("load_demo", "--no-accounts", "--force", stdout=output)
    assert "loaded:" in output.getvalue()
    assert Parcel.objects.filter(agency=demo).count() == parcels
    assert zoning_versions(demo)[-1].status == LayerVersion.Status.PUBLISHED


# --- demo accounts ------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_accounts_get_a_generated_password_kept_out_of_the_repository(
    demo, tmp_path, monkeypatch, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.delenv("GEOPORTAIL_DEMO_PASSWORD", raising=False)
    password_file = tmp_path / "demo-accounts.txt"
    created, written = demo_accounts_ensure(agency=demo, password_file=password_file)
    assert created == ("admin", "planner")
    assert written == password_file
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    password = password_file.read_text().split("password:")[1].strip()
    admin = User.objects.get(username="admin")
    planner = User.objects.get(username="planner")
    assert admin.is_superuser
    assert admin.role == User.Role.ADMINISTRATOR
    assert planner.agency == demo
    assert planner.is_staff
    assert admin.check_password(password)
    assert planner.check_password(password)
    repository = Path(django_settings.BASE_DIR)
    written = [*(repository / "data" / "demo").rglob("*"), *repository.glob("*.md")]
    for path in [*written, *(repository / "layers").rglob("*.py")]:
        if path.is_file():
            assert password not in path.read_text(encoding="utf-8"), path

    # A second run never changes an existing account's password.
    hashed = User.objects.get(username="admin").password
    monkeypatch.setenv("GEOPORTAIL_DEMO_PASSWORD", "another-password-1")
    assert demo_accounts_ensure(agency=demo, password_file=password_file) == (
        (),
        None,
    )
    assert User.objects.get(username="admin").password == hashed


@pytest.mark.django_db
def test_load_demo_takes_the_password_from_the_environment_and_never_prints_it(
    demo, monkeypatch, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.setenv("GEOPORTAIL_DEMO_PASSWORD", "demo-password-from-env-7")
    output = io.StringIO()
    call_command("load_demo", stdout=output)
    assert "demo-password-from-env-7" not in output.getvalue()
    assert User.objects.get(username="planner").check_password(
        "demo-password-from-env-7"
    )


def test_transactional_tests_get_the_demo_data_back(demo_reloaded):
    manifest = json.loads((demo_directory() / "demo.json").read_text(encoding="utf-8"))
    parcels = Parcel.objects.filter(agency=demo_reloaded)
    assert parcels.count() == manifest["parcel_count"]


@pytest.mark.django_db
def test_demo_ships_named_streets_and_neighbourhoods(demo):
    document = demo_document(demo, REFERENCE_DATA)
    streets = Feature.objects.filter(
        version__layer__document=document,
        version__layer__reference_type=Layer.ReferenceType.STREET,
        version__status=LayerVersion.Status.PUBLISHED,
    )
    neighbourhoods = Feature.objects.filter(
        version__layer__document=document,
        version__layer__reference_type=Layer.ReferenceType.NEIGHBOURHOOD,
        version__status=LayerVersion.Status.PUBLISHED,
    )
    assert streets.count() > 200
    assert neighbourhoods.count() == 11
    for feature in [*streets, *neighbourhoods]:
        assert feature.label_fr, feature
        # Arabic names in Arabic letters only (digits aside).
        assert re.fullmatch(r"[\u0600-\u06ff0-9 ]+", feature.label_ar), feature
    assert streets.filter(label_fr="Rue Ibn Sina", label_ar="زنقة ابن سينا").exists()
