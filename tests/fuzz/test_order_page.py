"""The order page (``/payments/orders/new``, ``payments.views.order_new``)
reads its agency, service, subject and parcel from the address a citizen
follows, and its idempotency key from the form: whatever they hold, the
answer is the price, the order placed, or a refusal in the reader's
language — never a server error, never an order for a form that is not
whole."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from payments.models import Order
from tests.fuzz import fuzz_settings
from tests.fuzz.strategies import EDGE_VALUES, TEXT
from tests.payments.conftest import payments_settings, tariff  # noqa: F401

PAGE = "/payments/orders/new"
VALUES = st.one_of(
    st.sampled_from(
        [
            *EDGE_VALUES,
            "TF 12345/07",
            "ر.ع ١٢٣٤٥/٠٧",
            "TF" + "9" * 5000,
            "x" * 201,
            "official-note",
        ]
    ),
    TEXT,
)
NAMES = ["agency", "service", "subject", "parcel", "idempotency_key"]


@pytest.mark.django_db
@given(
    changes=st.dictionaries(st.sampled_from(NAMES), VALUES, max_size=3),
    post=st.booleans(),
    language=st.sampled_from(["fr", "ar"]),
)
@fuzz_settings(120)
def test_any_order_form_is_a_price_an_order_or_a_refusal(
    client,
    agency,
    tariff,  # noqa: F811 - a fixture
    changes,
    post,
    language,
):
    params = {
        "agency": agency.code,
        "service": "official-note",
        "subject": "TF 12/07",
        "idempotency_key": "k" * 24,
        **changes,
    }
    orders = Order.objects.count()
    send = client.post if post else client.get
    response = send(PAGE, params, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code in {200, 302, 400, 404, 409, 429}
    if response.status_code != 302:
        assert f'lang="{language}"' in response.content.decode()
    if not post:
        assert Order.objects.count() == orders
