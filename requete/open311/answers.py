"""Open311 answers: services, service definitions and service requests as
GeoReport v2 names their fields, errors as ``[{"code", "description"}]``, in
JSON or XML.

Public answers carry no personal data and no free text of the requester:
the kind, the state, the agency's status note, dates and the place as
``selectors.public_point`` gives it to every public answer.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.api import json_response
from core.errors import GeoportalError
from requete.models import CitizenRequest, RequestKind
from requete.schema import field_title
from requete.selectors import CLOSED, public_point
from requete.states import State

# XML element of one item of each list the answers hold.
XML_ITEMS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this interface last changed as a client would notice: move it then.
CHANGESET = "2026-12-05T00:00:00Z"


def discovery(endpoint_url: str) -> dict:
    """The service discovery document GeoReport v2 asks every server for."""
    return {
        "changeset": CHANGESET,
        "contact": _("Write to the urban agency named by the jurisdiction_id."),
        "key_service": _(
            "No API key is needed: a filing is registered once its requester "
            "confirms it."
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": endpoint_url,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }


def service(kind: RequestKind) -> dict:
    """``kind`` as an entry of GET services: a "batch" service (a filing
    gets a token until its requester confirms it)."""
    properties = (kind.extra_schema or {}).get("properties", {})
    return {
        "service_code": kind.code,
        "service_name": kind.label,
        "description": " ".join(
            [
                ngettext(
                    "Acknowledged within %(count)d day.",
                    "Acknowledged within %(count)d days.",
                    kind.acknowledge_days,
                )
                % {"count": kind.acknowledge_days},
                ngettext(
                    "Answered within %(count)d day.",
                    "Answered within %(count)d days.",
                    kind.answer_days,
                )
                % {"count": kind.answer_days},
            ]
        ),
        "metadata": bool(properties),
        "type": "batch",
        "keywords": kind.family,
        "group": str(RequestKind.Family(kind.family).label),
    }


def _attribute(order: int, name: str, spec: dict, required: bool) -> dict:
    kind = spec["type"]
    values = []
    if kind == "boolean":
        values = [{"key": "true", "name": _("Yes")}, {"key": "false", "name": _("No")}]
    elif "enum" in spec:
        values = [{"key": str(value), "name": str(value)} for value in spec["enum"]]
    datatype = "singlevaluelist" if values else {"string": "string"}.get(kind, "number")
    return {
        "variable": True,
        "code": name,
        "datatype": datatype,
        "required": required,
        "datatype_description": "",
        "order": order,
        "description": field_title(name, spec),
        "values": values,
    }


def service_definition(kind: RequestKind) -> dict:
    """GET services/<code>: the kind's extra fields as Open311 attributes."""
    schema = kind.extra_schema or {}
    required = set(schema.get("required", []))
    return {
        "service_code": kind.code,
        "attributes": [
            _attribute(order, name, spec, name in required)
            for order, (name, spec) in enumerate(
                schema.get("properties", {}).items(), start=1
            )
        ],
    }


def _status_notes(request: CitizenRequest) -> str:
    state = State(request.case.state)
    if state == State.DUPLICATE and request.duplicate_of is not None:
        return _("Duplicate of request %(original)s.") % {
            "original": request.duplicate_of.case.reference
        }
    if state == State.NOT_COMPETENT:
        return _("Not within the agency's competence; addressed to: %(authority)s.") % {
            "authority": request.competent_authority
        }
    return str(state.label)


def _place(request: CitizenRequest) -> tuple[float | None, float | None]:
    point = public_point(request)
    return (None, None) if point is None else (point.y, point.x)


def _iso(moment) -> str | None:
    return moment.isoformat() if moment is not None else None


def service_request(request: CitizenRequest, *, extensions: bool) -> dict:
    """A request as GET requests lists it, anonymised; with ``extensions``
    its detailed state in ``extended_attributes`` (the extension's field)."""
    case = request.case
    lat, long = _place(request)
    answer = {
        "service_request_id": case.reference,
        "status": "closed" if case.state in CLOSED else "open",
        "status_notes": _status_notes(request),
        "service_name": request.kind.label,
        "service_code": request.kind.code,
        "agency_responsible": case.agency.name,
        "requested_datetime": _iso(case.submitted_at),
        "updated_datetime": _iso(getattr(request, "updated_at", None)),
        "expected_datetime": _iso(case.answer_due_at),
        "lat": lat,
        "long": long,
    }
    if extensions:
        answer["extended_attributes"] = {
            "detailed_status": case.state,
            "detailed_status_label": str(State(case.state).label),
            "jurisdiction_id": case.agency.code,
        }
    return answer


def _xml_fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _xml_fill(ET.SubElement(element, key), item)
    elif isinstance(value, list):
        for item in value:
            _xml_fill(ET.SubElement(element, XML_ITEMS[element.tag]), item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)


def answer(data, *, fmt: str, root: str, status: int = 200, headers=None):
    """``data`` (a list, or a service definition's dict) in ``fmt``: JSON as
    it is, XML under ``root`` with one element per item."""
    if fmt == "json":
        return json_response(data, status=status, headers=headers)
    element = ET.Element(root)
    _xml_fill(element, data)
    body = ET.tostring(element, encoding="utf-8", xml_declaration=True)
    return HttpResponse(
        body,
        status=status,
        content_type="text/xml; charset=utf-8",
        headers=headers,
    )


def error_answer(error: GeoportalError, *, fmt: str) -> HttpResponse:
    """``error`` as GeoReport v2 errors: the HTTP status as code, the message
    (and each refused field's) as description."""
    fields = error.details.get("fields", {}) if error.details else {}
    message = str(error.message)
    description = " ".join(
        [
            message,
            *(
                f"{name}: {text}"
                for name, text in fields.items()
                if str(text) != message
            ),
        ]
    )
    return answer(
        [{"code": error.http_status, "description": description}],
        fmt=fmt,
        root="errors",
        status=error.http_status,
        headers=error.headers(),
    )
