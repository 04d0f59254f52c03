"""OpenAPI description of the parcels' endpoints (assembled by geoportal.openapi)."""

from __future__ import annotations

_LON_LAT = {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2}

SCHEMAS = {
    "SearchResult": {
        "type": "object",
        "description": "One suggestion of the search box, with where to zoom",
        "required": ["kind", "label", "detail", "bbox"],
        "properties": {
            "kind": {
                "type": "string",
                "enum": [
                    "parcel",
                    "address",
                    "street",
                    "neighbourhood",
                    "landmark",
                    "zone",
                    "document",
                    "agency",
                    "point",
                    "text",
                ],
            },
            "label": {"type": "string"},
            "detail": {"type": "string"},
            "bbox": {
                "oneOf": [
                    {
                        "type": "array",
                        "items": {"type": "number"},
                        "minItems": 4,
                        "maxItems": 4,
                    },
                    {"type": "null"},
                ],
                "description": (
                    "west, south, east, north (WGS 84); null for a text of the "
                    "law library, which opens its page (url)"
                ),
            },
            "geometry": {"type": ["object", "null"], "description": "GeoJSON"},
            "reference": {"type": "string"},
            "url": {
                "type": "string",
                "description": (
                    "Documents and zones: the document's page; parcels and "
                    "addresses: the parcel's page"
                ),
            },
            "anchor": {
                "oneOf": [_LON_LAT, {"type": "null"}],
                "description": "A point inside, lon/lat",
            },
            "agency": {
                "type": "string",
                "description": (
                    "Parcels and addresses: the code of the parcel's agency, "
                    "which with reference names the parcel"
                ),
            },
        },
        "examples": [
            {
                "kind": "parcel",
                "label": "TF 12345/07",
                "detail": "Avenue Mohammed V, Rabat",
                "bbox": [-6.8466, 33.9915, -6.8456, 33.9922],
                "geometry": None,
                "reference": "TF 12345/07",
                "url": "/parcels/au-rabat/TF12345/7/",
                "anchor": [-6.8461, 33.99185],
                "agency": "au-rabat",
            }
        ],
    }
}

PATHS = {
    "/api/v1/search": {
        "get": {
            "tags": ["parcels"],
            "summary": (
                "Search parcels, addresses, streets, neighbourhoods, landmarks, "
                "zones, documents or a coordinate"
            ),
            "parameters": [
                {
                    "name": "q",
                    "in": "query",
                    "required": True,
                    "schema": {"type": "string"},
                    "description": (
                        'e.g. "TF 12345/07", a zone code, "33.95 -6.85", '
                        '"rue ibn sina", "حي الأمل" (names and addresses from '
                        "three characters; case, accents and Arabic spelling "
                        "variants do not matter)"
                    ),
                },
                {
                    "name": "at",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "format": "date"},
                    "description": "zones and documents as in force on that day "
                    "(default: today)",
                },
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
                                        "items": {
                                            "$ref": "#/components/schemas/SearchResult"
                                        },
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
