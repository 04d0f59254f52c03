"""The one OpenAPI 3.1 description of the JSON API under ``/api/v1/``.

Each app documents its own endpoints in an ``openapi.py`` module holding
``PATHS`` (OpenAPI path items keyed by path) and optionally ``SCHEMAS``
(components); this module assembles them with the shared parts (the error
shape). To document a new endpoint, add it to your app's ``openapi.py``;
``tests/notes/test_openapi.py`` fails while an ``/api/v1/`` URL is missing.

Served at ``/api/v1/openapi.json``; ``/api/v1/docs`` renders the same document
as a self-contained HTML page (no CDN, no script).
"""

from __future__ import annotations

import importlib

from django.apps import apps
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.api import json_response

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "examples": ["parcel_not_found"]},
                "message": {
                    "type": "string",
                    "description": "In the request's language (Accept-Language).",
                },
                "details": {"type": "object"},
            },
        }
    },
}

# Endpoints of apps that do not ship an ``openapi.py`` of their own yet.
CORE_PATHS = {
    "/api/v1/search": {
        "get": {
            "tags": ["parcels"],
            "summary": "Search parcels, zones, documents or a coordinate",
            "parameters": [
                {
                    "name": "q",
                    "in": "query",
                    "required": True,
                    "schema": {"type": "string"},
                    "description": 'e.g. "TF 12345/07", a zone code, "33.95 -6.85"',
                }
            ],
            "responses": {
                "200": {
                    "description": "Matches, best first",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "query": {"type": "string"},
                                    "results": {
                                        "type": "array",
                                        "items": {"type": "object"},
                                    },
                                },
                            }
                        }
                    },
                },
                "400": {"$ref": "#/components/responses/Error"},
            },
        }
    }
}


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
    paths = dict(CORE_PATHS)
    schemas = {"Error": ERROR_SCHEMA}
    for fragment_paths, fragment_schemas in app_fragments():
        paths.update(fragment_paths)
        schemas.update(fragment_schemas)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Geoportail API",
            "version": "1",
            "description": (
                "The public JSON API of the geoportal of approved urban-planning "
                "documents: identify a parcel, compose and issue urban information "
                "notes, verify them. Messages follow Accept-Language (fr, ar, en). "
                "Errors share one shape (Error). No rate limiting is applied by "
                "the application."
            ),
            "license": {"name": "AGPL-3.0-or-later"},
        },
        "servers": [{"url": "/"}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "token": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "Authorization",
                    "description": "Token <api token> (planners' scripts)",
                },
                "session": {"type": "apiKey", "in": "cookie", "name": "sessionid"},
            },
            "responses": {
                "Error": {
                    "description": "An error the client can act on",
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/Error"}
                        }
                    },
                }
            },
        },
    }


@require_GET
def openapi_json(request: HttpRequest) -> HttpResponse:
    """``GET /api/v1/openapi.json``."""
    return json_response(openapi_document())


@require_GET
def openapi_docs(request: HttpRequest) -> HttpResponse:
    """``GET /api/v1/docs``: the document as a readable page, built server-side."""
    document = openapi_document()
    operations = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            operations.append(
                {
                    "path": path,
                    "method": method.upper(),
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": operation.get("parameters", []),
                    "body": operation.get("requestBody"),
                    "responses": sorted(operation.get("responses", {}).items()),
                }
            )
    return render(
        request,
        "geoportal/openapi_docs.html",
        {"document": document, "operations": operations},
    )
