"""Issuing notes is bounded per anonymous address: each note is signed and kept
for ever (the database refuses to delete it), so a script must not be able to
fill the registry."""

from __future__ import annotations

import datetime
import json

import pytest

from accounts.models import RequestQuota
from notes.models import Note

pytestmark = pytest.mark.django_db


def issue(client, *, address: str = "192.0.2.10", language: str = "fr"):
    return client.post(
        "/api/v1/notes",
        data=json.dumps({"parcel": "TF 100/07"}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=language,
        REMOTE_ADDR=address,
    )


@pytest.fixture
def limit(settings):
    settings.GEOPORTAIL_NOTE_ISSUE_LIMIT = 3
    return 3


def test_an_address_past_the_hours_limit_gets_429_and_no_note(client, site, limit):
    for _ in range(limit):
        assert issue(client).status_code == 201
    response = issue(client, language="ar")
    assert response.status_code == 429
    error = response.json()["error"]
    assert error["code"] == "too_many_requests"
    assert "مذكرات" in error["message"]  # in the reader's language
    assert 0 < int(response["Retry-After"]) <= 3600
    assert Note.objects.count() == limit


def test_other_addresses_are_not_held_back(client, site, limit):
    for _ in range(limit + 1):
        issue(client)
    assert issue(client, address="198.51.100.7").status_code == 201


def test_the_limit_starts_again_after_the_hour(client, site, limit):
    for _ in range(limit + 1):
        issue(client)
    hour_ago = datetime.timedelta(hours=1, seconds=1)
    RequestQuota.objects.update(
        window_start=RequestQuota.objects.get().window_start - hour_ago
    )
    assert issue(client).status_code == 201


def test_planners_are_not_counted(client, site, planner, limit):
    client.force_login(planner)
    for _ in range(limit + 2):
        assert issue(client).status_code == 201
