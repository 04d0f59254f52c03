"""Open311 GeoReport v2 answering a client written against the published
specification (tests/requete/georeport_client.py), over a live server:
services, a service definition, a POSTed request confirmed through the
outbox's link, the public list and one request; anonymised answers, errors
as the specification shapes them, and the filing limits as 429."""

from __future__ import annotations

import datetime
import json
import re
import urllib.request
import xml.etree.ElementTree as ET

import pytest

from cases.models import Notification
from parcels.models import Parcel
from parcels.references import ParcelReference
from requete import services
from requete.models import CitizenRequest, RequestKind
from tests.conftest import square
from tests.requete.georeport_client import GeoReport, GeoReportError

NAME, EMAIL, PHONE = "Amina Berrada", "amina.open311@example.ma", "0661234567"
DESCRIPTION = "Le plan classe ma parcelle en zone verte depuis 2019."
SCHEMA = {
    "type": "object",
    "properties": {
        "permit": {"type": "string", "maxLength": 20, "title_fr": "Permis"},
        "floors": {"type": "integer", "minimum": 0, "maximum": 60},
        "urgent": {"type": "boolean", "title_ar": "مستعجل"},
    },
    "required": ["permit"],
}


@pytest.fixture
def kinds(transactional_db, agency, make_kind):
    complaint = make_kind(agency, extra_schema=SCHEMA)
    suggestion = make_kind(
        agency,
        "service-suggestion",
        family=RequestKind.Family.SUGGESTION,
        label_fr="Suggestion sur le service",
        label_ar="اقتراح حول الخدمة",
    )
    return complaint, suggestion


@pytest.fixture
def parcel(agency):
    return Parcel.objects.create(
        agency=agency,
        kind="TF",
        reference="TF 500/07",
        reference_key=ParcelReference.parse("TF 500/07").key,
        geom=square(-6.86, 33.95, 0.001),
    )


@pytest.fixture
def georeport(live_server, kinds):
    return GeoReport(f"{live_server.url}/open311/v2/", jurisdiction_id="aurs")


def _confirm_by_the_outbox_link(email: str):
    """Follow the link the requester received (the outbox's e-mail)."""
    body = Notification.objects.get(recipient=email).body
    token = re.search(r"/requests/confirm/(\S+)", body).group(1)
    return services.request_confirm(token=token)


def _post(georeport, **changes):
    fields = {
        "lat": "33.9627",
        "long": "-6.8476",
        "email": EMAIL,
        "phone": PHONE,
        "first_name": "Amina",
        "last_name": "Berrada",
        "description": DESCRIPTION,
        "attributes": {"permit": "123/2020", "floors": "4", "urgent": "true"},
    }
    fields.update(changes)
    return georeport.post("zoning-complaint", **fields)


def test_a_client_lists_services_in_the_readers_language(georeport):
    services_fr = georeport.services()
    assert [s["service_code"] for s in services_fr] == [
        "service-suggestion",
        "zoning-complaint",
    ]
    complaint = services_fr[1]
    assert complaint["service_name"] == "Réclamation sur le zonage"
    assert complaint["metadata"] is True
    assert services_fr[0]["metadata"] is False
    assert complaint["type"] == "batch"
    assert complaint["keywords"] == "complaint"
    assert "15" in complaint["description"]
    assert "60" in complaint["description"]
    georeport.language = "ar"
    assert georeport.services()[1]["service_name"] == "شكاية حول التنطيق"


def test_a_service_definition_lists_the_kinds_extra_fields(georeport):
    definition = georeport.definition("zoning-complaint")
    attributes = {a["code"]: a for a in definition["attributes"]}
    assert definition["service_code"] == "zoning-complaint"
    assert attributes["permit"]["datatype"] == "string"
    assert attributes["permit"]["required"] is True
    assert attributes["permit"]["description"] == "Permis"
    assert attributes["floors"]["datatype"] == "number"
    assert attributes["urgent"]["datatype"] == "singlevaluelist"
    assert [v["key"] for v in attributes["urgent"]["values"]] == ["true", "false"]
    assert [a["order"] for a in definition["attributes"]] == [1, 2, 3]


def test_a_posted_request_is_followed_from_token_to_answer(georeport, planner):
    status, answer = _post(georeport)
    assert status == 201
    [receipt] = answer
    assert set(receipt) == {"token", "service_notice"}
    assert "48" in receipt["service_notice"]
    filed = CitizenRequest.objects.get()
    assert filed.extra == {"permit": "123/2020", "floors": 4, "urgent": True}
    assert filed.case.requester.name == NAME
    # Unconfirmed: no id yet, nowhere public.
    assert georeport.token(receipt["token"]) == [{"token": receipt["token"]}]
    assert georeport.requests() == []

    _confirm_by_the_outbox_link(EMAIL)
    [named] = georeport.token(receipt["token"])
    reference = named["service_request_id"]
    assert reference == filed.case.reference
    [shown] = georeport.request(reference, extensions="true")
    assert shown["status"] == "open"
    assert shown["extended_attributes"]["detailed_status"] == "submitted"
    assert shown["service_code"] == "zoning-complaint"
    assert shown["requested_datetime"]
    assert shown["expected_datetime"]
    assert [r["service_request_id"] for r in georeport.requests()] == [reference]

    request = CitizenRequest.objects.get()
    services.request_acknowledge(request=request, actor=planner)
    services.request_review(request=request, actor=planner)
    services.request_answer(request=request, actor=planner, answer="Zone verte.")
    [answered] = georeport.request(reference, extensions="true")
    assert answered["status"] == "closed"
    assert answered["extended_attributes"]["detailed_status"] == "answered"
    assert answered["updated_datetime"] > shown["updated_datetime"]
    assert georeport.requests(status="open") == []
    assert len(georeport.requests(status="closed")) == 1


def test_public_answers_hold_no_personal_data_nor_free_text(georeport, parcel):
    _post(georeport)
    _post(
        georeport,
        email="other@example.ma",
        phone="",
        lat="",
        long="",
        address_id="TF 500/07",
    )
    _confirm_by_the_outbox_link(EMAIL)
    _confirm_by_the_outbox_link("other@example.ma")
    listed = georeport.requests(extensions="true")
    assert len(listed) == 2
    answers = [
        georeport.raw("requests.json", extensions="true"),
        georeport.raw("requests.xml", extensions="true"),
        *(georeport.raw(f"requests/{r['service_request_id']}.json") for r in listed),
    ]
    for body in answers:
        text = body.decode()
        for private in (
            "Amina",
            "Berrada",
            "amina.open311",
            "other@example",
            "661234567",
            "zone verte depuis",
            "123/2020",
        ):
            assert private not in text
    on_parcel = next(r for r in listed if r["service_request_id"].endswith("2"))
    point = parcel.geom.point_on_surface
    assert (on_parcel["lat"], on_parcel["long"]) == (point.y, point.x)
    drawn = next(r for r in listed if r is not on_parcel)
    assert (drawn["lat"], drawn["long"]) == (33.963, -6.848)  # rounded, ~100 m


def test_filters_by_service_code_status_and_dates(georeport):
    _post(georeport)
    georeport.post(
        "service-suggestion",
        lat="33.95",
        long="-6.85",
        email="s@example.ma",
        description="Ouvrir le guichet le samedi.",
    )
    _confirm_by_the_outbox_link(EMAIL)
    _confirm_by_the_outbox_link("s@example.ma")
    codes = {r["service_code"] for r in georeport.requests()}
    assert codes == {"zoning-complaint", "service-suggestion"}
    only = georeport.requests(service_code="service-suggestion")
    assert [r["service_code"] for r in only] == ["service-suggestion"]
    assert georeport.requests(start_date="2099-01-01T00:00:00Z") == []
    assert len(georeport.requests(end_date="2099-01-01T00:00:00Z")) == 2
    assert georeport.requests(end_date="2000-01-01T00:00:00Z") == []


@pytest.mark.parametrize(
    ("call", "status", "words"),
    [
        (lambda g: g.definition("no-such-kind"), 404, "no-such-kind"),
        (lambda g: g.request("AURS-2027-999999"), 404, ""),
        (lambda g: g.token("forged"), 404, ""),
        (lambda g: g.requests(start_date="yesterday"), 400, "start_date"),
        (lambda g: g.requests(status="pending"), 400, "status"),
        (lambda g: _post(g, lat="", long=""), 400, "lat"),
        (lambda g: _post(g, lat="91", long="-6.85"), 400, "lat"),
        (lambda g: _post(g, attributes={}), 400, "Permis"),
        (lambda g: _post(g, lat="48.85", long="2.35"), 400, "territo"),
        (lambda g: _post(g, email="", phone=""), 400, "mail"),
    ],
)
def test_errors_are_georeport_error_lists(georeport, call, status, words):
    georeport.language = "en"
    with pytest.raises(GeoReportError) as caught:
        call(georeport)
    assert caught.value.status == status
    [error] = caught.value.errors
    assert error["code"] == status
    assert words in error["description"]
    assert not CitizenRequest.objects.exists()


def test_the_jurisdiction_is_asked_for_where_several_agencies_take_requests(
    georeport, other_agency, make_kind
):
    make_kind(other_agency)
    anywhere = GeoReport(georeport.base, language="en")
    with pytest.raises(GeoReportError) as caught:
        anywhere.services()
    assert caught.value.status == 400
    assert "aukt, aurs" in caught.value.errors[0]["description"]
    with pytest.raises(GeoReportError) as caught:
        GeoReport(georeport.base, jurisdiction_id="nowhere").services()
    assert caught.value.status == 404
    assert anywhere.requests() == []  # listing needs none


def test_xml_answers_follow_the_specifications_elements(georeport):
    services_xml = ET.fromstring(georeport.raw("services.xml"))
    assert services_xml.tag == "services"
    assert [e.findtext("service_code") for e in services_xml] == [
        "service-suggestion",
        "zoning-complaint",
    ]
    definition = ET.fromstring(georeport.raw("services/zoning-complaint.xml"))
    codes = {e.text for e in definition.iterfind("attributes/attribute/code")}
    assert codes == {"permit", "floors", "urgent"}
    assert definition.find("attributes/attribute/values/value/key") is not None
    with pytest.raises(GeoReportError) as caught:
        georeport.raw("requests/AURS-2027-999999.xml")
    assert caught.value.errors[0]["code"] == 404
    assert caught.value.errors[0]["description"]


@pytest.mark.parametrize(
    ("language", "words"), [("fr", "Trop de requêtes"), ("ar", "طلبات كثيرة")]
)
def test_filing_past_the_limit_is_a_429_in_the_readers_language(
    georeport, settings, language, words
):
    settings.GEOPORTAIL_REQUEST_LIMIT_HOUR = 1
    georeport.language = language
    assert _post(georeport)[0] == 201
    with pytest.raises(GeoReportError) as caught:
        _post(georeport, email="second@example.ma", phone="")
    assert caught.value.status == 429
    assert int(caught.value.headers["Retry-After"]) > 0
    assert words in caught.value.errors[0]["description"]
    assert CitizenRequest.objects.count() == 1


def test_errors_outside_the_views_are_georeport_errors_too(client, kinds):
    unknown = client.get("/open311/v2/nothing.json")
    assert unknown.status_code == 404
    assert unknown.json()[0]["code"] == 404
    nul = client.get("/open311/v2/requests.xml?status=open%00")
    assert nul.status_code == 400
    assert ET.fromstring(nul.content).findtext("error/code") == "400"


def test_the_list_spans_the_last_90_days_unless_dates_are_given(georeport):
    _post(georeport)
    _confirm_by_the_outbox_link(EMAIL)
    case = CitizenRequest.objects.get().case
    case.submitted_at -= datetime.timedelta(days=91)
    case.save(update_fields=["submitted_at"])
    assert georeport.requests() == []
    since = (case.submitted_at - datetime.timedelta(days=1)).isoformat()
    assert len(georeport.requests(start_date=since)) == 1
    assert len(georeport.request(case.reference)) == 1


def test_a_refused_filing_is_explained_in_arabic(georeport):
    georeport.language = "ar"
    with pytest.raises(GeoReportError) as caught:
        _post(georeport, email="", phone="")
    description = caught.value.errors[0]["description"]
    assert any("\u0600" <= character <= "\u06ff" for character in description)


def test_a_client_finds_the_endpoint_by_service_discovery(georeport, live_server):
    discovery = json.loads(
        urllib.request.urlopen(f"{live_server.url}/open311/discovery.json").read()
    )
    [endpoint] = discovery["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == f"{live_server.url}/open311/v2"
    assert set(endpoint["formats"]) == {"application/json", "text/xml"}
    found = GeoReport(endpoint["url"] + "/", jurisdiction_id="aurs")
    assert len(found.services()) == 2
    xml = urllib.request.urlopen(f"{live_server.url}/open311/discovery.xml").read()
    assert ET.fromstring(xml).findtext("endpoints/endpoint/type") == "production"
