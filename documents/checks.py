"""System check of document-e's configuration (``manage.py check --deploy``)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks


def public_url_check(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Deploy check: ``GEOPORTAIL_PUBLIC_URL`` is an absolute http(s) address
    (documents.E001). Every issued document's QR code prints it; without it
    a document issued where no request is at hand cannot be issued."""
    parts = urlsplit(settings.GEOPORTAIL_PUBLIC_URL or "")
    if parts.scheme in ("http", "https") and parts.netloc:
        return []
    return [
        checks.Error(
            "GEOPORTAIL_PUBLIC_URL is not the portal's absolute public address.",
            hint="Set it to the address citizens reach the portal at, e.g. "
            "https://geoportail.example.ma: every issued document's QR code "
            "names its verification page there.",
            id="documents.E001",
        )
    ]
