"""The shared parts of the OpenAPI 3.1 description of the JSON API.

The error shape every endpoint answers (``core.api``) and the document's
frame: title, security schemes, the ``Error`` response. ``document`` lays
paths and schemas into that frame; which paths and schemas — each app's
``openapi.py`` — is the roof's business (``geoportal.openapi``).
"""

from __future__ import annotations

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


def document(paths: dict, schemas: dict) -> dict:
    """An OpenAPI 3.1 document (a fresh dict) of ``paths`` and ``schemas``,
    with the shared ``Error`` schema and response and the security schemes."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Geoportail API",
            "version": "1",
            "description": (
                "The public JSON API of the geoportal of approved urban-planning "
                "documents: identify a parcel, compose and issue urban information "
                "notes, verify them; citizens' requests, fees, the law library and its "
                "procedures, the agencies' calls for tenders. "
                "Messages follow Accept-Language (fr, ar, en). Errors share one "
                "shape (Error). Issuing notes, filing and following requests are "
                "limited per client address (and per contact): beyond the limit "
                "the answer is 429 with Retry-After."
            ),
            "license": {"name": "AGPL-3.0-or-later"},
        },
        "servers": [{"url": "/"}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": {"Error": ERROR_SCHEMA, **schemas},
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
