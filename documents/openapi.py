"""OpenAPI description of document-e's endpoints (assembled by
geoportal.openapi)."""

from __future__ import annotations

ERROR = {"$ref": "#/components/responses/Error"}
DATE_TIME = {"type": "string", "format": "date-time"}

SCHEMAS = {
    "IssuedDocument": {
        "type": "object",
        "description": "What the verification page says; no personal data.",
        "required": [
            "code",
            "kind",
            "agency",
            "language",
            "issued_at",
            "authentic",
            "status",
            "key_id",
            "pdf_sha256",
            "content_sha256",
        ],
        "properties": {
            "code": {"type": "string", "examples": ["4FC40J2KZ4DAG9G6855B8FZG30M"]},
            "kind": {
                "type": "string",
                "examples": ["note", "receipt", "credit_note", "commission_decision"],
            },
            "agency": {"type": "string"},
            "language": {"type": "string", "enum": ["fr", "ar", "en"]},
            "template_version": {"type": "string"},
            "issued_at": DATE_TIME,
            "valid_until": {"type": ["string", "null"], "format": "date"},
            "authentic": {
                "type": "boolean",
                "description": "The portal's key (in service on the day of issue) "
                "signed this entry's key data",
            },
            "status": {
                "type": "string",
                "enum": ["valid", "superseded", "revoked", "expired"],
            },
            "reason": {"type": "string"},
            "successor": {"type": ["string", "null"]},
            "key_id": {"type": "string"},
            "pdf_sha256": {"type": "string", "description": "Of the exact PDF issued"},
            "content_sha256": {
                "type": "string",
                "description": "Of what the document states (the signed hash)",
            },
            "details": {
                "type": ["object", "null"],
                "description": "What the kind adds; for notes: reference, subject, "
                "as_of, content_authentic, planning_changed, changes",
            },
        },
    },
    "DocumentKeys": {
        "type": "object",
        "properties": {
            "keys": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "key_id": {"type": "string"},
                        "algorithm": {"const": "Ed25519"},
                        "public_key_pem": {"type": "string"},
                        "valid_from": {
                            "type": ["string", "null"],
                            "format": "date-time",
                        },
                        "valid_to": {"type": ["string", "null"], "format": "date-time"},
                        "current": {"type": "boolean"},
                    },
                },
            },
            "payload_format": {"type": "string"},
        },
    },
}

PATHS = {
    "/api/v1/issued-documents/keys": {
        "get": {
            "tags": ["documents"],
            "summary": "The public keys that verify issued documents, with their "
            "periods of service (the current one first)",
            "responses": {
                "200": {
                    "description": "The keys and the QR payload's format",
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/DocumentKeys"}
                        }
                    },
                }
            },
        }
    },
    "/api/v1/issued-documents/{code}": {
        "get": {
            "tags": ["documents"],
            "summary": "Verify an issued document by its code",
            "description": (
                "A code with a typing error is a 400 before any look-up; an "
                "unknown code a 404, counted against the address (429 past "
                "the hour's limit)."
            ),
            "parameters": [
                {
                    "name": "code",
                    "in": "path",
                    "required": True,
                    "schema": {
                        "type": "string",
                        "pattern": "^([0-9A-Za-z*~$=]{27}|([0-9A-Za-z*~$=]{4}-){6}"
                        "[0-9A-Za-z*~$=]{3})$",
                    },
                }
            ],
            "responses": {
                "200": {
                    "description": "The document's verification",
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/IssuedDocument"}
                        }
                    },
                },
                "400": ERROR,
                "404": ERROR,
                "429": ERROR,
            },
        }
    },
}
