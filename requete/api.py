"""requête-e in the portal's JSON API (``/api/v1/requests``), over
``requete.services`` and ``requete.selectors``.

- ``POST /api/v1/requests``: file a request (anonymous); the answer gives
  its reference and follow code, once. Exempt from CSRF: an anonymous filing
  reads no cookie and acts for no session, and the limits and the
  requester's confirmation guard it.
- ``GET /api/v1/requests/<reference>`` with the ``X-Follow-Code`` header:
  the requester follows their request (public events only); the code stays
  out of addresses and their logs; lookups are counted per client address.
- ``GET /api/v1/requests/similar``: the open requests near a place, for
  whoever is about to file one there (anonymised, like Open311's list).
- ``GET /api/v1/requests``: the staff queue, 100 a page — each answer's
  ``next`` cursor, given back as ``after``, asks for the page after it by
  its key (``core.keyset``), as fast as the first; ``offset`` still counts
  from the start — and ``POST
  /api/v1/requests/<reference>/actions`` the staff's moves
  (``requete.api_actions``), by API token or session (with the CSRF
  check), through ``accounts.permissions``: another agency's request is
  not found.
"""

from __future__ import annotations

import datetime
import math

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt

from accounts import permissions
from accounts.throttle import client_address, quota_take
from accounts.tokens import token_or_session
from cases.errors import CaseNotFollowed
from cases.selectors import case_by_follow_code
from cases.services import RequesterData
from core.api import api_view, error_response, json_response, read_json
from core.errors import BadRequest, NotAuthenticated, NotFound, TooManyRequests
from core.keyset import Cursor, InvalidCursor
from layers.models import Agency
from requete import selectors, services
from requete.api_actions import action_take, text_field
from requete.errors import KindNotFound
from requete.models import CitizenRequest, RequestKind
from requete.places import PlaceInput
from requete.selectors import QUEUE_ORDERS, QueueFilters, SimilarRequest
from requete.states import State

# Follow-code lookups one address may make in an hour: a requester checks a
# few times a day; a guesser needs billions (cases.codes: ≈ 59 bits).
FOLLOW_LOOKUPS_PER_HOUR = 60
QUEUE_PAGE = 100


def _optional_id(place: dict, name: str) -> int | None:
    value = place.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadRequest(
            _("“%(name)s” must be a whole number.") % {"name": name},
            code="invalid_field",
        )
    return value


def _place(data: dict) -> PlaceInput:
    place = data.get("place") or {}
    if not isinstance(place, dict):
        raise BadRequest(_("“place” must be an object."), code="invalid_field")
    geometry = place.get("geometry")
    if geometry is not None and not isinstance(geometry, dict):
        raise BadRequest(_("“geometry” must be GeoJSON."), code="invalid_field")
    return PlaceInput(
        parcel_reference=text_field(place, "parcel"),
        geometry=geometry,
        note_reference=text_field(place, "note"),
        zone_version_id=_optional_id(place, "zone_version"),
        zone_code=text_field(place, "zone_code"),
        document_id=_optional_id(place, "document"),
    )


def _kind(data: dict) -> RequestKind:
    kind = RequestKind.objects.filter(
        agency__code=text_field(data, "agency"),
        code=text_field(data, "kind"),
        active=True,
    ).first()
    if kind is None:
        raise KindNotFound(
            _("The agency takes no request of this kind."),
            details={"fields": {"kind": _("Choose a kind of request.")}},
        )
    return kind


def filing_parse(data: dict) -> services.RequestFiling:
    """A JSON body as a filing (fields checked by ``request_file``)."""
    return services.RequestFiling(
        kind=_kind(data),
        requester_type=text_field(data, "requester_type") or "citizen",
        subject=text_field(data, "subject"),
        description=text_field(data, "description"),
        requester=RequesterData(
            name=text_field(data, "name"),
            email=text_field(data, "email"),
            phone=text_field(data, "phone"),
        ),
        place=_place(data),
        extra=data.get("extra"),
        language=text_field(data, "language") or "fr",
        honeypot=text_field(data, "website"),
    )


def _file(request: HttpRequest) -> HttpResponse:
    filed = services.request_file(
        filing=filing_parse(read_json(request)),
        client_address=client_address(request),
    )
    reference = filed.request.case.reference
    hours = settings.GEOPORTAIL_REQUEST_CONFIRM_HOURS
    return json_response(
        {
            "reference": reference,
            "follow_code": filed.follow_code,
            "state": State.UNCONFIRMED.value,
            "message": ngettext(
                "Open the link sent to your e-mail or phone within %(count)d "
                "hour to register the request. Keep your follow code.",
                "Open the link sent to your e-mail or phone within %(count)d "
                "hours to register the request. Keep your follow code.",
                hours,
            )
            % {"count": hours},
        },
        status=201,
        headers={"Location": reverse("requete:api_request", args=[reference])},
    )


def _queue_filters(params) -> QueueFilters:
    overdue = params.get("overdue", "")
    if overdue not in {"", "true", "false"}:
        raise BadRequest(_("overdue must be true or false."), code="invalid_filter")
    assigned = params.get("assigned", "")
    if assigned not in {"", "me", "nobody"}:
        raise BadRequest(_("assigned must be me or nobody."), code="invalid_filter")
    state = params.get("state", "")
    if state and state not in State.values:
        raise BadRequest(
            _("state must be one of: %(states)s.")
            % {"states": ", ".join(State.values)},
            code="invalid_filter",
        )
    sort = params.get("sort", "due")
    if sort not in QUEUE_ORDERS:
        raise BadRequest(_("sort must be due or submitted."), code="invalid_filter")
    return QueueFilters(
        kind_code=params.get("kind", ""),
        state=state,
        overdue=None if not overdue else overdue == "true",
        assigned=assigned,
        sort=sort,
    )


def _offset(params) -> int:
    text = params.get("offset", "0")
    if not text.isdigit() or len(text) > 9:
        raise BadRequest(_("offset must be a whole number."), code="invalid_filter")
    return int(text)


def _after(params) -> Cursor | None:
    """The ``after`` cursor (an earlier page's ``next``), if given."""
    if "after" not in params:
        return None
    if "offset" in params:
        raise BadRequest(_("Give offset or after, not both."), code="invalid_filter")
    try:
        return Cursor.parse(params["after"])
    except InvalidCursor as error:
        raise BadRequest(
            _("after must be the next cursor of an earlier page."),
            code="invalid_filter",
        ) from error


def _queued(request: CitizenRequest) -> dict:
    case = request.case
    return {
        "reference": case.reference,
        "agency": case.agency.code,
        "kind": request.kind.code,
        "state": case.state,
        "subject": request.subject,
        "submitted_at": case.submitted_at,
        "acknowledge_due_at": case.acknowledge_due_at,
        "answer_due_at": case.answer_due_at,
        "paused": case.paused_since is not None,
        "assignee": case.assignee.get_username() if case.assignee else None,
    }


def _staff_only(request: HttpRequest) -> None:
    if not request.user.is_authenticated:
        raise NotAuthenticated(_("Log in, or send an API token."))


@token_or_session(error_response)
@api_view("GET")
def _queue(request: HttpRequest) -> dict:
    _staff_only(request)
    filters = _queue_filters(request.GET)
    after = _after(request.GET)
    offset = _offset(request.GET)
    queue = selectors.request_queue(user=request.user, filters=filters)
    queue = queue.select_related("case__agency", "case__assignee")
    order = QUEUE_ORDERS[filters.sort]
    if after is None and offset:
        # Counted from the start: each page costs more than the one before.
        rows = list(queue[offset : offset + QUEUE_PAGE + 1])
        more, rows = len(rows) > QUEUE_PAGE, rows[:QUEUE_PAGE]
    else:
        # From the cursor (or the start): any page costs what the first does.
        page = order.page(queue, size=QUEUE_PAGE, after=after)
        rows, more = page.rows, page.has_next
    following = order.cursor_of(rows[-1]).text() if more else None
    return {
        "offset": offset,
        "next": following,
        "requests": [_queued(row) for row in rows],
    }


@csrf_exempt
def requests(request: HttpRequest) -> HttpResponse:
    """``/api/v1/requests``: POST files (anonymous), GET is the staff queue."""
    if request.method == "POST":
        return _filing_view(request)
    return _queue(request)


@api_view("POST")
def _filing_view(request: HttpRequest) -> HttpResponse:
    return _file(request)


def _follow_quota_take(request: HttpRequest) -> None:
    wait = quota_take(
        scope="request_follow",
        address=client_address(request),
        limit=FOLLOW_LOOKUPS_PER_HOUR,
        window=datetime.timedelta(hours=1),
    )
    if wait is not None:
        raise TooManyRequests(
            _("Too many look-ups from your address; try again later."),
            retry_after=math.ceil(wait.total_seconds()),
        )


def _event(event) -> dict:
    return {
        "at": event.at,
        "kind": event.kind,
        "state": event.to_state or None,
        "by_requester": event.by_requester,
        "text": event.text,
        "data": event.data,
    }


@api_view("GET")
def request_follow(request: HttpRequest, reference: str) -> dict:
    """``GET /api/v1/requests/<reference>``: the requester's view of their
    request, by its follow code (header ``X-Follow-Code``)."""
    _follow_quota_take(request)
    case = case_by_follow_code(
        reference=reference, code=request.headers.get("X-Follow-Code", "")
    )
    filed = (
        CitizenRequest.objects.select_related("kind", "duplicate_of__case")
        .filter(case=case)
        .first()
    )
    if filed is None:  # another e-service's case: not followed here
        raise CaseNotFollowed(_("No request has this reference and follow code."))
    return {
        "reference": case.reference,
        "agency": case.agency.code,
        "agency_name": case.agency.name,
        "kind": filed.kind.code,
        "kind_name": filed.kind.label,
        "state": case.state,
        "state_label": str(State(case.state).label),
        "subject": filed.subject,
        "description": filed.description,
        "created_at": case.created_at,
        "submitted_at": case.submitted_at,
        "acknowledge_due_at": case.acknowledge_due_at,
        "answer_due_at": case.answer_due_at,
        "answered_at": case.answered_at,
        "closed_at": case.closed_at,
        "competent_authority": filed.competent_authority or None,
        "duplicate_of": (
            filed.duplicate_of.case.reference if filed.duplicate_of else None
        ),
        "rating": filed.rating,
        "events": [_event(event) for event in case.events.filter(public=True)],
    }


@token_or_session(error_response)
@api_view("POST")
def request_action(request: HttpRequest, reference: str) -> dict:
    """``POST /api/v1/requests/<reference>/actions``: a staff move
    (``{"action": "acknowledge"}``, ``{"action": "answer", "text": …}``…);
    answers the request's new state."""
    _staff_only(request)
    handled = permissions.cases_viewable(
        request.user, CitizenRequest.objects.all(), path="case__"
    )
    found = handled.filter(case__reference=reference.upper()).first()
    if found is None:
        raise NotFound(_("No request of your agency has this reference."))
    action_take(request=found, actor=request.user, data=read_json(request))
    found.case.refresh_from_db()
    return {"reference": found.case.reference, "state": found.case.state}


def _coordinate(params, name: str, bound: float) -> float | None:
    text = params.get(name, "")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or abs(value) > bound:
        raise BadRequest(
            _("%(name)s must be a number between -%(bound)s and %(bound)s.")
            % {"name": name, "bound": int(bound)},
            code="invalid_location",
        )
    return value


def _similar_place(params) -> PlaceInput:
    lon, lat = _coordinate(params, "lon", 180), _coordinate(params, "lat", 90)
    parcel = params.get("parcel", "").strip()
    if not parcel and (lon is None or lat is None):
        raise BadRequest(
            _("Give a parcel's land reference, or lon and lat."),
            code="place_required",
        )
    geometry = None
    if not parcel:
        geometry = {"type": "Point", "coordinates": [lon, lat]}
    return PlaceInput(parcel_reference=parcel, geometry=geometry)


def _similar(row: SimilarRequest) -> dict:
    return {
        "reference": row.reference,
        "kind": row.kind_code,
        "kind_name": row.kind_label,
        "state": row.state.value,
        "state_label": str(row.state.label),
        "submitted_at": row.submitted_at,
        "distance_m": row.distance_metres,
        "public_text": row.public_text or None,
        "url": reverse("requete_citizen:public_request", args=[row.reference]),
    }


@api_view("GET")
def requests_similar(request: HttpRequest) -> dict:
    """``GET /api/v1/requests/similar?agency=&lon=&lat=`` (or ``parcel=``,
    and ``kind=`` to put that kind first): the agency's open requests within
    50 m, anonymised."""
    params = request.GET
    agency = Agency.objects.filter(code=params.get("agency", "")).first()
    if agency is None:
        raise NotFound(_("No agency has this code."), code="agency_not_found")
    kind = None
    if params.get("kind"):
        kind = RequestKind.objects.filter(agency=agency, code=params["kind"]).first()
        if kind is None:
            raise KindNotFound(_("The agency takes no request of this kind."))
    rows = selectors.requests_similar_to(
        agency=agency, place=_similar_place(params), kind=kind
    )
    return {"requests": [_similar(row) for row in rows]}
