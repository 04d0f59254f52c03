"""The one OpenAPI 3.1 description of the JSON API under ``/api/v1/``.

Each app documents its own endpoints in an ``openapi.py`` module holding
``PATHS`` (OpenAPI path items keyed by path) and optionally ``SCHEMAS``
(components); this module gathers them into the frame of ``core.openapi``
(the error shape, the security schemes). To document a new endpoint, add it
to your app's ``openapi.py``; ``tests/notes/test_openapi.py`` fails while an
``/api/v1/`` URL is missing.

Served at ``/api/v1/openapi.json``; ``/api/v1/docs`` shows it in Swagger UI,
whose files ``drf-spectacular-sidecar`` ships as static files (no CDN; the
initialiser is ``geoportal/static/geoportal/api-docs.js``, no inline script).
"""

from __future__ import annotations

import importlib

from django.apps import apps
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core import openapi
from core.api import json_response


def app_fragments() -> list[tuple[dict, dict]]:
    """(paths, schemas) of every installed app that has an ``openapi`` module."""
    fragments = []
    for config in apps.get_app_configs():
        if config.name.startswith("django.") or "." in config.name:
            continue
        try:
            module = importlib.import_module(f"{config.name}.openapi")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.openapi":
                raise
            continue
        fragments.append((getattr(module, "PATHS", {}), getattr(module, "SCHEMAS", {})))
    return fragments


def openapi_document() -> dict:
    """The assembled OpenAPI 3.1 document (a fresh dict)."""
    paths, schemas = {}, {}
    for fragment_paths, fragment_schemas in app_fragments():
        paths.update(fragment_paths)
        schemas.update(fragment_schemas)
    return openapi.document(paths, schemas)


@require_GET
def openapi_json(request: HttpRequest) -> HttpResponse:
    """``GET /api/v1/openapi.json``."""
    return json_response(openapi_document())


@require_GET
def openapi_docs(request: HttpRequest) -> HttpResponse:
    """``GET /api/v1/docs``: Swagger UI in the site's page, with the endpoints
    listed for a browser without scripts."""
    document = openapi_document()
    operations = [
        {"method": method.upper(), "path": path, "summary": operation["summary"]}
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]
    return render(request, "geoportal/openapi_docs.html", {"operations": operations})
