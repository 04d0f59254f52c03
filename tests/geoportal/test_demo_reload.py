"""Reloading the demo data (every `scripts/run` does) never touches what people
made in the demo agency: their documents, layers, versions and parcels, and the
notes citizens were issued. Only the demo's own rows are refreshed."""

from __future__ import annotations

import io
import json
import shutil

import pytest
from django.core.management import call_command

from accounts.models import User
from geoportal.demo import demo_directory
from layers.models import Feature, Layer, LayerVersion, PlanningDocument, ZoneRule
from layers.services import (
    document_create,
    layer_ensure,
    layer_import,
    layer_version_publish,
)
from notes.models import Note
from notes.services import note_issue
from notes.subjects import SubjectQuery
from notes.verification import note_verify
from parcels.models import Parcel
from parcels.references import ParcelReference
from tests.conftest import square

pytestmark = pytest.mark.django_db

CURRENT = "PA-OZ-2021"
EXPIRED = "PA-OZ-2009"


def square_geojson(path, centre, size: float, code: str) -> None:
    """A GeoJSON file (EPSG:4326) of one square of ``size`` degrees."""
    x, y = centre.x, centre.y
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"code": code, "label_fr": f"Secteur {code}"},
                        "geometry": {"type": "Polygon", "coordinates": [ring]},
                    }
                ],
            }
        )
    )


@pytest.fixture
def people_work(demo, tmp_path):
    """What a planner and a citizen made in the demo agency: a document with a
    layer and a published upload, a published upload on a demo layer, a parcel,
    and a note issued on a demo parcel."""
    planner = User.objects.create_user(
        "demo-agency-planner",
        password="not-a-real-password-4",
        agency=demo,
        is_staff=True,
    )
    centre = demo.territory.point_on_surface
    document = document_create(
        user=planner,
        agency=demo,
        reference="PA-OZ-2027-ETUDE",
        kind=PlanningDocument.Kind.PA,
        title_fr="Étude de restructuration du centre",
    )
    layer = layer_ensure(
        user=planner,
        document=document,
        name="secteurs",
        kind=Layer.Kind.OVERLAY,
        title_fr="Secteurs d'étude",
    )
    upload = tmp_path / "secteurs.geojson"
    square_geojson(upload, centre, 0.002, "S-1")
    own_version = layer_import(layer=layer, path=upload, user=planner)
    layer_version_publish(version=own_version, published_by=planner)
    flood = Layer.objects.get(
        document__agency=demo, document__reference=CURRENT, name="inondation"
    )
    upload = tmp_path / "inondation-2026.geojson"
    square_geojson(upload, centre, 0.003, "ZI-3")
    flood_version = layer_import(layer=flood, path=upload, user=planner)
    layer_version_publish(version=flood_version, published_by=planner)
    parcel = Parcel.objects.create(
        agency=demo,
        kind="TF",
        reference="TF 999999/07",
        reference_key=ParcelReference.parse("TF 999999/07").key,
        address="Lotissement Al Amal, Oued Zahra (fictive)",
        geom=square(centre.x, centre.y, 0.0002),
    )
    demo_parcel = Parcel.objects.filter(agency=demo).order_by("reference_key")[100]
    note = note_issue(
        base_url="http://testserver",
        query=SubjectQuery.from_json({"parcel": demo_parcel.reference}),
        language="fr",
    )
    return {
        "document": document,
        "layer": layer,
        "versions": [own_version, flood_version],
        "parcel": parcel,
        "note": note,
        "demo_parcel": demo_parcel,
    }


def people_rows(work: dict) -> dict:
    """Everything of ``work`` as stored, to compare before and after a reload."""
    versions = [version.pk for version in work["versions"]]
    return {
        "document": PlanningDocument.objects.filter(pk=work["document"].pk)
        .values()
        .get(),
        "layer": Layer.objects.filter(pk=work["layer"].pk).values().get(),
        "versions": list(LayerVersion.objects.filter(pk__in=versions).values()),
        "features": list(
            Feature.objects.filter(version__in=versions)
            .order_by("pk")
            .values_list("pk", "code", "geom")
        ),
        "parcel": Parcel.objects.filter(pk=work["parcel"].pk).values().get(),
        "note": Note.objects.filter(pk=work["note"].pk).values().get(),
        "note_versions": sorted(
            work["note"].layer_versions.values_list("pk", flat=True)
        ),
    }


def load_demo(*args) -> str:
    output = io.StringIO()
    call_command("load_demo", "--no-accounts", *args, stdout=output)
    return output.getvalue()


def test_restarting_keeps_what_people_made_in_the_demo_agency(people_work):
    before = people_rows(people_work)
    assert len(before["features"]) == 2
    assert before["note_versions"]

    output = load_demo()

    assert "already up to date" in output
    assert people_rows(people_work) == before
    verification = note_verify(people_work["note"], recompute=False)
    assert verification.authentic


def changed_demo_copy(tmp_path, note: Note) -> tuple:
    """A copy of data/demo where the demo's authors changed things: a title, a
    rule, the comment of every zoning version and of the flood layer's version,
    and the address of two parcels (one of them the note's)."""
    directory = tmp_path / "demo"
    shutil.copytree(demo_directory(), directory)
    manifest = json.loads((directory / "demo.json").read_text(encoding="utf-8"))
    for document in manifest["documents"]:
        document["title_fr"] += " (révisé)"
        for rule in document["rules"]:
            if rule["code"] == "B4":
                rule["max_height_m"] = 19.5
        for layer in document["layers"]:
            if layer["name"] in ("zonage", "inondation"):
                for version in layer["versions"]:
                    version["comment"] += " — corrigé"
    (directory / "demo.json").write_text(
        json.dumps(manifest, ensure_ascii=False), encoding="utf-8"
    )
    parcels_file = directory / manifest["parcels"]
    parcels = json.loads(parcels_file.read_text(encoding="utf-8"))
    other = None
    for feature in parcels["features"]:
        properties = feature["properties"]
        if properties["reference"] == note.parcel.reference or other is None:
            properties["address"] = "Nouvelle adresse, Oued Zahra (fictive)"
            if properties["reference"] != note.parcel.reference:
                other = properties["reference"]
    parcels_file.write_text(json.dumps(parcels), encoding="utf-8")
    return directory, other


def test_changed_demo_data_refreshes_demo_rows_only(people_work, tmp_path, demo):
    note = people_work["note"]
    before = people_rows(people_work)
    cited = set(before["note_versions"])
    expired_zoning = LayerVersion.objects.get(
        layer__document__agency=demo,
        layer__document__reference=EXPIRED,
        layer__name="zonage",
    )
    assert expired_zoning.pk not in cited
    current_zoning = set(
        LayerVersion.objects.filter(
            layer__document__agency=demo,
            layer__document__reference=CURRENT,
            layer__name="zonage",
        ).values_list("pk", "comment")
    )
    assert {pk for pk, _comment in current_zoning} & cited
    flood_demo = LayerVersion.objects.get(
        layer__document__agency=demo,
        layer__document__reference=CURRENT,
        layer__name="inondation",
        from_demo_data=True,
    )
    directory, other_parcel = changed_demo_copy(tmp_path, note)

    output = load_demo("--directory", str(directory))

    assert "loaded:" in output
    # What people made is there and unchanged, the note still verifies.
    assert people_rows(people_work) == before
    note.refresh_from_db()
    assert note_verify(note, recompute=False).authentic
    assert note.parcel_id == people_work["demo_parcel"].pk
    # The demo's own rows follow the files.
    current = PlanningDocument.objects.get(agency=demo, reference=CURRENT)
    assert current.title_fr.endswith("(révisé)")
    assert ZoneRule.objects.get(document=current, code="B4").max_height_m == 19.5
    refreshed = LayerVersion.objects.get(
        layer__document__agency=demo,
        layer__document__reference=EXPIRED,
        layer__name="zonage",
    )
    assert refreshed.pk != expired_zoning.pk
    assert refreshed.comment.endswith("— corrigé")
    assert refreshed.status == LayerVersion.Status.PUBLISHED
    assert refreshed.valid_from == expired_zoning.valid_from
    assert refreshed.feature_count == expired_zoning.feature_count
    assert not LayerVersion.objects.filter(pk=expired_zoning.pk).exists()
    assert Parcel.objects.get(agency=demo, reference=other_parcel).address == (
        "Nouvelle adresse, Oued Zahra (fictive)"
    )
    assert note.parcel.address == "Nouvelle adresse, Oued Zahra (fictive)"
    # Demo versions a note cites, or that people published after, are left.
    assert (
        set(
            LayerVersion.objects.filter(
                layer__document__agency=demo,
                layer__document__reference=CURRENT,
                layer__name="zonage",
            ).values_list("pk", "comment")
        )
        == current_zoning
    )
    assert f"{CURRENT}/zonage: its demo versions are cited by issued notes" in output
    flood_after = LayerVersion.objects.get(pk=flood_demo.pk)
    assert flood_after.comment == flood_demo.comment
    assert flood_after.valid_to == flood_demo.valid_to
    assert f"{CURRENT}/inondation: people published versions" in output

    # And the next restart finds everything up to date.
    assert "already up to date" in load_demo("--directory", str(directory))
