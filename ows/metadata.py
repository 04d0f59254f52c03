"""Service metadata (title, abstract, contact) from settings, with safe defaults.

``settings.OWS_SERVICE`` may set any of the keys of ``DEFAULTS``; it is read
at request time, never at import.
"""

from __future__ import annotations

import dataclasses

from django.conf import settings

DEFAULTS = {
    "title": "Geoportail",
    "abstract": (
        "Approved urban-planning documents of Moroccan urban agencies: zoning and "
        "overlays of published versions."
    ),
    "keywords": ("urban planning", "zoning", "Morocco"),
    "organisation": "Geoportail",
    "contact_person": "",
    "email": "",
    "fees": "none",
    "access_constraints": "none",
}


@dataclasses.dataclass(frozen=True)
class ServiceMetadata:
    title: str
    abstract: str
    keywords: tuple[str, ...]
    organisation: str
    contact_person: str
    email: str
    fees: str
    access_constraints: str


def service_metadata() -> ServiceMetadata:
    """The service description, settings over defaults."""
    configured = getattr(settings, "OWS_SERVICE", {}) or {}
    values = {key: configured.get(key, default) for key, default in DEFAULTS.items()}
    values["keywords"] = tuple(values["keywords"])
    return ServiceMetadata(**values)
