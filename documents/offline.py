"""The compact signed payload an issued document's QR code carries.

A verifier without the network — an app holding only the portal's public
key — reads the QR code, splits off the payload (after the ``#`` of the
verification URL) and checks it with ``payload_verify``. Nothing here reads
the settings or the database: this module, the standard library and
``cryptography`` are all a verifier needs.

The payload is the key data in a fixed order, separated by dots, then the
signature (no field can hold a dot)::

    GD1.<key id>.<identifier>.<kind>.<agency>.<language>.<template version>
       .<issued, YYYYMMDDTHHMMSSZ>.<valid until, YYYYMMDD or empty>
       .<SHA-256 of the content, base64url>.<Ed25519 signature, base64url>

The signature covers ``"geoportail-document-v1\\n"`` followed by everything
before the last dot. The SHA-256 is the full hash of what the document states
(a note's snapshot, a receipt's data), not of the PDF: the PDF holds the
QR code, so it cannot hold its own hash — the registry keeps that one.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime
import hashlib
import re

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

VERSION = "GD1"
PAYLOAD_FORMAT = (
    "GD1.<key_id>.<identifier>.<kind>.<agency>.<language>.<template_version>"
    ".<issued YYYYMMDDTHHMMSSZ>.<valid_until YYYYMMDD or empty>"
    ".<content sha256 base64url>.<Ed25519 signature base64url>; signed: "
    "'geoportail-document-v1\\n' followed by everything before the last dot"
)
SIGNED_PREFIX = b"geoportail-document-v1\n"
_FIELD = re.compile(r"[0-9A-Za-z_-]*")
_ISSUED = "%Y%m%dT%H%M%SZ"
_DAY = "%Y%m%d"


class InvalidPayload(ValueError):
    """A payload that is malformed, or whose signature does not verify."""


def key_id_of(key: Ed25519PublicKey) -> str:
    """A key's id: the first 8 bytes of the SHA-256 of its raw bytes, in hex."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def b64url(data: bytes) -> str:
    """``data`` in base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    """Bytes from base64url, written in its one canonical way: the unused low
    bits of the last character must be zero, so no two payloads carry the
    same bytes."""
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise InvalidPayload("bad base64url") from exc
    if b64url(data) != text:
        raise InvalidPayload("base64url not in its canonical form")
    return data


@dataclasses.dataclass(frozen=True)
class KeyData:
    """What an issued document's signature covers."""

    key_id: str
    identifier: str
    kind: str
    agency: str
    language: str
    template_version: str
    issued_at: datetime.datetime  # UTC, whole seconds
    valid_until: datetime.date | None
    content_sha256: str  # 64 hex digits

    def fields(self) -> list[str]:
        return [
            VERSION,
            self.key_id,
            self.identifier,
            self.kind,
            self.agency,
            self.language,
            self.template_version,
            self.issued_at.astimezone(datetime.UTC).strftime(_ISSUED),
            self.valid_until.strftime(_DAY) if self.valid_until else "",
            b64url(bytes.fromhex(self.content_sha256)),
        ]

    def message(self) -> bytes:
        """The bytes the signature covers."""
        return SIGNED_PREFIX + ".".join(self.fields()).encode()

    def as_dict(self) -> dict:
        """The key data as JSON-ready values (the registry's canonical form)."""
        return {
            "version": VERSION,
            "key_id": self.key_id,
            "identifier": self.identifier,
            "kind": self.kind,
            "agency": self.agency,
            "language": self.language,
            "template_version": self.template_version,
            "issued_at": self.issued_at.astimezone(datetime.UTC).isoformat(),
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "content_sha256": self.content_sha256,
        }


def payload_encode(key_data: KeyData, signature: bytes) -> str:
    """The payload text of ``key_data`` and its signature."""
    for field in key_data.fields():
        if not _FIELD.fullmatch(field):
            raise ValueError(f"a payload field holds a character it cannot: {field!r}")
    return ".".join([*key_data.fields(), b64url(signature)])


def payload_decode(text: str) -> tuple[KeyData, bytes]:
    """(key data, signature) read from a payload — or from a whole scanned QR
    text, whose payload follows ``#``. Raises InvalidPayload; checks nothing."""
    text = text.strip().rpartition("#")[2]
    parts = text.split(".")
    if len(parts) != 11 or parts[0] != VERSION:
        raise InvalidPayload("not a document payload of this version")
    _, key_id, identifier, kind, agency, language, template, issued, until = parts[:9]
    try:
        issued_at = datetime.datetime.strptime(issued, _ISSUED).replace(
            tzinfo=datetime.UTC
        )
        valid_until = datetime.date.fromisoformat(until) if until else None
    except ValueError as exc:
        raise InvalidPayload("bad date") from exc
    digest = _unb64(parts[9])
    if len(digest) != 32:
        raise InvalidPayload("the SHA-256 is not 32 bytes")
    key_data = KeyData(
        key_id=key_id,
        identifier=identifier,
        kind=kind,
        agency=agency,
        language=language,
        template_version=template,
        issued_at=issued_at,
        valid_until=valid_until,
        content_sha256=digest.hex(),
    )
    return key_data, _unb64(parts[10])


def payload_verify(
    text: str,
    *,
    public_key: Ed25519PublicKey,
    valid_from: datetime.datetime | None = None,
    valid_to: datetime.datetime | None = None,
) -> KeyData:
    """The key data of a payload signed by ``public_key``.

    ``valid_from``/``valid_to``: the key's period of service as the portal
    publishes it (``/verify/keys``); a document dated outside it is refused.
    Raises InvalidPayload when the payload is malformed, names another key,
    is dated outside the key's service or its signature does not verify.
    """
    key_data, signature = payload_decode(text)
    if key_data.key_id != key_id_of(public_key):
        raise InvalidPayload(f"signed with another key ({key_data.key_id})")
    if (valid_from and key_data.issued_at < valid_from.replace(microsecond=0)) or (
        valid_to and key_data.issued_at >= valid_to
    ):
        raise InvalidPayload("dated outside the key's period of service")
    try:
        public_key.verify(signature, key_data.message())
    except InvalidSignature as exc:
        raise InvalidPayload("the signature does not verify") from exc
    return key_data
