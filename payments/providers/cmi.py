"""A card gateway in the style of Morocco's CMI ("3D Pay Hosting").

The browser posts a signed form to the gateway's hosted payment page; the
gateway posts the result to our callback, server to server, and only then
sends the browser back. Both directions carry ``HASH``, CMI's "hash version
3": every parameter except ``HASH`` and ``encoding``, sorted by name in
natural, case-insensitive order (PHP's ``natcasesort``), each value trimmed
and escaped (``\\`` → ``\\\\``, ``|`` → ``\\|``) and followed by ``|``, then the
escaped store key; the SHA-512 digest of that text (UTF-8), in base64.
A callback is believed only if its hash matches, compared in constant time,
and before anything is read or changed. The payment is captured (the answer
``ACTION=POSTAUTH``) only once the callback has been accepted.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import re

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from payments.providers.base import Instructions, Provider, ReturnUrls

# Fields that are not signed.
UNSIGNED = {"hash", "encoding"}
# ISO 4217 numeric code of the dirham.
MAD = "504"
# What the gateway expects as the answer to its callback.
CAPTURE = "ACTION=POSTAUTH"  # accepted: capture the pre-authorised amount
ACKNOWLEDGED = "APPROVED"  # a declined payment, taken note of
REFUSED = "FAILURE"  # not accepted: nothing captured


def _natural_key(name: str) -> list:
    return [
        int(part) if part.isdigit() else part
        for part in re.split(r"(\d+)", name.lower())
    ]


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("|", "\\|")


def cmi_hash(fields: dict[str, str], store_key: str) -> str:
    """The ``HASH`` of ``fields`` with ``store_key`` (hash version 3)."""
    names = sorted(
        (name for name in fields if name.lower() not in UNSIGNED), key=_natural_key
    )
    text = "".join(_escape(str(fields[name]).strip()) + "|" for name in names)
    digest = hashlib.sha512((text + _escape(store_key)).encode()).digest()
    return base64.b64encode(digest).decode("ascii")


def cmi_hash_valid(fields: dict[str, str], store_key: str) -> bool:
    """Whether ``fields`` carry the right ``HASH``, compared in constant time."""
    given = next((v for k, v in fields.items() if k.lower() == "hash"), "")
    return hmac.compare_digest(
        cmi_hash(fields, store_key).encode(), str(given).encode()
    )


def amount_text(centimes: int) -> str:
    """``12345`` → ``"123.45"``, as the gateway writes amounts."""
    return f"{centimes // 100}.{centimes % 100:02d}"


class CardGateway(Provider):
    code = "cmi"
    label = _("Card")

    def instructions(self, *, attempt, urls: ReturnUrls) -> Instructions:
        fields = {
            "clientid": settings.PAYMENTS_CMI_CLIENT_ID,
            "oid": attempt.reference,
            "amount": amount_text(attempt.amount_centimes),
            "currency": MAD,
            "okUrl": urls.ok,
            "failUrl": urls.fail,
            "callbackUrl": urls.callback,
            "TranType": "PreAuth",
            "storetype": "3D_PAY_HOSTING",
            "hashAlgorithm": "ver3",
            "lang": attempt.order.language,
            "rnd": attempt.reference[-12:],
            "encoding": "UTF-8",
        }
        fields["HASH"] = cmi_hash(fields, settings.PAYMENTS_CMI_STORE_KEY)
        return Instructions(
            form_url=settings.PAYMENTS_CMI_GATEWAY_URL
            or reverse("payments:simulator_pay"),
            form_fields=fields,
        )

    def validity(self) -> datetime.timedelta:
        return datetime.timedelta(minutes=settings.PAYMENTS_ATTEMPT_MINUTES)
