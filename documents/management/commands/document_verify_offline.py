"""``manage.py document_verify_offline <payload> --public-key <pem file>``:
check a document's QR payload as a verifier without the network would — with
the public key alone, reading nothing from the database or the settings."""

from __future__ import annotations

import datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from django.core.management.base import BaseCommand, CommandError

from documents.offline import InvalidPayload, payload_verify


def _instant(text: str | None) -> datetime.datetime | None:
    if not text:
        return None
    instant = datetime.datetime.fromisoformat(text)
    if instant.tzinfo is None:
        raise CommandError(f"{text}: give the time zone (…Z or +01:00)")
    return instant


class Command(BaseCommand):
    help = (
        "Verify the signed payload of an issued document's QR code (or the whole "
        "scanned text) with a public key file (PEM, as /verify/keys publishes), "
        "without the network or the database. Prints the key data; exits with an "
        "error when the payload is malformed or its signature does not verify."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("payload")
        parser.add_argument("--public-key", required=True, type=Path)
        parser.add_argument(
            "--valid-from", help="the key's start of service (ISO instant)"
        )
        parser.add_argument("--valid-to", help="the key's end of service (ISO instant)")

    def handle(self, *args, **options):
        try:
            key = load_pem_public_key(options["public_key"].read_bytes())
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read the public key: {exc}") from exc
        if not isinstance(key, Ed25519PublicKey):
            raise CommandError("the portal's keys are Ed25519 keys")
        try:
            data = payload_verify(
                options["payload"],
                public_key=key,
                valid_from=_instant(options["valid_from"]),
                valid_to=_instant(options["valid_to"]),
            )
        except InvalidPayload as exc:
            raise CommandError(f"NOT authentic: {exc}") from exc
        self.stdout.write("Authentic: signed by key " + data.key_id)
        for name, value in data.as_dict().items():
            self.stdout.write(f"  {name}: {value}")
