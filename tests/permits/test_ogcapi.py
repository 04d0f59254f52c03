"""The OGC API – Features collection of public permit files, read by
OWSLib's client and probed with wrong parameters."""

from __future__ import annotations

import pytest
from django.urls import reverse
from owslib.ogcapi.features import Features

from permits.models import PermitFile


@pytest.fixture
def published(registered_parcel, reviewed, make_file):
    make_file("PC-2026-0002", do_not_publish=True)
    return reviewed[0]


def test_owslib_reads_the_collection(live_server, published, agency):
    api = Features(live_server.url + reverse("permits:ogcapi"))
    assert (
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"
        in (api.conformance()["conformsTo"])
    )
    assert [c["id"] for c in api.collections()["collections"]] == ["permits"]
    items = api.collection_items("permits", agency=agency.code)
    assert items["numberMatched"] == 1
    feature = items["features"][0]
    assert feature["id"] == published.case.reference
    assert feature["properties"]["PermitNum"] == "PC-2026-0001"
    assert feature["geometry"]["type"] == "Point"
    assert "Bennani" not in str(items)
    one = api.collection_item("permits", published.case.reference)
    assert one["properties"]["StatusCurrent"] == "opinion_given"


def test_bbox_and_paging(client, published, agency, make_file):
    url = reverse("permits:ogcapi_items", args=["permits"])
    inside = client.get(url, {"bbox": "-6.86,33.94,-6.84,33.96", "agency": agency.code})
    assert inside.json()["numberMatched"] == 1
    outside = client.get(url, {"bbox": "-5,30,-4,31", "agency": agency.code})
    assert outside.json()["numberMatched"] == 0
    make_file("PC-2026-0003")
    first = client.get(url, {"limit": 1, "agency": agency.code}).json()
    assert first["numberReturned"] == 1
    following = next(link for link in first["links"] if link["rel"] == "next")
    assert "offset=1" in following["href"]


def test_a_hidden_file_is_not_a_feature(client, published):
    hidden = PermitFile.objects.get(external_reference="PC-2026-0002")
    answer = client.get(
        reverse("permits:ogcapi_item", args=["permits", hidden.case.reference])
    )
    assert answer.status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {"limit": "0"},
        {"limit": "100000"},
        {"limit": "ten"},
        {"offset": "-1"},
        {"bbox": "1,2,3"},
        {"bbox": "nan,0,1,1"},
        {"bbox": "10,0,5,1"},
        {"bbox": "inf,0,1,1"},
    ],
)
def test_wrong_parameters_are_a_400_with_a_message(client, db, params):
    answer = client.get(
        reverse("permits:ogcapi_items", args=["permits"]),
        params,
        HTTP_ACCEPT_LANGUAGE="ar",
    )
    assert answer.status_code == 400
    assert answer.json()["description"]


def test_an_unknown_collection_is_a_404(client, db):
    answer = client.get(reverse("permits:ogcapi_items", args=["zones"]))
    assert answer.status_code == 404
