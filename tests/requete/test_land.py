"""Requests tied to the land: a parcel, a drawn place, a note, a zone or a
document of the agency; the zoning there; answers citing rules; counts per
zone and per document (the planning land of tests/notes/conftest.py)."""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import Point

from layers.models import ZoneRule
from notes.services import note_issue
from notes.subjects import SubjectQuery
from requete import selectors, services
from requete.errors import FilingRefused
from requete.models import CitizenRequest
from requete.places import PlaceInput
from requete.states import State
from tests.notes.conftest import site  # noqa: F401 - the planning site fixture
from tests.requete_fixtures import act


@pytest.fixture
def land(site):  # noqa: F811 - site is the fixture imported above
    """The planning site of tests/notes/conftest.py."""
    return site


SQUARE_IN_VE = {
    "type": "Polygon",
    "coordinates": [
        [
            [-6.84, 33.96],
            [-6.839, 33.96],
            [-6.839, 33.961],
            [-6.84, 33.961],
            [-6.84, 33.96],
        ]
    ],
}


def confirmed(file_request, kind, place: PlaceInput, planner) -> CitizenRequest:
    filed = file_request(kind, place=place)
    act("confirm", filed, staff=planner)
    return CitizenRequest.objects.get(pk=filed.request.pk)


def test_a_parcel_is_found_by_its_reference_and_places_the_request(
    land, kind, file_request
):
    filed = file_request(kind, place=PlaceInput(parcel_reference="tf 200 / 7"))
    request = filed.request
    assert request.parcel == land.parcels["TF 200/07"]
    assert request.parcel.geom.contains(request.place)


def test_an_unknown_or_foreign_parcel_is_refused(land, other_kind, kind, file_request):
    for given, filing_kind in (
        (PlaceInput(parcel_reference="TF 999/07"), kind),
        (PlaceInput(parcel_reference="TF 200/07"), other_kind),  # not its agency's
        (PlaceInput(parcel_reference="not a reference"), kind),
    ):
        with pytest.raises(FilingRefused) as caught:
            file_request(filing_kind, place=given)
        assert set(caught.value.details["fields"]) == {"parcel"}


def test_a_drawn_place_must_be_valid_and_in_the_agencys_territory(
    agency, kind, file_request
):
    filed = file_request(kind, place=PlaceInput(geometry=SQUARE_IN_VE))
    assert filed.request.drawn.geom_type == "Polygon"
    assert filed.request.drawn.contains(filed.request.place)
    bowtie = {
        "type": "Polygon",
        "coordinates": [
            [
                [-6.84, 33.96],
                [-6.83, 33.97],
                [-6.83, 33.96],
                [-6.84, 33.97],
                [-6.84, 33.96],
            ]
        ],
    }
    for geometry in (
        {"type": "Point", "coordinates": [-5.0, 35.0]},  # another region
        bowtie,
        {"type": "GeometryCollection", "geometries": []},
        {"type": "Point", "coordinates": "here"},
        {"type": "Polygon", "coordinates": [[[-6.84, 33.96]]]},
    ):
        with pytest.raises(FilingRefused) as caught:
            file_request(kind, place=PlaceInput(geometry=geometry))
        assert set(caught.value.details["fields"]) == {"geometry"}, geometry


def test_a_note_zone_and_document_are_the_agencys_own(land, kind, file_request):
    note = note_issue(
        base_url="http://testserver",
        query=SubjectQuery.from_json({"parcel": "TF 200/07"}),
    )
    filed = file_request(
        kind,
        place=PlaceInput(
            note_reference=note.reference.lower(),
            zone_version_id=land.v2.pk,
            zone_code="VE",
            document_id=land.document.pk,
        ),
    )
    request = filed.request
    assert request.note_reference == note.reference
    assert (request.zone_version, request.zone_code) == (land.v2, "VE")
    assert request.document == land.document
    for given, field in (
        (PlaceInput(note_reference="AURS-1999-000001"), "note"),
        (PlaceInput(zone_version_id=land.v2.pk, zone_code="ZZ"), "zone"),
        (PlaceInput(document_id=0), "document"),
    ):
        with pytest.raises(FilingRefused) as caught:
            file_request(kind, place=given)
        assert set(caught.value.details["fields"]) == {field}


def test_staff_see_the_zoning_at_the_request(land, kind, file_request, planner):
    on_parcel = confirmed(
        file_request, kind, PlaceInput(parcel_reference="TF 100/07"), planner
    )
    zoning = selectors.request_zoning(request=on_parcel)
    assert zoning["subject"]["reference"] == "TF 100/07"
    assert {zone["code"] for zone in zoning["zones"]} == {"UA", "VE"}
    drawn = confirmed(file_request, kind, PlaceInput(geometry=SQUARE_IN_VE), planner)
    assert [
        zone["code"] for zone in selectors.request_zoning(request=drawn)["zones"]
    ] == ["VE"]
    point = confirmed(
        file_request,
        kind,
        PlaceInput(geometry={"type": "Point", "coordinates": [-6.88, 33.97]}),
        planner,
    )
    zones = selectors.request_zoning(request=point)["zones"]
    assert [zone["code"] for zone in zones] == ["UA"]
    nowhere = confirmed(file_request, kind, PlaceInput(), planner)
    assert selectors.request_zoning(request=nowhere) is None


def test_an_answer_cites_the_zone_rule_it_relies_on(
    land, request_in, planner, other_agency, make_document
):
    filed = request_in(State.IN_REVIEW)
    request = CitizenRequest.objects.get(pk=filed.request.pk)
    rule = ZoneRule.objects.get(document=land.document, code="UA")
    event = services.request_answer(
        request=request,
        actor=planner,
        answer="La hauteur est limitée à R+4.",
        citations=[
            services.Citation(zone_rule_id=rule.pk),
            services.Citation(article="Article 14 du règlement"),
        ],
    )
    assert event.data["citations"] == [
        {
            "zone_rule": rule.pk,
            "document": "PA-1",
            "zone": "UA",
            "articles": "Art. 12 à 20",
        },
        {"article": "Article 14 du règlement"},
    ]
    foreign = ZoneRule.objects.create(
        document=make_document(other_agency, "PA-B"), code="UA", label_fr="UA"
    )
    other = CitizenRequest.objects.get(pk=request_in(State.IN_REVIEW).request.pk)
    with pytest.raises(FilingRefused):
        services.request_answer(
            request=other,
            actor=planner,
            answer="…",
            citations=[services.Citation(zone_rule_id=foreign.pk)],
        )
    assert other.case.state == State.IN_REVIEW


def test_counts_per_zone_and_per_document(land, kind, file_request, planner):
    for place in (
        PlaceInput(parcel_reference="TF 200/07"),  # in UA
        PlaceInput(geometry=SQUARE_IN_VE),  # in VE
        PlaceInput(geometry={"type": "Point", "coordinates": [-6.84, 33.99]}),  # VE
        PlaceInput(zone_version_id=land.v2.pk, zone_code="VE"),  # names VE
        PlaceInput(),  # nowhere
    ):
        confirmed(file_request, kind, place, planner)
    file_request(kind, place=PlaceInput(parcel_reference="TF 200/07"))  # unconfirmed
    by_zone = selectors.request_counts_by_zone(agency=land.agency)
    assert [(row.zone_code, row.requests) for row in by_zone] == [("VE", 3), ("UA", 1)]
    assert by_zone[0].document == "PA-1"
    assert selectors.request_counts_by_document(agency=land.agency) == [("PA-1", 4)]


def test_the_place_is_a_point_for_the_public_map(land, kind, file_request):
    filed = file_request(kind, place=PlaceInput(parcel_reference="TF 100/07"))
    assert isinstance(filed.request.place, Point)
    assert filed.request.place.srid == 4326
