"""OpenAPI description of the planners' endpoints (assembled by geoportal.openapi).

Written from ``layers/api.py``'s docstrings; the owners of that API refine it.
Every operation needs a logged-in session or an API token
(``Authorization: Token …``). What the caller may not read (another agency's
drafts, reports, import jobs) is answered 404; too many invalid tokens from
one address, 429 with Retry-After.
"""

from __future__ import annotations

from layers.models import ImportJob, Layer, LayerVersion, PlanningDocument

_AUTH = [{"token": []}, {"session": []}]
_ERRORS = {
    "400": {"$ref": "#/components/responses/Error"},
    "401": {"$ref": "#/components/responses/Error"},
    "403": {"$ref": "#/components/responses/Error"},
    "404": {"$ref": "#/components/responses/Error"},
    "409": {"$ref": "#/components/responses/Error"},
    "429": {"$ref": "#/components/responses/Error"},
}


def _id(name: str = "pk", kind: str = "integer") -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": kind}}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": schema}},
    }


def _op(
    summary: str,
    *,
    answer: dict,
    status: str = "200",
    params=None,
    body=None,
    queued=False,
    upload=False,
) -> dict:
    """``answer``: the schema of the success response; ``queued``: large work
    is answered 202 with the import job to poll; ``upload``: a file past
    GEOPORTAIL_MAX_UPLOAD_BYTES is answered 413."""
    operation = {
        "tags": ["planners"],
        "summary": summary,
        "security": _AUTH,
        "responses": {status: _json(answer, "OK"), **_ERRORS},
    }
    if upload:
        operation["responses"]["413"] = {"$ref": "#/components/responses/Error"}
    if queued:
        operation["responses"]["202"] = _json(
            _ref("ImportJob"), "Queued: the job to poll"
        )
    if params:
        operation["parameters"] = params
    if body:
        operation["requestBody"] = body
    return operation


def _json_body(properties: dict, required: tuple = (), *, example: dict) -> dict:
    schema = {"type": "object", "properties": properties, "examples": [example]}
    if required:
        schema["required"] = list(required)
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _values(choices) -> list[str]:
    return [choice.value for choice in choices]


_TEXT = {"type": "string"}
_DATE = {"type": "string", "format": "date"}
_INSTANT = {"type": ["string", "null"], "format": "date-time"}
_GEOMETRY = {"type": "object", "description": "GeoJSON geometry (EPSG:4326)"}
_SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[-6.86, 33.98], [-6.83, 33.98], [-6.83, 34.0], [-6.86, 34.0], [-6.86, 33.98]]
    ],
}
_AGENCY_BODY = _json_body(
    {
        "code": _TEXT,
        "name_fr": _TEXT,
        "name_ar": _TEXT,
        "srid": {"type": ["integer", "string"], "examples": ["EPSG:26191"]},
        "territory": {
            **_GEOMETRY,
            "description": (
                "GeoJSON geometry (EPSG:4326), required: notes find an agency by "
                "it. Overlapping another agency's (wider than 5 m along a shared "
                "border) is a 409 territory_overlap naming it and the area."
            ),
        },
        "overlap_reason": {
            "type": "string",
            "description": (
                "Why the territory may overlap another agency's; kept in the "
                "audit log with the agencies and the area."
            ),
        },
    },
    ("code", "territory"),
    example={
        "code": "au-rabat",
        "name_fr": "Agence urbaine de Rabat",
        "name_ar": "الوكالة الحضرية للرباط",
        "srid": "EPSG:26191",
        "territory": _SQUARE,
    },
)
_DOCUMENT_BODY = _json_body(
    {
        "reference": _TEXT,
        "kind": {"type": "string", "enum": _values(PlanningDocument.Kind)},
        "title_fr": _TEXT,
        "title_ar": _TEXT,
        "approval_date": _DATE,
        "expiry_date": _DATE,
        "perimeter": _GEOMETRY,
    },
    ("reference",),
    example={
        "reference": "PA-RABAT-2021",
        "kind": "pa",
        "title_fr": "Plan d'aménagement de Rabat centre",
        "title_ar": "تصميم التهيئة لوسط الرباط",
        "approval_date": "2021-03-01",
        "perimeter": _SQUARE,
    },
)
_LAYER_BODY = _json_body(
    {
        "name": _TEXT,
        "kind": {"type": "string", "enum": _values(Layer.Kind)},
        "reference_type": {
            "type": "string",
            "enum": ["", "street", "neighbourhood", "landmark"],
        },
        "title_fr": _TEXT,
    },
    ("name",),
    example={"name": "zonage", "kind": "zoning", "title_fr": "Zonage"},
)
_NAMES = {"type": "object", "additionalProperties": {"type": "string"}}
_MAPPING = {
    "type": "string",
    "description": (
        "JSON text: the attribute mapping, as the inspection proposes it — "
        '{"fields": {target: field, or "" to leave a target unmapped}, '
        '"values": {value of the category field: category}}; "values" '
        "replaces the layer's remembered choices. Without it, the layer's last "
        "mapping, then the usual field names, are used."
    ),
    "examples": [
        '{"fields": {"code": "ZONAGE", "category": "TYPE"}, '
        '"values": {"habitat": "collective_housing"}}'
    ],
}
_CHOICES = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "name": _TEXT,
            "value": _TEXT,
            "label": {"type": "string", "description": "in the caller's language"},
        },
    },
}
_INSPECTION = {
    "type": "object",
    "properties": {
        "source": _TEXT,
        "available": {"type": "array", "items": _TEXT},
        "format": _TEXT,
        "geometry_type": _TEXT,
        "feature_count": {"type": ["integer", "null"]},
        "fields": {"type": "array", "items": _TEXT},
        "field_samples": {
            "type": "object",
            "description": "up to 5 distinct values of each field",
            "additionalProperties": {"type": "array"},
        },
        "category_reads": {
            "type": "array",
            "items": _TEXT,
            "description": "fields read with the category's (CNIG: DESTDOMI)",
        },
        "srid": {"type": "integer"},
        "srid_name": _TEXT,
        "srid_origin": {"enum": ["file", "chosen", "agency"]},
        "encoding": {
            "type": ["object", "null"],
            "description": (
                "declared (what the file says, or its format's default), "
                "declared_by (.cpg, .dbf, chosen, or empty: nothing declared), "
                "detected (the encoding the text is read in), samples"
            ),
        },
        "encoding_text": {
            "type": "string",
            "description": "The same in a sentence of the request's language",
        },
        "mapping": {
            "type": "object",
            "properties": {
                "schema": _TEXT,
                "fields": _NAMES,
                "values": _NAMES,
                "origins": {
                    "type": "object",
                    "additionalProperties": {
                        "enum": ["remembered", "detected", "chosen"]
                    },
                },
            },
        },
        "remembered": {
            "type": "boolean",
            "description": "the layer's last mapping was proposed",
        },
        "targets": _CHOICES,
        "categories": _CHOICES,
        "category_values": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "value": _TEXT,
                    "count": {"type": "integer"},
                    "suggestion": {
                        "type": "string",
                        "description": '"" when the value is not recognised',
                    },
                    "mapped": _TEXT,
                    "recognised": {"type": "boolean"},
                    "category": _TEXT,
                },
            },
        },
        "preview": {"type": "array", "items": {"type": "object"}},
        "first_shapes": {
            "type": ["object", "null"],
            "description": (
                "GeoJSON of the first 1,000 features (EPSG:4326) of an upload "
                "imported in the background, whose outcome is not tried"
            ),
        },
        "outcome": {
            "type": ["object", "null"],
            "description": (
                "the import's outcome, rolled back (null for an upload imported "
                "in the background)"
            ),
            "properties": {
                "feature_count": {"type": "integer"},
                "rows": {"type": "array", "items": {"type": "object"}},
                "features": {"type": "object", "description": "GeoJSON"},
                "report": {"type": "object"},
                "rules": {"type": "object"},
            },
        },
    },
}
_UPLOAD_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": {
                        "type": "string",
                        "format": "binary",
                        "description": (
                            "GeoPackage, shapefile (zipped), GeoJSON, KML, DXF or CSV"
                        ),
                    },
                    "source_layer": {"type": "string"},
                    "srs": {"type": "string", "examples": ["EPSG:26191"]},
                    "encoding": {"type": "string", "examples": ["cp1256"]},
                    "mapping": _MAPPING,
                    "map": {
                        "type": "array",
                        "items": {"type": "string"},
                        "description": "target=FIELD, repeatable",
                        "examples": [["code=ZONAGE"]],
                    },
                    "comment": {"type": "string"},
                    "tolerance": {
                        "type": "number",
                        "minimum": 0,
                        "description": "Overlaps and gaps ignored below, in m²",
                    },
                    "background": {
                        "type": "string",
                        "description": "Queue the import (202) whatever its size",
                    },
                },
            }
        }
    },
}
_ID = {"type": "integer"}

_VERSION_BASE = {
    "id": _ID,
    "layer": _ID,
    "number": _ID,
    "status": {"type": "string", "enum": _values(LayerVersion.Status)},
    "valid_from": _INSTANT,
    "valid_to": _INSTANT,
    "feature_count": _ID,
    "source_name": _TEXT,
    "source_sha256": _TEXT,
    "source_srid": {"type": ["integer", "null"]},
    "restored_from": {"type": ["integer", "null"]},
    "comment": _TEXT,
    "created_at": {"type": "string", "format": "date-time"},
    "published_despite_errors": {
        "type": ["object", "null"],
        "description": "Who published it despite errors, when, why, and which",
        "properties": {
            "reason": _TEXT,
            "by": _TEXT,
            "at": {"type": "string", "format": "date-time"},
            "errors": _ID,
            "kinds": {"type": "array", "items": _TEXT},
            "features": {"type": "array", "items": {}},
            "zones": {"type": "array", "items": _TEXT},
        },
    },
}

SCHEMAS = {
    "AgencyCreated": {
        "type": "object",
        "required": ["id", "code", "srid"],
        "properties": {"id": _ID, "code": _TEXT, "srid": _ID},
        "examples": [{"id": 1, "code": "au-rabat", "srid": 26191}],
    },
    "DocumentCreated": {
        "type": "object",
        "required": ["id", "reference"],
        "properties": {"id": _ID, "reference": _TEXT},
    },
    "Layer": {
        "type": "object",
        "required": ["id", "document", "name", "kind"],
        "properties": {
            "id": _ID,
            "document": _ID,
            "name": _TEXT,
            "title": _TEXT,
            "kind": {"type": "string", "enum": _values(Layer.Kind)},
            "geometry_type": {
                "type": "string",
                "enum": _values(Layer.GeometryType),
            },
        },
        "examples": [
            {
                "id": 3,
                "document": 2,
                "name": "zonage",
                "title": "Zonage",
                "kind": "zoning",
                "geometry_type": "polygon",
            }
        ],
    },
    "DocumentSummary": {
        "type": "object",
        "required": ["id", "reference", "status", "layers"],
        "properties": {
            "id": _ID,
            "reference": _TEXT,
            "title": _TEXT,
            "status": {"type": "string", "enum": _values(PlanningDocument.Status)},
            "layers": {"type": "array", "items": _ref("Layer")},
        },
    },
    "Version": {
        "type": "object",
        "description": (
            "errors, warnings and report only for those who may read the "
            "validation report (the owning agency's planners, administrators)"
        ),
        "required": ["id", "layer", "number", "status"],
        "properties": {
            **_VERSION_BASE,
            "errors": _ID,
            "warnings": _ID,
            "report": {"type": "object", "description": "The validation report"},
        },
    },
    "ImportJob": {
        "type": "object",
        "required": ["id", "layer", "status"],
        "properties": {
            "id": _ID,
            "layer": _ID,
            "status": {"type": "string", "enum": _values(ImportJob.Status)},
            "done": _ID,
            "total": {"type": ["integer", "null"]},
            "upload_name": _TEXT,
            "version": {"oneOf": [_ref("Version"), {"type": "null"}]},
            "error": {"type": ["string", "null"]},
            "error_code": {"type": ["string", "null"]},
            "retryable": {"type": "boolean"},
        },
    },
    "UploadPlan": {
        **_INSPECTION,
        "description": (
            "How the upload would be read: its layers, CRS, encoding (with "
            "samples), the proposed mapping and category values, and the import's "
            "outcome rolled back. Nothing is written."
        ),
    },
}

_BINARY = {"schema": {"type": "string", "format": "binary"}}
_DOWNLOAD = {
    "tags": ["downloads"],
    "summary": "Download a layer version (GeoPackage, GeoJSON, shapefile, CSV)",
    "description": (
        "Public: anyone downloads the published versions of a public document "
        "(the current one, the one in force on `at`, or `version`); a draft only "
        "the planners of its agency and national administrators (a token or a "
        "session), others get 404. Attributes as imported, plus code, label_fr, "
        "label_ar and category where the source had no field of that name. "
        "Shapefiles come zipped with their .prj and .cpg (UTF-8); CSV holds the "
        "geometry as WKT (points as X and Y)."
    ),
    "security": [{}, *_AUTH],
    "parameters": [
        _id(),
        {
            "name": "format",
            "in": "query",
            "schema": {"enum": ["gpkg", "geojson", "shp", "csv"], "default": "gpkg"},
        },
        {
            "name": "crs",
            "in": "query",
            "description": "EPSG:4326 (default) or the agency's CRS",
            "schema": {"type": "string", "examples": ["EPSG:26191"]},
        },
        {
            "name": "at",
            "in": "query",
            "description": "The version in force then: a date (its end) or a "
            "date and time. Not with `version`.",
            "schema": {"type": "string", "examples": ["2022-01-31"]},
        },
        {
            "name": "version",
            "in": "query",
            "description": "A version number (drafts: their planners only)",
            "schema": {"type": "integer", "minimum": 1},
        },
    ],
    "responses": {
        "200": {
            "description": "The file, as an attachment",
            "content": {
                "application/geopackage+sqlite3": _BINARY,
                "application/geo+json": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "type": {"const": "FeatureCollection"},
                            "features": {"type": "array"},
                        },
                    }
                },
                "application/zip": _BINARY,
                "text/csv": _BINARY,
            },
        },
        "400": {"$ref": "#/components/responses/Error"},
        "401": {"$ref": "#/components/responses/Error"},
        "404": {"$ref": "#/components/responses/Error"},
        "429": {"$ref": "#/components/responses/Error"},
    },
}

PATHS = {
    "/api/v1/agencies": {
        "post": _op(
            "Create an agency (national administrators)",
            answer=_ref("AgencyCreated"),
            body=_AGENCY_BODY,
        )
    },
    "/api/v1/agencies/{code}/documents": {
        "get": _op(
            "List an agency's documents",
            answer={"type": "array", "items": _ref("DocumentSummary")},
            params=[_id("code", "string")],
        ),
        "post": _op(
            "Create a document",
            answer=_ref("DocumentCreated"),
            params=[_id("code", "string")],
            body=_DOCUMENT_BODY,
        ),
    },
    "/api/v1/documents/{pk}/layers": {
        "post": _op(
            "Create (or find) a layer",
            answer=_ref("Layer"),
            params=[_id()],
            body=_LAYER_BODY,
        )
    },
    "/api/v1/layers/{pk}/versions": {
        "get": _op(
            "A layer's version history (without reports)",
            answer={"type": "array", "items": _ref("Version")},
            params=[_id()],
        ),
        "post": _op(
            "Upload a new draft version (201 done, 202 queued)",
            answer=_ref("Version"),
            status="201",
            params=[_id()],
            body=_UPLOAD_BODY,
            queued=True,
            upload=True,
        ),
    },
    "/api/v1/layers/{pk}/download": {"get": _DOWNLOAD},
    "/api/v1/layers/{pk}/inspect": {
        "post": _op(
            "How an upload would be read: fields, mapping, category values and "
            "the import's outcome, kept nowhere",
            answer=_ref("UploadPlan"),
            params=[_id()],
            body=_UPLOAD_BODY,
            upload=True,
        )
    },
    "/api/v1/versions/{pk}": {
        "get": _op(
            "A version: status, interval and report",
            answer=_ref("Version"),
            params=[_id()],
        )
    },
    "/api/v1/versions/{pk}/publish": {
        "post": _op(
            "Make this draft version current (with errors: despite_errors and a "
            "reason)",
            answer=_ref("Version"),
            params=[_id()],
            body={
                "required": False,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "despite_errors": {"type": "boolean"},
                                "reason": {"type": "string"},
                            },
                            "examples": [
                                {
                                    "despite_errors": True,
                                    "reason": "Approved as is by decree 2.21.123",
                                }
                            ],
                        }
                    }
                },
            },
        )
    },
    "/api/v1/versions/{pk}/restore": {
        "post": _op("Roll back to this version", answer=_ref("Version"), params=[_id()])
    },
    "/api/v1/imports/{pk}": {
        "get": _op(
            "Progress of a background import",
            answer=_ref("ImportJob"),
            params=[_id()],
        )
    },
    "/api/v1/imports/{pk}/retry": {
        "post": _op(
            "Queue an interrupted import again from its stored upload",
            answer=_ref("ImportJob"),
            status="202",
            params=[_id()],
        )
    },
}
