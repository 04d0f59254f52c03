"""Agencies' territories are required and do not overlap silently: the service,
the API, the admin and the command refuse, name the other agency and the
overlap's area, and accept it only with a reason the audit log keeps."""

from __future__ import annotations

import io
import json

import pytest
import shapely
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.core.management import CommandError, call_command
from django.utils import translation

from accounts.tokens import api_token_create
from audit.models import AuditEvent
from core.i18n import number_text
from layers.models import Agency, Layer
from layers.services import (
    FeatureData,
    agency_create,
    agency_save,
    layer_version_create,
    layer_version_publish,
)
from layers.territories import (
    AgencyWithoutTerritory,
    TerritoryOverlap,
    TerritoryRequired,
)
from tests.notes.conftest import geodesic_area

pytestmark = pytest.mark.django_db

# The ``agency`` fixture's territory: lon −6.9…−6.8, lat 33.9…34.0. The demo
# agency, when a test of the session loaded it, holds its south-west corner:
# the territories written here stay north and east of it.
METRE = 1 / 92_500  # a metre of longitude at 33.95° N, in degrees


def box(x0: float, y0: float, x1: float, y1: float) -> MultiPolygon:
    return MultiPolygon(
        GEOSGeometry(shapely.box(x0, y0, x1, y1).wkt, srid=4326), srid=4326
    )


def create(user, code: str, territory, **extra) -> Agency:
    return agency_create(
        user=user,
        code=code,
        name_fr=f"Agence {code}",
        name_ar=f"وكالة {code}",
        territory=territory,
        **extra,
    )


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_an_overlapping_territory_is_refused_naming_the_agency_and_the_area(
    agency, administrator, language
):
    # 60 m × 60 m over the north-east corner of the agency's territory.
    corner = box(-6.8 - 60 * METRE, 34.0 - 0.00054, -6.7, 34.1)
    expected = geodesic_area(shapely.box(-6.8 - 60 * METRE, 34.0 - 0.00054, -6.8, 34.0))
    with translation.override(language), pytest.raises(TerritoryOverlap) as refused:
        create(administrator, "auk", corner)
    overlap = refused.value.details["overlaps"][0]
    assert overlap["agency"] == agency.code
    assert overlap["area_m2"] == pytest.approx(expected, rel=1e-3)
    message = str(refused.value.message)
    assert (agency.name_ar if language == "ar" else agency.name_fr) in message
    assert number_text(overlap["area_m2"], language, 0) in message
    assert refused.value.http_status == 409
    assert not Agency.objects.filter(code="auk").exists()


def test_a_shared_border_drawn_twice_is_no_overlap_however_long(agency, administrator):
    # A neighbour whose border runs 1 m inside the agency's for 11 km: a
    # sliver of about 10,000 m², more than the refused corner above.
    neighbour = create(administrator, "auk", box(-6.8 - METRE, 33.9, -6.7, 34.0))
    assert neighbour.territory is not None
    sliver = shapely.box(-6.8 - METRE, 33.9, -6.8, 34.0)
    assert geodesic_area(sliver) > 9_000
    # 10 m inside (on the north side) is no longer a drawing difference.
    with pytest.raises(TerritoryOverlap) as refused:
        create(administrator, "aut", box(-6.9, 34.0 - 10 / 111_000, -6.85, 34.1))
    assert [item["agency"] for item in refused.value.details["overlaps"]] == [
        agency.code
    ]


def test_an_administrator_accepts_an_overlap_with_a_reason_the_log_keeps(
    agency, administrator
):
    overlapping = box(-6.85, 33.95, -6.75, 34.05)
    reason = "Décret de 2024 : la commune de X relève des deux agences."
    created = create(administrator, "auk", overlapping, overlap_reason=reason)
    event = AuditEvent.objects.get(
        action=AuditEvent.Action.TERRITORY_OVERLAP_ACCEPTED, agency_id=created.pk
    )
    assert event.actor == administrator
    assert event.actor_name == administrator.username
    assert event.details["reason"] == reason
    assert [item["agency"] for item in event.details["overlaps"]] == [agency.code]
    expected = geodesic_area(shapely.box(-6.85, 33.95, -6.8, 34.0))
    assert event.details["area_m2"] == pytest.approx(expected, rel=1e-3)


def test_a_blank_reason_accepts_nothing(agency, administrator):
    with pytest.raises(TerritoryOverlap):
        create(
            administrator, "auk", box(-6.85, 33.95, -6.75, 34.05), overlap_reason=" "
        )


def test_the_api_refuses_an_overlap_in_the_readers_language(
    client, agency, administrator
):
    key = api_token_create(user=administrator)[1]
    body = {
        "code": "auk",
        "name_fr": "Agence urbaine de Kénitra",
        "srid": "EPSG:26191",
        "territory": json.loads(box(-6.85, 33.95, -6.75, 34.05).geojson),
    }
    refused = client.post(
        "/api/v1/agencies",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {key}",
        HTTP_ACCEPT_LANGUAGE="ar",
    )
    assert refused.status_code == 409, refused.content
    error = refused.json()["error"]
    assert error["code"] == "territory_overlap"
    assert agency.name_ar in error["message"]
    assert error["details"]["overlaps"][0]["agency"] == agency.code
    accepted = client.post(
        "/api/v1/agencies",
        {**body, "overlap_reason": "Commune partagée par décret."},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {key}",
    )
    assert accepted.status_code == 200, accepted.content


@pytest.mark.parametrize(
    ("language", "words"),
    [("fr", "chevauche celui de"), ("ar", "يتداخل مع نفوذ")],
)
def test_the_admin_refuses_changing_a_territory_onto_another(
    client, agency, other_agency, administrator, language, words
):
    client.force_login(administrator)
    client.cookies["django_language"] = language
    form = {
        "code": other_agency.code,
        "name_fr": other_agency.name_fr,
        "name_ar": other_agency.name_ar,
        "name_en": "",
        "srid": other_agency.srid,
        "note_prefix": other_agency.note_prefix,
        "territory": "SRID=4326;" + box(-6.85, 33.95, -6.75, 34.05).wkt,
        "overlap_reason": "",
    }
    url = f"/admin/layers/agency/{other_agency.pk}/change/"
    page = client.post(url, form)
    assert page.status_code == 200  # the form again, with the error
    assert words in page.content.decode()
    other_agency.refresh_from_db()
    assert other_agency.territory.extent[0] == pytest.approx(-6.6)

    form["overlap_reason"] = "Limite révisée par l'arrêté n° 12."
    assert client.post(url, form).status_code == 302
    other_agency.refresh_from_db()
    assert other_agency.territory.extent[0] == pytest.approx(-6.85)
    shown = client.get(url).content.decode()
    assert "Limite révisée par l&#x27;arrêté n° 12." in shown
    assert agency.code in shown


def test_an_agency_without_territory_is_refused_everywhere(client, administrator):
    with pytest.raises(TerritoryRequired):
        create(administrator, "auk", None)
    key = api_token_create(user=administrator)[1]
    response = client.post(
        "/api/v1/agencies",
        {"code": "auk", "name_fr": "Kénitra", "srid": 26191},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {key}",
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "territory_required"
    assert "territoire" in response.json()["error"]["message"]
    client.force_login(administrator)
    page = client.post(
        "/admin/layers/agency/add/",
        {"code": "auk", "name_fr": "Kénitra", "srid": 26191, "note_prefix": "AUK"},
        HTTP_ACCEPT_LANGUAGE="ar",
    )
    assert page.status_code == 200
    assert "نفوذ" in page.content.decode()
    with translation.override("fr"), pytest.raises(CommandError, match="territoire"):
        call_command(
            "create_agency",
            "auk",
            "--name",
            "Kénitra",
            "--srs",
            "26191",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    assert not Agency.objects.filter(code="auk").exists()


@pytest.mark.parametrize(
    ("language", "words"),
    [("fr", "n'a pas de territoire"), ("ar", "ليس لها نفوذ ترابي")],
)
def test_a_plan_of_an_agency_without_territory_is_refused_at_publication(
    make_agency, make_document, language, words
):
    # An agency from before territories were required: its published zoning
    # would make every note on its land fail "outside every agency".
    legacy = make_agency("auold", territory=None)
    document = make_document(legacy, perimeter=box(-6.9, 33.9, -6.8, 34.0))
    layer = Layer.objects.create(
        document=document, name="zonage", kind=Layer.Kind.ZONING
    )
    version = layer_version_create(
        layer=layer,
        features=[FeatureData(geom=box(-6.9, 33.9, -6.8, 34.0), code="UA")],
    )
    with (
        translation.override(language),
        pytest.raises(AgencyWithoutTerritory) as refused,
    ):
        layer_version_publish(version=version)
    assert words in str(refused.value.message)
    version.refresh_from_db()
    assert version.status == "draft"


def test_renaming_an_agency_asks_nothing_again_of_its_territory(
    client, agency, administrator
):
    # An overlap accepted once (or older than the rule) is not asked again
    # when the territory itself does not change.
    neighbour = create(
        administrator,
        "auk",
        box(-6.85, 33.95, -6.75, 34.05),
        overlap_reason="Commune partagée par décret.",
    )
    neighbour.name_fr = "Agence urbaine de Kénitra-Sidi Kacem"
    agency_save(user=administrator, agency=neighbour)
    neighbour.refresh_from_db()
    assert neighbour.name_fr == "Agence urbaine de Kénitra-Sidi Kacem"
    neighbour.territory = box(-6.86, 33.95, -6.75, 34.05)
    with pytest.raises(TerritoryOverlap):
        agency_save(user=administrator, agency=neighbour)
