"""Canonical JSON, SHA-256 and the server's Ed25519 signature of notes.

The private key comes from ``GEOPORTAIL_SIGNING_KEY`` (PEM, or the base64 of
the 32-byte raw key) or, on a laptop, from ``.local/signing_key.pem``, created
once with mode 0600. The public key is published at
``/api/v1/notes/public-key`` so anyone can check a note offline.

What is signed: ``"geoportail-note-v1\\n<reference>\\n<sha256>"`` — the hash
binds the content, the reference binds it to one note.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
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

SIGNED_PREFIX = "geoportail-note-v1"


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


def _message(reference: str, digest: str) -> bytes:
    return f"{SIGNED_PREFIX}\n{reference}\n{digest}".encode()


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
    """The public half of the signing key."""
    return private_key().public_key()


def public_key_pem() -> str:
    """The public key in PEM (SubjectPublicKeyInfo)."""
    return (
        public_key()
        .public_bytes(
            serialization.Encoding.PEM,
            serialization.PublicFormat.SubjectPublicKeyInfo,
        )
        .decode()
    )


def key_id() -> str:
    """A short fingerprint of the public key: the first 16 hex of its SHA-256."""
    raw = public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return hashlib.sha256(raw).hexdigest()[:16]


def sign(reference: str, digest: str) -> str:
    """The base64 Ed25519 signature of a note's reference and hash."""
    return base64.b64encode(private_key().sign(_message(reference, digest))).decode()


def verify(reference: str, digest: str, signature: str) -> bool:
    """Whether ``signature`` is the server key's signature of reference and hash."""
    try:
        raw = base64.b64decode(signature, validate=True)
        public_key().verify(raw, _message(reference, digest))
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True
