"""Land references as people type them: "TF 12345/07", "t.f.12345 / 7", "ر.ع ١٢٣٤٥/٠٧".

A reference has a kind (land title, requisition, cadastral id), a number and, for
titles and requisitions, the registry suffix after the slash. ``ParcelReference.key``
is the canonical form stored in ``Parcel.reference_key`` and used for look-ups, so
spacing, case, dots and Arabic-Indic digits never matter.
"""

from __future__ import annotations

import dataclasses
import re

from core.i18n import ascii_digits

_KIND_PREFIXES = {
    "TF": (
        "TF",
        "T.F",
        "TITRE",
        "TITREFONCIER",
        "رع",
        "ر.ع",
        "رسمعقاري",
        "الرسمالعقاري",
    ),
    "R": ("R", "REQ", "REQUISITION", "RÉQUISITION", "مطلب", "م"),
}
# Numbers of at most twelve digits, suffixes of six: no title has more, and
# int() refuses to read thousands of digits.
_PATTERN = re.compile(
    r"^(?P<prefix>[^\d]*?)(?P<number>\d{1,12})(?:/(?P<suffix>\d{1,6}))?$"
)

# How registries write most references ("TF 12345/07", "R 4567/07"): read
# without the folding below, which cost a file of a million parcels ≈ 6 s.
_WRITTEN = re.compile(r"(TF|R) ([0-9]{1,12})/([0-9]{1,6})")

# The same written form, already as ``display`` writes it (no leading zero in
# the number; a suffix of two digits, or more without a leading zero), one
# per line: a whole batch of an import is read in one pass (``written_many``).
# The groups give the key: the kind, the number, the suffix's digits after a
# leading zero (3, 4) or all of them (5).
_WRITTEN_LINES = re.compile(
    r"^(TF|R) ([1-9][0-9]{0,11}|0)/(?:(0)([0-9])|([1-9][0-9]{1,5}))$", re.MULTILINE
)


class InvalidReference(ValueError):
    """The text is not a land reference this portal understands."""


@dataclasses.dataclass(frozen=True)
class ParcelReference:
    kind: str  # "TF" land title, "R" requisition, "CAD" cadastral id
    number: str
    suffix: str = ""

    @property
    def key(self) -> str:
        """Canonical form, e.g. "TF12345/7" — what the database is searched by."""
        tail = f"/{int(self.suffix)}" if self.suffix else ""
        return f"{self.kind}{int(self.number)}{tail}"

    @property
    def display(self) -> str:
        """How the registry writes it, e.g. "TF 12345/07"."""
        tail = f"/{int(self.suffix):02d}" if self.suffix else ""
        prefix = "" if self.kind == "CAD" else f"{self.kind} "
        return f"{prefix}{int(self.number)}{tail}"

    @classmethod
    def parse(cls, text: str) -> ParcelReference:
        """Parse a typed reference; raise InvalidReference when it is not one."""
        written = _WRITTEN.fullmatch(text)
        if written:
            return cls(kind=written[1], number=written[2], suffix=written[3])
        compact = re.sub(r"[\s\u200e\u200f_-]+", "", ascii_digits(text)).upper()
        compact = compact.replace("\\", "/")
        match = _PATTERN.match(compact)
        if not match:
            raise InvalidReference(text)
        prefix = match["prefix"].rstrip(".:°N").rstrip(".")
        kind = None
        if prefix == "":
            kind = "TF" if match["suffix"] else "CAD"
        else:
            for candidate, spellings in _KIND_PREFIXES.items():
                if prefix in spellings or prefix.replace(".", "") in spellings:
                    kind = candidate
                    break
        if kind is None:
            raise InvalidReference(text)
        return cls(kind=kind, number=match["number"], suffix=match["suffix"] or "")


def written_many(texts: list[str]) -> tuple[list[str], list[str]] | None:
    """The kinds and keys of ``texts`` when every one is a reference written as
    ``display`` writes it (then each text is its own display), read in two
    passes of the regular expression over the joined texts; None when one is
    not, and each must be parsed on its own. A registry's file is written so
    throughout: its million references are read in a fraction of a second,
    not in the ≈ 3 s of parsing each (``parcels.importing``)."""
    joined = "\n".join(texts)
    if joined.count("\n") != len(texts) - 1:  # none, or a text holds a newline
        return None
    keys, matched = _WRITTEN_LINES.subn(r"\1\2/\4\5", joined)
    if matched != len(texts):
        return None
    return _WRITTEN_LINES.sub(r"\1", joined).split("\n"), keys.split("\n")
