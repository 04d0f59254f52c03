"""The planner's workspace without the admin: documents with their perimeter
(drawn or from a file) and regulation PDFs, layers — per agency, audited."""

import io
import json
import subprocess
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from layers.models import Layer, PlanningDocument, RegulationFile
from tests.conftest import square

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
DRAWN = {
    "type": "MultiPolygon",
    "coordinates": [
        [[[-6.89, 33.91], [-6.85, 33.91], [-6.85, 33.95], [-6.89, 33.91]]],
    ],
}


def document_data(agency, **extra):
    data = {
        "agency": agency.pk,
        "kind": "pa",
        "reference": "PA-NEW-2026",
        "title_fr": "Plan d'aménagement du centre",
        "title_ar": "تصميم تهيئة المركز",
        "status": "draft",
        "approval_act": "",
        "approval_date": "",
        "bulletin_reference": "",
        "effective_date": "",
        "expiry_date": "",
        "perimeter_geojson": json.dumps(DRAWN),
    }
    data.update(extra)
    return data


@pytest.fixture
def planner_client(client, planner):
    client.force_login(planner)
    return client


def test_a_planner_creates_a_document_with_a_drawn_perimeter(
    planner_client, planner, agency
):
    page = planner_client.post(reverse("layers:document-new"), document_data(agency))
    document = PlanningDocument.objects.get(reference="PA-NEW-2026")
    assert page.status_code == 302
    assert page["Location"] == reverse("layers:document", args=[document.pk])
    assert document.agency == agency
    assert document.perimeter.num_geom == 1
    assert document.perimeter.contains(document.perimeter.centroid)
    event = AuditEvent.objects.get(object_type="layers.planningdocument")
    assert event.action == AuditEvent.Action.CREATED
    assert event.actor == planner
    assert event.agency_id == agency.pk


def test_the_perimeter_comes_from_a_zipped_shapefile_in_its_crs(
    planner_client, agency, tmp_path
):
    source = tmp_path / "drawn.geojson"
    source.write_text(json.dumps(DRAWN))
    subprocess.run(
        ["ogr2ogr", "-t_srs", "EPSG:26191", str(tmp_path / "perimetre.shp"), source],
        check=True,
    )
    members = {path.name: path.read_bytes() for path in tmp_path.glob("perimetre.*")}
    assert ".prj" in {name[-4:] for name in members}
    upload = SimpleUploadedFile("perimetre.zip", zipped(members), "application/zip")
    data = document_data(agency, perimeter_geojson="", perimeter_file=upload)
    page = planner_client.post(reverse("layers:document-new"), data)
    assert page.status_code == 302
    document = PlanningDocument.objects.get(reference="PA-NEW-2026")
    # Back in EPSG:4326, where it was drawn.
    assert document.perimeter.extent == pytest.approx((-6.89, 33.91, -6.85, 33.95))


def test_a_perimeter_file_without_polygons_is_refused(planner_client, agency):
    point = {"type": "Point", "coordinates": [-6.85, 33.95]}
    upload = SimpleUploadedFile("point.geojson", json.dumps(point).encode())
    data = document_data(agency, perimeter_geojson="", perimeter_file=upload)
    page = planner_client.post(
        reverse("layers:document-new"), data, headers={"accept-language": "fr"}
    )
    assert page.status_code == 400
    assert "aucun polygone" in page.text


def test_the_perimeter_comes_from_a_geojson_file(planner_client, agency):
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {}, "geometry": DRAWN},
            {
                "type": "Feature",
                "properties": {},
                "geometry": json.loads(square(-6.80, 33.9, 0.01).json),
            },
        ],
    }
    upload = SimpleUploadedFile(
        "perimetre.geojson", json.dumps(collection).encode(), "application/geo+json"
    )
    data = document_data(agency, perimeter_geojson="", perimeter_file=upload)
    page = planner_client.post(reverse("layers:document-new"), data)
    assert page.status_code == 302
    document = PlanningDocument.objects.get(reference="PA-NEW-2026")
    assert document.perimeter.num_geom == 2


def test_a_self_crossing_drawing_is_refused_in_the_users_language(
    planner_client, agency
):
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]],
    }
    page = planner_client.post(
        reverse("layers:document-new"),
        document_data(agency, perimeter_geojson=json.dumps(bowtie)),
        headers={"accept-language": "ar"},
    )
    assert page.status_code == 400
    assert "المدار المرسوم يتقاطع مع نفسه؛ ارسمه من جديد." in page.text
    assert not PlanningDocument.objects.filter(reference="PA-NEW-2026").exists()


def test_an_approved_document_needs_its_effective_date(planner_client, agency):
    page = planner_client.post(
        reverse("layers:document-new"),
        document_data(agency, status="approved"),
        headers={"accept-language": "fr"},
    )
    assert page.status_code == 400
    assert not PlanningDocument.objects.filter(reference="PA-NEW-2026").exists()


def test_a_planner_cannot_create_for_another_agency(planner_client, other_agency):
    page = planner_client.post(
        reverse("layers:document-new"), document_data(other_agency)
    )
    assert page.status_code == 400  # not a choice offered to this planner
    assert not PlanningDocument.objects.filter(reference="PA-NEW-2026").exists()


def test_another_agencys_draft_is_not_found(client, other_planner, document):
    document.status = PlanningDocument.Status.DRAFT
    document.save()
    client.force_login(other_planner)
    assert client.get(reverse("layers:document", args=[document.pk])).status_code == (
        404
    )


def test_another_agencys_published_document_is_not_editable(
    client, other_planner, document
):
    client.force_login(other_planner)
    page = client.post(
        reverse("layers:document", args=[document.pk]),
        document_data(document.agency, reference="CHANGED"),
    )
    assert page.status_code == 403
    document.refresh_from_db()
    assert document.reference == "PA-1"


def test_editing_a_document_records_what_changed(planner_client, planner, document):
    data = document_data(
        document.agency,
        reference=document.reference,
        status="approved",
        approval_date="2019-06-01",
        effective_date="2019-07-04",
        expiry_date="2029-07-04",
        title_fr="Plan d'aménagement révisé",
        perimeter_geojson="",
    )
    page = planner_client.post(reverse("layers:document", args=[document.pk]), data)
    assert page.status_code == 302
    document.refresh_from_db()
    assert document.title_fr == "Plan d'aménagement révisé"
    assert document.perimeter is not None  # an empty drawing keeps the stored one
    event = AuditEvent.objects.get(action=AuditEvent.Action.CHANGED)
    assert event.details["changes"]["title_fr"][1] == "Plan d'aménagement révisé"


def test_a_regulation_pdf_is_attached_and_a_non_pdf_refused(
    planner_client, planner, document
):
    url = reverse("layers:document-file", args=[document.pk])
    page = planner_client.post(
        url,
        {
            "regulation-title_fr": "Règlement",
            "regulation-language": "fr",
            "regulation-file": SimpleUploadedFile(
                "reglement.pdf", PDF, "application/pdf"
            ),
        },
    )
    assert page.status_code == 302
    regulation = RegulationFile.objects.get(document=document)
    assert regulation.file.read() == PDF
    assert len(regulation.sha256) == 64
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    page = planner_client.post(
        url,
        {
            "regulation-title_fr": "Faux",
            "regulation-language": "fr",
            "regulation-file": fake,
        },
        headers={"accept-language": "fr"},
    )
    assert page.status_code == 400
    assert "n’est pas un fichier PDF" in page.text
    assert RegulationFile.objects.filter(document=document).count() == 1


def test_a_regulation_pdf_over_the_limit_is_refused(planner_client, document, settings):
    settings.GEOPORTAIL_MAX_REGULATION_BYTES = 100
    page = planner_client.post(
        reverse("layers:document-file", args=[document.pk]),
        {
            "regulation-title_fr": "Règlement",
            "regulation-language": "fr",
            "regulation-file": SimpleUploadedFile(
                "r.pdf", PDF + b" " * 200, "application/pdf"
            ),
        },
    )
    assert page.status_code == 400
    assert not RegulationFile.objects.filter(document=document).exists()


def test_a_planner_creates_a_layer_then_lands_on_its_upload_page(
    planner_client, document
):
    page = planner_client.post(
        reverse("layers:layer-new", args=[document.pk]),
        {
            "name": "zonage",
            "title_fr": "Zonage",
            "title_ar": "التنطيق",
            "kind": "zoning",
            "overlay_type": "green_space",
            "geometry_type": "line",
            "position": 0,
        },
    )
    layer = Layer.objects.get(document=document, name="zonage")
    assert page["Location"] == reverse("layers:layer", args=[layer.pk])
    # A zoning is polygons without an overlay type, whatever was chosen.
    assert (layer.overlay_type, layer.geometry_type) == ("", "polygon")
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.CREATED, object_type="layers.layer"
    ).exists()


def test_an_overlay_needs_its_type_and_a_name_is_unique(
    planner_client, document, zoning_layer
):
    url = reverse("layers:layer-new", args=[document.pk])
    data = {"name": "servitudes", "title_fr": "Servitudes", "kind": "overlay"}
    data.update({"overlay_type": "", "geometry_type": "polygon", "position": 1})
    assert planner_client.post(url, data).status_code == 400
    data.update(name="zonage", overlay_type="easement")
    page = planner_client.post(url, data)
    assert page.status_code == 400
    assert Layer.objects.filter(document=document).count() == 1


def test_the_workspace_links_to_its_pages(planner_client, document):
    page = planner_client.get(reverse("layers:planner"))
    for url in (
        reverse("layers:document-new"),
        reverse("layers:document", args=[document.pk]),
        reverse("layers:document-rules", args=[document.pk]),
        reverse("layers:layer-new", args=[document.pk]),
    ):
        assert f'href="{url}"' in page.text
    assert "/admin/" not in page.text


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_saving_the_same_perimeter_again_is_no_change(planner_client, document):
    data = document_data(
        document.agency,
        reference=document.reference,
        status="approved",
        approval_date="2019-06-01",
        effective_date="2019-07-04",
        expiry_date="2029-07-04",
        title_fr=document.title_fr,
        title_ar=document.title_ar,
        approval_act=document.approval_act,
        perimeter_geojson=document.perimeter.geojson,
    )
    page = planner_client.post(reverse("layers:document", args=[document.pk]), data)
    assert page.status_code == 302
    event = AuditEvent.objects.get(action=AuditEvent.Action.CHANGED)
    assert "perimeter" not in event.details.get("changes", {})


def test_reference_data_needs_its_type_and_has_no_overlay_type(
    planner_client, document
):
    url = reverse("layers:layer-new", args=[document.pk])
    data = {"name": "rues", "title_fr": "Rues", "kind": "reference"}
    data.update({"overlay_type": "easement", "geometry_type": "line", "position": 2})
    refused = planner_client.post(url, data, HTTP_ACCEPT_LANGUAGE="fr")
    assert refused.status_code == 400
    assert "Choisissez le type des données de référence." in refused.text
    assert not Layer.objects.filter(document=document, name="rues").exists()
    planner_client.post(url, {**data, "reference_type": "street"})
    layer = Layer.objects.get(document=document, name="rues")
    assert (layer.kind, layer.reference_type, layer.overlay_type) == (
        "reference",
        "street",
        "",
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        # A zip whose member climbs out of the work folder.
        ("perimetre.zip", "zip"),
        # A VRT naming a file of the server, posing as GeoJSON.
        (
            "perimetre.geojson",
            b"<OGRVRTDataSource><OGRVRTLayer name='x'>"
            b"<SrcDataSource>/etc/passwd</SrcDataSource></OGRVRTLayer>"
            b"</OGRVRTDataSource>",
        ),
    ],
)
def test_a_hostile_perimeter_file_is_refused_and_creates_nothing(
    planner_client, agency, name, content
):
    if content == "zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as bundle:
            bundle.writestr("../../perimetre.geojson", json.dumps(DRAWN))
        content = buffer.getvalue()
    upload = SimpleUploadedFile(name, content)
    data = document_data(agency, perimeter_geojson="", perimeter_file=upload)
    page = planner_client.post(
        reverse("layers:document-new"), data, headers={"accept-language": "fr"}
    )
    assert page.status_code == 400
    assert "root:" not in page.text
    assert not PlanningDocument.objects.filter(reference="PA-NEW-2026").exists()
