"""OpenAPI description of the notes' endpoints (assembled by geoportal.openapi)."""

from __future__ import annotations


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": schema}},
    }


ERRORS = {
    "400": {"$ref": "#/components/responses/Error"},
    "404": {"$ref": "#/components/responses/Error"},
    "422": {"$ref": "#/components/responses/Error"},
}
# What a subject may be refused with too: several_parcels, when it names more
# than one parcel (details.parcels lists them, as ParcelIdentity).
SUBJECT_ERRORS = {**ERRORS, "409": {"$ref": "#/components/responses/Error"}}

_NUMBER_OR_NULL = {"type": ["number", "null"]}

SCHEMAS = {
    "NoteRequest": {
        "type": "object",
        "description": (
            "Exactly one subject: a parcel reference, a GeoJSON geometry (Polygon, "
            "MultiPolygon, or Point for the parcel containing it), corner "
            "coordinates, or lon/lat (or x/y). Polygons: valid, at most 100 ha, "
            "inside one agency. A parcel is named by its reference and its "
            "agency's code: a reference registered in several agencies, or a "
            "point where parcels overlap, is refused (409 several_parcels, the "
            "candidates in details.parcels)."
        ),
        "properties": {
            "parcel": {"type": "string", "examples": ["TF 12345/07", "ر.ع ١٢٣٤٥/٠٧"]},
            "agency": {
                "type": "string",
                "description": "The code of the parcel's agency (with parcel)",
                "examples": ["au-rabat"],
            },
            "geometry": {"type": "object", "description": "GeoJSON geometry"},
            "coordinates": {
                "oneOf": [
                    {
                        "type": "array",
                        "items": {
                            "type": "array",
                            "items": {"type": "number"},
                            "minItems": 2,
                            "maxItems": 2,
                        },
                    },
                    {"type": "string", "description": '"x y; x y; …"'},
                ]
            },
            "lon": {"type": "number"},
            "lat": {"type": "number"},
            "x": {"type": "number"},
            "y": {"type": "number"},
            "srs": {
                "type": "string",
                "default": "EPSG:4326",
                "description": (
                    "Any two-dimensional geographic or projected CRS of the EPSG "
                    "registry, as EPSG:2154, 2154, an OGC URN or URL; CRS:84 is "
                    "WGS 84 (x = longitude). An unknown one is a 400 naming the "
                    "asking planner's agency's CRS first."
                ),
                "examples": [
                    "EPSG:26191",
                    "EPSG:2154",
                    "urn:ogc:def:crs:EPSG::26192",
                    "http://www.opengis.net/def/crs/EPSG/0/3857",
                ],
            },
            "language": {
                "type": "string",
                "enum": ["fr", "ar", "en"],
                "description": (
                    "Issue only: the language of the note, fixed at issue (its PDF "
                    "and verification URL keep it); the request's language if "
                    "absent."
                ),
            },
            "as_of": {
                "type": "string",
                "format": "date",
                "description": (
                    "Planning in force at the end of this day; today if absent."
                ),
            },
        },
        "examples": [
            {"parcel": "TF 12345/07"},
            {"parcel": "TF 12345/07", "agency": "au-rabat"},
            {
                "coordinates": [[370000, 370000], [370100, 370000], [370100, 370080]],
                "srs": "EPSG:26191",
                "as_of": "2024-06-30",
            },
        ],
    },
    "Zone": {
        "type": "object",
        "required": ["layer", "code", "label", "area_m2", "share", "rules"],
        "properties": {
            "layer": {"type": "string"},
            "layer_title": {"type": "string"},
            "document": {"type": "string"},
            "version": {"type": "integer"},
            "code": {"type": "string"},
            "label": {"type": "string"},
            "label_fr": {"type": "string"},
            "label_ar": {"type": "string"},
            "category": {"type": "string"},
            "area_m2": {
                "type": "number",
                "description": "Ellipsoidal area inside the subject",
            },
            "share": {"type": "number", "description": "Percent of the subject's area"},
            "rules": {"type": ["object", "null"]},
        },
    },
    "Overlay": {
        "type": "object",
        "required": ["layer", "type", "code", "label"],
        "properties": {
            "layer": {"type": "string"},
            "type": {"type": "string", "examples": ["road_widening", "heritage"]},
            "type_label": {"type": "string"},
            "geometry_type": {"type": "string", "enum": ["polygon", "line", "point"]},
            "code": {"type": "string"},
            "label": {"type": "string"},
            "count": {"type": "integer"},
            "area_m2": _NUMBER_OR_NULL,
            "area_taken_m2": _NUMBER_OR_NULL,
            "share": _NUMBER_OR_NULL,
            "length_m": _NUMBER_OR_NULL,
        },
    },
    "NoteContent": {
        "type": "object",
        "required": [
            "as_of",
            "agency",
            "subject",
            "zones",
            "overlays",
            "documents",
            "warnings",
        ],
        "properties": {
            "as_of": {"type": "string", "format": "date"},
            "agency": {"type": "object"},
            "subject": {
                "type": "object",
                "required": ["kind", "area_m2"],
                "properties": {
                    "kind": {"type": "string", "enum": ["parcel", "point", "polygon"]},
                    "reference": {"type": ["string", "null"]},
                    "area_m2": {"type": "number"},
                    "official_area_m2": _NUMBER_OR_NULL,
                    "srs": {"type": "string"},
                    "geometry": {"type": "object"},
                },
            },
            "zones": {"type": "array", "items": _ref("Zone")},
            "overlays": {"type": "array", "items": _ref("Overlay")},
            "outside_zoning_m2": {"type": "number"},
            "outside_zoning_share": {"type": "number"},
            "documents": {"type": "array", "items": {"type": "object"}},
            "layer_versions": {"type": "array", "items": {"type": "object"}},
            "articles": {
                "type": "array",
                "description": (
                    "The articles of the law the zones' rules cite (their "
                    "rules' citations), as they read on the note's day: "
                    "reference, label, text, body_fr and body_ar (null when "
                    "not in force that day), url of the article's page"
                ),
                "items": {
                    "type": "object",
                    "required": ["reference", "label", "url"],
                    "properties": {
                        "reference": {
                            "type": "string",
                            "examples": ["loi-12-90:art-40"],
                        },
                        "label": {"type": "string"},
                        "text": {"type": "string"},
                        "number": {"type": "string"},
                        "title": {"type": "string"},
                        "body_fr": {"type": ["string", "null"]},
                        "body_ar": {"type": ["string", "null"]},
                        "repealed": {"type": "boolean"},
                        "url": {"type": "string"},
                    },
                },
            },
            "warnings": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": {
                        "code": {
                            "type": "string",
                            "enum": [
                                "document_expired",
                                "document_under_revision",
                                "draft_in_public_inquiry",
                                "no_document_in_force",
                                "area_mismatch",
                                "outside_zoning",
                                "straddles_agencies",
                            ],
                        },
                        "params": {"type": "object"},
                        "message": {"type": "string"},
                    },
                },
            },
        },
    },
    "IssuedNote": {
        "type": "object",
        "required": [
            "reference",
            "issued_at",
            "as_of",
            "sha256",
            "signature",
            "content",
        ],
        "properties": {
            "reference": {"type": "string", "examples": ["AURS-2026-000123"]},
            "issued_at": {"type": "string", "format": "date-time"},
            "as_of": {"type": "string", "format": "date"},
            "language": {"type": "string"},
            "sha256": {
                "type": "string",
                "description": "SHA-256 of the canonical snapshot",
            },
            "signature": {
                "type": "string",
                "description": (
                    "Base64 Ed25519 signature of "
                    "'geoportail-note-v1\\n<reference>\\n<sha256>'"
                ),
            },
            "key_id": {"type": "string"},
            "content": _ref("NoteContent"),
            "token": {"type": "string", "description": "Only in the answer to POST"},
            "note_url": {"type": "string", "format": "uri"},
            "pdf_url": {"type": "string", "format": "uri"},
            "verify_url": {"type": "string", "format": "uri"},
        },
    },
    "ParcelIdentity": {
        "type": "object",
        "description": "What names a parcel: its agency's code and its reference",
        "required": ["agency", "agency_name", "reference"],
        "properties": {
            "agency": {"type": "string"},
            "agency_name": {"type": "string"},
            "reference": {"type": "string"},
        },
    },
    "Identify": {
        "type": "object",
        "required": ["point", "as_of", "agency", "parcel", "parcels", "zones"],
        "properties": {
            "point": {
                "type": "object",
                "properties": {"lon": {"type": "number"}, "lat": {"type": "number"}},
            },
            "as_of": {"type": "string", "format": "date"},
            "agency": {
                "type": ["object", "null"],
                "properties": {"code": {"type": "string"}, "name": {"type": "string"}},
            },
            "parcel": {
                "type": ["object", "null"],
                "description": "The first registered of parcels (zones are its)",
                "properties": {
                    "agency": {"type": "string"},
                    "reference": {"type": "string"},
                    "area_m2": {"type": "number"},
                    "official_area_m2": _NUMBER_OR_NULL,
                },
            },
            "parcels": {
                "type": "array",
                "description": (
                    "Every parcel at the point, first registered first: more "
                    "than one where parcels overlap (the citizen chooses)"
                ),
                "items": _ref("ParcelIdentity"),
            },
            "zones": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["layer", "code", "label"],
                    "properties": {
                        "layer": {"type": "string"},
                        "code": {"type": "string"},
                        "label": {"type": "string"},
                        "area_m2": _NUMBER_OR_NULL,
                        "share": _NUMBER_OR_NULL,
                    },
                },
            },
        },
        "examples": [
            {
                "point": {"lon": -6.8461, "lat": 33.9918},
                "as_of": "2026-12-05",
                "agency": {"code": "au-rabat", "name": "Agence urbaine de Rabat"},
                "parcel": {
                    "agency": "au-rabat",
                    "reference": "TF 12345/07",
                    "area_m2": 7218.4,
                    "official_area_m2": None,
                },
                "parcels": [
                    {
                        "agency": "au-rabat",
                        "agency_name": "Agence urbaine de Rabat",
                        "reference": "TF 12345/07",
                    }
                ],
                "zones": [
                    {
                        "layer": "zonage",
                        "code": "R+4",
                        "label": "Immeubles R+4",
                        "area_m2": 4331.0,
                        "share": 60.0,
                    }
                ],
            }
        ],
    },
}

_BODY = {
    "required": True,
    "content": {"application/json": {"schema": _ref("NoteRequest")}},
}

PATHS = {
    "/api/v1/identify": {
        "get": {
            "tags": ["notes"],
            "summary": "The parcel at a point and its zones",
            "parameters": [
                {"name": name, "in": "query", "schema": schema, "description": text}
                for name, schema, text in (
                    ("lon", {"type": "number"}, "Longitude, WGS 84"),
                    ("lat", {"type": "number"}, "Latitude, WGS 84"),
                    ("x", {"type": "number"}, "Easting in srs"),
                    ("y", {"type": "number"}, "Northing in srs"),
                    ("srs", {"type": "string"}, "e.g. EPSG:26191"),
                    ("as_of", {"type": "string", "format": "date"}, "Date"),
                )
            ],
            "responses": {"200": _json(_ref("Identify"), "Parcel and zones"), **ERRORS},
        }
    },
    "/api/v1/notes/compose": {
        "post": {
            "tags": ["notes"],
            "summary": "Compose a note's content (nothing stored)",
            "requestBody": _BODY,
            "responses": {
                "200": _json(_ref("NoteContent"), "The content"),
                **SUBJECT_ERRORS,
            },
        }
    },
    "/api/v1/notes": {
        "post": {
            "tags": ["notes"],
            "summary": "Issue a note: store, sign, and return its links",
            "description": (
                "An anonymous client address may issue GEOPORTAIL_NOTE_ISSUE_LIMIT "
                "notes an hour (60 by default); past it, 429 with Retry-After."
            ),
            "requestBody": _BODY,
            "responses": {
                "201": _json(_ref("IssuedNote"), "The issued note"),
                **SUBJECT_ERRORS,
                "429": {"$ref": "#/components/responses/Error"},
            },
        }
    },
    "/api/v1/notes/{reference}": {
        "get": {
            "tags": ["notes"],
            "summary": "An issued note by its public reference (without its token)",
            "parameters": [
                {
                    "name": "reference",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string"},
                }
            ],
            "responses": {"200": _json(_ref("IssuedNote"), "The note"), **ERRORS},
        }
    },
    "/api/v1/notes/public-key": {
        "get": {
            "tags": ["notes"],
            "summary": "The Ed25519 public key that verifies notes' signatures",
            "responses": {
                "200": _json(
                    {
                        "type": "object",
                        "properties": {
                            "algorithm": {"const": "Ed25519"},
                            "key_id": {"type": "string"},
                            "public_key_pem": {"type": "string"},
                            "signed_message": {"type": "string"},
                        },
                    },
                    "The key",
                )
            },
        }
    },
    "/api/v1/openapi.json": {
        "get": {
            "tags": ["meta"],
            "summary": "This OpenAPI document",
            "responses": {
                "200": _json(
                    {"type": "object", "required": ["openapi", "info", "paths"]},
                    "OpenAPI 3.1",
                )
            },
        }
    },
    "/api/v1/docs": {
        "get": {
            "tags": ["meta"],
            "summary": "This document in Swagger UI",
            "responses": {
                "200": {
                    "description": "HTML",
                    "content": {"text/html": {"schema": {"type": "string"}}},
                }
            },
        }
    },
}
