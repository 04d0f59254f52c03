"""The warnings a note may carry: a registry of codes and translatable messages.

A warning is stored as its code and parameters (language-neutral, in the
snapshot) and rendered into the reader's language when shown.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "document_expired": _(
        "The document %(reference)s expired on %(date)s: it no longer applies."
    ),
    "document_under_revision": _(
        "The document %(reference)s is under revision; its rules may change."
    ),
    "draft_in_public_inquiry": _(
        "A new document, %(reference)s, is in public inquiry and may change the "
        "rules that apply here."
    ),
    "no_document_in_force": _(
        "No approved planning document is in force here on %(date)s."
    ),
    "area_mismatch": _(
        "The registry's official area (%(official)s m²) differs from the computed "
        "area (%(computed)s m²) by %(difference)s %%."
    ),
    "outside_zoning": _(
        "%(area)s m² (%(share)s %%) of the subject lie outside any zoning."
    ),
    "straddles_agencies": _(
        "The subject lies across the territories of several urban agencies."
    ),
    "published_despite_errors": _(
        "Data quality: version %(version)s of the layer %(layer)s of "
        "%(reference)s was published despite %(errors)s errors in its data; "
        "the zones %(zones)s met here are concerned. Reason given: %(reason)s"
    ),
}


def warning(code: str, **params: str) -> dict:
    """A warning as stored: ``{"code", "params"}`` (no text yet)."""
    if code not in MESSAGES:
        raise KeyError(code)
    return {"code": code, "params": params}


def warning_message(item: dict, language: str | None = None) -> str:
    """The message of a stored warning, in ``language`` (the active one if None)."""
    template = MESSAGES.get(item.get("code", ""))
    if template is None:
        return item.get("code", "")
    with translation.override(language or translation.get_language()):
        return str(template) % item.get("params", {})


def with_messages(items: list[dict], language: str | None = None) -> list[dict]:
    """Copies of ``items`` with their ``message`` in ``language``."""
    return [{**item, "message": warning_message(item, language)} for item in items]
