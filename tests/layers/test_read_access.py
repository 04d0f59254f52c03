"""Reads follow the agency policy: another agency's drafts, validation reports
and import jobs are not found (404) for its planners, as for the public."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from accounts import permissions
from accounts.tokens import api_token_create
from layers.models import ImportJob, Layer, LayerVersion, PlanningDocument

REPORT = {"errors": 2, "warnings": 1, "issues": []}


@pytest.fixture
def agency_a(document, zoning_layer, planner):
    """Agency A: an approved document whose layer has a published version and
    a newer draft, a draft document with its own draft, and an import job."""
    published = LayerVersion.objects.create(
        layer=zoning_layer,
        number=1,
        status=LayerVersion.Status.PUBLISHED,
        valid_from=timezone.now() - datetime.timedelta(days=1),
        report=REPORT,
        source_name="zonage-v1.geojson",
    )
    draft = LayerVersion.objects.create(
        layer=zoning_layer, number=2, report=REPORT, source_name="zonage-v2.geojson"
    )
    draft_document = PlanningDocument.objects.create(
        agency=document.agency,
        reference="PA-PROJET",
        kind=PlanningDocument.Kind.PA,
        title_fr="Projet de plan",
        status=PlanningDocument.Status.DRAFT,
    )
    draft_layer = Layer.objects.create(
        document=draft_document, name="zonage", title_fr="Zonage", kind="zoning"
    )
    unpublished = LayerVersion.objects.create(
        layer=draft_layer, number=1, report=REPORT
    )
    job = ImportJob.objects.create(
        layer=zoning_layer,
        upload="imports/zonage.zip",
        upload_name="zonage.zip",
        version=draft,
        created_by=planner,
    )
    return {
        "agency": document.agency,
        "layer": zoning_layer,
        "published": published,
        "draft": draft,
        "draft_document": draft_document,
        "draft_layer": draft_layer,
        "unpublished": unpublished,
        "job": job,
    }


def token_client(user) -> Client:
    key = api_token_create(user=user)[1]
    return Client(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="fr")


def draft_reads(a) -> list[str]:
    return [
        f"/api/v1/layers/{a['draft_layer'].pk}/versions",
        f"/api/v1/versions/{a['draft'].pk}",
        f"/api/v1/versions/{a['unpublished'].pk}",
        f"/api/v1/imports/{a['job'].pk}",
        f"/planner/versions/{a['draft'].pk}/",
        f"/planner/versions/{a['draft'].pk}/features.geojson",
        f"/planner/layers/{a['draft_layer'].pk}/",
    ]


def test_another_agency_planner_finds_none_of_the_drafts(agency_a, other_planner):
    api = token_client(other_planner)
    pages = Client()
    pages.force_login(other_planner)
    for url in draft_reads(agency_a):
        client = api if url.startswith("/api/") else pages
        assert client.get(url).status_code == 404, url


def test_another_agency_planner_cannot_publish_a_draft_it_cannot_see(
    agency_a, other_planner
):
    api = token_client(other_planner)
    answer = api.post(f"/api/v1/versions/{agency_a['draft'].pk}/publish")
    assert answer.status_code == 404
    agency_a["draft"].refresh_from_db()
    assert agency_a["draft"].status == LayerVersion.Status.DRAFT


def test_another_agency_planner_sees_the_history_without_drafts_or_reports(
    agency_a, other_planner
):
    api = token_client(other_planner)
    history = api.get(f"/api/v1/layers/{agency_a['layer'].pk}/versions").json()
    assert [version["id"] for version in history] == [agency_a["published"].pk]
    detail = api.get(f"/api/v1/versions/{agency_a['published'].pk}").json()
    assert detail["status"] == "published"
    assert "report" not in detail
    assert "errors" not in detail


def test_another_agency_planner_lists_only_approved_documents(agency_a, other_planner):
    api = token_client(other_planner)
    listing = api.get(f"/api/v1/agencies/{agency_a['agency'].code}/documents")
    assert listing.status_code == 200
    references = [document["reference"] for document in listing.json()]
    assert references == ["PA-1"]


def test_anonymous_reads_nothing_of_the_api_and_no_draft_page(agency_a):
    client = Client()
    for url in draft_reads(agency_a):
        answer = client.get(url)
        if url.startswith("/api/"):
            assert answer.status_code == 401, url
        else:
            assert answer.status_code == 302, url  # to the login page
            assert "/login/" in answer["Location"]


def test_the_owning_agency_reads_its_drafts_reports_and_jobs(agency_a, planner):
    api = token_client(planner)
    pages = Client()
    pages.force_login(planner)
    for url in draft_reads(agency_a):
        client = api if url.startswith("/api/") else pages
        assert client.get(url).status_code == 200, url
    history = api.get(f"/api/v1/layers/{agency_a['layer'].pk}/versions").json()
    assert [version["number"] for version in history] == [2, 1]
    assert history[0]["errors"] == 2
    assert api.get(f"/api/v1/versions/{agency_a['draft'].pk}").json()["report"]
    listing = api.get(f"/api/v1/agencies/{agency_a['agency'].code}/documents")
    assert {d["reference"] for d in listing.json()} == {"PA-1", "PA-PROJET"}


def test_a_national_administrator_reads_every_draft(agency_a, administrator):
    api = token_client(administrator)
    for url in draft_reads(agency_a)[:4]:
        assert api.get(url).status_code == 200, url


def test_the_policy_reads_published_data_for_everyone(agency_a, other_planner):
    from django.contrib.auth.models import AnonymousUser

    for user in (AnonymousUser(), other_planner):
        assert permissions.can_view(user, agency_a["published"])
        assert permissions.can_view(user, agency_a["layer"])
        assert not permissions.can_view(user, agency_a["draft"])
        assert not permissions.can_view(user, agency_a["draft_document"])
        assert not permissions.can_view(user, agency_a["job"])
        assert not permissions.can_view_report(user, agency_a["published"])
        # Only agency A's versions: the session's demo agency may be loaded.
        versions = LayerVersion.objects.filter(
            layer__document__agency=agency_a["agency"]
        )
        visible = permissions.viewable(user, versions)
        assert set(visible) == {agency_a["published"]}
