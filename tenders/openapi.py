"""OpenAPI description of the calls for tenders' endpoints (assembled by
geoportal.openapi)."""

from __future__ import annotations

_DATETIME = {"type": "string", "format": "date-time"}
_DATETIME_OR_NULL = {"type": ["string", "null"], "format": "date-time"}
_AMOUNT = {
    "type": ["string", "null"],
    "description": "dirhams, two decimals",
    "examples": ["1250000.00"],
}
_STATUSES = ["open", "closed", "awarded", "unsuccessful", "cancelled"]
_CALL = {"$ref": "#/components/schemas/CallForTenders"}

SCHEMAS = {
    "CallForTenders": {
        "type": "object",
        "required": ["id", "agency", "reference", "object_fr", "deadline", "status"],
        "properties": {
            "id": {"type": "integer"},
            "agency": {"type": "string", "description": "the agency's code"},
            "reference": {"type": "string", "examples": ["AO n° 12/2026"]},
            "object_fr": {"type": "string"},
            "object_ar": {"type": "string"},
            "procedure": {
                "type": "string",
                "enum": ["open", "restricted", "competition", "negotiated"],
            },
            "published_on": {"type": "string", "format": "date"},
            "deadline": _DATETIME,
            "open_now": {
                "type": "boolean",
                "description": "status open and the deadline not passed",
            },
            "opening_at": _DATETIME_OR_NULL,
            "opening_place_fr": {"type": "string"},
            "opening_place_ar": {"type": "string"},
            "estimate": _AMOUNT,
            "deposit": _AMOUNT,
            "status": {"type": "string", "enum": _STATUSES},
            "result": {
                "oneOf": [
                    {"type": "null"},
                    {
                        "type": "object",
                        "properties": {
                            "awardee": {"type": "string"},
                            "amount": _AMOUNT,
                            "awarded_on": {"type": "string", "format": "date"},
                        },
                    },
                ]
            },
            "documents": {
                "type": "array",
                "description": "in the answer about one call",
                "items": {
                    "type": "object",
                    "properties": {
                        "title_fr": {"type": "string"},
                        "title_ar": {"type": "string"},
                        "url": {"type": "string"},
                    },
                },
            },
        },
    }
}

PATHS = {
    "/api/v1/tenders": {
        "get": {
            "tags": ["tenders"],
            "summary": "The agencies' calls for tenders, filtered and searched",
            "parameters": [
                {
                    "name": "q",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "maxLength": 200},
                    "description": "words of the object (fr, ar) or the reference",
                },
                {
                    "name": "agency",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string"},
                    "description": "an agency's code",
                },
                {
                    "name": "status",
                    "in": "query",
                    "required": False,
                    "schema": {
                        "type": "array",
                        "items": {"type": "string", "enum": _STATUSES},
                    },
                    "explode": True,
                },
                {
                    "name": "open",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "boolean"},
                    "description": "only the calls open now (deadline not passed)",
                },
            ],
            "responses": {
                "200": {
                    "description": "The latest 100 matching calls",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["calls"],
                                "properties": {
                                    "calls": {"type": "array", "items": _CALL}
                                },
                            }
                        }
                    },
                },
                "400": {"$ref": "#/components/responses/Error"},
            },
        }
    },
    "/api/v1/tenders/{pk}": {
        "get": {
            "tags": ["tenders"],
            "summary": "A call for tenders, its documents and results",
            "parameters": [
                {
                    "name": "pk",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer"},
                }
            ],
            "responses": {
                "200": {
                    "description": "The call",
                    "content": {"application/json": {"schema": _CALL}},
                },
                "404": {"$ref": "#/components/responses/Error"},
            },
        }
    },
}
