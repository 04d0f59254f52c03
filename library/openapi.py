"""OpenAPI description of the library's endpoints (assembled by geoportal.openapi)."""

from __future__ import annotations

_AT = {
    "name": "at",
    "in": "query",
    "required": False,
    "schema": {"type": "string", "format": "date"},
    "description": "articles as they read on that day (default: today)",
}
_KEY = {
    "name": "key",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
    "description": 'a text\'s reference, e.g. "loi-12-90"',
}
_WORDING = {"$ref": "#/components/schemas/LibraryWording"}
_DATE_OR_NULL = {"type": ["string", "null"], "format": "date"}
_ERRORS = {
    "400": {"$ref": "#/components/responses/Error"},
    "404": {"$ref": "#/components/responses/Error"},
}


def _json(schema: dict, description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": schema}},
    }


SCHEMAS = {
    "LibraryTextSummary": {
        "type": "object",
        "required": ["key", "kind", "number", "title_fr", "status"],
        "properties": {
            "key": {"type": "string", "examples": ["loi-12-90"]},
            "kind": {
                "type": "string",
                "enum": [
                    "law",
                    "decree",
                    "order",
                    "circular",
                    "regulation",
                    "procedure",
                    "procurement",
                ],
            },
            "number": {"type": "string", "examples": ["12-90"]},
            "title_fr": {"type": "string"},
            "title_ar": {"type": "string"},
            "status": {
                "type": "string",
                "enum": ["pending", "in_force", "amended", "repealed"],
            },
            "published_on": _DATE_OR_NULL,
            "is_excerpt": {
                "type": "boolean",
                "description": "excerpts only (demo), not the official text",
            },
        },
    },
    "LibraryWording": {
        "type": "object",
        "description": "One wording of an article, valid over [valid_from, valid_to)",
        "required": ["reference", "number", "valid_from", "repealed", "enacted_by"],
        "properties": {
            "reference": {"type": "string", "examples": ["loi-12-90:art-40"]},
            "number": {"type": "string"},
            "body_fr": {"type": "string"},
            "body_ar": {"type": "string"},
            "valid_from": {"type": "string", "format": "date"},
            "valid_to": _DATE_OR_NULL,
            "repealed": {"type": "boolean"},
            "enacted_by": {
                "type": "string",
                "description": "key of the text that gave this wording",
            },
        },
    },
    "LibraryCitingDocument": {
        "type": "object",
        "description": (
            "A public planning document whose zone rules cite the article, "
            "with those zones"
        ),
        "required": ["agency", "document", "in_force", "url", "zones"],
        "properties": {
            "agency": {"type": "string"},
            "document": {"type": "string", "description": "its reference"},
            "title_fr": {"type": "string"},
            "title_ar": {"type": "string"},
            "status": {"type": "string"},
            "in_force": {"type": "boolean", "description": "on the day asked"},
            "url": {"type": "string", "description": "the document's page"},
            "zones": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["code", "label", "map_url"],
                    "properties": {
                        "code": {"type": "string"},
                        "label": {"type": "string"},
                        "map_url": {
                            "type": ["string", "null"],
                            "description": (
                                "the map at the zone (null when no version in "
                                "force on the day asked shows it)"
                            ),
                        },
                    },
                },
            },
        },
    },
}

_LANGUAGES_TEXT = {
    "title_fr": {"type": "string"},
    "title_ar": {"type": "string"},
    "title_en": {"type": "string"},
}
SCHEMAS["LibraryProcedureSummary"] = {
    "type": "object",
    "required": ["key", "title_fr"],
    "properties": {
        "key": {"type": "string", "examples": ["permis-de-construire"]},
        **_LANGUAGES_TEXT,
    },
}

PATHS = {
    "/api/v1/library/search": {
        "get": {
            "tags": ["library"],
            "summary": "Search the law library's texts and articles (fr, ar)",
            "parameters": [
                {
                    "name": "q",
                    "in": "query",
                    "required": True,
                    "schema": {"type": "string", "maxLength": 200},
                    "description": (
                        'words ("permis de construire", "رخصة البناء") or a '
                        'number ("loi 12-90", "١٢-٩٠"); quotes for a phrase'
                    ),
                },
                {
                    "name": "phrase",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "boolean"},
                    "description": "the words side by side, in this order",
                },
                {
                    "name": "kind",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "array", "items": {"type": "string"}},
                    "explode": True,
                },
                {
                    "name": "status",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "array", "items": {"type": "string"}},
                    "explode": True,
                },
                {
                    "name": "from",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "format": "date"},
                    "description": "texts published on or after that day",
                },
                {
                    "name": "to",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "format": "date"},
                    "description": "texts published on or before that day",
                },
                _AT,
                {
                    "name": "limit",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "integer", "minimum": 1, "maximum": 100},
                },
            ],
            "responses": {
                "200": _json(
                    {
                        "type": "object",
                        "required": ["query", "at", "texts", "articles"],
                        "properties": {
                            "procedures": {
                                "type": "array",
                                "items": {
                                    "$ref": "#/components/schemas/"
                                    "LibraryProcedureSummary"
                                },
                            },
                            "query": {"type": "string"},
                            "at": {"type": "string", "format": "date"},
                            "texts": {
                                "type": "array",
                                "items": {
                                    "$ref": "#/components/schemas/LibraryTextSummary"
                                },
                            },
                            "articles": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "properties": {
                                        "reference": {"type": "string"},
                                        "text": {"type": "string"},
                                        "number": {"type": "string"},
                                        "valid_from": {
                                            "type": "string",
                                            "format": "date",
                                        },
                                        "valid_to": _DATE_OR_NULL,
                                        "snippet_html": {
                                            "type": "string",
                                            "description": (
                                                "escaped text, matches in <mark>"
                                            ),
                                        },
                                    },
                                },
                            },
                        },
                    },
                    "Texts by number, title or words; articles best first",
                ),
                "400": {"$ref": "#/components/responses/Error"},
            },
        }
    },
    "/api/v1/library/texts/{key}": {
        "get": {
            "tags": ["library"],
            "summary": "A text and its articles as of a day",
            "parameters": [_KEY, _AT],
            "responses": {
                "200": _json(
                    {
                        "allOf": [
                            {"$ref": "#/components/schemas/LibraryTextSummary"},
                            {
                                "type": "object",
                                "properties": {
                                    "articles": {
                                        "type": "array",
                                        "items": _WORDING,
                                    }
                                },
                            },
                        ]
                    },
                    "The text, its dates and its articles' wordings valid then",
                ),
                **_ERRORS,
            },
        }
    },
    "/api/v1/library/texts/{key}/articles/{number}": {
        "get": {
            "tags": ["library"],
            "summary": "An article as it read on a day, and all its wordings",
            "parameters": [
                _KEY,
                {
                    "name": "number",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string"},
                },
                _AT,
            ],
            "responses": {
                "200": _json(
                    {
                        "type": "object",
                        "properties": {
                            "reference": {"type": "string"},
                            "text": {"$ref": "#/components/schemas/LibraryTextSummary"},
                            "at": {"type": "string", "format": "date"},
                            "wording": {
                                "oneOf": [
                                    {"$ref": "#/components/schemas/LibraryWording"},
                                    {"type": "null"},
                                ]
                            },
                            "history": {
                                "type": "array",
                                "items": {
                                    "$ref": "#/components/schemas/LibraryWording"
                                },
                            },
                            "cited_by": {
                                "type": "array",
                                "description": ("documents citing it, in force first"),
                                "items": {
                                    "$ref": "#/components/schemas/LibraryCitingDocument"
                                },
                            },
                        },
                    },
                    "The wording valid then (null before the article existed)",
                ),
                **_ERRORS,
            },
        }
    },
    "/api/v1/library/procedures": {
        "get": {
            "tags": ["library"],
            "summary": "The step-by-step procedures (how to obtain a note, a permit…)",
            "responses": {
                "200": _json(
                    {
                        "type": "object",
                        "required": ["procedures"],
                        "properties": {
                            "procedures": {
                                "type": "array",
                                "items": {
                                    "$ref": "#/components/schemas/"
                                    "LibraryProcedureSummary"
                                },
                            }
                        },
                    },
                    "Every procedure, in the library's order",
                )
            },
        }
    },
    "/api/v1/library/procedures/{key}": {
        "get": {
            "tags": ["library"],
            "summary": "A procedure: its steps, documents, delay, fees and bases",
            "parameters": [
                {
                    "name": "key",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string"},
                    "description": (
                        'a procedure\'s reference, e.g. "permis-de-construire"'
                    ),
                }
            ],
            "responses": {
                "200": _json(
                    {
                        "allOf": [
                            {"$ref": "#/components/schemas/LibraryProcedureSummary"},
                            {
                                "type": "object",
                                "properties": {
                                    "summary_fr": {"type": "string"},
                                    "summary_ar": {"type": "string"},
                                    "summary_en": {"type": "string"},
                                    "fees_fr": {"type": "string"},
                                    "fees_ar": {"type": "string"},
                                    "fees_en": {"type": "string"},
                                    "delay_days": {"type": ["integer", "null"]},
                                    "documents": {
                                        "type": "array",
                                        "description": "documents to bring",
                                        "items": {
                                            "type": "object",
                                            "properties": {
                                                "fr": {"type": "string"},
                                                "ar": {"type": "string"},
                                                "en": {"type": "string"},
                                            },
                                        },
                                    },
                                    "steps": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "properties": {
                                                "position": {"type": "integer"},
                                                **_LANGUAGES_TEXT,
                                                "body_fr": {"type": "string"},
                                                "body_ar": {"type": "string"},
                                                "body_en": {"type": "string"},
                                                "page": {
                                                    "type": ["string", "null"],
                                                    "description": (
                                                        "address of the portal's "
                                                        "page for this step"
                                                    ),
                                                },
                                            },
                                        },
                                    },
                                    "based_on": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "properties": {
                                                "text": {"type": "string"},
                                                "article": {"type": ["string", "null"]},
                                                "reference": {"type": "string"},
                                                "url": {"type": "string"},
                                            },
                                        },
                                    },
                                },
                            },
                        ]
                    },
                    "The procedure",
                ),
                "404": {"$ref": "#/components/responses/Error"},
            },
        }
    },
}
