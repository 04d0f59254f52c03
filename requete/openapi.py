"""OpenAPI description of requête-e's endpoints (assembled by
geoportal.openapi). Open311 GeoReport v2, under /open311/v2/, follows its
own specification and is not described here."""

from __future__ import annotations


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": schema}},
    }


ERROR = {"$ref": "#/components/responses/Error"}
_TEXT = {"type": "string"}
_INSTANT = {"type": ["string", "null"], "format": "date-time"}
_STATES = [
    "unconfirmed",
    "submitted",
    "acknowledged",
    "in_review",
    "waiting",
    "answered",
    "closed",
    "inadmissible",
    "duplicate",
    "not_competent",
    "withdrawn",
]

SCHEMAS = {
    "RequestFiling": {
        "type": "object",
        "required": ["agency", "kind", "subject", "description"],
        "description": (
            "A request or complaint. An e-mail or a phone is required: the "
            "request stays unconfirmed — invisible to the agency — until the "
            "link sent there is opened. Limits per client address and per "
            "contact (GEOPORTAIL_REQUEST_LIMIT_HOUR and _DAY): 429 past them."
        ),
        "properties": {
            "agency": {"type": "string", "examples": ["au-rabat"]},
            "kind": {"type": "string", "examples": ["zoning-complaint"]},
            "requester_type": {
                "type": "string",
                "enum": ["citizen", "architect", "notary", "surveyor", "professional"],
                "default": "citizen",
            },
            "subject": {"type": "string", "maxLength": 200},
            "description": {"type": "string", "maxLength": 5000},
            "name": _TEXT,
            "email": {"type": "string", "format": "email"},
            "phone": _TEXT,
            "language": {"type": "string", "enum": ["fr", "ar", "en"]},
            "place": {
                "type": "object",
                "properties": {
                    "parcel": {"type": "string", "examples": ["TF 12345/07"]},
                    "geometry": {
                        "type": "object",
                        "description": "GeoJSON geometry, EPSG:4326",
                    },
                    "note": {"type": "string"},
                    "zone_version": {"type": "integer"},
                    "zone_code": _TEXT,
                    "document": {"type": "integer"},
                },
            },
            "extra": {
                "type": "object",
                "description": "The kind's extra fields (its schema)",
            },
        },
        "examples": [
            {
                "agency": "au-rabat",
                "kind": "zoning-complaint",
                "subject": "Zonage de ma parcelle",
                "description": "Le plan classe ma parcelle en zone verte.",
                "email": "amina@example.ma",
                "place": {"parcel": "TF 12345/07"},
            }
        ],
    },
    "RequestFiled": {
        "type": "object",
        "required": ["reference", "follow_code", "state", "message"],
        "properties": {
            "reference": {"type": "string", "examples": ["AURS-2027-000123"]},
            "follow_code": {
                "type": "string",
                "description": "Given once; with the reference, follows the request",
            },
            "state": {"const": "unconfirmed"},
            "message": _TEXT,
        },
    },
    "RequestFollowed": {
        "type": "object",
        "required": ["reference", "state", "events"],
        "properties": {
            "reference": _TEXT,
            "agency": _TEXT,
            "agency_name": _TEXT,
            "kind": _TEXT,
            "kind_name": _TEXT,
            "state": {"type": "string", "enum": _STATES},
            "state_label": _TEXT,
            "subject": _TEXT,
            "description": _TEXT,
            "created_at": {"type": "string", "format": "date-time"},
            "submitted_at": _INSTANT,
            "acknowledge_due_at": _INSTANT,
            "answer_due_at": _INSTANT,
            "answered_at": _INSTANT,
            "closed_at": _INSTANT,
            "competent_authority": {"type": ["string", "null"]},
            "duplicate_of": {"type": ["string", "null"]},
            "rating": {"type": ["integer", "null"]},
            "events": {
                "type": "array",
                "description": "Public events only (internal notes never)",
                "items": {
                    "type": "object",
                    "properties": {
                        "at": {"type": "string", "format": "date-time"},
                        "kind": _TEXT,
                        "state": {"type": ["string", "null"]},
                        "by_requester": {"type": "boolean"},
                        "text": _TEXT,
                        "data": {"type": "object"},
                    },
                },
            },
        },
    },
    "RequestAction": {
        "type": "object",
        "required": ["action"],
        "properties": {
            "action": {
                "type": "string",
                "enum": [
                    "acknowledge",
                    "review",
                    "ask",
                    "resume",
                    "answer",
                    "close",
                    "reject",
                    "mark_duplicate",
                    "redirect",
                ],
            },
            "text": {
                "type": "string",
                "description": "The question (ask), answer, or reason (reject)",
            },
            "citations": {
                "type": "array",
                "description": "answer: the zone rules or articles relied on",
                "items": {
                    "type": "object",
                    "properties": {
                        "zone_rule": {"type": "integer"},
                        "article": _TEXT,
                    },
                },
            },
            "original": {"type": "string", "description": "mark_duplicate"},
            "authority": {"type": "string", "description": "redirect"},
        },
        "examples": [{"action": "answer", "text": "La zone reste verte."}],
    },
    "RequestsSimilar": {
        "type": "object",
        "required": ["requests"],
        "properties": {
            "requests": {
                "type": "array",
                "maxItems": 5,
                "description": (
                    "Open requests within 50 m, the kind asked for first, then "
                    "the nearest; no name, contact or words of the requester"
                ),
                "items": {
                    "type": "object",
                    "required": ["reference", "state", "distance_m", "url"],
                    "properties": {
                        "reference": _TEXT,
                        "kind": _TEXT,
                        "kind_name": _TEXT,
                        "state": {"type": "string", "enum": _STATES},
                        "state_label": _TEXT,
                        "submitted_at": {"type": "string", "format": "date-time"},
                        "distance_m": {"type": "number", "minimum": 0},
                        "public_text": {
                            "type": ["string", "null"],
                            "description": "The agency's redacted text, if published",
                        },
                        "url": {"type": "string", "description": "Its public page"},
                    },
                },
            }
        },
    },
    "RequestQueue": {
        "type": "object",
        "required": ["offset", "next", "requests"],
        "properties": {
            "offset": {"type": "integer"},
            "next": {
                "type": ["string", "null"],
                "description": "The next page's cursor, to pass as after; null "
                "on the last page",
            },
            "requests": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "reference": _TEXT,
                        "agency": _TEXT,
                        "kind": _TEXT,
                        "state": {"type": "string", "enum": _STATES},
                        "subject": _TEXT,
                        "submitted_at": _INSTANT,
                        "acknowledge_due_at": _INSTANT,
                        "answer_due_at": _INSTANT,
                        "paused": {"type": "boolean"},
                        "assignee": {"type": ["string", "null"]},
                    },
                },
            },
        },
    },
}


def _query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "schema": schema, "description": description}


PATHS = {
    "/api/v1/requests": {
        "post": {
            "tags": ["requests"],
            "summary": "File a request or complaint (requête-e), to be confirmed",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("RequestFiling")}},
            },
            "responses": {
                "201": _json(_ref("RequestFiled"), "Filed, unconfirmed"),
                "400": ERROR,
                "404": ERROR,
                "429": ERROR,
            },
        },
        "get": {
            "tags": ["requests"],
            "summary": "The staff queue: the agency's submitted requests",
            "security": [{"token": []}, {"session": []}],
            "parameters": [
                _query("kind", _TEXT, "A kind's code"),
                _query("state", {"type": "string", "enum": _STATES}, "A state"),
                _query("overdue", {"type": "string", "enum": ["true", "false"]}, ""),
                _query("assigned", {"type": "string", "enum": ["me", "nobody"]}, ""),
                _query(
                    "sort",
                    {"type": "string", "enum": ["due", "submitted"]},
                    "Answer due first (default), or latest submitted first",
                ),
                _query(
                    "after",
                    _TEXT,
                    "An earlier page's next: the page after it, as fast as the "
                    "first (not with offset)",
                ),
                _query(
                    "offset",
                    {"type": "integer", "minimum": 0},
                    "100 a page, counted from the start (slower the deeper)",
                ),
            ],
            "responses": {
                "200": _json(_ref("RequestQueue"), "Earliest answer due first"),
                "400": ERROR,
                "401": ERROR,
                "429": ERROR,
            },
        },
    },
    "/api/v1/requests/similar": {
        "get": {
            "tags": ["requests"],
            "summary": "Open requests near a place, before filing one there",
            "parameters": [
                {**_query("agency", _TEXT, "The agency's code"), "required": True},
                _query("parcel", _TEXT, "A parcel's land reference, e.g. TF 12345/07"),
                _query("lon", {"type": "number"}, "Longitude (WGS 84), with lat"),
                _query("lat", {"type": "number"}, "Latitude (WGS 84), with lon"),
                _query("kind", _TEXT, "A kind's code: its requests come first"),
            ],
            "responses": {
                "200": _json(_ref("RequestsSimilar"), "At most 5, nearest first"),
                "400": ERROR,
                "404": ERROR,
            },
        }
    },
    "/api/v1/requests/{reference}": {
        "get": {
            "tags": ["requests"],
            "summary": "Follow a request with its reference and follow code",
            "parameters": [
                {
                    "name": "reference",
                    "in": "path",
                    "required": True,
                    "schema": _TEXT,
                },
                {
                    "name": "X-Follow-Code",
                    "in": "header",
                    "required": True,
                    "schema": _TEXT,
                    "description": "The follow code given at filing",
                },
            ],
            "responses": {
                "200": _json(_ref("RequestFollowed"), "The request"),
                "404": ERROR,
                "429": ERROR,
            },
        }
    },
    "/api/v1/requests/{reference}/actions": {
        "post": {
            "tags": ["requests"],
            "summary": "A staff move of the agency's request (acknowledge, answer…)",
            "security": [{"token": []}, {"session": []}],
            "parameters": [
                {
                    "name": "reference",
                    "in": "path",
                    "required": True,
                    "schema": _TEXT,
                }
            ],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("RequestAction")}},
            },
            "responses": {
                "200": _json(
                    {
                        "type": "object",
                        "required": ["reference", "state"],
                        "properties": {
                            "reference": _TEXT,
                            "state": {"type": "string", "enum": _STATES},
                        },
                    },
                    "The request's new state",
                ),
                "400": ERROR,
                "401": ERROR,
                "403": ERROR,
                "404": ERROR,
                "409": ERROR,
                "429": ERROR,
            },
        }
    },
}
