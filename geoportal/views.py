import logging
import sys
from dataclasses import asdict

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.db import database_unavailable
from core.errors import BadRequest, DatabaseUnavailable, Forbidden, NotFound
from geoportal.error_answers import error_answer
from geoportal.health import health_check

logger = logging.getLogger("django.request")

RETRY_AFTER_SECONDS = 5


@never_cache
@require_GET
def healthz(request):
    health = health_check()
    response = JsonResponse(
        {"status": "ok" if health.ok else "error", **asdict(health)},
        status=200 if health.ok else 503,
    )
    if not health.ok:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request) -> HttpResponse:
    """Django's 500 page, except while the database cannot be reached: then a
    503 the client may retry, in its language and its form (JSON, OGC report
    or page), without touching the database.
    """
    error = sys.exc_info()[1]
    if error is None or not database_unavailable(error):
        return defaults.server_error(request)
    unavailable = DatabaseUnavailable(
        _("The database cannot be reached right now; try again in a few seconds."),
        retry_after=RETRY_AFTER_SECONDS,
    )
    response = error_answer(request, unavailable) or HttpResponse(
        render_to_string("geoportal/503.html", {"message": unavailable.message}),
        status=unavailable.http_status,
        headers=unavailable.headers(),
    )
    response["Cache-Control"] = "no-store"
    # One line per request, not a traceback each: during an outage every
    # request fails the same way, and the cause is not in the code.
    logger.warning(
        "Service Unavailable: %s (database unreachable: %s)",
        request.path,
        (str(error).strip().splitlines() or [type(error).__name__])[0],
    )
    response._has_been_logged = True
    return response


def page_not_found(request, exception):
    """The 404 answer: the API's JSON error under ``/api/``, an OGC report
    on the OGC addresses, a page in the reader's language elsewhere (Django's
    own page is in English only).

    An address under ``/api/`` that matches no endpoint (``/api/v1/versions/x``
    where a number is expected) is answered in the form its client reads.
    """
    error = NotFound(_("There is nothing at this address."))
    return error_answer(request, error) or render(
        request,
        "geoportal/not_found.html",
        {"message": error.message},
        status=error.http_status,
    )


def bad_request(request, exception):
    """The 400 answer to a request Django cannot read (a broken multipart
    body...): the API's JSON error under ``/api/``, an OGC report on the OGC
    addresses, a page in the reader's language elsewhere."""
    error = BadRequest(_("The request could not be read."))
    return error_answer(request, error) or render(
        request,
        "geoportal/bad_request.html",
        {"message": error.message},
        status=error.http_status,
    )


def csrf_failure(request, reason=""):
    """``CSRF_FAILURE_VIEW``: a form posted without its token — a page kept
    open past its cookie, cookies refused, or another site's form — is a 403
    in the reader's language and the client's form (Django's own page is a
    developer's, in English)."""
    error = Forbidden(
        _("This form could not be sent: reload the page and send it again."),
        code="csrf_failed",
    )
    return error_answer(request, error) or render(
        request,
        "geoportal/bad_request.html",
        {"message": error.message, "title": _("Form not sent")},
        status=error.http_status,
    )
