"""Anonymous orders are bounded (``payments.quotas``): past the limit of an
address, or of an agency from any address, the next order is refused with a
sentence in the citizen's language and Retry-After, through the API and the
page; a retry of an order placed is not counted; staff are not limited."""

from __future__ import annotations

import html
import json

import pytest

from payments.models import Order
from tests.payments.conftest import SERVICE

API = "/api/v1/payments/orders"
PAGE = "/payments/orders/new"
TOO_MANY_HERE = {
    "fr": "Trop de commandes ont été passées d'ici",
    "ar": "قُدّمت طلبات كثيرة من هنا",
}
TOO_MANY_FOR_AGENCY = {
    "fr": "Cette agence reçoit trop de commandes en ce moment",
    "ar": "تتلقى هذه الوكالة طلبات كثيرة في هذه اللحظة",
}


@pytest.fixture
def limits(settings):
    settings.GEOPORTAIL_ORDER_LIMIT_HOUR = 3
    settings.GEOPORTAIL_ORDER_LIMIT_DAY = 5
    settings.GEOPORTAIL_ORDER_AGENCY_LIMIT_HOUR = 4
    return settings


def api_order(client, agency, key: str, *, address="192.0.2.10", language="fr"):
    body = {"agency": agency.code, "service": SERVICE, "subject": key}
    return client.post(
        API,
        json.dumps(body),
        content_type="application/json",
        headers={"Idempotency-Key": key, "Accept-Language": language},
        REMOTE_ADDR=address,
    )


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_order_past_an_addresss_limit_is_refused_in_its_language(
    client, agency, tariff, limits, language
):
    placed = [api_order(client, agency, f"k-{n}", language=language) for n in range(3)]
    assert [answer.status_code for answer in placed] == [201, 201, 201]

    refused = api_order(client, agency, "k-3", language=language)

    assert refused.status_code == 429
    assert TOO_MANY_HERE[language] in refused.json()["error"]["message"]
    assert int(refused["Retry-After"]) > 0
    assert Order.objects.filter(agency=agency).count() == 3
    # A retry of a placed order is no new order: answered, not counted.
    assert api_order(client, agency, "k-0").status_code == 200
    # Another address orders still.
    assert api_order(client, agency, "k-4", address="192.0.2.11").status_code == 201


def test_the_order_past_an_agencys_limit_is_refused_from_any_address(
    client, agency, tariff, limits
):
    for n in range(4):
        answer = api_order(client, agency, f"k-{n}", address=f"192.0.2.{n + 1}")
        assert answer.status_code == 201

    refused = api_order(client, agency, "k-4", address="198.51.100.1", language="ar")

    assert refused.status_code == 429
    assert TOO_MANY_FOR_AGENCY["ar"] in refused.json()["error"]["message"]
    assert Order.objects.filter(agency=agency).count() == 4


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_order_page_says_so_too(client, agency, tariff, limits, language):
    query = {"agency": agency.code, "service": SERVICE, "subject": "TF 12/07"}
    headers = {"Accept-Language": language}
    answers = [
        client.post(
            PAGE, {**query, "idempotency_key": f"page-key-{n:08d}"}, headers=headers
        )
        for n in range(4)
    ]
    assert [answer.status_code for answer in answers] == [302, 302, 302, 429]
    assert TOO_MANY_HERE[language] in html.unescape(answers[-1].content.decode())
    assert int(answers[-1]["Retry-After"]) > 0
    assert Order.objects.filter(agency=agency).count() == 3


@pytest.mark.parametrize("who", ["planner", "administrator"])
def test_staff_are_not_limited(
    client, agency, tariff, limits, planner, administrator, who
):
    client.force_login(planner if who == "planner" else administrator)
    answers = [api_order(client, agency, f"k-{n}") for n in range(6)]
    assert {answer.status_code for answer in answers} == {201}
    assert Order.objects.filter(agency=agency).count() == 6
