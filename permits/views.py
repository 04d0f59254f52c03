"""The public pages of permits: the lookup of a file by its number and short
code, a commission session's results, the agency's results. Thin: each page
parses, calls ``permits.selectors`` and renders — never personal data.

The lookup counts wrong guesses per address like requête-e's follow page
(``accounts.throttle.quota_take``): past the limit, every lookup from that
address is refused with 429 and Retry-After until the cool-off has passed,
a right one included, so enumeration learns nothing. It counts them per
file number too, from any address: guessing one file's code from many
addresses meets the same limit (every number is counted, a file's or not,
so a refusal tells nothing of which numbers exist).
"""

from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.models import RequestQuota
from accounts.throttle import client_address, quota_take, retry_after_seconds
from layers.models import Agency
from permits import selectors
from permits.errors import FileNotFound
from permits.forms import LookupForm
from permits.minutes import minutes_issue

LOOKUP_SCOPE = "permit_lookup_failure"
NUMBER_SCOPE = "permit_lookup_number_failure"


def _window() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.GEOPORTAIL_LOGIN_COOLOFF_MINUTES)


def lookup_number_key(number: str) -> str:
    """What wrong codes for ``number`` are counted under: its SHA-256 in
    capitals (the portal's references are found in any case; a capital may
    be longer than its letter, "ß" → "SS", and the key fits the column)."""
    return hashlib.sha256(number.upper().encode()).hexdigest()


def _lookup_locked(scope: str, key: str) -> datetime.timedelta | None:
    """How long ``key`` (an address, or a number) is still refused for wrong
    codes tried too often."""
    quota = RequestQuota.objects.filter(
        scope=scope,
        address=key,
        count__gte=settings.GEOPORTAIL_LOGIN_FAILURE_LIMIT,
        window_start__gt=timezone.now() - _window(),
    ).first()
    return None if quota is None else quota.window_start + _window() - timezone.now()


@never_cache
@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    """Find a file by its number and short code: its state, dates, opinion
    and conditions."""
    if request.method == "GET":
        form = LookupForm(initial={"number": request.GET.get("number", "")})
        return _lookup_page(request, form)
    form = LookupForm(request.POST)
    if not form.is_valid():
        return _lookup_page(request, form)
    address = client_address(request)
    number = selectors.lookup_number(form.cleaned_data["number"])
    number_key = lookup_number_key(number)
    for scope, key, message in (
        (LOOKUP_SCOPE, address, _("Too many wrong codes from here; try again later.")),
        (
            NUMBER_SCOPE,
            number_key,
            _("Too many wrong codes were tried for this number; try again later."),
        ),
    ):
        locked = _lookup_locked(scope, key)
        if locked is not None:
            form.add_error(None, message)
            response = _lookup_page(request, form, status=429)
            response["Retry-After"] = retry_after_seconds(locked)
            return response
    try:
        file = selectors.file_by_lookup(number=number, code=form.cleaned_data["code"])
    except FileNotFound as exc:
        for scope, key in ((LOOKUP_SCOPE, address), (NUMBER_SCOPE, number_key)):
            quota_take(
                scope=scope,
                address=key,
                limit=settings.GEOPORTAIL_LOGIN_FAILURE_LIMIT,
                window=_window(),
            )
        form.add_error(None, exc.message)
        return _lookup_page(request, form)
    return render(request, "permits/file.html", {"file": file})


def _lookup_page(request, form, status=200) -> HttpResponse:
    form.describe()
    return render(request, "permits/lookup.html", {"form": form}, status=status)


@require_http_methods(["GET"])
def session_results(request: HttpRequest, agency: str, session_id: int) -> HttpResponse:
    """A published session's opinions, anonymised, with its minutes (issued
    in the reader's language on the first ask)."""
    session = get_object_or_404(
        selectors.published_sessions(), agency__code=agency, pk=session_id
    )
    return render(
        request,
        "permits/session.html",
        {
            "session": session,
            "results": selectors.session_results(session),
            "minutes": minutes_issue(session=session, language=get_language()),
        },
    )


@require_http_methods(["GET"])
def session_minutes(request: HttpRequest, agency: str, session_id: int) -> HttpResponse:
    """The registered minutes of a published session, in the reader's
    language: the same bytes every time (their SHA-256 is the registry's)."""
    session = get_object_or_404(
        selectors.published_sessions(), agency__code=agency, pk=session_id
    )
    document = minutes_issue(session=session, language=get_language())
    response = HttpResponse(bytes(document.pdf), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="minutes-{agency}-{session_id}-{document.language}.pdf"'
    )
    return response


@require_http_methods(["GET"])
def agency_sessions(request: HttpRequest, agency: str) -> HttpResponse:
    """The agency's published sessions, newest first, with its feed."""
    found = Agency.objects.filter(code=agency).first()
    if found is None:
        raise Http404(agency)
    sessions = selectors.published_sessions(found)[:100]
    return render(
        request, "permits/sessions.html", {"agency": found, "sessions": sessions}
    )
