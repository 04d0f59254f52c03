"""The parcel's page (``/parcels/<agency>/<reference key>/``): what a citizen,
a planner of the agency and a planner of another agency each see of it, the
date control across a publish, the canonical address, the 404 page in the
reader's language, a reference held by two agencies, and a bounded number of
queries."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from notes.services import note_issue
from notes.subjects import SubjectQuery
from requete import services
from requete.places import PlaceInput
from tests.notes.conftest import (
    box,
    make_parcel,
    site,  # noqa: F401 - the planning site fixture
)
from tests.requete_fixtures import FILED_AT, act

INTERNAL_NOTE = "Vérifier le titre foncier avec la conservation."


def page_url(agency: str, reference: str) -> str:
    return reverse("parcel", args=[agency, reference])


def text_of(response) -> str:
    """The page's text, tags removed and entities decoded, spaces collapsed."""
    body = response.content.decode()
    body = re.sub(r"<script\b.*?</script>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def section(response, name: str) -> str:
    """The HTML of the page's ``<section class="<name>">``."""
    body = response.content.decode()
    match = re.search(rf'<section class="{name}".*?</section>', body, flags=re.S)
    assert match, name
    return match.group(0)


def zone_codes(response) -> list[str]:
    """The zone codes listed in the zoning table, in order."""
    zoning = section(response, "note-zones")
    codes = re.findall(r"<tr><td><bdi>([^<]+)</bdi></td>", zoning)
    return [code.lstrip("\u200e") for code in codes]  # LRM before Latin in Arabic


@pytest.fixture
def planning(site):  # noqa: F811 - site is the fixture imported above
    """The planning site of tests/notes/conftest.py: agency ``aurs``, zoning
    version 1 (2020) and 2 (2024), parcels TF 100/07, 200/07, 300/07."""
    return site


@pytest.fixture
def land(planning, kind, planner, file_request):
    """TF 100/07 with an issued note and two requests (one with an internal
    note of the agency), and a request of another parcel."""
    note = note_issue(
        base_url="http://testserver",
        query=SubjectQuery.from_json({"parcel": "TF 100/07", "agency": "aurs"}),
        language="fr",
    )
    about = file_request(kind, place=PlaceInput(parcel_reference="TF 100/07"))
    act("confirm", about, staff=planner, at=FILED_AT)
    services.request_message_add(
        request=about.request, actor=planner, text=INTERNAL_NOTE, public=False
    )
    answered = file_request(kind, place=PlaceInput(parcel_reference="TF 100/07"))
    for name in ("confirm", "acknowledge", "review", "answer"):
        act(name, answered, staff=planner)
    elsewhere = file_request(kind, place=PlaceInput(parcel_reference="TF 200/07"))
    act("confirm", elsewhere, staff=planner, at=FILED_AT)
    unconfirmed = file_request(kind, place=PlaceInput(parcel_reference="TF 100/07"))
    return {
        "note": note,
        "about": about.request.case.reference,
        "answered": answered.request.case.reference,
        "elsewhere": elsewhere.request.case.reference,
        "unconfirmed": unconfirmed.request.case.reference,
        "url": page_url("aurs", "TF100/7"),
    }


def assert_public_view(response, land) -> None:
    """What anyone sees, and what only the agency's staff may."""
    assert response.status_code == 200
    text = text_of(response)
    body = response.content.decode()
    assert "TF 100/07" in text
    assert zone_codes(response) == ["UA", "VE"]
    # The note: its reference and dates, never its verification token.
    assert land["note"].reference in text
    assert land["note"].token not in body
    assert "/verify/" not in body
    # The requests: reference, kind, open or closed — no subject, no notes.
    requests = section(response, "parcel-requests")
    assert land["about"] in requests
    assert land["answered"] in requests
    assert land["elsewhere"] not in body
    assert land["unconfirmed"] not in body
    assert "Réclamation sur le zonage" in requests
    assert "Zonage de ma parcelle" not in body
    assert INTERNAL_NOTE not in body
    assert "/planner/requests/" not in body
    assert "2 requêtes concernent cette parcelle." in text


def assert_never_personal_data(response) -> None:
    body = response.content.decode()
    assert "Requester " not in body
    assert "@example.ma" not in body


def test_a_citizen_sees_the_public_facts_only(client, land):
    response = client.get(land["url"], HTTP_ACCEPT_LANGUAGE="fr")
    assert_public_view(response, land)
    assert_never_personal_data(response)
    requests = section(response, "parcel-requests")
    assert "Ouverte" in requests
    assert "Close" in requests


def test_a_planner_of_another_agency_sees_what_a_citizen_sees(
    client, land, other_planner
):
    client.force_login(other_planner)
    response = client.get(land["url"], HTTP_ACCEPT_LANGUAGE="fr")
    assert_public_view(response, land)
    assert_never_personal_data(response)


def test_a_planner_of_the_agency_sees_everything_of_the_agency(client, land, planner):
    client.force_login(planner)
    response = client.get(land["url"], HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    body = response.content.decode()
    requests = section(response, "parcel-requests")
    assert "Zonage de ma parcelle" in requests
    assert INTERNAL_NOTE in html.unescape(requests)
    assert reverse("requete-staff:request", args=[land["about"]]) in requests
    # The detailed state, not only open or closed.
    assert "Répondue" in html.unescape(requests)
    notes = section(response, "parcel-notes")
    assert reverse("notes:verify", args=[land["note"].token]) in notes
    assert '<th scope="col">Vérification</th>' in notes
    assert land["elsewhere"] not in body
    assert_never_personal_data(response)
    assert "private" in response["Cache-Control"]


def test_the_date_control_shows_the_zoning_in_force_that_day(client, planning):
    # West of the split of version 2 (lon −6.849), east of version 1's (−6.85):
    # VE until 2024-01-01, UA after.
    make_parcel(planning.agency, "TF 150/07", box(-6.8498, 33.96, -6.8494, 33.9604))
    url = page_url("aurs", "TF150/7")
    before = client.get(url, {"at": "2023-12-31"}, HTTP_ACCEPT_LANGUAGE="fr")
    after = client.get(url, {"at": "2024-01-02"}, HTTP_ACCEPT_LANGUAGE="fr")
    today = client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
    assert zone_codes(before) == ["VE"]
    assert zone_codes(after) == ["UA"]
    assert zone_codes(today) == ["UA"]
    assert 'value="2023-12-31"' in before.content.decode()
    # The map shows the zones of that day's version.
    assert before.context["page"].map_data != after.context["page"].map_data


def test_a_date_that_cannot_be_read_shows_today_with_the_reason(client, planning):
    response = client.get(
        page_url("aurs", "TF100/7"), {"at": "2024-02-31"}, HTTP_ACCEPT_LANGUAGE="ar"
    )
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert "يجب أن يكون التاريخ" in text_of(response)
    assert zone_codes(response) == ["UA", "VE"]


@pytest.mark.parametrize(
    "written",
    ["TF 100/07", "tf100/7", "T.F. 100 / 07", "ر.ع ١٠٠/٠٧", "TF0100/007"],
)
def test_any_written_reference_redirects_to_the_canonical_address(
    client, planning, written
):
    response = client.get(page_url("aurs", written), {"at": "2023-06-01"})
    assert response.status_code == 301
    assert response["Location"] == page_url("aurs", "TF100/7") + "?at=2023-06-01"


@pytest.mark.parametrize(
    ("language", "title", "message"),
    [
        ("fr", "Parcelle introuvable", "Aucune parcelle de l’agence"),
        ("ar", "القطعة غير موجودة", "لا توجد لدى الوكالة"),
    ],
)
@pytest.mark.parametrize(
    ("agency_code", "reference"),
    [("aurs", "TF999/7"), ("no-such-agency", "TF100/7"), ("aurs", "not a title")],
)
def test_an_unknown_parcel_is_a_404_page_in_the_readers_language(
    client, planning, language, title, message, agency_code, reference
):
    response = client.get(
        page_url(agency_code, reference), HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 404
    text = text_of(response)
    assert title in text
    assert message in text
    assert f'lang="{language}"' in response.content.decode()


def test_a_reference_several_agencies_hold_has_one_page_per_agency(
    client, planning, other_agency
):
    make_parcel(other_agency, "TF 100/07", box(-6.55, 34.25, -6.549, 34.2505))
    ours = client.get(page_url("aurs", "TF100/7"), HTTP_ACCEPT_LANGUAGE="fr")
    theirs = client.get(page_url("aukt", "TF100/7"), HTTP_ACCEPT_LANGUAGE="fr")
    assert ours.status_code == theirs.status_code == 200
    assert "Agence urbaine aurs" in text_of(ours)
    assert "Agence urbaine aukt" in text_of(theirs)
    assert zone_codes(ours) == ["UA", "VE"]
    assert zone_codes(theirs) == []


def test_the_page_is_written_in_arabic_right_to_left(client, land):
    response = client.get(land["url"], HTTP_ACCEPT_LANGUAGE="ar")
    body = response.content.decode()
    assert 'lang="ar" dir="rtl"' in body
    text = text_of(response)
    assert "الطلبات والشكايات" in text
    assert "طلبان يخصان هذه القطعة." in text


def test_search_results_of_parcels_link_to_their_page(client, planning):
    results = client.get(reverse("parcels:search"), {"q": "TF 100/07"}).json()
    parcels = [result for result in results["results"] if result["kind"] == "parcel"]
    assert parcels[0]["url"] == page_url("aurs", "TF100/7")
    assert client.get(parcels[0]["url"]).status_code == 200


def test_the_map_page_knows_the_parcel_pages_address(client, planning):
    response = client.get(reverse("viewer:map"))
    assert response.context["config"]["parcelUrl"] == page_url("AGENCY", "REFERENCE")


@pytest.mark.parametrize("who", ["citizen", "planner"])
def test_the_page_takes_a_bounded_number_of_queries(
    client, land, planner, django_assert_max_num_queries, who
):
    if who == "planner":
        client.force_login(planner)
    client.get(land["url"])  # the process's planning cache, as in production
    with django_assert_max_num_queries(10):
        response = client.get(land["url"])
    assert response.status_code == 200


def test_a_request_drawn_on_the_parcel_is_listed_with_it(
    client, planning, kind, planner, file_request
):
    inside = {"type": "Point", "coordinates": [-6.8495, 33.9502]}  # in TF 100/07
    outside = {"type": "Point", "coordinates": [-6.8895, 33.9202]}  # TF 200/07
    drawn = file_request(kind, place=PlaceInput(geometry=inside))
    elsewhere = file_request(kind, place=PlaceInput(geometry=outside))
    for filed in (drawn, elsewhere):
        act("confirm", filed, staff=planner, at=FILED_AT)

    response = client.get(page_url("aurs", "TF100/7"))

    requests = section(response, "parcel-requests")
    assert drawn.request.case.reference in requests
    assert elsewhere.request.case.reference not in requests


def test_a_national_administrator_sees_what_the_agencys_staff_see(
    client, land, administrator
):
    client.force_login(administrator)
    response = client.get(land["url"], HTTP_ACCEPT_LANGUAGE="fr")
    requests = section(response, "parcel-requests")
    assert INTERNAL_NOTE in html.unescape(requests)
    assert_never_personal_data(response)
