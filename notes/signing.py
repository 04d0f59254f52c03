"""What a note's signature covers; the keys are documents/signing.py's.

What is signed: ``"geoportail-note-v1\\n<reference>\\n<sha256>"`` — the hash
binds the content, the reference binds it to one note. A note is also an
issued document (``documents``), whose own signature covers its key data.
"""

from __future__ import annotations

import base64
import binascii
import datetime

from documents import signing

SIGNED_PREFIX = "geoportail-note-v1"


def _message(reference: str, digest: str) -> bytes:
    return f"{SIGNED_PREFIX}\n{reference}\n{digest}".encode()


def sign(reference: str, digest: str) -> str:
    """The base64 Ed25519 signature of a note's reference and hash."""
    return base64.b64encode(signing.sign(_message(reference, digest))).decode()


def verify(
    reference: str,
    digest: str,
    signature: str,
    *,
    key_id: str,
    signed_at: datetime.datetime,
) -> bool:
    """Whether ``signature`` is the signature of reference and hash by the key
    ``key_id`` (current or retired) while it was in service at ``signed_at``."""
    try:
        raw = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        return False
    return signing.verify(
        key_id=key_id,
        message=_message(reference, digest),
        signature=raw,
        signed_at=signed_at,
    )
