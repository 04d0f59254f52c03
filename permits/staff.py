"""The agencies' staff pages of permits, minimal: the agency's files, a file
with its history and the moves its state allows (POST forms), a commission
session (agenda, opinions with their conditions, publication, minutes), and
the import. Thin: each page parses, calls a service and shows the answer or
the refusal in the reader's language."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import is_national_administrator, is_planner
from cases.models import CaseEvent
from cases.privacy import requester_view
from core.errors import GeoportalError
from documents.services import request_origin
from layers.models import Agency
from permits import imports, selectors, services
from permits.errors import FilingRefused
from permits.forms import FilingForm
from permits.minutes import minutes_issue, minutes_registered
from permits.models import CommissionSession, Opinion, Procedure
from permits.pdf import minutes_pdf
from permits.states import TRANSITIONS, Action, State

IMPORT_MAX_BYTES = 20 * 1024 * 1024
# Moves taken from the file's page; the commission's are taken in its session.
FILE_ACTIONS = [
    action
    for action in Action
    if action not in {Action.SCHEDULE, Action.GIVE_OPINION, Action.DEFER}
]


def _staff(request: HttpRequest) -> None:
    if not (is_planner(request.user) or is_national_administrator(request.user)):
        raise PermissionDenied(_("Only the agencies' staff see the permit files."))


@login_required
def files(request: HttpRequest) -> HttpResponse:
    _staff(request)
    rows = selectors.files_for_staff(user=request.user).order_by("-filed_on")
    sessions = selectors.sessions_for_staff(user=request.user)[:20]
    return render(
        request,
        "permits/staff/files.html",
        {"files": rows[:500], "sessions": sessions, "kinds": CommissionSession.Kind},
    )


@login_required
@require_http_methods(["GET", "POST"])
def file_new(request: HttpRequest) -> HttpResponse:
    """Record a file; the answer is its filing receipt, with the short code
    shown this once."""
    _staff(request)
    agency = Agency.objects.filter(pk=request.user.agency_id).first()
    if agency is None:
        raise PermissionDenied(_("Only the agencies' staff see the permit files."))
    procedures = Procedure.objects.filter(agency=agency)
    form = FilingForm(request.POST or None, procedures=procedures)
    if request.method == "POST" and form.is_valid():
        try:
            file, code = services.permit_file(
                filing=form.filing(agency=agency, language=get_language()),
                actor=request.user,
            )
        except FilingRefused as exc:
            for name, message in exc.details.get("fields", {}).items():
                form.add_error(name if name in form.fields else None, message)
        else:
            return render(
                request,
                "permits/staff/receipt.html",
                {
                    "file": file,
                    "code": code,
                    "lookup": request.build_absolute_uri(reverse("permits:lookup")),
                },
                status=201,
            )
    form.describe()
    return render(request, "permits/staff/new.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def file_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    file = get_object_or_404(selectors.files_for_staff(user=request.user), pk=pk)
    if request.method == "POST":
        try:
            action = Action(request.POST.get("action", ""))
            if action not in FILE_ACTIONS:
                raise ValueError(action)
            services.permit_move(
                file=file,
                action=action,
                actor=request.user,
                text=request.POST.get("text", "")[:2000],
            )
        except (GeoportalError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", _("Choose what to do.")))
        return redirect("permits_staff:file", pk=file.pk)
    try:
        applicant = requester_view(case=file.case, user=request.user)
    except GeoportalError:
        applicant = None
    state = State(file.case.state)
    allowed = [
        action
        for action in FILE_ACTIONS
        if state in TRANSITIONS[action].sources
        and TRANSITIONS[action].requires in (None, file.substate)
    ]
    return render(
        request,
        "permits/staff/file.html",
        {
            "file": file,
            "state": state,
            "applicant": applicant,
            "events": CaseEvent.objects.filter(case_id=file.pk).order_by("at", "id"),
            "actions": allowed,
        },
    )


@login_required
@require_POST
def session_new(request: HttpRequest) -> HttpResponse:
    _staff(request)
    try:
        session = services.session_create(
            agency=get_object_or_404(Agency, pk=request.user.agency_id),
            held_on=datetime.date.fromisoformat(request.POST.get("held_on", "")),
            kind=CommissionSession.Kind(request.POST.get("kind", "")),
            members=(),
            actor=request.user,
            origin=request_origin(request),
        )
    except (GeoportalError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", _("Give a date and a kind.")))
        return redirect("permits_staff:files")
    return redirect("permits_staff:session", pk=session.pk)


def _conditions(post) -> tuple[services.ConditionInput, ...]:
    """Conditions as typed: one a line, "text | loi-12-90:art-40" to cite."""
    conditions = []
    for line in post.get("conditions", "").splitlines():
        text, _sep, cites = line.partition("|")
        if text.strip():
            conditions.append(
                services.ConditionInput(text.strip(), article_reference=cites.strip())
            )
    return tuple(conditions)


@login_required
@require_http_methods(["GET", "POST"])
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    session = get_object_or_404(selectors.sessions_for_staff(user=request.user), pk=pk)
    if request.method == "POST":
        try:
            _session_act(request, session)
        except (GeoportalError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", _("Choose what to do.")))
        return redirect("permits_staff:session", pk=session.pk)
    if request.GET.get("minutes") == "pdf":
        # Published: the registered minutes' bytes; before: a plain draft.
        pdf = (
            bytes(
                minutes_issue(
                    session=session, language=get_language(), actor=request.user
                ).pdf
            )
            if session.published_at
            else minutes_pdf(session, language=get_language())
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="minutes-{pk}.pdf"'
        return response
    items = session.agenda.select_related("file__case", "opinion").order_by("position")
    candidates = selectors.files_for_staff(user=request.user).filter(
        agency=session.agency, case__state=State.COMPLETE, substate=""
    )
    return render(
        request,
        "permits/staff/session.html",
        {
            "session": session,
            "items": items,
            "candidates": candidates[:200],
            "kinds": Opinion.Kind,
            "minutes": minutes_registered(session=session, language=get_language()),
        },
    )


def _session_act(request: HttpRequest, session: CommissionSession) -> None:
    post = request.POST
    action = post.get("action")
    if action == "publish":
        services.session_publish(session=session, actor=request.user)
    elif action == "schedule":
        file = selectors.files_for_staff(user=request.user).get(pk=post["file"])
        services.agenda_add(session=session, file=file, actor=request.user)
    elif action == "opinion":
        services.opinion_record(
            item=session.agenda.get(pk=post["item"]),
            kind=Opinion.Kind(post.get("kind", "")),
            actor=request.user,
            grounds=post.get("grounds", "")[:4000],
            missing_pieces=post.get("missing_pieces", "")[:4000],
            conditions=_conditions(post),
        )
    else:
        raise ValueError(action)


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    _staff(request)
    report, refused = None, ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        agency = Agency.objects.filter(pk=request.user.agency_id).first()
        try:
            if upload is None or agency is None or upload.size > IMPORT_MAX_BYTES:
                raise ValueError
            fmt = "json" if upload.name.lower().endswith(".json") else "csv"
            report = imports.permits_import(
                agency=agency, content=upload.read(), fmt=fmt, actor=request.user
            )
        except GeoportalError as exc:
            refused = exc.message
        except ValueError:
            refused = _("Choose a CSV or JSON file of at most 20 MB.")
    return render(
        request,
        "permits/staff/import.html",
        {"report": report, "refused": refused},
        status=400 if refused else 200,
    )
