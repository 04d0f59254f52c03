"""OpenAPI description of the planners' endpoints (assembled by geoportal.openapi).

Written from ``layers/api.py``'s docstrings; the owners of that API refine it.
Every operation needs a logged-in session or an API token
(``Authorization: Token …``). What the caller may not read (another agency's
drafts, reports, import jobs) is answered 404; too many invalid tokens from
one address, 429 with Retry-After.
"""

from __future__ import annotations

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


def _op(
    summary: str,
    *,
    status: str = "200",
    params=None,
    body=None,
    queued=False,
    upload=False,
) -> dict:
    """``queued``: large work is answered 202 with the import job to poll;
    ``upload``: a file past GEOPORTAIL_MAX_UPLOAD_BYTES is answered 413."""
    operation = {
        "tags": ["planners"],
        "summary": summary,
        "security": _AUTH,
        "responses": {status: {"description": "OK"}, **_ERRORS},
    }
    if upload:
        operation["responses"]["413"] = {"$ref": "#/components/responses/Error"}
    if queued:
        operation["responses"]["202"] = {"description": "Queued: the job to poll"}
    if params:
        operation["parameters"] = params
    if body:
        operation["requestBody"] = body
    return operation


def _json_body(properties: dict, required: tuple = ()) -> dict:
    schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    return {"required": True, "content": {"application/json": {"schema": schema}}}


_TEXT = {"type": "string"}
_DATE = {"type": "string", "format": "date"}
_GEOMETRY = {"type": "object", "description": "GeoJSON geometry (EPSG:4326)"}
_AGENCY_BODY = _json_body(
    {
        "code": _TEXT,
        "name_fr": _TEXT,
        "name_ar": _TEXT,
        "srid": {"type": ["integer", "string"], "examples": ["EPSG:26191"]},
        "territory": _GEOMETRY,
    },
    ("code",),
)
_DOCUMENT_BODY = _json_body(
    {
        "reference": _TEXT,
        "kind": _TEXT,
        "title_fr": _TEXT,
        "title_ar": _TEXT,
        "approval_date": _DATE,
        "expiry_date": _DATE,
        "perimeter": _GEOMETRY,
    },
    ("reference",),
)
_LAYER_BODY = _json_body(
    {"name": _TEXT, "kind": {"enum": ["zoning", "overlay"]}, "title_fr": _TEXT},
    ("name",),
)
_UPLOAD_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {
                    "file": {"type": "string", "format": "binary"},
                    "background": {"type": "string"},
                },
            }
        }
    },
}

PATHS = {
    "/api/v1/agencies": {
        "post": _op("Create an agency (national administrators)", body=_AGENCY_BODY)
    },
    "/api/v1/agencies/{code}/documents": {
        "get": _op("List an agency's documents", params=[_id("code", "string")]),
        "post": _op(
            "Create a document", params=[_id("code", "string")], body=_DOCUMENT_BODY
        ),
    },
    "/api/v1/documents/{pk}/layers": {
        "post": _op("Create (or find) a layer", params=[_id()], body=_LAYER_BODY)
    },
    "/api/v1/layers/{pk}/versions": {
        "get": _op("A layer's version history", params=[_id()]),
        "post": _op(
            "Upload a new draft version (201 done, 202 queued)",
            status="201",
            params=[_id()],
            body=_UPLOAD_BODY,
            queued=True,
            upload=True,
        ),
    },
    "/api/v1/layers/{pk}/inspect": {
        "post": _op(
            "How an upload would be read",
            params=[_id()],
            body=_UPLOAD_BODY,
            upload=True,
        )
    },
    "/api/v1/versions/{pk}": {
        "get": _op("A version: status, interval and report", params=[_id()])
    },
    "/api/v1/versions/{pk}/publish": {
        "post": _op(
            "Make this draft version current (with errors: despite_errors and a "
            "reason)",
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
                        }
                    }
                },
            },
        )
    },
    "/api/v1/versions/{pk}/restore": {
        "post": _op("Roll back to this version", params=[_id()])
    },
    "/api/v1/imports/{pk}": {
        "get": _op("Progress of a background import", params=[_id()])
    },
    "/api/v1/imports/{pk}/retry": {
        "post": _op(
            "Queue an interrupted import again from its stored upload",
            status="202",
            params=[_id()],
        )
    },
}

SCHEMAS: dict = {}
