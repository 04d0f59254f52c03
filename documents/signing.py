"""The portal's one signing home: canonical JSON, SHA-256, the Ed25519 keys.

Every document the portal issues (notes, receipts, credit notes…, see
``documents.models.IssuedDocument``) is signed with the current key. The
private key comes from ``GEOPORTAIL_SIGNING_KEY`` (PEM, or the base64 of the
32-byte raw key) or, on a laptop, from ``.local/signing_key.pem``, created once
with mode 0600. Its public half starts ``GEOPORTAIL_SIGNING_KEY_SINCE`` (or
"always").

Keys rotate: the public halves of former keys stay listed in
``GEOPORTAIL_RETIRED_SIGNING_KEYS`` (a JSON list of ``{"public_key": PEM or
base64 raw, "valid_from": ISO instant or null, "valid_to": ISO instant}``), so a
document signed before a rotation still verifies — and only if it was signed
while its key was in service. Each key is named by its key id: the first 8
bytes of the SHA-256 of the raw public key, in hex (what notes always printed).
``/verify/keys`` publishes them all with their periods.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import dataclasses
import datetime
import functools
import hashlib
import json
import os
import tempfile
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.dateparse import parse_datetime

from documents.offline import key_id_of


def canonical_json(data: object) -> str:
    """Canonical JSON: sorted keys, no spaces, UTF-8 text, fixed float form.

    Floats are written in Python's shortest round-trip form (``repr``), which
    is the same on every platform; NaN and infinities are refused.
    """
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def sha256_hex(text: str) -> str:
    """The SHA-256 of ``text`` encoded in UTF-8, as 64 hex digits."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _load_private_key(text: str) -> Ed25519PrivateKey:
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(text.encode(), password=None)
    else:
        try:
            raw = base64.b64decode(text, validate=True)
        except binascii.Error as exc:
            raise ImproperlyConfigured(
                "GEOPORTAIL_SIGNING_KEY is neither PEM nor base64"
            ) from exc
        key = Ed25519PrivateKey.from_private_bytes(raw)
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured("GEOPORTAIL_SIGNING_KEY must be an Ed25519 key")
    return key


def _local_key_path() -> Path:
    local = os.environ.get("GEOPORTAIL_LOCAL_DIR") or Path(settings.BASE_DIR, ".local")
    return Path(local) / "signing_key.pem"


@functools.cache
def private_key() -> Ed25519PrivateKey:
    """The server's signing key (environment, else the checkout's own file)."""
    configured = os.environ.get("GEOPORTAIL_SIGNING_KEY", "")
    if configured.strip():
        return _load_private_key(configured)
    path = _local_key_path()
    if not path.exists():
        _create_local_key(path)
    return _load_private_key(path.read_text())


def _create_local_key(path: Path) -> None:
    """Write a new key to ``path`` (0600) unless another process just did.

    The key is written to a private temporary file, then hard-linked into
    place: the link either appears complete or fails because a concurrent
    worker won the race, in which case its key is the one everybody reads.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".signing-")
    try:
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
        # FileExistsError: another worker created it first; use theirs.
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        os.unlink(temporary)


def public_key() -> Ed25519PublicKey:
    """The public half of the current signing key."""
    return private_key().public_key()


def public_key_pem(key: Ed25519PublicKey | None = None) -> str:
    """``key`` (by default the current one) in PEM (SubjectPublicKeyInfo)."""
    return (
        (key or public_key())
        .public_bytes(
            serialization.Encoding.PEM,
            serialization.PublicFormat.SubjectPublicKeyInfo,
        )
        .decode()
    )


def key_id(key: Ed25519PublicKey | None = None) -> str:
    """A short fingerprint of ``key`` (by default the current one): the first
    8 bytes of the SHA-256 of its raw bytes, as 16 hex digits."""
    return key_id_of(key or public_key())


def sign(message: bytes) -> bytes:
    """The current key's Ed25519 signature of ``message`` (64 bytes)."""
    return private_key().sign(message)


@dataclasses.dataclass(frozen=True)
class PublicKey:
    """A public key of the portal and the period it signed in.

    ``valid_from`` None: since the beginning; ``valid_to`` None: in service.
    """

    key: Ed25519PublicKey
    valid_from: datetime.datetime | None
    valid_to: datetime.datetime | None

    @property
    def key_id(self) -> str:
        return key_id(self.key)

    @property
    def pem(self) -> str:
        return public_key_pem(self.key)

    @property
    def current(self) -> bool:
        return self.valid_to is None

    def signed_at(self, at: datetime.datetime) -> bool:
        """Whether this key was in service at ``at`` (documents are dated to
        the second: a key in service from 10:00:00.4 signs at 10:00:00)."""
        if self.valid_from is not None and at < self.valid_from.replace(microsecond=0):
            return False
        return self.valid_to is None or at < self.valid_to

    def verifies(self, message: bytes, signature: bytes) -> bool:
        """Whether ``signature`` is this key's signature of ``message``."""
        try:
            self.key.verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True


def load_public_key(text: str) -> Ed25519PublicKey:
    """A public key from PEM or the base64 of its 32 raw bytes; ValueError
    for anything else."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_public_key(text.encode())
    else:
        try:
            raw = base64.b64decode(text, validate=True)
        except binascii.Error as exc:
            raise ValueError("a public key is PEM or base64") from exc
        key = Ed25519PublicKey.from_public_bytes(raw)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("the portal's keys are Ed25519 keys")
    return key


def _instant(value: str | None, name: str) -> datetime.datetime | None:
    if value in (None, ""):
        return None
    instant = parse_datetime(value)
    if instant is None or instant.tzinfo is None:
        raise ImproperlyConfigured(f"{name}: {value!r} is not an ISO instant with zone")
    return instant


def public_keys() -> tuple[PublicKey, ...]:
    """The current public key first, then the retired ones, newest first.

    Read from the settings at each call (tests and operators change them).
    Raises ImproperlyConfigured for a retired key that cannot be read or has
    no end of service.
    """
    current = PublicKey(
        key=public_key(),
        valid_from=_instant(
            settings.GEOPORTAIL_SIGNING_KEY_SINCE, "GEOPORTAIL_SIGNING_KEY_SINCE"
        ),
        valid_to=None,
    )
    retired = []
    for entry in settings.GEOPORTAIL_RETIRED_SIGNING_KEYS:
        try:
            key = load_public_key(entry["public_key"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ImproperlyConfigured(
                f"GEOPORTAIL_RETIRED_SIGNING_KEYS: unreadable entry ({exc})"
            ) from exc
        valid_to = _instant(entry.get("valid_to"), "GEOPORTAIL_RETIRED_SIGNING_KEYS")
        if valid_to is None:
            raise ImproperlyConfigured(
                "GEOPORTAIL_RETIRED_SIGNING_KEYS: a retired key needs its valid_to"
            )
        retired.append(
            PublicKey(
                key=key,
                valid_from=_instant(
                    entry.get("valid_from"), "GEOPORTAIL_RETIRED_SIGNING_KEYS"
                ),
                valid_to=valid_to,
            )
        )
    retired.sort(key=lambda entry: entry.valid_to, reverse=True)
    return (current, *(key for key in retired if key.key_id != current.key_id))


def public_key_by_id(wanted: str) -> PublicKey | None:
    """The public key named ``wanted``, current or retired; None if unknown."""
    for key in public_keys():
        if key.key_id == wanted:
            return key
    return None


def verify(
    *, key_id: str, message: bytes, signature: bytes, signed_at: datetime.datetime
) -> bool:
    """Whether ``signature`` of ``message`` is by the key ``key_id`` while it
    was in service at ``signed_at``: a retired key's signature dated after its
    retirement is refused (whoever stole an old key cannot sign with it)."""
    key = public_key_by_id(key_id)
    if key is None or not key.signed_at(signed_at):
        return False
    return key.verifies(message, signature)
