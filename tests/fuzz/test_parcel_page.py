"""The parcel's page (``/parcels/<agency>/<key>/``, ``geoportal.parcel_page``)
takes its agency, its key and its date from the address a citizen types or
pastes: whatever they hold — any text, right-to-left marks, encoded slashes,
``..``, thousands of characters, NUL, dates past the calendar — the answer
is the page, its canonical address, or a 400 or 404 page in the reader's
language; never a server error, and never what the agency withholds from
the public (its requests' subjects and internal notes, its notes'
verification tokens), whichever agency the address names."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests.fuzz import fuzz_settings
from tests.fuzz.strategies import EDGE_VALUES, TEXT
from tests.geoportal.test_parcel_page import (
    INTERNAL_NOTE,
    land,  # noqa: F401 - a fixture
    planning,  # noqa: F401 - a fixture
)
from tests.notes.conftest import box, make_parcel, site  # noqa: F401 - a fixture
from tests.permits.conftest import make_file, procedure  # noqa: F401 - fixtures

AGENCIES = st.one_of(
    st.sampled_from(["aurs", "aukt", "AURS", "aurs-", "a" * 300, "..", "%2e%2e"]),
    TEXT,
)
REFERENCES = st.one_of(
    st.sampled_from(
        [
            "TF100/7",
            "TF 100/07",
            "ر.ع ١٠٠/٠٧",
            "\u200fTF100/7\u200f",  # right-to-left marks around it
            "\u202eTF100/7",  # a right-to-left override
            "TF100%2F7",
            "TF100%252F7",
            "../TF100/7",
            "TF100/7/..",
            "..%2F..%2Fadmin",
            "TF" + "9" * 13,
            "TF100/" + "0" * 7,
            "TF" + "١" * 5000,
            "𝟏𝟎𝟎",  # mathematical digits: \d matches them
            "TF100/7\x00",
            "\x00",
        ]
    ),
    TEXT,
    st.text(alphabet="TF0123456789/.\\ -%١٠", max_size=40),
)
DAYS = st.one_of(
    st.sampled_from(
        [
            *EDGE_VALUES,
            "0001-01-01",
            "1899-12-31",
            "3000-01-01",
            "99999-01-01",
            "-2024-01-01",
            "+2024-01-01",
            "2024-1-1",
            "2024W011",
            "٢٠٢٤-٠١-٠١",
            "2024-01-01\x00",
        ]
    ),
    st.dates().map(str),
    TEXT,
)


@pytest.fixture
def withheld(land, other_agency, kind, make_file):  # noqa: F811 - fixtures
    """The agency ``aurs``'s parcel TF 100/07 with a note, requests, an
    internal note (``land``) and a permit file not to publish, and the
    agency ``aukt``'s TF 100/07."""
    make_file("PC-2026-0099", parcels=("TF 100/07",), do_not_publish=True)
    make_parcel(other_agency, "TF 100/07", box(-6.55, 34.25, -6.549, 34.2505))
    return land


@pytest.mark.django_db
@pytest.mark.parametrize("reader", ["citizen", "planner of aukt"])
@given(
    agency=AGENCIES,
    reference=REFERENCES,
    day=st.one_of(st.none(), DAYS),
    safe=st.sampled_from(["", "/"]),
    language=st.sampled_from(["fr", "ar"]),
)
# The parcel's own page, as every reader sees it: what it withholds is there
# to withhold, and the page, and its refusals, are read with it.
@example(agency="aurs", reference="TF100/7", day=None, safe="/", language="fr")
@example(agency="aurs", reference="TF100/7", day="2024-02-30", safe="/", language="ar")
@example(agency="aurs", reference="TF 100/07", day="1e309", safe="/", language="ar")
@example(agency="aukt", reference="TF100/7", day="0001-01-01", safe="", language="fr")
@fuzz_settings(120)
def test_any_address_is_a_page_or_a_clear_refusal(
    client, withheld, other_planner, reader, agency, reference, day, safe, language
):
    if reader != "citizen":
        client.force_login(other_planner)
    path = f"/parcels/{quote(agency, safe='')}/{quote(reference, safe=safe)}/"
    query = {} if day is None else {"at": day}

    response = client.get(path, query, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code in {200, 301, 400, 404}, response.status_code
    body = response.content.decode()
    if response.status_code == 301:
        assert response["Location"].startswith(("/parcels/aurs/", "/parcels/aukt/"))
    else:
        assert f'lang="{language}"' in body
    assert INTERNAL_NOTE not in body
    assert "Zonage de ma parcelle" not in body
    assert withheld["note"].token not in body
    assert "@example.ma" not in body
    assert "PC-2026-0099" not in body  # a permit file not to publish
    assert "Samira Bennani" not in body
