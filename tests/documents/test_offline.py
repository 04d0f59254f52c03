"""The QR code's signed payload, checked with the public key alone; keys that
rotate and stay verifiable for what they signed in their time."""

from __future__ import annotations

import base64
import datetime
import io
import re
from pathlib import Path

import pytest
import segno
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
)
from django.core.management import CommandError, call_command
from django.utils import timezone

from documents import offline, selectors, signing
from documents.services import document_prepare


def test_a_payload_verifies_with_the_public_key_alone(issue, agency):
    document = issue()
    payload = selectors.payload_of(document)
    key_data = offline.payload_verify(payload, public_key=signing.public_key())
    assert key_data.identifier == document.identifier
    assert key_data.kind == "receipt"
    assert key_data.agency == agency.code
    assert key_data.content_sha256 == document.content_sha256
    assert key_data.issued_at == document.issued_at
    # The whole scanned text (URL # payload) reads the same.
    scanned = f"https://example.org/verify/{document.code}?lang=fr#{payload}"
    assert offline.payload_verify(scanned, public_key=signing.public_key())


def flipped(payload: str, position: int) -> str:
    char = payload[position]
    other = "B" if char != "B" else "C"
    return payload[:position] + other + payload[position + 1 :]


def test_a_changed_character_anywhere_fails(issue):
    payload = selectors.payload_of(issue())
    key = signing.public_key()
    for position in range(len(payload)):
        if payload[position] == ".":
            continue
        with pytest.raises(offline.InvalidPayload):
            offline.payload_verify(flipped(payload, position), public_key=key)


def test_another_key_or_a_date_outside_its_service_is_refused(issue):
    payload = selectors.payload_of(issue())
    stranger = Ed25519PrivateKey.generate().public_key()
    with pytest.raises(offline.InvalidPayload, match="another key"):
        offline.payload_verify(payload, public_key=stranger)
    with pytest.raises(offline.InvalidPayload, match="outside"):
        offline.payload_verify(
            payload,
            public_key=signing.public_key(),
            valid_to=timezone.now() - datetime.timedelta(days=1),
        )


def test_the_qr_code_stays_a_sensible_size(issue, make_agency):
    # The longest agency code a slug allows, the longest kind.
    agency = make_agency("a" * 32)
    document = issue(agency=agency, kind="commission_decision")
    url = f"https://geoportail.example.ma/verify/{document.code}?lang=ar"
    qr = segno.make_qr(f"{url}#{selectors.payload_of(document)}", error="m")
    assert qr.version <= 14  # 73 modules: 0.5 mm each on the note's 36 mm


def test_the_command_verifies_without_the_database(issue, tmp_path):
    payload = selectors.payload_of(issue())
    key_file = tmp_path / "portal.pem"
    key_file.write_text(signing.public_key_pem())
    output = io.StringIO()
    call_command(
        "document_verify_offline", payload, "--public-key", str(key_file), stdout=output
    )
    assert "Authentic" in output.getvalue()
    assert "kind: receipt" in output.getvalue()
    with pytest.raises(CommandError, match="NOT authentic"):
        call_command(
            "document_verify_offline",
            flipped(payload, len(payload) - 5),
            "--public-key",
            str(key_file),
        )


def test_the_command_imports_nothing_of_the_database():
    source = (
        signing.__file__.replace("signing.py", "")
        + "management/commands/document_verify_offline.py"
    )
    text = Path(source).read_text(encoding="utf-8")
    imports = set(re.findall(r"^(?:from|import) (\S+)", text, flags=re.MULTILINE))
    assert imports <= {
        "__future__",
        "datetime",
        "pathlib",
        "cryptography.hazmat.primitives.asymmetric.ed25519",
        "cryptography.hazmat.primitives.serialization",
        "django.core.management.base",
        "documents.offline",
    }
    offline_source = Path(offline.__file__).read_text(encoding="utf-8")
    assert "django" not in offline_source


@pytest.fixture
def rotated(monkeypatch, settings):
    """Rotate the signing key: the current one retires now, a new one serves.
    Returns the retirement instant."""

    def rotate(*, retired_at: datetime.datetime) -> None:
        old = signing.PublicKey(
            key=signing.public_key(), valid_from=None, valid_to=None
        )
        settings.GEOPORTAIL_RETIRED_SIGNING_KEYS = [
            {
                "public_key": old.pem,
                "valid_from": None,
                "valid_to": retired_at.isoformat(),
            }
        ]
        settings.GEOPORTAIL_SIGNING_KEY_SINCE = retired_at.isoformat()
        new = Ed25519PrivateKey.generate()
        raw = new.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        monkeypatch.setenv("GEOPORTAIL_SIGNING_KEY", base64.b64encode(raw).decode())
        signing.private_key.cache_clear()

    yield rotate
    signing.private_key.cache_clear()


def test_after_a_rotation_old_documents_still_verify(issue, rotated, client):
    old_document = issue(reference="R-1")
    old_key_id = old_document.key_id
    rotated(retired_at=timezone.now())
    assert signing.key_id() != old_key_id
    assert selectors.document_verify(old_document).authentic
    new_document = issue(reference="R-2")
    assert new_document.key_id == signing.key_id()
    assert selectors.document_verify(new_document).authentic
    keys = client.get("/api/v1/issued-documents/keys").json()["keys"]
    assert [key["key_id"] for key in keys] == [signing.key_id(), old_key_id]
    assert keys[1]["valid_to"] is not None
    assert keys[0]["valid_from"] is not None
    page = client.get("/verify/keys").content.decode()
    assert old_key_id in page
    assert signing.key_id() in page


def test_a_retired_key_signing_after_its_retirement_is_refused(issue, rotated, agency):
    # Whoever kept the old key signs a document dated after its retirement.
    issued_at = timezone.now()
    late = issue(reference="R-3", issued_at=issued_at)
    rotated(retired_at=issued_at - datetime.timedelta(minutes=5))
    assert late.key_id != signing.key_id()
    assert not selectors.document_verify(late).authentic
    prepared = document_prepare(
        kind="receipt",
        agency=agency,
        language="fr",
        template_version="test-1",
        subject_type="payments.receipt",
        subject_reference="R-4",
        content_sha256="00" * 32,
    )
    assert prepared.key_data.key_id == signing.key_id()


def test_the_whole_registry_is_checked_after_a_rotation(issue, rotated, settings):
    issue(reference="R-1")
    rotated(retired_at=timezone.now())
    issue(reference="R-2")
    output = io.StringIO()
    call_command("verify_documents", stdout=output)
    assert "2 issued documents verified: all authentic." in output.getvalue()
    # Forget the retired key: what it signed no longer verifies.
    settings.GEOPORTAIL_RETIRED_SIGNING_KEYS = []
    with pytest.raises(CommandError, match="1 of 2 issued documents fail"):
        call_command("verify_documents", stderr=io.StringIO())
