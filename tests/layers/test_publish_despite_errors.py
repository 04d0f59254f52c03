"""An approved plan with defects is published as approved when a planner says
why: the errors of that moment, who, when and why are recorded and shown with
the version, in the planner pages, the API and the public document page."""

import datetime
import json

import pytest
from django.test import Client

from accounts.tokens import api_token_create
from audit.models import AuditEvent
from importing.issues import Report
from layers.imports.topology import topology_check
from layers.models import LayerVersion
from layers.services import (
    FeatureData,
    ReasonRequired,
    VersionStateError,
    layer_version_create,
    layer_version_publish,
    layer_version_restore,
)
from tests.conftest import square

REASON = "Le plan approuvé (BO n° 6789) comporte lui-même ce chevauchement."


@pytest.fixture
def defective(zoning_layer):
    """A draft whose zones B and C overlap: its report has one error."""
    draft = layer_version_create(
        layer=zoning_layer,
        features=[
            FeatureData(geom=square(-6.90, 33.9, 0.01), code="A", source_id="1"),
            FeatureData(geom=square(-6.89, 33.9, 0.01), code="B", source_id="2"),
            FeatureData(geom=square(-6.885, 33.9, 0.01), code="C", source_id="3"),
        ],
    )
    report = Report()
    topology_check(version_id=draft.pk, perimeter=None, report=report)
    draft.report = report.as_dict()
    draft.save(update_fields=["report"])
    assert draft.report["errors"] == 1
    return draft


def test_a_version_with_errors_needs_an_explicit_reason(defective, planner):
    with pytest.raises(VersionStateError):
        layer_version_publish(version=defective, published_by=planner)
    with pytest.raises(ReasonRequired):
        layer_version_publish(
            version=defective, published_by=planner, despite_errors_reason="  \n "
        )
    defective.refresh_from_db()
    assert defective.status == LayerVersion.Status.DRAFT


def test_publishing_despite_errors_records_who_when_why_and_the_errors(
    defective, planner
):
    version = layer_version_publish(
        version=defective, published_by=planner, despite_errors_reason=REASON
    )
    version.refresh_from_db()
    assert version.status == LayerVersion.Status.PUBLISHED
    accepted = version.errors_accepted
    assert accepted["reason"] == REASON
    assert accepted["by"] == "planner"
    assert version.errors_accepted_at is not None
    assert accepted["errors"] == 1
    assert accepted["kinds"] == {"zones_overlap": 1}
    assert accepted["features"] == ["2", "3"]
    assert accepted["zones"] == ["B", "C"]
    assert len(accepted["feature_ids"]) == 2
    event = AuditEvent.objects.get(
        action="version_published_despite_errors", object_id=str(version.pk)
    )
    assert event.actor == planner
    assert event.details["reason"] == REASON


def test_a_clean_version_records_nothing(zoning_layer, planner):
    draft = layer_version_create(
        layer=zoning_layer, features=[FeatureData(geom=square(-6.9, 33.9, 0.01))]
    )
    version = layer_version_publish(
        version=draft, published_by=planner, despite_errors_reason=REASON
    )
    assert version.errors_accepted == {}


def test_the_planner_page_offers_it_and_requires_the_reason(client, planner, defective):
    client.force_login(planner)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get(f"/planner/versions/{defective.pk}/")
    assert "Publish despite errors" in page.content.decode()
    url = f"/planner/versions/{defective.pk}/publish"
    refused = client.post(url, {"despite_errors": "1", "reason": " "}, follow=True)
    assert "Say why" in refused.content.decode()
    defective.refresh_from_db()
    assert defective.status == LayerVersion.Status.DRAFT
    response = client.post(url, {"despite_errors": "1", "reason": REASON})
    assert response.status_code == 302
    defective.refresh_from_db()
    assert defective.status == LayerVersion.Status.PUBLISHED
    page = client.get(f"/planner/versions/{defective.pk}/").content.decode()
    assert "Published despite errors in its data" in page
    assert "BO n° 6789" in page
    history = client.get(f"/planner/layers/{defective.layer_id}/").content.decode()
    assert "despite errors" in history


def test_the_api_publishes_despite_errors_only_with_a_reason(planner, defective):
    key = api_token_create(user=planner)[1]
    api = Client(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="en")
    url = f"/api/v1/versions/{defective.pk}/publish"
    assert api.post(url).status_code == 409
    blank = api.post(
        url,
        json.dumps({"despite_errors": True, "reason": ""}),
        content_type="application/json",
    )
    assert blank.status_code == 400
    assert blank.json()["error"]["code"] == "reason_required"
    done = api.post(
        url,
        json.dumps({"despite_errors": True, "reason": REASON}),
        content_type="application/json",
    )
    assert done.status_code == 200, done.content
    recorded = done.json()["published_despite_errors"]
    assert recorded["reason"] == REASON
    assert recorded["errors"] == 1
    assert recorded["zones"] == ["B", "C"]
    detail = api.get(f"/api/v1/versions/{defective.pk}").json()
    assert detail["published_despite_errors"]["by"] == "planner"


def test_the_public_document_page_shows_it(client, planner, defective, document):
    layer_version_publish(
        version=defective, published_by=planner, despite_errors_reason=REASON
    )
    page = client.get(
        f"/documents/{document.agency.code}/{document.reference}/",
        HTTP_ACCEPT_LANGUAGE="fr",
    ).content.decode()
    assert "Publiée malgré des erreurs dans ses données" in page
    assert "BO n° 6789" in page
    assert "B, C" in page


def test_rolling_back_to_it_carries_the_reason(defective, planner, zoning_layer):
    layer_version_publish(
        version=defective,
        published_by=planner,
        at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
        despite_errors_reason=REASON,
    )
    clean = layer_version_create(
        layer=zoning_layer, features=[FeatureData(geom=square(-6.9, 33.9, 0.01))]
    )
    layer_version_publish(
        version=clean, at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    )
    copy = layer_version_restore(version=defective, published_by=planner)
    assert copy.status == LayerVersion.Status.PUBLISHED
    assert REASON in copy.errors_accepted["reason"]
    assert copy.errors_accepted["zones"] == ["B", "C"]
