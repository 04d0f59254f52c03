"""OpenAPI description of the parcels' endpoints (assembled by geoportal.openapi)."""

from __future__ import annotations

PATHS = {
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
