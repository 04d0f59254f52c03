"""Open311 GeoReport v2 (``requete.open311``) is a way in that the OpenAPI
fuzzing does not reach: whatever a client sends to its lists and its
filing, the answer is the specification's JSON — a list, services or
requests or errors — with a 4xx at worst, never a server error."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz import fuzz_settings
from tests.fuzz.strategies import TEXT, VALUES

NAMES = [
    "jurisdiction_id",
    "service_code",
    "service_request_id",
    "status",
    "start_date",
    "end_date",
    "extensions",
    "lat",
    "long",
    "address_id",
    "address_string",
    "email",
    "phone",
    "description",
    "attribute[floor]",
    "first_name",
]
PARAMS = st.dictionaries(
    st.one_of(st.sampled_from(NAMES), TEXT),
    st.one_of(
        VALUES, st.sampled_from(["-6.85", "33.99", "2026-02-30", "open", "", "\x00"])
    ),
    max_size=8,
)
PATHS = st.sampled_from(
    [
        "/open311/v2/services.json",
        "/open311/v2/services.xml",
        "/open311/v2/requests.json",
        "/open311/v2/requests.xml",
        "/open311/v2/requests/AURS-2026-000001.json",
        "/open311/v2/tokens/x.json",
    ]
)


def answered(response) -> None:
    assert response.status_code < 500, response.content[:300]
    if response["Content-Type"].startswith("application/json"):
        assert isinstance(json.loads(response.content), list)


@pytest.mark.django_db
@given(path=PATHS, params=PARAMS)
@fuzz_settings(150)
def test_any_query_gets_an_answer_or_an_error_list(client, kind, path, params):
    answered(client.get(path, params))


@pytest.mark.django_db
@given(params=PARAMS)
@fuzz_settings(100)
def test_any_filing_gets_an_answer_or_an_error_list(client, kind, params):
    answered(client.post("/open311/v2/requests.json", params))
