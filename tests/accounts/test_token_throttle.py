"""Token guessing: an address that sent too many invalid API tokens must wait."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import TokenFailure
from accounts.tokens import api_token_create


@pytest.fixture
def key(planner):
    return api_token_create(user=planner, name="script")[1]


def versions(client, zoning_layer, key, *, address="203.0.113.7"):
    return client.get(
        reverse("layers:api-layer-versions", args=[zoning_layer.pk]),
        HTTP_AUTHORIZATION=f"Token {key}",
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE="fr",
    )


def test_after_the_limit_even_a_valid_token_gets_429(
    client, zoning_layer, key, settings
):
    for number in range(settings.GEOPORTAIL_TOKEN_FAILURE_LIMIT):
        assert versions(client, zoning_layer, f"guess-{number}").status_code == 401
    answer = versions(client, zoning_layer, key)
    assert answer.status_code == 429
    assert answer["Content-Type"] == "application/json"
    assert answer.json()["error"]["code"] == "too_many_token_failures"
    assert "adresse" in answer.json()["error"]["message"]  # in French
    assert int(answer["Retry-After"]) > 0


def test_a_valid_token_before_the_limit_works(client, zoning_layer, key, settings):
    for number in range(settings.GEOPORTAIL_TOKEN_FAILURE_LIMIT - 1):
        versions(client, zoning_layer, f"guess-{number}")
    assert versions(client, zoning_layer, key).status_code == 200


def test_other_addresses_keep_their_tokens(client, zoning_layer, key, settings):
    for number in range(settings.GEOPORTAIL_TOKEN_FAILURE_LIMIT + 5):
        versions(client, zoning_layer, f"guess-{number}", address="203.0.113.7")
    assert versions(client, zoning_layer, key, address="192.0.2.1").status_code == 200


def test_a_valid_token_does_not_reset_the_count(client, zoning_layer, key, settings):
    limit = settings.GEOPORTAIL_TOKEN_FAILURE_LIMIT
    for number in range(limit - 1):
        versions(client, zoning_layer, f"guess-{number}")
    assert versions(client, zoning_layer, key).status_code == 200
    assert versions(client, zoning_layer, "one-more-guess").status_code == 401
    assert versions(client, zoning_layer, key).status_code == 429


def test_the_address_may_try_again_after_the_cool_off(
    client, zoning_layer, key, settings
):
    for number in range(settings.GEOPORTAIL_TOKEN_FAILURE_LIMIT):
        versions(client, zoning_layer, f"guess-{number}")
    assert versions(client, zoning_layer, key).status_code == 429
    cooloff = datetime.timedelta(minutes=settings.GEOPORTAIL_TOKEN_COOLOFF_MINUTES)
    TokenFailure.objects.update(last_failure_at=timezone.now() - cooloff)
    assert versions(client, zoning_layer, key).status_code == 200
    # …and counts from zero again.
    assert versions(client, zoning_layer, "new-guess").status_code == 401
    assert versions(client, zoning_layer, key).status_code == 200
