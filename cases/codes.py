"""Secrets of a case: the follow code and the keys of a contact.

The follow code is what a requester types beside the reference to follow
their case (no account): 12 characters from an alphabet without look-alikes
(≈ 59 bits), shown once. Only its HMAC-SHA256 under the secret key is stored,
and codes are compared in constant time; lookups are rate-limited besides.
A contact's key (its e-mail or phone number, normalised, under HMAC) finds the
cases of one person without reading or indexing the address itself.
"""

from __future__ import annotations

import hmac
import re
import secrets

from django.utils.crypto import salted_hmac

from core.i18n import ascii_digits

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
GROUPS = 3
GROUP_LENGTH = 4


def follow_code_new() -> str:
    """A fresh follow code, "ABCD-EFGH-JKMN"."""
    groups = (
        "".join(secrets.choice(ALPHABET) for _ in range(GROUP_LENGTH))
        for _ in range(GROUPS)
    )
    return "-".join(groups)


def _normalised_code(code: str) -> str:
    # An Arabic keyboard types the code's digits as Arabic-Indic ones.
    return re.sub(r"[\s-]", "", ascii_digits(code)).upper()


def follow_code_digest(code: str) -> str:
    """The stored form of ``code`` (case, spaces, dashes and the script of its
    digits do not matter)."""
    return salted_hmac(
        "cases.follow_code", _normalised_code(code), algorithm="sha256"
    ).hexdigest()


def follow_code_matches(code: str, digest: str) -> bool:
    """Whether ``code`` is the one ``digest`` was made from, in constant time."""
    return hmac.compare_digest(follow_code_digest(code), digest)


def email_key(email: str) -> str:
    """The key of an e-mail address ("" for none)."""
    email = email.strip().lower()
    if not email:
        return ""
    return salted_hmac("cases.email", email, algorithm="sha256").hexdigest()


def phone_key(phone: str) -> str:
    """The key of a phone number: its digits, a leading 0 read as Morocco's
    +212 ("" for none)."""
    digits = re.sub(r"\D", "", phone)
    if not digits:
        return ""
    if digits.startswith("00"):
        digits = digits[2:]
    elif digits.startswith("0"):
        digits = "212" + digits[1:]
    return salted_hmac("cases.phone", digits, algorithm="sha256").hexdigest()
