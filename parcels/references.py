"""Land references as people type them: "TF 12345/07", "t.f.12345 / 7", "ر.ع ١٢٣٤٥/٠٧".

A reference has a kind (land title, requisition, cadastral id), a number and, for
titles and requisitions, the registry suffix after the slash. ``ParcelReference.key``
is the canonical form stored in ``Parcel.reference_key`` and used for look-ups, so
spacing, case, dots and Arabic-Indic digits never matter.
"""

from __future__ import annotations

import dataclasses
import re

# Arabic-Indic (U+0660…) and Extended Arabic-Indic / Persian (U+06F0…) digits.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")

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
        compact = re.sub(r"[\s\u200e\u200f_-]+", "", text.translate(_DIGITS)).upper()
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
