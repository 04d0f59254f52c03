"""The map's search box: parcels, zone codes, documents and coordinates."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from pyproj import Transformer

from layers.services import FeatureData, layer_version_create, layer_version_publish
from parcels.models import Parcel
from parcels.references import ParcelReference
from tests.conftest import square

pytestmark = pytest.mark.urls("tests.parcels.search_urls")


@pytest.fixture
def parcels(agency):
    made = {}
    for index, text in enumerate(
        ("TF 1234567/07", "TF 12345678/07", "TF 99/07", "R 4567/07")
    ):
        reference = ParcelReference.parse(text)
        made[text] = Parcel.objects.create(
            agency=agency,
            kind=reference.kind,
            reference=reference.display,
            reference_key=reference.key,
            geom=square(-6.85 + index * 0.001, 33.95, 0.0005),
        )
    return made


def search(client, q: str) -> list[dict]:
    response = client.get(reverse("parcels:search"), {"q": q})
    assert response.status_code == 200
    return response.json()["results"]


@pytest.mark.parametrize(
    "typed",
    [
        "TF 1234567/07",
        "tf1234567/7",
        "  T.F. 1234567 / 07 ",
        "ر.ع ١٢٣٤٥٦٧/٠٧",
        "TF ١٢٣٤٥٦٧/07",
    ],
)
def test_land_title_found_however_it_is_typed(client, parcels, typed):
    results = search(client, typed)

    assert results[0]["kind"] == "parcel"
    assert results[0]["label"] == "TF 1234567/07"
    west, south, east, north = results[0]["bbox"]
    assert west == pytest.approx(-6.85)
    assert north == pytest.approx(33.9505)
    assert results[0]["geometry"]["type"] == "MultiPolygon"
    lon, lat = results[0]["anchor"]
    assert west < lon < east
    assert south < lat < north


def test_prefix_suggests_parcels_exact_first(client, parcels):
    labels = [r["label"] for r in search(client, "TF 123456") if r["kind"] == "parcel"]

    assert labels == ["TF 1234567/07", "TF 12345678/07"]
    exact_first = [r["label"] for r in search(client, "TF 1234567")]
    assert exact_first[:2] == ["TF 1234567/07", "TF 12345678/07"]


def test_bare_number_finds_titles_and_requisitions(client, parcels):
    labels = {r["label"] for r in search(client, "4567")}

    assert "R 4567/07" in labels


def test_documents_by_reference_or_title(client, document, make_document, agency):
    make_document(agency, "PA-ANCIEN", status="draft", effective_date=None)

    by_reference = search(client, "pa-1")
    by_title = search(client, "aménagement")

    assert [r["label"].split(" — ")[0] for r in by_reference] == ["PA-1"]
    assert by_reference[0]["kind"] == "document"
    assert by_reference[0]["url"] == "/documents/aurs/PA-1/"
    assert "PA-ANCIEN" not in {r["reference"] for r in by_title}


def test_zone_codes_in_force(client, zoning_layer):
    version = layer_version_create(
        layer=zoning_layer,
        features=[
            FeatureData(geom=square(-6.86, 33.95, 0.001), code="R+4"),
            FeatureData(geom=square(-6.84, 33.96, 0.001), code="R+4"),
            FeatureData(geom=square(-6.83, 33.96, 0.001), code="V1"),
        ],
    )
    layer_version_publish(
        version=version, at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    )

    results = [r for r in search(client, "r+4") if r["kind"] == "zone"]

    assert len(results) == 1
    assert results[0]["reference"] == "R+4"
    west, _south, east, _north = results[0]["bbox"]
    assert west == pytest.approx(-6.86)
    assert east == pytest.approx(-6.839)


def test_draft_zones_are_not_searchable(client, zoning_layer):
    layer_version_create(
        layer=zoning_layer,
        features=[FeatureData(geom=square(-6.86, 33.95, 0.001), code="ZX")],
    )

    assert search(client, "ZX") == []


@pytest.mark.parametrize(
    ("typed", "lon", "lat"),
    [
        ("33.9716, -6.8498", -6.8498, 33.9716),
        ("-6.8498 33.9716", -6.8498, 33.9716),
        ("33°58'17.8\"N 6°50'59.3\"W", -6.84981, 33.97161),
        ("33° 58′ 17.8″ N ; 6° 50′ 59.3″ O", -6.84981, 33.97161),
        ("٣٣٫٩٧١٦، -٦٫٨٤٩٨".replace("،", ","), -6.8498, 33.9716),
    ],
)
def test_wgs84_coordinates_give_a_point(client, db, typed, lon, lat):
    results = search(client, typed)

    assert len(results) == 1
    assert results[0]["kind"] == "point"
    assert results[0]["detail"] == "WGS 84"
    assert results[0]["geometry"]["coordinates"] == [
        pytest.approx(lon, abs=1e-5),
        pytest.approx(lat, abs=1e-5),
    ]


def test_lambert_metres_give_points_in_nord_and_sud_maroc(client, db):
    # Where a surveyor in Rabat writes the Hassan tower (from PROJ itself).
    to_lambert = Transformer.from_crs(4326, 26191, always_xy=True)
    x, y = to_lambert.transform(-6.8225, 34.0240)
    results = search(client, f"{x:.2f} {y:.2f}")

    by_crs = {r["detail"]: r["geometry"]["coordinates"] for r in results}
    assert set(by_crs) == {"Lambert Nord Maroc", "Lambert Sud Maroc"}
    lon, lat = by_crs["Lambert Nord Maroc"]
    assert lon == pytest.approx(-6.8225, abs=1e-6)
    assert lat == pytest.approx(34.0240, abs=1e-6)
    assert 300_000 < x < 450_000


def test_blank_or_unknown_text_gives_nothing(client, parcels):
    assert search(client, "   ") == []
    assert search(client, "TF 555/07") == []
    assert search(client, "zzz") == []


def test_documents_in_force_come_first_and_the_others_say_why(
    client, document, make_document, agency
):
    make_document(
        agency,
        "PA-0-ANCIEN",
        status="expired",
        effective_date=datetime.date(2009, 4, 1),
        expiry_date=datetime.date(2019, 7, 4),
    )
    make_document(
        agency,
        "PA-2-FUTUR",
        effective_date=datetime.date(2999, 1, 1),
        expiry_date=None,
    )

    response = client.get(
        reverse("parcels:search"), {"q": "pa-"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    results = response.json()["results"]

    # By reference the expired plan would sort first; in force wins.
    assert results[0]["reference"] == "PA-1"
    assert results[0]["status"] == ""
    status = {r["reference"]: r["status"] for r in results[1:]}
    assert status["PA-0-ANCIEN"] == "Expired on July 4, 2019 — not in force"
    assert status["PA-2-FUTUR"] == "In force from Jan. 1, 2999"


def test_a_status_in_the_readers_language(client, document, make_document, agency):
    make_document(
        agency,
        "PA-0-ANCIEN",
        status="expired",
        effective_date=datetime.date(2009, 4, 1),
        expiry_date=datetime.date(2019, 7, 4),
    )

    response = client.get(
        reverse("parcels:search"), {"q": "PA-0"}, HTTP_ACCEPT_LANGUAGE="fr"
    )

    (result,) = response.json()["results"]
    assert result["status"] == "Expiré le 4 juillet 2019 — n’est plus en vigueur"


def test_zones_and_documents_as_of_the_maps_day(
    client, zoning_layer, make_document, agency
):
    old = make_document(
        agency,
        "PA-0-ANCIEN",
        status="expired",
        effective_date=datetime.date(2009, 4, 1),
        expiry_date=datetime.date(2019, 7, 4),
    )
    old_zoning = old.layers.create(name="zonage", title_fr="Zonage", kind="zoning")
    for layer in (zoning_layer, old_zoning):
        layer_version_publish(
            version=layer_version_create(
                layer=layer,
                features=[FeatureData(geom=square(-6.85, 33.95, 0.001), code="B4")],
            ),
            at=datetime.datetime(2009, 4, 1, tzinfo=datetime.UTC),
        )

    today = search(client, "B4")
    in_2015 = client.get(reverse("parcels:search"), {"q": "B4", "at": "2015-06-01"})
    documents_2015 = client.get(
        reverse("parcels:search"),
        {"q": "PA-", "at": "2015-06-01"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    # Only this agency's documents (the session's demo agency has a B4 too).
    ours = {"PA-1", "PA-0-ANCIEN"}

    def of_ours(results):
        return [r for r in results if r["detail"].split(" — ")[0] in ours]

    assert [r["detail"].split(" — ")[0] for r in of_ours(today)] == ["PA-1"]
    (zone,) = of_ours(in_2015.json()["results"])
    assert zone["detail"].startswith("PA-0-ANCIEN — ")
    first, second = [
        r for r in documents_2015.json()["results"] if r["reference"] in ours
    ]
    assert (first["reference"], first["status"]) == ("PA-0-ANCIEN", "")
    assert second["reference"] == "PA-1"
    assert second["status"] == "In force from July 4, 2019"


@pytest.mark.parametrize("typed", ["2015-02-30", "demain", "0900-01-01"])
def test_a_search_day_that_cannot_be_read_is_a_clear_400(client, db, typed):
    response = client.get(
        reverse("parcels:search"),
        {"q": "B4", "at": typed},
        HTTP_ACCEPT_LANGUAGE="fr",
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_date"
    assert error["message"].startswith("« at » doit être un jour entre le 1900-01-01")
