"""The public pages: the lookup by number and short code, a session's
results, the agency's Atom feed — the public facts, never personal data."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from cases import codes
from permits.models import PermitFile

ATOM = "{http://www.w3.org/2005/Atom}"


def lookup(client, number: str, code: str, language: str = "fr"):
    return client.post(
        reverse("permits:lookup"),
        {"number": number, "code": code},
        HTTP_ACCEPT_LANGUAGE=language,
    )


def test_the_right_code_shows_the_state_dates_and_opinion(client, reviewed):
    file, code = reviewed
    page = lookup(client, "PC-2026-0001", code.lower().replace("-", " "))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-state="opinion_given"' in html
    assert 'data-opinion="conditional"' in html
    assert "Planter deux arbres sur rue" in html
    assert file.filed_on.strftime("%Y") in html
    assert "Bennani" not in html
    assert "Alaoui" not in html
    assert page["Cache-Control"].startswith("max-age=0")


def test_the_portal_reference_finds_the_file_too(client, reviewed):
    file, code = reviewed
    page = lookup(client, file.case.reference, code)
    assert 'data-state="opinion_given"' in page.content.decode()


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_a_wrong_code_shows_no_file(client, reviewed, language):
    page = lookup(client, "PC-2026-0001", "AAAA-BBBB-CCCC", language)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'role="alert"' in html
    assert "data-state" not in html


def test_an_enumeration_attempt_is_throttled(client, reviewed, settings):
    _file, code = reviewed
    settings.GEOPORTAIL_LOGIN_FAILURE_LIMIT = 3
    answers = [lookup(client, f"PC-2026-{n:04d}", "AAAA-BBBB-CCCC") for n in range(4)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert int(answers[-1]["Retry-After"]) > 0
    # Locked out, even the right code is refused until the cool-off.
    locked = lookup(client, "PC-2026-0001", code)
    assert locked.status_code == 429
    assert "data-state" not in locked.content.decode()


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("fr", "Trop de codes erronés ont été essayés pour ce numéro"),
        ("ar", "جُرّبت رموز خاطئة كثيرة لهذا الرقم"),
    ],
)
def test_guessing_one_files_code_from_many_addresses_is_throttled(
    client, reviewed, settings, language, message
):
    # Each guess from its own address: only the count per number stops them.
    file, code = reviewed
    settings.GEOPORTAIL_LOGIN_FAILURE_LIMIT = 3
    answers = [
        client.post(
            reverse("permits:lookup"),
            {"number": "PC-2026-0001", "code": f"AAAA-BBBB-CCC{n}"},
            REMOTE_ADDR=f"192.0.2.{n + 1}",
            HTTP_ACCEPT_LANGUAGE=language,
        )
        for n in range(4)
    ]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert message in answers[-1].content.decode()
    assert int(answers[-1]["Retry-After"]) > 0
    # The right code, from yet another address: refused until the cool-off.
    locked = client.post(
        reverse("permits:lookup"),
        {"number": "PC-2026-0001", "code": code},
        REMOTE_ADDR="198.51.100.7",
    )
    assert locked.status_code == 429
    assert "data-state" not in locked.content.decode()
    # The portal's reference is found in any case: so are its guesses counted.
    case_reference = file.case.reference
    variants = [
        case_reference.lower(),
        case_reference.title(),
        case_reference[0].lower() + case_reference[1:],
    ]
    for n, written in enumerate(variants):
        answer = client.post(
            reverse("permits:lookup"),
            {"number": written, "code": f"DDDD-EEEE-FFF{n}"},
            REMOTE_ADDR=f"203.0.113.{n + 1}",
        )
        assert answer.status_code == 200
    assert (
        client.post(
            reverse("permits:lookup"),
            {"number": case_reference, "code": code},
            REMOTE_ADDR="203.0.113.9",
        ).status_code
        == 429
    )
    # Another number is not held back by this one's guesses.
    other = client.post(
        reverse("permits:lookup"),
        {"number": "PC-2026-0002", "code": "AAAA-BBBB-CCCC"},
        REMOTE_ADDR="198.51.100.8",
    )
    assert other.status_code == 200


def test_a_number_and_code_typed_in_arabic_indic_digits_find_the_file(client, reviewed):
    _file, code = reviewed
    arabic = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
    page = lookup(client, "PC-2026-0001".translate(arabic), code.translate(arabic))
    assert 'data-state="opinion_given"' in page.content.decode()
    # A code's digits (2–9) are read in either script, whatever this one holds.
    assert codes.follow_code_digest("ABCD-2345-6789") == codes.follow_code_digest(
        "abcd ٢٣٤٥ ٦٧٨٩"
    )


def test_a_file_not_to_publish_is_not_found(client, reviewed):
    file, code = reviewed
    PermitFile.objects.filter(pk=file.pk).update(do_not_publish=True)
    page = lookup(client, "PC-2026-0001", code)
    assert "data-state" not in page.content.decode()


def _session_page(client, session, language="fr"):
    return client.get(
        reverse("permits:session", args=[session.agency.code, session.pk]),
        HTTP_ACCEPT_LANGUAGE=language,
    )


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_session_results_are_anonymised(client, reviewed, session, language):
    page = _session_page(client, session, language)
    html = page.content.decode()
    assert page.status_code == 200
    assert "PC-2026-0001" in html
    assert "TF 12345/07" in html
    assert 'data-opinion="conditional"' in html
    assert "Bennani" not in html
    assert "Alaoui" not in html
    assert "s.b@example.ma" not in html
    assert 'class="as-of"' in html


def test_an_unpublished_session_has_no_public_page(client, make_file, session):
    assert _session_page(client, session).status_code == 404


def test_a_file_not_to_publish_is_left_out_of_the_results(client, reviewed, session):
    file, _code = reviewed
    PermitFile.objects.filter(pk=file.pk).update(do_not_publish=True)
    assert "PC-2026-0001" not in _session_page(client, session).content.decode()


def test_the_agencys_feed_has_an_entry_per_published_session(client, reviewed, session):
    answer = client.get(reverse("permits:feed", args=[session.agency.code]))
    assert answer["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(answer.content)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 1
    link = entries[0].find(f"{ATOM}link").get("href")
    assert link.endswith(
        reverse("permits:session", args=[session.agency.code, session.pk])
    )
    assert "Bennani" not in answer.content.decode()
