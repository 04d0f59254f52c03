"""The references people quote: an order's public reference, an attempt's (the
gateway's order id) and the structured creditor reference of ISO 11649
(``RF`` + two check digits + up to 21 letters or digits), whose check digits
catch a mistyped transfer or counter slip before it is matched."""

from __future__ import annotations

import secrets

from django.utils.translation import gettext_lazy as _

from payments.errors import InvalidPaymentReference

# No 0/O or 1/I: references are read aloud and typed from paper.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def random_code(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def order_reference_new() -> str:
    """``P-`` and 12 random characters (60 bits): not guessable from another."""
    return f"P-{random_code(12)}"


def attempt_reference_new() -> str:
    """``A`` and 20 random characters: the order id the gateway sees."""
    return f"A{random_code(20)}"


def _mod97(text: str) -> int:
    # Letters count as two digits, A = 10 … Z = 35 (ISO 7064 MOD 97-10).
    return int("".join(str(int(char, 36)) for char in text)) % 97


def structured_reference_new() -> str:
    """A new ISO 11649 reference, e.g. ``RF47 2K9X ...`` without the spaces."""
    body = random_code(16)
    check = 98 - _mod97(body + "RF00")
    return f"RF{check:02d}{body}"


def structured_reference_normalise(text: str) -> str:
    """``text`` without spaces, in capitals, if its check digits are right.

    Raises InvalidPaymentReference otherwise.
    """
    mistyped = InvalidPaymentReference(
        _("This payment reference is mistyped: its check digits do not match.")
    )
    value = "".join(text.split()).upper()
    if not (
        5 <= len(value) <= 25
        and value.startswith("RF")
        and value[2:4].isdigit()
        and value[4:].isalnum()
        and value.isascii()
    ):
        raise mistyped
    if _mod97(value[4:] + value[:4]) != 1:
        raise mistyped
    return value
