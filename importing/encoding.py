"""Text encoding of attribute tables, and repair of mojibake.

Shapefiles declare their encoding in a ``.cpg`` file or the ``.dbf`` header
(read here as GDAL's shapefile driver reads them: GDAL itself then only says
"UTF-8", the encoding it converts to), and both are often wrong: a GIS office
saves UTF-8 text in a file that says Latin-1, so "où" reads as "oÃ¹". Reading
a sample as Latin-1 gives back the raw bytes; if every non-ASCII value then
decodes as UTF-8, the text *is* UTF-8.
"""

from __future__ import annotations

import codecs
import dataclasses
from collections.abc import Iterable

# Sequences that UTF-8 read as Latin-1/CP1252 produces: "Ã©" for "é", "Ø§" for
# Arabic letters, "â€™" for a typographic apostrophe.
_MOJIBAKE_MARKERS = ("Ã", "Â", "Ø", "Ù", "â€", "Å")


# The .dbf header's language driver id (byte 29) for the code pages met in
# practice, as GDAL's shapefile driver reads them; 0 declares nothing.
_LDID_ENCODINGS = {
    1: "cp437",
    2: "cp850",
    3: "cp1252",
    87: "iso8859-1",
    88: "cp1252",
    89: "cp1252",
    100: "cp852",
    101: "cp866",
    200: "cp1250",
    201: "cp1251",
    202: "cp1254",
    203: "cp1253",
    204: "cp1257",
}


@dataclasses.dataclass(frozen=True)
class DeclaredEncoding:
    """The encoding a file declares, and where: ".cpg" or ".dbf" (its header)."""

    name: str
    by: str


def cpg_encoding(text: str) -> str | None:
    """The encoding a ``.cpg`` file's text names, as GDAL reads it ("1252" is
    CP1252, "8859-6" ISO-8859-6, "ANSI 1251" CP1251); None when unknown."""
    text = text.strip()[:64]
    upper = text.upper()
    if upper.startswith(("UTF-8", "UTF8")):
        name = "utf-8"
    elif upper.startswith("8859"):
        name = "iso8859-" + text[4:].lstrip("-_ ")
    elif upper.startswith("ANSI "):
        name = "cp" + text[5:].strip()
    elif text.isdigit():
        name = "cp" + text
    else:
        name = text
    try:
        return encoding_normalise(name)
    except (LookupError, ValueError):  # ValueError: a NUL in the name
        return None


def dbf_encoding(header: bytes) -> str | None:
    """The encoding a ``.dbf`` header's language driver id declares, or None."""
    return _LDID_ENCODINGS.get(header[29]) if len(header) > 29 else None


def encoding_normalise(name: str) -> str:
    """The canonical Python name of an encoding ("latin1" → "iso8859-1").

    Raises LookupError for an unknown encoding.
    """
    return codecs.lookup(name).name


def encoding_label(name: str) -> str:
    """How a report names an encoding: "CP1252", "UTF-8", "ISO8859-1"."""
    return name.upper()


def looks_like_mojibake(text: str) -> bool:
    """Whether ``text`` contains UTF-8 that was decoded as Latin-1 or CP1252."""
    return any(marker in text for marker in _MOJIBAKE_MARKERS) and (
        mojibake_repair(text) != text
    )


def mojibake_repair(text: str) -> str:
    """``text`` with UTF-8-read-as-Latin-1 undone, or unchanged when it is not."""
    for codec in ("cp1252", "latin-1"):
        try:
            return text.encode(codec).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
    return text


@dataclasses.dataclass(frozen=True)
class EncodingGuess:
    """What the file says its encoding is, and what its bytes say.

    ``declared_by`` says where ``declared`` comes from: ".cpg", ".dbf", the
    planner ("chosen"), or "" when the file declares nothing and ``declared`` is
    its format's default (ISO-8859-1 for a shapefile, as GDAL assumes).
    ``detected`` is the encoding the text is read in.
    """

    declared: str
    detected: str
    samples: tuple[tuple[str, str], ...] = ()  # (as declared, as detected)
    declared_by: str = ""

    @property
    def mismatch(self) -> bool:
        """True when the declared encoding would garble the text."""
        return encoding_normalise(self.declared) != encoding_normalise(self.detected)


def encoding_detect(
    raw_values: Iterable[str],
    *,
    declared: str,
    declared_by: str = "",
    sample_size: int = 5,
) -> EncodingGuess:
    """Guess the encoding of values that were read as Latin-1 (byte for byte).

    Returns UTF-8 when every non-ASCII value is valid UTF-8, otherwise the
    declared encoding (CP1252 when the declared UTF-8 is impossible).
    """
    declared = encoding_normalise(declared or "utf-8")
    non_ascii = [
        value.encode("latin-1")
        for value in raw_values
        if isinstance(value, str) and not value.isascii()
    ]
    if not non_ascii:
        return EncodingGuess(
            declared=declared, detected=declared, declared_by=declared_by
        )
    try:
        decoded = [value.decode("utf-8") for value in non_ascii]
        detected = "utf-8"
    except UnicodeDecodeError:
        detected = declared if declared != "utf-8" else "cp1252"
        decoded = [value.decode(detected, errors="replace") for value in non_ascii]
    samples = tuple(
        (value.decode(declared, errors="replace"), text)
        for value, text in zip(non_ascii[:sample_size], decoded, strict=False)
    )
    return EncodingGuess(
        declared=declared, detected=detected, samples=samples, declared_by=declared_by
    )
