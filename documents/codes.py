"""The identifier of an issued document and the code printed for people.

An identifier is 128 random bits written as 26 characters of Crockford's
base 32 (digits and capitals without I, L, O, U). The printed code adds
Crockford's check symbol — the identifier's value modulo 37, one of the 32
digits or ``*~$=U`` — so that one wrong character, or two neighbours
swapped, is caught before any look-up: 37 is prime and greater than 32, so
neither error can leave the value's remainder unchanged. People read it in
groups of four (``7K3M-9QXW-…``); typing is forgiving: case, spaces and
hyphens do not matter, and I, L read as 1, O as 0.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CHECK_ALPHABET = ALPHABET + "*~$=U"
LENGTH = 26  # 26 × 5 = 130 bits ≥ 128
CODE_LENGTH = LENGTH + 1
GROUP = 4
# A code in a URL: the 27 characters, or as printed (33 with the hyphens).
# Notes' verification tokens (32 characters) never match either.
PATH_PATTERN = r"[0-9A-Za-z*~$=]{27}|(?:[0-9A-Za-z*~$=]{4}-){6}[0-9A-Za-z*~$=]{3}"

_VALUES = {char: value for value, char in enumerate(ALPHABET)}
_TYPING = str.maketrans({"I": "1", "L": "1", "O": "0"})


class InvalidCode(ValueError):
    """A code that cannot be a document's: wrong length, characters or check."""


def identifier_new() -> str:
    """A fresh identifier: 128 random bits in 26 base-32 characters."""
    value = secrets.randbits(128)
    return "".join(
        ALPHABET[(value >> (5 * shift)) & 31] for shift in reversed(range(LENGTH))
    )


def check_symbol(identifier: str) -> str:
    """Crockford's check symbol of ``identifier``: its value modulo 37."""
    value = 0
    for char in identifier:
        value = value * 32 + _VALUES[char]
    return CHECK_ALPHABET[value % 37]


def code_of(identifier: str) -> str:
    """The code of ``identifier`` (identifier + check), unhyphenated (URLs)."""
    return identifier + check_symbol(identifier)


def code_printed(identifier: str) -> str:
    """The code in groups of four, as printed on documents and pages."""
    code = code_of(identifier)
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def identifier_parse(text: str) -> str:
    """The identifier a typed or scanned code names.

    Raises InvalidCode when the text is not 27 characters of the alphabet
    once spaces and hyphens are removed, or when its check symbol does not
    match: a typo, found without looking anything up.
    """
    code = re.sub(r"[\s-]", "", text).upper()
    identifier, check = code[:-1].translate(_TYPING), code[-1:]
    if len(code) != CODE_LENGTH or any(char not in _VALUES for char in identifier):
        raise InvalidCode(text)
    if check.translate(_TYPING) != check_symbol(identifier):
        raise InvalidCode(text)
    return identifier
