"""Open311 GeoReport v2 views: parse (``params``), call one service or
selector, answer (``answers``). Every error is a GeoReport error list with
its HTTP status, in the format asked for.

POST requests is exempt from CSRF: it is an anonymous filing that reads no
cookie and acts for no session, so a forged cross-site post could do
nothing a direct one could not; the limits per address and per contact and
the requester's confirmation guard it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts.throttle import client_address
from core.errors import GeoportalError, NotFound
from requete import selectors, services
from requete.models import CitizenRequest, RequestKind
from requete.open311 import answers, params, tokens
from requete.selectors import PublicFilters


def open311_view(*methods: str) -> Callable:
    """Allowed methods; GeoportalErrors answered as GeoReport errors."""

    def decorate(view: Callable) -> Callable:
        @require_http_methods(list(methods))
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, fmt: str, **kwargs) -> HttpResponse:
            try:
                return view(request, *args, fmt=fmt, **kwargs)
            except GeoportalError as error:
                return answers.error_answer(error, fmt=fmt)

        return wrapper

    return decorate


def _extensions(request: HttpRequest) -> bool:
    return request.GET.get("extensions", "").lower() == "true"


@open311_view("GET")
def discovery(request: HttpRequest, *, fmt: str) -> HttpResponse:
    """GET discovery.<fmt>: where the GeoReport v2 endpoint is."""
    base = settings.GEOPORTAIL_PUBLIC_URL or request.build_absolute_uri("/")[:-1]
    # The endpoint is the folder of its resources: /open311/v2.
    endpoint = reverse("requete:services", kwargs={"fmt": "json"}).rsplit("/", 1)[0]
    document = answers.discovery(base + endpoint)
    return answers.answer(document, fmt=fmt, root="discovery")


@open311_view("GET")
def services_list(request: HttpRequest, *, fmt: str) -> HttpResponse:
    """GET services.<fmt>: the jurisdiction's active kinds of request."""
    agency = params.jurisdiction(request.GET.get("jurisdiction_id", ""), required=True)
    kinds = RequestKind.objects.filter(agency=agency, active=True).order_by("code")
    return answers.answer(
        [answers.service(kind) for kind in kinds], fmt=fmt, root="services"
    )


@open311_view("GET")
def service_definition(request: HttpRequest, *, fmt: str, code: str) -> HttpResponse:
    """GET services/<code>.<fmt>: the kind's extra fields as attributes."""
    agency = params.jurisdiction(request.GET.get("jurisdiction_id", ""), required=True)
    definition = answers.service_definition(params.kind_get(agency, code))
    return answers.answer(definition, fmt=fmt, root="service_definition")


def _posted(request: HttpRequest, fmt: str) -> HttpResponse:
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    filed = services.request_file(
        filing=params.filing(request.POST, language=language),
        client_address=client_address(request),
    )
    hours = settings.GEOPORTAIL_REQUEST_CONFIRM_HOURS
    notice = ngettext(
        "Not yet registered: the requester must open the link sent to their "
        "e-mail or phone within %(count)d hour. Their follow code is "
        "%(code)s.",
        "Not yet registered: the requester must open the link sent to their "
        "e-mail or phone within %(count)d hours. Their follow code is "
        "%(code)s.",
        hours,
    ) % {"count": hours, "code": filed.follow_code}
    return answers.answer(
        [{"token": tokens.token_make(filed.request.pk), "service_notice": notice}],
        fmt=fmt,
        root="service_requests",
        status=201,
    )


@csrf_exempt
@open311_view("GET", "POST")
def requests_list(request: HttpRequest, *, fmt: str) -> HttpResponse:
    """GET requests.<fmt>: the public, anonymised list; POST: file one."""
    if request.method == "POST":
        return _posted(request, fmt)
    filters = params.public_filters(request.GET, now=timezone.now())
    extensions = _extensions(request)
    return answers.answer(
        [
            answers.service_request(row, extensions=extensions)
            for row in selectors.requests_public(filters=filters)
        ],
        fmt=fmt,
        root="service_requests",
    )


@open311_view("GET")
def request_detail(request: HttpRequest, *, fmt: str, reference: str) -> HttpResponse:
    """GET requests/<service_request_id>.<fmt>: one request, in a list."""
    found = list(
        selectors.requests_public(
            filters=PublicFilters(references=(reference.upper(),))
        )
    )
    if not found:
        raise NotFound(_("No public request has this service_request_id."))
    return answers.answer(
        [answers.service_request(found[0], extensions=_extensions(request))],
        fmt=fmt,
        root="service_requests",
    )


@open311_view("GET")
def token_detail(request: HttpRequest, *, fmt: str, token: str) -> HttpResponse:
    """GET tokens/<token>.<fmt>: the service_request_id once confirmed."""
    case_id = tokens.token_case_id(token)
    filed = CitizenRequest.objects.filter(pk=case_id).select_related("case").first()
    if filed is None:
        raise tokens.TokenNotFound(_("No service request has this token."))
    row = {"token": token}
    if filed.case.submitted_at is not None:
        row["service_request_id"] = filed.case.reference
    return answers.answer([row], fmt=fmt, root="service_requests")
