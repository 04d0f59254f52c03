"""Helpers for text in several languages: database fields, numbers."""

from __future__ import annotations

from decimal import Decimal

from django.utils import formats, numberformat
from django.utils.translation import get_language

# Arabic-Indic (U+0660…) and Extended Arabic-Indic / Persian (U+06F0…) digits:
# what an Arabic keyboard types for the digits of a number or a code.
_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# The same, and the Arabic decimal separator (U+066B) as a point.
_ARABIC_NUMBER = _ARABIC_DIGITS | {ord("٫"): ord(".")}


def ascii_digits(text: str) -> str:
    """``text`` with its Arabic-Indic digits written 0–9."""
    return text.translate(_ARABIC_DIGITS)


def ascii_number(text: str) -> str:
    """``text`` with its Arabic-Indic digits written 0–9 and its Arabic
    decimal separator as a point: a number as Python and SQL read it."""
    return text.translate(_ARABIC_NUMBER)


def localized(obj: object, field: str, language: str | None = None) -> str:
    """Return ``obj.<field>_<lang>`` for the active language.

    Arabic readers get the Arabic text when there is one; everyone else (and
    Arabic readers when it is missing) gets the French text, the official one.
    English falls back to French too when no ``_en`` field is filled.
    """
    lang = (language or get_language() or "fr").split("-")[0]
    for candidate in (lang, "fr"):
        value = getattr(obj, f"{field}_{candidate}", "") or ""
        if value:
            return value
    return ""


def number_text(value: float | Decimal, language: str, digits: int = 2) -> str:
    """``value`` rounded to ``digits`` decimals and written as ``language``
    writes numbers (Django's formats and geoportal/formats, which the map
    page's browser shares): "1 234,56" in French, "1.234,56" in Arabic,
    "1,234.56" in English."""
    rounded = Decimal(f"{value:.{digits}f}")  # Django would cut, not round
    # ``formats.number_format`` of the active language, for ``language``
    # without activating it (a note writes a few numbers per request).
    return numberformat.format(
        rounded,
        formats.get_format("DECIMAL_SEPARATOR", language, use_l10n=True),
        digits,
        formats.get_format("NUMBER_GROUPING", language, use_l10n=True),
        formats.get_format("THOUSAND_SEPARATOR", language, use_l10n=True),
        force_grouping=True,
        use_l10n=True,
    )
