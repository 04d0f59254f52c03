"""Roles: a planner changes only their own agency's data; administrators, all."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts import permissions
from layers.models import Layer, PlanningDocument, ZoneRule
from parcels.models import Parcel
from tests.conftest import square


@pytest.fixture
def foreign_document(other_agency, make_document):
    return make_document(other_agency, "PA-B")


def test_planner_changes_own_agency_documents_layers_and_rules(
    planner, document, zoning_layer
):
    rule = ZoneRule.objects.create(document=document, code="D1", label_fr="Villas")
    for obj in (document, zoning_layer, rule):
        assert permissions.can_change(planner, obj)
        permissions.require_change(planner, obj)


def test_planner_cannot_change_another_agency(planner, foreign_document):
    layer = Layer.objects.create(
        document=foreign_document, name="zonage", title_fr="Zonage", kind="zoning"
    )
    for obj in (foreign_document, layer, foreign_document.agency):
        assert not permissions.can_change(planner, obj)
        with pytest.raises(PermissionDenied):
            permissions.require_change(planner, obj)
    assert (
        not permissions.editable(planner, PlanningDocument.objects.all())
        .filter(pk=foreign_document.pk)
        .exists()
    )


def test_administrator_changes_everything(administrator, document, foreign_document):
    assert permissions.can_change(administrator, foreign_document)
    assert permissions.can_change(administrator, document.agency)
    assert (
        permissions.editable(administrator, PlanningDocument.objects.all()).count() >= 2
    )


def test_anonymous_and_inactive_users_change_nothing(planner, document):
    assert not permissions.can_change(AnonymousUser(), document)
    planner.is_active = False
    assert not permissions.can_change(planner, document)


def test_planner_without_agency_changes_nothing(django_user_model, document):
    orphan = django_user_model.objects.create_user(
        "orphan", password="x-long-password-9"
    )
    assert not permissions.can_change(orphan, document)
    assert not permissions.editable(orphan, PlanningDocument.objects.all()).exists()


def test_admin_site_lists_only_own_agency_documents(
    client, planner, document, foreign_document
):
    client.force_login(planner)
    page = client.get(reverse("admin:layers_planningdocument_changelist"))
    assert page.status_code == 200
    assert document.reference in page.text
    assert foreign_document.reference not in page.text


def test_admin_site_refuses_changes_to_another_agency(
    client, planner, foreign_document
):
    client.force_login(planner)
    url = reverse("admin:layers_planningdocument_change", args=[foreign_document.pk])
    assert client.get(url).status_code in (302, 403, 404)
    response = client.post(
        url, {"reference": "HIJACKED", "title_fr": "x", "kind": "pa"}
    )
    assert response.status_code in (302, 403, 404)
    foreign_document.refresh_from_db()
    assert foreign_document.reference == "PA-B"


def test_admin_site_offers_only_own_agency_when_adding(
    client, planner, agency, other_agency
):
    client.force_login(planner)
    page = client.get(reverse("admin:layers_planningdocument_add"))
    assert page.status_code == 200
    assert agency.name_fr in page.text
    assert other_agency.name_fr not in page.text


def test_planner_cannot_manage_users(client, planner):
    client.force_login(planner)
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403


def test_parcel_admin_stores_the_canonical_reference(client, administrator, agency):
    client.force_login(administrator)
    response = client.post(
        reverse("admin:parcels_parcel_add"),
        {
            "agency": agency.pk,
            "reference": " tf 12345 / 7 ",
            "address": "",
            "official_area_m2": "250",
            "geom": square(-6.85, 33.9, 0.0002).geojson,
        },
    )
    assert response.status_code == 302, response.text[:2000]
    parcel = Parcel.objects.get(agency=agency)
    assert (parcel.reference, parcel.reference_key, parcel.kind) == (
        "TF 12345/07",
        "TF12345/7",
        "TF",
    )
