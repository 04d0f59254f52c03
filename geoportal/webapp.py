"""The installable app: its web app manifest, its service worker and the page
the worker shows offline.

The manifest exists per language (``/manifest-<language>.webmanifest``): the
browser fetches it without cookies, so the page links the one of its own
language (``base.html``) and the installed app keeps that name and direction.
The worker's script is ``geoportal/static/geoportal/service-worker.js``, served
from the site's root so that its scope is the whole site without a
``Service-Worker-Allowed`` header; what it keeps is explained there.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

THEME_COLOUR = "#0b5cad"  # --accent of site.css
BACKGROUND_COLOUR = "#f4f6f9"  # --background of site.css
ICONS = (
    ("geoportal/icons/icon-192.png", "192x192", "any"),
    ("geoportal/icons/icon-512.png", "512x512", "any"),
    ("geoportal/icons/maskable-512.png", "512x512", "maskable"),
)
SERVICE_WORKER = "geoportal/service-worker.js"


def manifest_content(*, language: str) -> dict:
    """The web app manifest in ``language``; raises Http404 for a language the
    portal does not speak."""
    if language not in dict(settings.LANGUAGES):
        raise Http404(_("No such language."))
    with translation.override(language):
        start = reverse("viewer:map")
        return {
            "id": start,
            "name": _("Geoportail of urban planning"),
            "short_name": _("Geoportail"),
            "description": _(
                "The approved urban-planning documents on a map: find a parcel, "
                "read its zoning and obtain its urban information note."
            ),
            "lang": language,
            "dir": "rtl" if translation.get_language_bidi() else "ltr",
            "start_url": start,
            "scope": start,
            "display": "standalone",
            "theme_color": THEME_COLOUR,
            "background_color": BACKGROUND_COLOUR,
            "icons": [
                {
                    "src": static(path),
                    "sizes": sizes,
                    "type": "image/png",
                    "purpose": purpose,
                }
                for path, sizes, purpose in ICONS
            ],
        }


@require_GET
@cache_control(max_age=3600, public=True)
def webmanifest(request: HttpRequest, language: str) -> HttpResponse:
    """``GET /manifest-<language>.webmanifest``."""
    return HttpResponse(
        json.dumps(manifest_content(language=language), ensure_ascii=False),
        content_type="application/manifest+json",
    )


@require_GET
@cache_control(no_cache=True)
def service_worker(request: HttpRequest) -> HttpResponse:
    """``GET /service-worker.js``: always revalidated, so that a new worker is
    installed as soon as it is deployed."""
    with open(finders.find(SERVICE_WORKER), "rb") as source:
        return HttpResponse(source.read(), content_type="text/javascript")


@require_GET
def offline_page(request: HttpRequest) -> HttpResponse:
    """``GET /offline``: kept by the worker at install, shown for a page it did
    not keep while the device is offline."""
    return render(request, "geoportal/offline.html")
