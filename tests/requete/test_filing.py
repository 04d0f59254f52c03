"""Filing: what is checked, the honeypot, the limits per address and per
contact, and the confirmation link (signed, expiring, single-use)."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core import signing
from django.db import connection
from django.utils import translation

from cases.models import Case, Notification
from cases.services import RequesterData
from core.errors import TooManyRequests
from requete import abuse, services
from requete.errors import ConfirmationInvalid, FilingRefused
from requete.states import State
from tests.requete_fixtures import FILED_AT, filing

UTC = datetime.UTC


def file(kind, address="198.51.100.7", at=FILED_AT, **changes):
    return services.request_file(
        filing=filing(kind, **changes), client_address=address, at=at
    )


def test_a_filing_is_unconfirmed_with_a_reference_and_a_follow_code(kind):
    filed = file(kind)
    case = Case.objects.get(pk=filed.request.pk)
    assert case.state == State.UNCONFIRMED
    assert case.reference == "AURS-2027-000001"
    assert len(filed.follow_code) == 14  # "ABCD-EFGH-JKMN"
    assert filed.follow_code not in case.follow_code_digest
    assert case.requester.email == "amina@example.ma"


@pytest.mark.parametrize(
    ("language", "words"),
    [("fr", "Suivez-la ensuite sur"), ("ar", "ثم تتبعوه على")],
)
def test_the_confirmation_says_the_reference_and_how_to_follow(
    kind, settings, language, words
):
    settings.GEOPORTAIL_PUBLIC_URL = "https://geoportail.example.ma"
    filed = file(kind, language=language)
    reference = filed.request.case.reference
    [body] = Notification.objects.filter(
        case_id=filed.request.pk, channel="email"
    ).values_list("body", flat=True)
    assert reference in body
    assert words in body
    follow = f"https://geoportail.example.ma/requests/follow?reference={reference}"
    assert follow in body
    assert filed.follow_code not in body  # shown once, on the page only


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"subject": "  "}, "subject"),
        ({"subject": "x" * 201}, "subject"),
        ({"description": ""}, "description"),
        ({"description": "x" * 5001}, "description"),
        ({"requester_type": "lawyer"}, "requester_type"),
        ({"requester": RequesterData(name="Sans contact")}, "email"),
        ({"requester": RequesterData(email="not-an-address")}, "email"),
        ({"requester": RequesterData(phone="12")}, "phone"),
    ],
)
def test_wrong_fields_are_refused_by_name_in_the_readers_language(kind, changes, field):
    with translation.override("ar"), pytest.raises(FilingRefused) as caught:
        file(kind, **changes)
    message = caught.value.details["fields"][field]
    assert any("\u0600" <= character <= "\u06ff" for character in message)
    assert not Case.objects.exists()


def test_an_inactive_kind_takes_no_request(kind):
    kind.active = False
    kind.save()
    with pytest.raises(FilingRefused) as caught:
        file(kind)
    assert "kind" in caught.value.details["fields"]


def test_the_extra_fields_follow_the_kinds_schema(kind):
    kind.extra_schema = {
        "type": "object",
        "properties": {
            "permit": {"type": "string", "maxLength": 20, "title_fr": "Permis"},
            "floors": {"type": "integer", "minimum": 0, "maximum": 60},
        },
        "required": ["permit"],
    }
    kind.save()
    filed = file(kind, extra={"permit": "123/2020", "floors": 4})
    assert filed.request.extra == {"permit": "123/2020", "floors": 4}
    with pytest.raises(FilingRefused) as caught:
        file(kind, extra={"floors": 99, "colour": "red"})
    fields = caught.value.details["fields"]
    assert fields["permit"] == "Permis est obligatoire."
    assert set(fields) == {"permit", "floors", "colour"}


def test_the_honeypot_refuses_robots(kind):
    with pytest.raises(FilingRefused) as caught:
        file(kind, honeypot="http://spam.example")
    assert caught.value.code == "honeypot"
    assert not Case.objects.exists()


def test_one_address_files_six_an_hour(kind, settings):
    for number in range(6):
        file(kind, requester=RequesterData(email=f"p{number}@example.ma"))
    with pytest.raises(TooManyRequests) as caught:
        file(kind, requester=RequesterData(email="p6@example.ma"))
    assert 0 < caught.value.retry_after <= 3600
    # Another address is not held back.
    file(kind, address="198.51.100.8", requester=RequesterData(email="q@example.ma"))


def test_one_contact_files_six_an_hour_and_twenty_a_day(kind):
    contact = RequesterData(email="Amina@Example.ma")
    for number in range(6):
        file(kind, address=f"203.0.113.{number + 1}", requester=contact)
    same_person = RequesterData(email="amina@example.ma ")  # however written
    with pytest.raises(TooManyRequests) as caught:
        file(kind, address="203.0.113.50", requester=same_person)
    assert caught.value.retry_after == 3600
    # An hour later, the hour's limit has passed; the day's holds at 20.
    at = FILED_AT
    for hour in range(1, 4):
        at = FILED_AT + datetime.timedelta(hours=hour, minutes=1)
        count = 6 if hour < 3 else 2
        for number in range(count):
            file(
                kind,
                address=f"203.0.{hour}.{number + 1}",
                requester=contact,
                at=at,
            )
    with pytest.raises(TooManyRequests):
        file(kind, address="203.0.113.99", requester=contact, at=at)


def test_a_phone_is_one_contact_however_it_is_written(kind, settings):
    settings.GEOPORTAIL_REQUEST_LIMIT_HOUR = 1
    file(kind, requester=RequesterData(phone="06 61 23 45 67"))
    with pytest.raises(TooManyRequests):
        file(
            kind,
            address="198.51.100.9",
            requester=RequesterData(phone="+212 661-234567"),
        )


@pytest.mark.django_db(transaction=True)
def test_filings_of_one_contact_sent_at_once_keep_its_limit(kind, settings):
    settings.GEOPORTAIL_REQUEST_LIMIT_HOUR = 2
    start = threading.Barrier(6)
    filed, refused, errors = [], [], []

    def send(number):
        try:
            start.wait()
            file(
                kind,
                address=f"203.0.113.{number + 1}",
                requester=RequesterData(email="amina@example.ma"),
            )
            filed.append(number)
        except TooManyRequests:
            refused.append(number)
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert (len(filed), len(refused)) == (2, 4)
    assert Case.objects.count() == 2


def test_confirming_makes_the_request_submitted_once(kind):
    filed = file(kind)
    request = services.request_confirm(token=filed.confirmation_token)
    assert request.case.state == State.SUBMITTED
    with pytest.raises(ConfirmationInvalid) as caught:
        services.request_confirm(token=filed.confirmation_token)
    assert caught.value.code == "confirmation_used"


def test_a_forged_link_confirms_nothing(kind):
    filed = file(kind)
    forged = signing.dumps({"case": filed.request.pk}, salt="another.salt")
    tampered = filed.confirmation_token[:-2] + "xx"
    for token in (forged, tampered, "", "nonsense"):
        with pytest.raises(ConfirmationInvalid):
            services.request_confirm(token=token)
    assert Case.objects.get().state == State.UNCONFIRMED


class OldSigner(signing.TimestampSigner):
    """Signs as if it were 49 hours ago."""

    def timestamp(self):
        return signing.b62_encode(int(self.now) - 49 * 3600)

    now = 0.0


def test_an_expired_link_confirms_nothing(kind):
    import time

    filed = file(kind)
    OldSigner.now = time.time()
    case = filed.request.case
    old = OldSigner(salt=abuse.CONFIRM_SALT).sign_object(
        {"case": case.pk, "reference": case.reference}
    )
    with translation.override("fr"), pytest.raises(ConfirmationInvalid) as caught:
        services.request_confirm(token=old)
    assert caught.value.code == "confirmation_expired"
    assert "expiré" in str(caught.value.message)
    assert Case.objects.get().state == State.UNCONFIRMED
