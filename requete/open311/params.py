"""Open311 parameters, parsed once: the jurisdiction, GET requests' filters
and a POSTed service request (form-encoded, as GeoReport v2 sends it).

``api_key`` is not asked for: a filing is anonymous, counted against the
limits per address and per contact, and registered only once its requester
follows the link sent to them — a key would prove nothing more.
"""

from __future__ import annotations

import datetime
import math

from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from cases.services import RequesterData
from core.dates import day_in_range
from core.errors import BadRequest, NotFound
from layers.models import Agency
from requete.errors import KindNotFound
from requete.models import CitizenRequest, RequestKind
from requete.places import PlaceInput
from requete.selectors import PublicFilters
from requete.services import RequestFiling

# GeoReport v2: "a span of 90 days or first 1000 requests, whichever is smallest".
DEFAULT_SPAN = datetime.timedelta(days=90)
MAX_REQUESTS = 1000
STATUSES = {"open", "closed"}


class JurisdictionNotFound(NotFound):
    code = "jurisdiction_not_found"


def jurisdiction(value: str, *, required: bool) -> Agency | None:
    """The agency ``jurisdiction_id`` names. Without one: the only agency
    taking requests, or None where ``required`` is false (every agency).

    Raises JurisdictionNotFound (404), or BadRequest when it is required and
    several agencies take requests.
    """
    if value:
        agency = Agency.objects.filter(code=value).first()
        if agency is None:
            raise JurisdictionNotFound(
                _("No agency has the jurisdiction_id “%(code)s”.") % {"code": value}
            )
        return agency
    taking = Agency.objects.filter(request_kinds__active=True).distinct()
    codes = sorted(taking.values_list("code", flat=True))
    if len(codes) == 1:
        return taking.get()
    if not required:
        return None
    raise BadRequest(
        _("Give jurisdiction_id, the code of the agency: %(codes)s.")
        % {"codes": ", ".join(codes) or "—"},
        code="jurisdiction_required",
    )


def kind_get(agency: Agency, code: str) -> RequestKind:
    """The active kind ``code`` of ``agency``; KindNotFound (404) otherwise."""
    kind = RequestKind.objects.filter(agency=agency, code=code, active=True).first()
    if kind is None:
        raise KindNotFound(
            _("This agency takes no request of the service_code “%(code)s”.")
            % {"code": code}
        )
    return kind


def _instant(name: str, text: str) -> datetime.datetime | None:
    if not text:
        return None
    try:
        moment = parse_datetime(text)
    except ValueError:
        moment = None
    if moment is None or not day_in_range(moment.date()):
        raise BadRequest(
            _("%(name)s must be a date and time such as 2027-01-31T00:00:00Z.")
            % {"name": name},
            code="invalid_date",
        )
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _listed(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def public_filters(params: QueryDict, *, now: datetime.datetime) -> PublicFilters:
    """GET requests' parameters. ``service_request_id`` alone decides when
    given (as the specification says); otherwise the last 90 days unless
    ``start_date``/``end_date`` say, at most 1000 requests."""
    agency = jurisdiction(params.get("jurisdiction_id", ""), required=False)
    references = tuple(
        ref.upper() for ref in _listed(params.get("service_request_id", ""))
    )
    if references:
        return PublicFilters(agency=agency, references=references[:MAX_REQUESTS])
    statuses = frozenset(_listed(params.get("status", "")))
    if statuses - STATUSES:
        raise BadRequest(
            _("status must be open, closed or both, separated by a comma."),
            code="invalid_status",
        )
    start = _instant("start_date", params.get("start_date", ""))
    end = _instant("end_date", params.get("end_date", ""))
    if start is None and end is None:
        start = now - DEFAULT_SPAN
    return PublicFilters(
        agency=agency,
        kind_codes=_listed(params.get("service_code", "")),
        statuses=statuses,
        start=start,
        end=end,
        limit=MAX_REQUESTS,
    )


def _coordinate(params: QueryDict, name: str, bound: float) -> float:
    try:
        value = float(params.get(name, ""))
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or abs(value) > bound:
        raise BadRequest(
            _("%(name)s must be a number between -%(bound)s and %(bound)s.")
            % {"name": name, "bound": int(bound)},
            code="invalid_location",
        )
    return value


def _place(params: QueryDict) -> PlaceInput:
    if params.get("lat") or params.get("long"):
        lat = _coordinate(params, "lat", 90)
        long = _coordinate(params, "long", 180)
        return PlaceInput(geometry={"type": "Point", "coordinates": [long, lat]})
    if params.get("address_id"):
        return PlaceInput(parcel_reference=params["address_id"])
    raise BadRequest(
        _(
            "Give the place as lat and long (WGS 84), or address_id as a land "
            "reference (e.g. TF 12345/07)."
        ),
        code="location_required",
    )


def _attribute_value(spec: dict | None, text: str):
    """A form's text as the schema's type; left as text when it is not one,
    for the schema's check to name the field."""
    kind = (spec or {}).get("type")
    if kind == "boolean" and text in {"true", "false"}:
        return text == "true"
    if kind in {"integer", "number"}:
        try:
            number = float(text)
        except ValueError:
            return text
        return int(number) if kind == "integer" and number.is_integer() else number
    return text


def _attributes(params: QueryDict, kind: RequestKind) -> dict:
    properties = (kind.extra_schema or {}).get("properties", {})
    values = {}
    for key in params:
        if key.startswith("attribute[") and key.endswith("]"):
            name = key[len("attribute[") : -1]
            values[name] = _attribute_value(properties.get(name), params[key])
    return values


def filing(params: QueryDict, *, language: str) -> RequestFiling:
    """A POSTed service request as a filing of requête-e. Its subject is the
    kind's name (GeoReport v2 has no subject); the requester files as a
    citizen."""
    code = params.get("service_code", "").strip()
    if not code:
        raise BadRequest(_("Give the service_code."), code="service_code_required")
    agency = jurisdiction(params.get("jurisdiction_id", ""), required=True)
    kind = kind_get(agency, code)
    name = " ".join(
        part.strip()
        for part in (params.get("first_name", ""), params.get("last_name", ""))
        if part.strip()
    )
    return RequestFiling(
        kind=kind,
        requester_type=CitizenRequest.RequesterType.CITIZEN,
        subject=kind.label,
        description=params.get("description", ""),
        requester=RequesterData(
            name=name, email=params.get("email", ""), phone=params.get("phone", "")
        ),
        place=_place(params),
        extra=_attributes(params, kind),
        language=language,
    )
