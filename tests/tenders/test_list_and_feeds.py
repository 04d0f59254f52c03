"""The public list of calls for tenders: filters, search in French and
Arabic, the deadline closing "open now", a page per call, the Atom feeds and
the API."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tenders.models import TenderStatus

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def calls(make_call, agency, other_agency):
    return {
        "study": make_call(agency, "AO n° 12/2026"),
        "roads": make_call(
            agency,
            "AO n° 13/2026",
            object_fr="Travaux de voirie et d'assainissement",
            object_ar="أشغال الطرق والتطهير",
            status=TenderStatus.AWARDED,
            deadline=timezone.now() - datetime.timedelta(days=30),
            awardee="Société Atlas Travaux",
            award_amount=Decimal("980000.00"),
            awarded_on=datetime.date(2026, 11, 1),
        ),
        "other": make_call(
            other_agency,
            "AO n° 3/2026",
            object_fr="Levés topographiques",
            object_ar="أعمال طبوغرافية",
        ),
    }


def references(client, **params) -> list[str]:
    answer = client.get(reverse("tenders:api-calls"), params)
    assert answer.status_code == 200, answer.content
    return sorted(call["reference"] for call in answer.json()["calls"])


def test_filters_by_agency_and_status(client, calls, agency):
    assert references(client, agency=agency.code) == ["AO n° 12/2026", "AO n° 13/2026"]
    assert references(client, agency=agency.code, status="awarded") == ["AO n° 13/2026"]
    assert references(client, agency=agency.code, open="1") == ["AO n° 12/2026"]
    everywhere = references(client, open="1")  # the demo's, if loaded, too
    assert {"AO n° 12/2026", "AO n° 3/2026"} <= set(everywhere)
    assert "AO n° 13/2026" not in everywhere


def test_a_passed_deadline_takes_the_call_out_of_open_now(client, make_call, agency):
    call = make_call(agency, "AO n° 20/2026")
    assert references(client, agency=agency.code, open="1") == ["AO n° 20/2026"]
    call.deadline = timezone.now() - datetime.timedelta(minutes=1)
    call.save()
    assert references(client, agency=agency.code, open="1") == []
    page = client.get(
        reverse("tenders:call", args=[call.pk]), HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert "Date limite dépassée" in page.content.decode()
    assert (
        client.get(reverse("tenders:api-call", args=[call.pk])).json()["open_now"]
        is False
    )


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("études", ["AO n° 12/2026"]),  # stem and accent: "Étude"
        ("amenagement", ["AO n° 12/2026"]),
        ("voirie", ["AO n° 13/2026"]),
        ("دراسة", ["AO n° 12/2026"]),
        ("طبوغرافيه", ["AO n° 3/2026"]),  # taa marbuta written as haa
        ("13/2026", ["AO n° 13/2026"]),
        ("١٣/٢٠٢٦", ["AO n° 13/2026"]),  # Arabic-Indic digits
    ],
)
def test_search_the_object_in_french_and_arabic(
    client, calls, agency, other_agency, words, expected
):
    found = references(client, q=words, agency=agency.code) + references(
        client, q=words, agency=other_agency.code
    )
    assert sorted(found) == expected


def test_bad_filters_get_a_clear_error(client, calls):
    answer = client.get(reverse("tenders:api-calls"), {"status": "won"})
    assert answer.status_code == 400
    page = client.get(
        reverse("tenders:list"), {"agency": "nowhere"}, HTTP_ACCEPT_LANGUAGE="ar"
    )
    assert page.status_code == 400
    assert "nowhere" in page.content.decode()


@pytest.mark.parametrize(
    ("language", "direction", "heading", "deadline_label"),
    [
        ("fr", "ltr", "Appels d’offres", "Date limite de remise des offres"),
        ("ar", "rtl", "طلبات العروض", "آخر أجل لإيداع العروض"),
        ("en", "ltr", "Calls for tenders", "Deadline for tenders"),
    ],
)
def test_the_list_and_a_call_speak_the_readers_language(
    client, calls, language, direction, heading, deadline_label
):
    listing = client.get(reverse("tenders:list"), HTTP_ACCEPT_LANGUAGE=language)
    body = listing.content.decode()
    assert f'dir="{direction}"' in body
    assert heading in body
    assert reverse("tenders:call", args=[calls["study"].pk]) in body
    page = client.get(
        reverse("tenders:call", args=[calls["roads"].pk]),
        HTTP_ACCEPT_LANGUAGE=language,
    ).content.decode()
    assert deadline_label in page
    assert "Société Atlas Travaux" in page


def test_the_deadline_is_shown_in_casablanca_time(client, make_call, agency):
    deadline = datetime.datetime(2031, 3, 2, 9, 30, tzinfo=datetime.UTC)
    call = make_call(agency, "AO n° 30/2026", deadline=deadline)
    page = client.get(
        reverse("tenders:call", args=[call.pk]), HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert 'datetime="2031-03-02T10:30:00+01:00"' in page


def test_an_unknown_call_is_a_404(client, db):
    assert client.get(reverse("tenders:call", args=[999999])).status_code == 404
    answer = client.get(reverse("tenders:api-call", args=[999999]))
    assert answer.json()["error"]["code"] == "call_not_found"


def atom(client, url: str) -> ET.Element:
    answer = client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(answer.content)


def test_the_atom_feeds_of_all_and_of_one_agency(client, calls, agency):
    everything = atom(client, reverse("tenders:feed"))
    assert everything.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert everything.find(f"{ATOM}{required}") is not None
    titles = [
        entry.findtext(f"{ATOM}title") for entry in everything.iter(f"{ATOM}entry")
    ]
    # The demo's calls too, when a test loaded it.
    assert {
        "AO n° 12/2026 — Étude d'aménagement du centre de Témara",
        "AO n° 13/2026 — Travaux de voirie et d'assainissement",
        "AO n° 3/2026 — Levés topographiques",
    } <= set(titles)
    for entry in everything.iter(f"{ATOM}entry"):
        assert entry.findtext(f"{ATOM}id")
        assert entry.findtext(f"{ATOM}updated")
        assert entry.find(f"{ATOM}link").get("href").startswith("http")
    own = atom(client, reverse("tenders:agency-feed", args=[agency.code]))
    own_titles = sorted(e.findtext(f"{ATOM}title") for e in own.iter(f"{ATOM}entry"))
    assert [t.split(" — ")[0] for t in own_titles] == ["AO n° 12/2026", "AO n° 13/2026"]
    assert agency.name_fr in own.findtext(f"{ATOM}title")
    missing = client.get(reverse("tenders:agency-feed", args=["nowhere"]))
    assert missing.status_code == 404


def test_the_api_gives_a_call_with_its_results(client, calls):
    data = client.get(reverse("tenders:api-call", args=[calls["roads"].pk])).json()
    assert data["result"] == {
        "awardee": "Société Atlas Travaux",
        "amount": "980000.00",
        "awarded_on": "2026-11-01",
    }
    assert data["documents"] == []
    assert data["estimate"] == "1250000.00"
