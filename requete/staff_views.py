"""The agency's pages for requête-e: the queue (filters, bulk assignment, CSV
export) and a request's page (history, zoning at its place, the requester's
contact, the actions). Views are adapters: parse, call one selector or one
service of ``requete.services``, render; what a user may not see is a 404
(``selectors.request_for_staff``), what the services refuse is shown in the
planner's language on the page it came from."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts import permissions
from accounts.models import User
from audit.models import AuditEvent
from cases.clock import is_overdue
from cases.privacy import personal_data_audit, requester_view
from core.errors import BadRequest, GeoportalError
from core.keyset import KeysetPage
from notes.errors import PlanningChanging
from requete import selectors, services, staff_export
from requete.models import CitizenRequest, RequestKind
from requete.staff_forms import QueueFilterForm, QueuePosition, QueuePositionForm
from requete.states import STAFF, TRANSITIONS, State

PAGE_SIZE = 50
# The query string's names that say which page, not which requests.
POSITION = ("page", "after", "before", "last")


def _filter_form(request: HttpRequest) -> QueueFilterForm:
    kinds = permissions.editable(request.user, RequestKind.objects.all())
    return QueueFilterForm(_filters_query(request) or None, kinds=kinds)


def _filters(form: QueueFilterForm) -> selectors.QueueFilters:
    return form.filters() if form.is_bound else selectors.QueueFilters()


def _queue(request: HttpRequest, form: QueueFilterForm):
    return selectors.request_queue(user=request.user, filters=_filters(form))


@dataclasses.dataclass(frozen=True)
class QueueNavigation:
    """The queue's count and its links to the first, previous, next and last
    pages (query strings keeping the filters; "" where there is none)."""

    count: int
    number: int | None  # this page's number; None when the link had none
    pages: int
    first: str = ""
    previous: str = ""
    next: str = ""
    last: str = ""


def _navigation(
    *, query: QueryDict, page: KeysetPage, position: QueuePosition, count: int
) -> QueueNavigation:
    pages = max(1, math.ceil(count / PAGE_SIZE))
    if position.last or not page.has_next:
        number = pages
    elif not page.has_previous:
        number = 1
    elif position.number is not None:
        # The number the link carried, within what the ends leave possible.
        number = min(max(position.number, 2), pages - 1)
    else:
        number = None

    def link(**position) -> str:
        linked = query.copy()
        for name, value in position.items():
            if value is not None:
                linked[name] = value
        return linked.urlencode()

    return QueueNavigation(
        count=count,
        number=number,
        pages=pages,
        first=link() if page.has_previous else "",
        previous=link(before=page.first.text(), page=number and str(number - 1))
        if page.has_previous
        else "",
        next=link(after=page.last.text(), page=number and str(number + 1))
        if page.has_next
        else "",
        last=link(last="1") if page.has_next else "",
    )


@login_required
def request_queue(request: HttpRequest) -> HttpResponse:
    """The requests the planner's agency handles, filtered and ordered, 50 a
    page. Pages are reached from their neighbours (and the first and last
    ones) by keyset cursors, so the 300th costs what the first does; filters
    outside their choices, or a damaged cursor, are a 400 saying so."""
    form = _filter_form(request)
    position_form = QueuePositionForm(request.GET)
    if (form.is_bound and not form.is_valid()) or not position_form.is_valid():
        return _queue_page(request, form, position_form=position_form)
    filters = _filters(form)
    count = selectors.request_queue_count(user=request.user, filters=filters)
    position = position_form.position()
    # The last page holds what the full pages before it leave.
    remainder = count % PAGE_SIZE or PAGE_SIZE
    page = selectors.request_queue_page(
        user=request.user,
        filters=filters,
        size=PAGE_SIZE,
        after=position.after,
        before=position.before,
        last_size=remainder if position.last else None,
    )
    query = _filters_query(request)
    return _queue_page(
        request,
        form,
        position_form=position_form,
        rows=page.rows,
        navigation=_navigation(query=query, page=page, position=position, count=count),
    )


def _filters_query(request: HttpRequest) -> QueryDict:
    """The query string without what names a page or asks for contacts."""
    query = request.GET.copy()
    for name in (*POSITION, "contacts"):
        query.pop(name, None)
    return query


def _queue_page(
    request,
    form,
    *,
    position_form: QueuePositionForm | None = None,
    rows: list | None = None,
    navigation: QueueNavigation | None = None,
) -> HttpResponse:
    now = timezone.now()
    errors = [
        error
        for errors in (position_form.errors.values() if position_form else [])
        for error in errors
    ]
    return render(
        request,
        "requete/staff/queue.html",
        {
            "form": form,
            "position_errors": errors,
            "rows": [
                (item, is_overdue(item.case, now), State(item.case.state))
                for item in rows or []
            ],
            "navigation": navigation or QueueNavigation(count=0, number=1, pages=1),
            "query": _filters_query(request).urlencode(),
            "handlers": _handlers(request.user),
            "may_export_contacts": permissions.is_planner(request.user),
            "deadlines": selectors.request_deadline_counts(user=request.user, now=now),
        },
        status=400 if form.errors or errors else 200,
    )


def _handlers(user):
    if not permissions.is_planner(user):
        return User.objects.none()
    return selectors.request_handlers(agency=user.agency)


def _number(text: str) -> int | None:
    """A form's id as a number; None unless plain ASCII digits ("²" and
    "٣" are digits to ``str.isdigit``, not to the database)."""
    return int(text) if text.isascii() and text.isdigit() else None


@login_required
def request_queue_csv(request: HttpRequest) -> HttpResponse:
    """The filtered queue as CSV. The requester's contact and the subject
    only when asked (``contacts=1``) by the handling agency's planner, each
    request's export written to the audit log first."""
    form = _filter_form(request)
    if form.is_bound and not form.is_valid():
        return _queue_page(request, form)
    requests = _queue(request, form)
    contacts = request.GET.get("contacts") == "1"
    if contacts:
        if not permissions.is_planner(request.user):
            raise Http404
        requests = list(
            requests.select_related(
                "case__requester", "case__assignee", "parcel", "document"
            )
        )
        personal_data_audit(
            action=AuditEvent.Action.PERSONAL_DATA_EXPORTED,
            actor=request.user,
            cases=[item.case for item in requests],
        )
    else:
        requests = requests.select_related(
            "case__assignee", "parcel", "document"
        ).iterator(2000)
    response = StreamingHttpResponse(
        staff_export.queue_csv(requests, contacts=contacts, now=timezone.now()),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="requests.csv"'
    return response


@login_required
@require_POST
def requests_assign(request: HttpRequest) -> HttpResponse:
    """Assign the checked requests of the queue to one planner (or nobody)."""
    wanted = set(request.POST.getlist("request"))
    back = redirect(f"{reverse('requete-staff:queue')}?{request.POST.get('query', '')}")
    if not wanted:
        messages.error(request, _("Check the requests to assign."))
        return back
    chosen = selectors.request_queue(
        user=request.user, filters=selectors.QueueFilters()
    ).filter(case__reference__in=wanted)
    if len(chosen) != len(wanted):
        raise Http404
    try:
        assignee = _assignee(request.user, request.POST)
        services.requests_assign(
            requests=list(chosen), actor=request.user, assignee=assignee
        )
    except GeoportalError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            ngettext(
                "%(count)d request assigned.",
                "%(count)d requests assigned.",
                len(wanted),
            )
            % {"count": len(wanted)},
        )
    return back


def _assignee(user, post):
    """The planner chosen in the form, None for nobody."""
    chosen = post.get("assignee", "")
    if not chosen:
        return None
    number = _number(chosen)
    found = None if number is None else _handlers(user).filter(pk=number).first()
    if found is None:
        raise BadRequest(_("Choose a member of the agency's staff."))
    return found


def _staff_request(request: HttpRequest, reference: str) -> CitizenRequest:
    found = selectors.request_for_staff(user=request.user, reference=reference)
    if found is None:
        raise Http404
    return found


@login_required
def request_detail(request: HttpRequest, reference: str) -> HttpResponse:
    """A request for its agency's staff: facts, history, zoning there, the
    requester's contact on demand (logged), and the actions its state allows."""
    return _request_page(request, _staff_request(request, reference))


def _request_page(
    request: HttpRequest,
    citizen_request: CitizenRequest,
    *,
    refused: str = "",
    status: int = 200,
) -> HttpResponse:
    """The request's page; after a refused action (``refused``), its form
    shows again what the planner wrote."""
    case = citizen_request.case
    contact = None
    may_see_contact = permissions.can_view_personal_data(request.user, case)
    if may_see_contact and request.GET.get("contact") == "1":
        contact = requester_view(case=case, user=request.user)
    zoning = _zoning(citizen_request)
    templates = selectors.answer_templates(request=citizen_request)
    actions = {
        action.value
        for action, transition in TRANSITIONS.items()
        if transition.by == STAFF and case.state in transition.sources
    }
    return render(
        request,
        "requete/staff/request.html",
        {
            "item": citizen_request,
            "case": case,
            "state": State(case.state),
            "overdue": is_overdue(case, timezone.now()),
            "history": selectors.request_history(request=citizen_request),
            "zoning": zoning,
            "place_map": selectors.request_place_map(request=citizen_request),
            "contact": contact,
            "may_see_contact": may_see_contact,
            "may_handle": permissions.can_handle_case(request.user, case),
            "actions": actions,
            "handlers": _handlers(request.user),
            "rules": _rules(citizen_request, zoning),
            "templates": templates,
            "answer_start": _answer_start(request, templates, case),
            "refused": refused,
            "posted": request.POST if refused else {},
        },
        status=status,
    )


def _answer_start(request: HttpRequest, templates, case) -> str:
    """The text of the template chosen (``?template=``) in the requester's
    language, to start the answer from; empty when none is chosen."""
    number = _number(request.GET.get("template", ""))
    template = None if number is None else templates.filter(pk=number).first()
    return template.text_for(case.language) if template else ""


def _zoning(citizen_request: CitizenRequest) -> dict | None:
    try:
        return selectors.request_zoning(request=citizen_request)
    except PlanningChanging:
        # The planning is being republished: the page still opens, the
        # zoning is asked again on the next visit.
        return None


def _rules(citizen_request: CitizenRequest, zoning: dict | None) -> list:
    """The agency's zone rules, those of the zones at the request's place
    first, as (rule, at the place)."""
    here = {
        (zone["document"], zone["code"]) for zone in (zoning or {}).get("zones", [])
    }
    rules = selectors.citable_rules(agency=citizen_request.case.agency)
    marked = [(rule, (rule.document.reference, rule.code) in here) for rule in rules]
    return sorted(marked, key=lambda pair: not pair[1])


def _citations(post) -> list[services.Citation]:
    citations = []
    for value in post.getlist("zone_rule"):
        number = _number(value)
        if number is None:
            raise BadRequest(_("Choose a zone rule from the list."))
        citations.append(services.Citation(zone_rule_id=number))
    article = post.get("article", "")
    if article.strip():
        citations.append(services.Citation(article=article))
    return citations


def _original(user, post) -> CitizenRequest:
    reference = post.get("original", "").strip()
    original = selectors.request_for_staff(user=user, reference=reference)
    if original is None:
        raise BadRequest(
            _("No request of the agency has the reference “%(reference)s”.")
            % {"reference": reference[:40]}
        )
    return original


# Each action of the request's page: the service it calls, from the POST.
ACTIONS: dict[str, Callable] = {
    "acknowledge": lambda item, user, post: services.request_acknowledge(
        request=item, actor=user
    ),
    "review": lambda item, user, post: services.request_review(
        request=item, actor=user
    ),
    "ask": lambda item, user, post: services.request_ask(
        request=item, actor=user, question=post.get("text", "")
    ),
    "resume": lambda item, user, post: services.request_resume(
        request=item, actor=user
    ),
    "answer": lambda item, user, post: services.request_answer(
        request=item,
        actor=user,
        answer=post.get("text", ""),
        citations=_citations(post),
    ),
    "close": lambda item, user, post: services.request_close(request=item, actor=user),
    "reject": lambda item, user, post: services.request_reject(
        request=item, actor=user, reason=post.get("text", "")
    ),
    "mark_duplicate": lambda item, user, post: services.request_mark_duplicate(
        request=item, actor=user, original=_original(user, post)
    ),
    "redirect": lambda item, user, post: services.request_redirect(
        request=item,
        actor=user,
        authority=post.get("authority", ""),
        explanation=post.get("text", ""),
    ),
    "assign": lambda item, user, post: services.requests_assign(
        requests=[item], actor=user, assignee=_assignee(user, post)
    ),
    "publish": lambda item, user, post: services.request_public_text_publish(
        request=item, actor=user, text=post.get("public_text", "")
    ),
    "message": lambda item, user, post: services.request_message_add(
        request=item,
        actor=user,
        text=post.get("text", ""),
        public=post.get("public") == "1",
    ),
}


@login_required
@require_POST
def request_act(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    """Take ``action`` on the request through its service. A refusal is
    shown on the request's page with its status, the form keeping what the
    planner wrote; a success goes back to the page (POST, redirect, GET)."""
    citizen_request = _staff_request(request, reference)
    if action not in ACTIONS:
        raise Http404
    try:
        ACTIONS[action](citizen_request, request.user, request.POST)
    except GeoportalError as exc:
        messages.error(request, exc.message)
        citizen_request = _staff_request(request, reference)
        return _request_page(
            request, citizen_request, refused=action, status=exc.http_status
        )
    messages.success(request, _("The request is updated."))
    return redirect("requete-staff:request", reference=reference)


@login_required
def request_statistics(request: HttpRequest) -> HttpResponse:
    """Volumes, median times and shares within the deadlines, per kind."""
    return render(
        request,
        "requete/staff/statistics.html",
        {"rows": selectors.request_statistics(user=request.user)},
    )
