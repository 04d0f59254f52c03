"""The audit log: each accountable action leaves an event; nobody can change or
delete one; only national administrators read it."""

import datetime

import pytest
from django.db.models import Max

from accounts.models import ApiToken, User
from accounts.tokens import api_token_create, api_token_revoke
from audit.models import AuditEvent
from layers.models import LayerVersion
from layers.services import (
    FeatureData,
    layer_version_create,
    layer_version_publish,
    layer_version_restore,
)
from tests.conftest import sql_refused, square

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2021, 3, 1, tzinfo=datetime.UTC)
T1 = datetime.datetime(2023, 5, 1, tzinfo=datetime.UTC)


def _draft(layer, code: str = "UA") -> LayerVersion:
    return layer_version_create(
        layer=layer, features=[FeatureData(geom=square(-6.9, 33.9, 0.01), code=code)]
    )


@pytest.fixture
def log():
    """The events written from now on: those of session fixtures (the demo's
    publications) stay in the append-only log."""
    first = AuditEvent.objects.aggregate(last=Max("pk"))["last"] or 0
    return AuditEvent.objects.filter(pk__gt=first)


def test_publishing_through_the_planner_page_leaves_an_event_with_the_address(
    log, client, planner, zoning_layer, agency
):
    version = _draft(zoning_layer)
    client.force_login(planner)
    response = client.post(
        f"/planner/versions/{version.pk}/publish", REMOTE_ADDR="192.0.2.7"
    )
    assert response.status_code == 302
    event = log.filter(action="version_published").get()
    assert event.actor == planner
    assert event.actor_name == "planner"
    assert (event.object_type, event.object_id) == (
        "layers.layerversion",
        str(version.pk),
    )
    assert event.agency_id == agency.pk
    assert event.ip == "192.0.2.7"
    assert event.details["number"] == 1


def test_a_rollback_leaves_an_event(log, planner, zoning_layer):
    first = _draft(zoning_layer)
    layer_version_publish(version=first, published_by=planner, at=T0)
    layer_version_publish(version=_draft(zoning_layer, "UB"), at=T1)
    copy = layer_version_restore(version=first, published_by=planner)
    event = log.filter(action="version_restored").get()
    assert event.actor == planner
    assert event.object_id == str(copy.pk)
    assert event.details["restored_from"] == first.pk
    assert event.ip is None  # not asked through a request


def test_an_admin_delete_leaves_an_event(log, client, planner, zoning_layer):
    draft = _draft(zoning_layer)
    client.force_login(planner)
    response = client.post(
        f"/admin/layers/layerversion/{draft.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    event = log.filter(action="deleted").get()
    assert (event.actor, event.object_type, event.object_id) == (
        planner,
        "layers.layerversion",
        str(draft.pk),
    )
    assert "v1" in event.object_repr


def test_permission_changes_in_the_admin_leave_an_event(
    log, client, administrator, planner, other_agency
):
    client.force_login(administrator)
    form = {
        "username": planner.username,
        "password": planner.password,
        "role": User.Role.PLANNER,
        "language": "fr",
        "agency": other_agency.pk,
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "initial-date_joined_0": "2026-01-01",
        "initial-date_joined_1": "00:00:00",
    }
    response = client.post(f"/admin/accounts/user/{planner.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[-3000:]
    event = log.filter(action="permissions_changed").get()
    assert event.actor == administrator
    assert event.object_id == str(planner.pk)
    assert event.details["agency_id"] == [planner.agency_id, other_agency.pk]
    assert event.details["is_superuser"] == [False, True]
    assert "role" not in event.details  # unchanged


def test_creating_and_revoking_an_api_token_leave_events(log, planner, administrator):
    token, key = api_token_create(user=planner, name="script", created_by=planner)
    created = log.filter(action="token_created").get()
    assert created.actor == planner
    assert created.details == {"user": "planner", "prefix": key[:8]}
    assert key not in str(created.details)
    api_token_revoke(token=token, revoked_by=administrator)
    revoked = log.filter(action="token_revoked").get()
    assert revoked.actor == administrator
    assert revoked.agency_id == planner.agency_id
    assert not ApiToken.objects.filter(pk=token.pk).exists()


def test_the_log_is_append_only_in_sql(log, planner):
    api_token_create(user=planner)
    event = log.get()
    sql_refused(
        "UPDATE audit_auditevent SET actor_name = 'x' WHERE id = %s", [event.pk]
    )
    sql_refused("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    event.refresh_from_db()
    assert event.actor_name == ""


def test_a_planner_cannot_read_the_log_in_the_admin(log, client, planner):
    api_token_create(user=planner, created_by=planner)
    client.force_login(planner)
    assert client.get("/admin/audit/auditevent/").status_code == 403
    event = log.get()
    assert client.get(f"/admin/audit/auditevent/{event.pk}/change/").status_code in (
        302,
        403,
    )
    index = client.get("/admin/")
    assert index.status_code == 200
    assert b"/admin/audit/" not in index.content


def test_an_administrator_reads_the_log_but_cannot_change_it(
    log, client, administrator, planner
):
    api_token_create(user=planner, created_by=planner)
    event = log.get()
    client.force_login(administrator)
    listing = client.get("/admin/audit/auditevent/")
    assert listing.status_code == 200
    assert f"/admin/audit/auditevent/{event.pk}/change/".encode() in listing.content
    assert b"/admin/audit/" in client.get("/admin/").content
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    delete = f"/admin/audit/auditevent/{event.pk}/delete/"
    response = client.post(delete, {"post": "yes"})
    assert response.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()
