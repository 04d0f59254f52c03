"""Helpers for text that exists in several languages in the database."""

from __future__ import annotations

from django.utils.translation import get_language


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
