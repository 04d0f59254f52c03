"""OpenAPI description of prestations-e's endpoints (assembled by
geoportal.openapi)."""

from __future__ import annotations

ERROR = {"$ref": "#/components/responses/Error"}

ORDER = {
    "type": "object",
    "required": [
        "reference",
        "agency",
        "service",
        "subject",
        "amount_centimes",
        "currency",
        "payment_reference",
        "status",
        "page",
    ],
    "properties": {
        "reference": {"type": "string", "examples": ["P-7K3M9QXW2HRT"]},
        "agency": {"type": "string"},
        "service": {"type": "string", "examples": ["official-note"]},
        "label": {"type": "string"},
        "subject": {"type": "string"},
        "parcel": {"type": ["string", "null"]},
        "language": {"type": "string", "enum": ["fr", "ar", "en"]},
        "amount_centimes": {
            "type": "integer",
            "description": "The price fixed when the order was placed, in centimes",
        },
        "currency": {"const": "MAD"},
        "payment_reference": {
            "type": "string",
            "description": "ISO 11649 structured reference, for the counter and "
            "bank transfers",
        },
        "status": {
            "type": "string",
            "enum": ["awaiting_payment", "paid", "partly_refunded", "refunded"],
        },
        "documents": {
            "type": ["string", "null"],
            "enum": ["pending", "done", "failed", None],
            "description": "Once paid: whether the receipt and what the order "
            "bought are issued yet (they are, after the payment, by a worker)",
        },
        "page": {"type": "string", "description": "The order's page: pay, receipt"},
    },
}

SCHEMAS = {
    "PaymentOrder": ORDER,
    "PaymentOrderRequest": {
        "type": "object",
        "required": ["agency", "service"],
        "description": "`subject` is required unless `parcel` names one of "
        "the agency's parcels (an official note's order), which then is the "
        "subject.",
        "properties": {
            "agency": {"type": "string", "examples": ["demo-rabat"]},
            "service": {"type": "string", "examples": ["official-note"]},
            "parcel": {
                "type": "string",
                "description": "A land reference of the agency's: once paid, an "
                "official-note order gets the official note of that parcel "
                "(required for that service: 400 `parcel_required` without)",
                "examples": ["TF 12345/07"],
            },
            "subject": {
                "type": "string",
                "maxLength": 200,
                "examples": ["parcelle TF 12345/07"],
            },
            "language": {"type": "string", "enum": ["fr", "ar", "en"], "default": "fr"},
        },
    },
}


def _order(description: str) -> dict:
    return {
        "description": description,
        "content": {
            "application/json": {
                "schema": {"$ref": "#/components/schemas/PaymentOrder"}
            }
        },
    }


PATHS = {
    "/api/v1/payments/orders": {
        "post": {
            "tags": ["payments"],
            "summary": "Place an order for an agency's fee, at its tariff in force",
            "description": (
                "Idempotent: the same Idempotency-Key with the same body returns "
                "the order it placed (200); with another body, 409. A client "
                "address, and an agency, receive a bounded number of new "
                "orders an hour: past it, 429 with Retry-After."
            ),
            "parameters": [
                {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": True,
                    "schema": {"type": "string", "maxLength": 200},
                }
            ],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {"$ref": "#/components/schemas/PaymentOrderRequest"}
                    }
                },
            },
            "responses": {
                "201": _order("The order placed"),
                "200": _order("The order this key placed before"),
                "400": ERROR,
                "404": ERROR,
                "409": ERROR,
                "429": ERROR,
            },
        }
    },
}
