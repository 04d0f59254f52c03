"""A note is about the parcel the citizen chose: its agency and its reference.

Beside the site of ``conftest`` (agency ``aurs``), a mother parcel TF 77006/07
not yet retired after its subdivision holds its daughter TF 77007/07, and a
second agency ``ausl`` whose territory overlaps ``aurs`` registered a parcel
of the same reference TF 77006/07 over the same ground (a data error): a
reference alone, or a point, does not name one parcel there. (The demo data,
which other tests commit, holds none of these references.)
"""

from __future__ import annotations

import json

import pytest

from notes.models import Note
from tests.conftest import square
from tests.notes.conftest import box, geodesic_area, make_parcel
from tests.notes.test_pdf import pdf_text

pytestmark = pytest.mark.django_db

MOTHER = box(-6.8700, 33.9600, -6.8600, 33.9700)
DAUGHTER = box(-6.8680, 33.9620, -6.8650, 33.9650)
DUPLICATE = box(-6.8690, 33.9610, -6.8610, 33.9690)
# Inside the daughter, the mother and the duplicate; inside the mother only.
OVERLAP = (-6.8665, 33.9635)
MOTHER_ONLY = (-6.8605, 33.9695)


@pytest.fixture
def overlaps(site, make_agency):
    other = make_agency(
        "ausl", territory=square(-6.88, 33.95, 0.1), name_fr="Agence urbaine de Salé"
    )
    return {
        "mother": make_parcel(site.agency, "TF 77006/07", MOTHER),
        "daughter": make_parcel(site.agency, "TF 77007/07", DAUGHTER),
        "duplicate": make_parcel(other, "TF 77006/07", DUPLICATE),
    }


def post(client, url: str, body: dict, language: str = "fr"):
    return client.post(
        url,
        data=json.dumps(body),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=language,
    )


@pytest.mark.parametrize(
    ("code", "geom"), [("aurs", MOTHER), ("ausl", DUPLICATE)], ids=["aurs", "ausl"]
)
def test_compose_by_agency_and_reference_gets_that_parcel(client, overlaps, code, geom):
    response = post(
        client, "/api/v1/notes/compose", {"parcel": "TF 77006/07", "agency": code}
    )

    assert response.status_code == 200, response.content
    content = response.json()
    assert content["agency"]["code"] == code
    assert content["subject"]["reference"] == "TF 77006/07"
    assert content["subject"]["area_m2"] == pytest.approx(geodesic_area(geom), 0.01)


def test_a_reference_of_two_agencies_without_the_agency_is_refused_with_both(
    client, overlaps
):
    response = post(client, "/api/v1/notes/compose", {"parcel": "TF 77006/07"})

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "several_parcels"
    assert "Agence urbaine de Salé" in error["message"]
    assert error["details"]["parcels"] == [
        {
            "agency": "aurs",
            "agency_name": "Agence urbaine aurs",
            "reference": "TF 77006/07",
        },
        {
            "agency": "ausl",
            "agency_name": "Agence urbaine de Salé",
            "reference": "TF 77006/07",
        },
    ]


def test_a_reference_unknown_in_the_agency_named_is_not_found(client, overlaps):
    response = post(
        client, "/api/v1/notes/compose", {"parcel": "TF 77007/07", "agency": "ausl"}
    )

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "parcel_not_found"
    assert "ausl" in response.json()["error"]["message"]


def test_identify_on_overlapping_parcels_lists_every_one(client, overlaps):
    lon, lat = OVERLAP
    response = client.get(f"/api/v1/identify?lon={lon}&lat={lat}")

    assert response.status_code == 200
    parcels = response.json()["parcels"]
    assert [(p["agency"], p["reference"]) for p in parcels] == [
        ("aurs", "TF 77006/07"),
        ("aurs", "TF 77007/07"),
        ("ausl", "TF 77006/07"),
    ]


def test_identify_on_one_parcel_names_it_with_its_agency(client, overlaps):
    lon, lat = MOTHER_ONLY
    data = client.get(f"/api/v1/identify?lon={lon}&lat={lat}").json()

    assert data["parcel"]["reference"] == "TF 77006/07"
    assert data["parcel"]["agency"] == "aurs"
    assert data["parcels"] == [
        {
            "agency": "aurs",
            "agency_name": "Agence urbaine aurs",
            "reference": "TF 77006/07",
        }
    ]
    assert [zone["code"] for zone in data["zones"]] == ["UA"]


@pytest.mark.parametrize("url", ["/api/v1/notes/compose", "/api/v1/notes"])
def test_a_point_on_overlapping_parcels_is_refused_with_the_choice(
    client, overlaps, url
):
    lon, lat = OVERLAP
    response = post(client, url, {"lon": lon, "lat": lat}, language="ar")

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "several_parcels"
    assert "TF 77007/07" in error["message"]
    assert [p["reference"] for p in error["details"]["parcels"]] == [
        "TF 77006/07",
        "TF 77007/07",
        "TF 77006/07",
    ]
    assert not Note.objects.exists()


def test_a_point_on_one_parcel_still_gives_its_note(client, overlaps):
    lon, lat = MOTHER_ONLY
    response = post(client, "/api/v1/notes/compose", {"lon": lon, "lat": lat})

    assert response.status_code == 200
    assert response.json()["subject"]["reference"] == "TF 77006/07"


def test_the_issued_note_records_and_shows_the_parcel_chosen(client, overlaps):
    response = post(
        client, "/api/v1/notes", {"parcel": "TF 77007/07", "agency": "aurs"}
    )

    assert response.status_code == 201, response.content
    issued = response.json()
    note = Note.objects.get(reference=issued["reference"])
    assert note.parcel == overlaps["daughter"]
    assert issued["content"]["subject"]["reference"] == "TF 77007/07"
    assert issued["content"]["agency"]["code"] == "aurs"
    pdf = client.get(issued["pdf_url"])
    text = pdf_text(b"".join(pdf.streaming_content) if pdf.streaming else pdf.content)
    assert "TF 77007/07" in text
    assert "TF 77006/07" not in text
    verification = client.get(issued["verify_url"]).content.decode()
    assert "TF 77007/07" in verification
    assert "Agence urbaine aurs" in verification


def test_search_results_name_the_parcels_agency(client, overlaps):
    results = client.get("/api/v1/search?q=TF 77006/07").json()["results"]

    parcels = [(r["agency"], r["reference"]) for r in results if r["kind"] == "parcel"]
    assert sorted(parcels) == [("aurs", "TF 77006/07"), ("ausl", "TF 77006/07")]


# A parcel of aurs whose east end lies in the territory of its neighbour
# aukt, and one whose west end lies in no agency's territory (cadastres and
# territories are drawn apart): a click there is on aurs's parcel all the
# same. aurs's territory spans -6.9 to -6.8 in longitude.
EAST_OVER = box(-6.8030, 33.9500, -6.7950, 33.9560)
WEST_OVER = box(-6.9040, 33.9500, -6.8960, 33.9560)
IN_THE_NEIGHBOURS_TERRITORY = (-6.7970, 33.9530)
IN_NO_TERRITORY = (-6.9020, 33.9530)


@pytest.fixture
def over_the_edge(site, make_agency):
    make_agency("aukt", territory=square(-6.8, 33.9, 0.1))
    return {
        "east": make_parcel(site.agency, "TF 88001/07", EAST_OVER),
        "west": make_parcel(site.agency, "TF 88002/07", WEST_OVER),
    }


@pytest.mark.parametrize(
    ("point", "reference"),
    [(IN_THE_NEIGHBOURS_TERRITORY, "TF 88001/07"), (IN_NO_TERRITORY, "TF 88002/07")],
    ids=["neighbours-territory", "no-territory"],
)
def test_a_click_where_a_parcel_leaves_its_territory_is_on_that_parcel(
    client, over_the_edge, point, reference
):
    lon, lat = point
    found = client.get(f"/api/v1/identify?lon={lon}&lat={lat}").json()

    assert (found["parcel"]["agency"], found["parcel"]["reference"]) == (
        "aurs",
        reference,
    )
    response = post(client, "/api/v1/notes/compose", {"lon": lon, "lat": lat})
    assert response.status_code == 200, response.content
    content = response.json()
    assert content["agency"]["code"] == "aurs"
    assert content["subject"]["reference"] == reference


def test_a_parcel_moved_out_of_its_territory_is_found_where_it_went(
    client, over_the_edge
):
    # An update (the admin's, an import's) moves the parcel over the edge.
    parcel = make_parcel(
        over_the_edge["east"].agency, "TF 88003/07", box(-6.86, 33.97, -6.859, 33.971)
    )
    lon, lat = (-6.7930, 33.9800)
    before = client.get(f"/api/v1/identify?lon={lon}&lat={lat}").json()
    # No parcel there yet: the agency whose territory holds the point.
    assert (before["parcel"], before["agency"]["code"]) == (None, "aukt")

    parcel.geom = box(-6.8010, 33.9790, -6.7920, 33.9810)
    parcel.save()

    found = client.get(f"/api/v1/identify?lon={lon}&lat={lat}").json()
    assert found["parcel"]["reference"] == "TF 88003/07"
    assert found["agency"]["code"] == "aurs"
