"""The citizen's pages of requête-e: file a request (after seeing the open
requests near its place, if any), confirm it by its link,
follow it with its reference and follow code, and act on it (reply, withdraw,
reopen, rate). Thin: each page parses, calls ``requete.services`` and shows
the answer or the refusal in the reader's language — no rule lives here.

The pages work without JavaScript (plain forms, CSRF-protected) and are
never cached: they show a follow code or a request's history. A form shown
again with its errors answers 200, as Django's forms do (the page is the
answer); limits answer 429 with Retry-After, a refused link its error's
status.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.models import RequestQuota
from accounts.throttle import client_address, quota_take, retry_after_seconds
from cases.clock import is_overdue
from cases.errors import CaseNotFollowed
from cases.models import CaseEvent
from cases.selectors import case_by_follow_code
from core.errors import GeoportalError, TooManyRequests
from requete import abuse, selectors, services
from requete.citizen_forms import FilingForm, FollowForm
from requete.errors import FilingRefused
from requete.models import CitizenRequest, RequestKind
from requete.states import OPEN, State

FOLLOW_SCOPE = "request_follow_failure"
# The follow form counts wrong guesses per address like the planners' login.
RATINGS = range(1, 6)
PUBLIC_KINDS = [
    CaseEvent.Kind.FILED,
    CaseEvent.Kind.STATE,
    CaseEvent.Kind.MESSAGE,
    CaseEvent.Kind.RATING,
    CaseEvent.Kind.ATTACHMENT,
]


def _kinds(agency_code: str):
    kinds = RequestKind.objects.filter(active=True).select_related("agency")
    if agency_code:
        kinds = kinds.filter(agency__code=agency_code)
    return kinds.order_by("agency__code", "code")


def _initial(query) -> dict:
    names = ("kind", "parcel", "lon", "lat", "note")
    return {name: query[name] for name in names if query.get(name)}


@never_cache
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    """The filing form; a prefilled link (``?agency=&parcel=`` from the map's
    panel, ``?note=`` from a note's verification page) narrows the kinds to
    the agency and fills the place."""
    agency_code = request.POST.get("agency") or request.GET.get("agency", "")
    kinds = _kinds(agency_code)
    if request.method == "GET":
        form = FilingForm(initial=_initial(request.GET), kinds=kinds)
        return _filing_page(request, form, agency_code)
    form = FilingForm(request.POST, kinds=kinds)
    if not form.is_valid():
        return _filing_page(request, form, agency_code)
    filing = form.filing(language=get_language())
    try:
        # Once: the page offers the open requests near the place before
        # filing; "file mine anyway" posts the same form past this step.
        if request.POST.get("similar") != "seen":
            similar = selectors.requests_similar_to(
                agency=filing.kind.agency, place=filing.place, kind=filing.kind
            )
            if similar:
                return _filing_page(request, form, agency_code, similar=similar)
        filed = services.request_file(
            filing=filing, client_address=client_address(request)
        )
    except FilingRefused as exc:
        form.service_errors(exc.details.get("fields", {}), exc.message)
        return _filing_page(request, form, agency_code)
    except TooManyRequests as exc:
        form.add_error(None, exc.message)
        response = _filing_page(request, form, agency_code, status=429)
        for name, value in exc.headers().items():
            response[name] = value
        return response
    requester = filed.request.case.requester
    return render(
        request,
        "requete/citizen/filed.html",
        {
            "case": filed.request.case,
            "follow_code": filed.follow_code,
            "by_email": bool(requester.email),
            "by_phone": bool(requester.phone),
            "hours": settings.GEOPORTAIL_REQUEST_CONFIRM_HOURS,
        },
        status=201,
    )


def _filing_page(request, form, agency_code, status=200, similar=()) -> HttpResponse:
    form.describe()
    return render(
        request,
        "requete/citizen/new.html",
        {"form": form, "agency_code": agency_code, "similar": similar},
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def request_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link the confirmation message carries. Opening it shows a button:
    mail scanners that open every link must not confirm a request the
    requester never meant to file; pressing it confirms."""
    try:
        if request.method == "GET":
            abuse.confirmation_case_id(token)
            return render(request, "requete/citizen/confirm.html", {"token": token})
        confirmed = services.request_confirm(token=token)
    except GeoportalError as exc:
        return render(
            request,
            "requete/citizen/confirm_refused.html",
            {"message": exc.message},
            status=exc.http_status,
        )
    return render(
        request,
        "requete/citizen/confirmed.html",
        {"case": confirmed.case, "citizen_request": confirmed},
    )


def _follow_locked(address: str) -> datetime.timedelta | None:
    """How long ``address`` is still refused for guessing wrong too often."""
    window = datetime.timedelta(minutes=settings.GEOPORTAIL_LOGIN_COOLOFF_MINUTES)
    quota = RequestQuota.objects.filter(
        scope=FOLLOW_SCOPE,
        address=address,
        count__gte=settings.GEOPORTAIL_LOGIN_FAILURE_LIMIT,
        window_start__gt=timezone.now() - window,
    ).first()
    return None if quota is None else quota.window_start + window - timezone.now()


def _follow_refused(address: str) -> None:
    quota_take(
        scope=FOLLOW_SCOPE,
        address=address,
        limit=settings.GEOPORTAIL_LOGIN_FAILURE_LIMIT,
        window=datetime.timedelta(minutes=settings.GEOPORTAIL_LOGIN_COOLOFF_MINUTES),
    )


def _act(action: str, citizen_request: CitizenRequest, code: str, request) -> str:
    """Take the requester's ``action``; return what the page says it did."""
    post = request.POST
    if action == "attach":
        upload = request.FILES.get("file")
        # One byte past the limit is enough for the service to refuse it.
        limit = settings.GEOPORTAIL_ATTACHMENT_MAX_BYTES
        services.request_attach(
            request=citizen_request,
            follow_code=code,
            name=upload.name if upload else "",
            content=upload.read(limit + 1) if upload else b"",
        )
        return _("Your file is attached to the request.")
    if action == "reply":
        services.request_reply(
            request=citizen_request, follow_code=code, reply=post.get("text", "")
        )
        return _("Your reply was sent; the agency's clock runs again.")
    if action == "withdraw":
        services.request_withdraw(request=citizen_request, follow_code=code)
        return _("Your request is withdrawn.")
    if action == "reopen":
        services.request_reopen(
            request=citizen_request, follow_code=code, reason=post.get("text", "")
        )
        return _("Your request is reopened; the agency will answer it again.")
    if action == "rate":
        try:
            score = int(post.get("score", ""))
        except ValueError:
            score = 0
        services.request_rate(
            request=citizen_request,
            follow_code=code,
            score=score,
            comment=post.get("text", ""),
        )
        return _("Thank you for rating the answer.")
    raise FilingRefused(_("Choose what to do."), code="action_unknown")


@never_cache
@require_http_methods(["GET", "POST"])
def request_follow(request: HttpRequest) -> HttpResponse:
    """Follow a request by its reference and follow code: its state, its
    deadlines and its public history, and what the requester may do now."""
    if request.method == "GET":
        form = FollowForm(initial={"reference": request.GET.get("reference", "")})
        return _follow_page(request, form)
    form = FollowForm(request.POST)
    if not form.is_valid():
        return _follow_page(request, form)
    address = client_address(request)
    locked = _follow_locked(address)
    if locked is not None:
        form.add_error(
            None,
            _("Too many wrong follow codes from here; try again later."),
        )
        response = _follow_page(request, form, status=429)
        response["Retry-After"] = retry_after_seconds(locked)
        return response
    code = form.cleaned_data["code"]
    try:
        case = case_by_follow_code(reference=form.cleaned_data["reference"], code=code)
    except CaseNotFollowed as exc:
        _follow_refused(address)
        form.add_error(None, exc.message)
        return _follow_page(request, form)
    citizen_request = CitizenRequest.objects.select_related("case", "kind").get(
        pk=case.pk
    )
    done, refused = "", ""
    action = request.POST.get("action", "")
    if action:
        try:
            done = _act(action, citizen_request, code, request)
        except GeoportalError as exc:
            refused = exc.message
        citizen_request = CitizenRequest.objects.select_related("case", "kind").get(
            pk=case.pk
        )
    return _followed_page(request, citizen_request, code, done, refused)


def _follow_page(request, form, status=200) -> HttpResponse:
    form.describe()
    return render(request, "requete/citizen/follow.html", {"form": form}, status=status)


def _followed_page(request, citizen_request, code, done, refused):
    case = citizen_request.case
    state = State(case.state)
    # Public events only: internal notes and assignments are the agency's.
    events = CaseEvent.objects.filter(
        case=case, public=True, kind__in=PUBLIC_KINDS
    ).order_by("at", "id")
    # Attachments' names by id: an erased attachment has none left.
    names = dict(case.attachments.values_list("pk", "name"))
    now = timezone.now()
    reopen_until = (
        case.answered_at
        + datetime.timedelta(days=settings.GEOPORTAIL_REQUEST_REOPEN_DAYS)
        if case.answered_at
        else None
    )
    return render(
        request,
        "requete/citizen/followed.html",
        {
            "case": case,
            "citizen_request": citizen_request,
            "state": state,
            "events": [
                (event, _event_state(event), names.get(event.data.get("attachment")))
                for event in events
            ],
            "code": code,
            "done": done,
            "refused": refused,
            "overdue": is_overdue(case, now),
            "can_reply": state == State.WAITING,
            "can_withdraw": state in OPEN,
            "can_reopen": state == State.ANSWERED
            and reopen_until is not None
            and now <= reopen_until,
            "reopen_until": reopen_until,
            "can_rate": state in {State.ANSWERED, State.CLOSED}
            and citizen_request.rating is None,
            "ratings": RATINGS,
            "max_megabytes": f"{settings.GEOPORTAIL_ATTACHMENT_MAX_BYTES / 1e6:g}",
        },
    )


def _event_state(event: CaseEvent) -> str:
    """The state an event moved to; the confirmation says so, not "submitted",
    which reads like the filing before it in some languages."""
    if event.to_state == State.SUBMITTED:
        return pgettext("a request, feminine in French", "Confirmed")
    return State(event.to_state).label if event.to_state in State.values else ""
