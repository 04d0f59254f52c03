"""The public side of requête-e: the list and map of the requests filed, a
page per request, and the similar requests offered before filing — with no
name, contact or words of the requester anywhere (only the text the agency
redacted and published), places snapped as Open311 snaps them."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from cases.services import RequesterData
from parcels.models import Parcel
from parcels.references import ParcelReference
from requete import citizen_forms, services
from requete.errors import TransitionRefused
from requete.models import CitizenRequest
from requete.places import PlaceInput
from tests.conftest import square
from tests.requete_fixtures import act

LIST = "/requests/public/"
# What a requester typed: none of it may reach a public page.
SECRETS = {
    "subject": "Sujet-unique-7f3a",
    "description": "Description-unique-91bc",
    "name": "Nom-unique-44de",
    "email": "courriel-unique-5e2f@example.ma",
    "phone": "0661998877",
}
NOW = timezone.now()


def drawn(lon: float, lat: float) -> PlaceInput:
    return PlaceInput(geometry={"type": "Point", "coordinates": [lon, lat]})


@pytest.fixture
def submit(planner, file_request):
    """File a request with the requester's unique words, confirm it, then
    take ``steps`` (the planner's or the requester's)."""

    def file(kind, *, place=None, steps=(), confirm=True, at=NOW):
        filed = file_request(
            kind,
            at=at,
            subject=SECRETS["subject"],
            description=SECRETS["description"],
            requester=RequesterData(
                name=SECRETS["name"], email=SECRETS["email"], phone=SECRETS["phone"]
            ),
            place=place or PlaceInput(),
        )
        if confirm:
            act("confirm", filed, staff=planner, at=at)
        for step in steps:
            act(step, filed, staff=planner, at=at)
        return filed

    return file


def assert_anonymous(text: str) -> None:
    for name, secret in SECRETS.items():
        assert secret not in text, name


def test_the_list_the_page_and_the_api_hold_no_personal_data_nor_free_text(
    client, kind, submit
):
    filed = submit(
        kind, place=drawn(-6.85, 33.95), steps=["acknowledge", "review", "answer"]
    )
    reference = filed.request.case.reference
    listed = client.get(LIST).content.decode()
    page = client.get(f"{LIST}{reference}/")
    similar = client.get(
        "/api/v1/requests/similar",
        {"agency": kind.agency.code, "lon": "-6.85", "lat": "33.95"},
    )
    assert reference in listed
    assert page.status_code == 200
    assert [row["reference"] for row in similar.json()["requests"]] == [reference]
    for text in (listed, page.content.decode(), similar.content.decode()):
        assert_anonymous(text)
        # The answer's words are the requester's business too.
        assert "La zone reste verte." not in text


def test_a_published_redacted_text_appears_once_published(
    client, kind, submit, planner
):
    filed = submit(kind, place=drawn(-6.85, 33.95))
    reference = filed.request.case.reference
    address = f"{LIST}{reference}/"
    redacted = "Classement d'une parcelle en zone verte (texte expurgé)."
    assert redacted not in client.get(address).content.decode()
    client.force_login(planner)
    answer = client.post(
        f"/planner/requests/{reference}/publish", {"public_text": redacted}
    )
    assert answer.status_code == 302
    client.logout()
    page = client.get(address).content.decode()
    similar = client.get(
        "/api/v1/requests/similar",
        {"agency": kind.agency.code, "lon": "-6.85", "lat": "33.95"},
    ).json()
    assert page.count("Classement d&#x27;une parcelle en zone verte") == 1
    assert similar["requests"][0]["public_text"] == redacted
    assert_anonymous(page)
    audited = AuditEvent.objects.get(
        action=AuditEvent.Action.CHANGED, object_id=str(filed.request.pk)
    )
    assert audited.details == {"public_text": redacted}
    assert audited.actor == planner


def test_another_agencys_staff_cannot_publish_a_text(kind, submit, other_planner):
    filed = submit(kind)
    request = CitizenRequest.objects.get(pk=filed.request.pk)
    with pytest.raises(services.NotCaseHandler):
        services.request_public_text_publish(
            request=request, actor=other_planner, text="Rien."
        )
    assert CitizenRequest.objects.get(pk=filed.request.pk).public_text == ""


def test_an_unconfirmed_request_has_no_public_text(kind, submit, planner):
    filed = submit(kind, confirm=False)
    with pytest.raises(TransitionRefused):
        services.request_public_text_publish(
            request=filed.request, actor=planner, text="Rien."
        )


def test_the_list_filters_by_agency_kind_and_state(
    client, kind, other_kind, make_kind, submit
):
    ours = submit(kind).request.case.reference
    theirs = submit(other_kind).request.case.reference
    suggestion = make_kind(kind.agency, "service-suggestion", label_fr="Suggestion")
    suggested = submit(suggestion, steps=["acknowledge"]).request.case.reference

    def listed(**filters) -> set[str]:
        html = client.get(LIST, filters).content.decode()
        return set(re.findall(r"/requests/public/([A-Z]+-\d{4}-\d{6})/", html))

    assert listed() == {ours, theirs, suggested}
    assert listed(agency=kind.agency.code) == {ours, suggested}
    assert listed(agency=other_kind.agency.code) == {theirs}
    assert listed(kind="service-suggestion") == {suggested}
    assert listed(state="acknowledged") == {suggested}
    refused = client.get(LIST, {"agency": "no-such-agency"})
    assert refused.status_code == 400


def test_unconfirmed_and_withdrawn_before_submit_are_absent(
    client, kind, submit, planner
):
    unconfirmed = submit(kind, confirm=False)
    withdrawn = submit(kind, confirm=False)
    act("withdraw", withdrawn, staff=planner)
    html = client.get(LIST).content.decode()
    for filed in (unconfirmed, withdrawn):
        reference = filed.request.case.reference
        assert reference not in html
        assert client.get(f"{LIST}{reference}/").status_code == 404


def test_the_list_spans_the_configured_days(client, kind, submit, settings):
    settings.GEOPORTAIL_REQUEST_PUBLIC_DAYS = 30
    old = submit(kind, at=NOW - datetime.timedelta(days=40)).request.case.reference
    recent = submit(kind, at=NOW - datetime.timedelta(days=20)).request.case.reference
    html = client.get(LIST).content.decode()
    assert recent in html
    assert old not in html
    # Its own page stays: the span is the list's, not the request's.
    assert client.get(f"{LIST}{old}/").status_code == 200


def map_points(html: str) -> dict[str, list[float]]:
    block = re.search(
        r'<script id="public-map-data" type="application/json">(.+?)</script>', html
    )
    data = json.loads(block.group(1))
    return {
        feature["properties"]["reference"]: feature["geometry"]["coordinates"]
        for feature in data["features"]
    }


def test_places_are_snapped_as_open311_snaps_them(client, kind, submit, agency):
    parcel = Parcel.objects.create(
        agency=agency,
        kind="TF",
        reference="TF 500/07",
        reference_key=ParcelReference.parse("TF 500/07").key,
        geom=square(-6.86, 33.95, 0.001),
    )
    on_parcel = submit(kind, place=PlaceInput(parcel_reference="TF 500/07"))
    on_drawn = submit(kind, place=drawn(-6.851234, 33.956789))
    points = map_points(client.get(LIST).content.decode())
    surface = parcel.geom.point_on_surface
    assert points[on_parcel.request.case.reference] == pytest.approx(
        [surface.x, surface.y]
    )
    assert points[on_drawn.request.case.reference] == [-6.851, 33.957]
    # The list says where too, with a decimal point in every language.
    listed = client.get(LIST, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "33.95700, -6.85100" in listed
    open311 = {
        row["service_request_id"]: [row["long"], row["lat"]]
        for row in client.get("/open311/v2/requests.json").json()
    }
    assert open311 == points


def test_a_requests_page_shows_the_public_moves_of_its_state(client, kind, submit):
    filed = submit(kind, place=drawn(-6.85, 33.95), steps=["acknowledge", "review"])
    page = client.get(
        f"{LIST}{filed.request.case.reference}/", HTTP_ACCEPT_LANGUAGE="fr"
    )
    history = re.search(r'<ol class="history">(.+?)</ol>', page.content.decode(), re.S)
    items = re.findall(r"</time> — ([^<]+)</li>", history.group(1))
    assert items == ["Confirmée", "Reçue", "En examen"]
    assert 'id="public-map-data"' in page.content.decode()


def test_the_pages_read_right_to_left_in_arabic(client, kind, submit):
    filed = submit(kind)
    reference = filed.request.case.reference
    listed = client.get(LIST, HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    page = client.get(f"{LIST}{reference}/", HTTP_ACCEPT_LANGUAGE="ar")
    assert '<html lang="ar" dir="rtl">' in listed
    assert "<h1>الطلبات المودعة</h1>" in listed
    assert "طلب واحد" in listed
    assert '<html lang="ar" dir="rtl">' in page.content.decode()
    assert "سجل الطلب" in page.content.decode()


def test_the_staff_page_publishes_refuses_and_hides_from_other_agencies(
    client, kind, submit, planner, other_planner
):
    reference = submit(kind).request.case.reference
    publish = f"/planner/requests/{reference}/publish"
    client.force_login(other_planner)
    assert client.post(publish, {"public_text": "Rien."}).status_code == 404
    client.force_login(planner)
    page = client.get(f"/planner/requests/{reference}/", HTTP_ACCEPT_LANGUAGE="fr")
    assert 'name="public_text"' in page.content.decode()
    too_long = "x" * (services.MAX_TEXT + 1)
    refused = client.post(publish, {"public_text": too_long}, HTTP_ACCEPT_LANGUAGE="fr")
    assert refused.status_code == 400
    assert "Écrivez un texte public de 5000 caractères au plus." in (
        refused.content.decode()
    )
    assert too_long in refused.content.decode()
    assert CitizenRequest.objects.get(case__reference=reference).public_text == ""


def test_the_map_has_the_map_pages_base_map_when_one_is_configured(
    client, kind, submit, settings
):
    submit(kind, place=drawn(-6.85, 33.95))
    assert 'data-basemap-url=""' in client.get(LIST).content.decode()
    settings.GEOPORTAIL_BASEMAP_URL = "https://tiles.example.ma/{z}/{x}/{y}.png"
    settings.GEOPORTAIL_BASEMAP_ATTRIBUTION = "© Cadastre"
    html = client.get(LIST).content.decode()
    assert 'data-basemap-url="https://tiles.example.ma/{z}/{x}/{y}.png"' in html
    assert 'data-basemap-attribution="© Cadastre"' in html


def test_the_list_says_when_it_stops_at_its_limit(client, kind, submit, monkeypatch):
    monkeypatch.setattr(citizen_forms, "PUBLIC_LIST_LIMIT", 2)
    submit(kind)
    submit(kind)
    html = client.get(LIST, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Seules les 2 requêtes les plus récentes sont montrées" in html
    newest = submit(kind).request.case.reference
    html = client.get(LIST, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert newest in html
    assert html.count('<tr><td><a href="/requests/public/') == 2
    monkeypatch.setattr(citizen_forms, "PUBLIC_LIST_LIMIT", 5)
    html = client.get(LIST, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "les plus récentes sont montrées" not in html
