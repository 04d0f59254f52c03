"""Adapters of prestations-e: the orders API, the order page (where every
provider sends the citizen back: it only reads the state, whatever the return
address carries), paying, and the card gateway's callback."""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import is_national_administrator, is_planner
from accounts.throttle import client_address
from core.api import api_view, json_response, read_json
from core.errors import BadRequest, GeoportalError, NotFound
from documents.selectors import documents_of, pdf_of, qr_text_of
from documents.services import request_origin
from layers.models import Agency
from payments.errors import (
    CallbackRefused,
    TransitionRefused,
    UnknownAttempt,
    UnknownParcel,
)
from payments.fulfilment import order_delivered
from payments.models import Order, Receipt, ReceiptIssue, Refund
from payments.pdf import credit_note_pdf, receipt_pdf
from payments.providers import PROVIDERS
from payments.providers.base import ReturnUrls
from payments.providers.cmi import REFUSED
from payments.selectors import (
    order_by_reference,
    order_documents_state,
    parcel_of_agency,
    refunded_centimes,
    tariff_in_force,
)
from payments.services import attempt_start, card_callback_handle, order_place


def order_json(order: Order) -> dict:
    return {
        "reference": order.reference,
        "agency": order.agency.code,
        "service": order.tariff.service,
        "label": order.tariff.label,
        "subject": order.subject,
        "parcel": order.parcel.reference if order.parcel_id else None,
        "language": order.language,
        "amount_centimes": order.amount_centimes,
        "currency": "MAD",
        "payment_reference": order.payment_reference,
        "status": order.status,
        "documents": order_documents_state(order),
        "page": reverse("payments:order", args=[order.reference]),
    }


# Anonymous citizens and their apps post it; no session acts on their behalf
# and the Idempotency-Key makes a replay harmless.
@csrf_exempt
@api_view("POST")
def order_create(request: HttpRequest):
    """Place an order; the ``Idempotency-Key`` header makes a retry safe."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key or len(key) > 200:
        raise BadRequest(
            _("An Idempotency-Key header (at most 200 characters) is required."),
            code="idempotency_key_required",
        )
    data = read_json(request)
    if isinstance(data.get("parcel"), str) and not data.get("subject"):
        # An order about a parcel: its subject is the parcel's reference.
        data["subject"] = data["parcel"]
    fields = {name: data.get(name) for name in ("agency", "service", "subject")}
    if not all(isinstance(value, str) and value.strip() for value in fields.values()):
        raise BadRequest(
            _("agency, service and subject are required."), code="missing_fields"
        )
    if len(fields["subject"]) > 200:
        raise BadRequest(_("The subject is too long."), code="subject_too_long")
    language = data.get("language", "fr")
    if not isinstance(language, str) or language not in dict(settings.LANGUAGES):
        raise BadRequest(_("Unknown language."), code="unknown_language")
    agency = Agency.objects.filter(code=fields["agency"]).first()
    if agency is None:
        raise NotFound(_("No such agency."), code="agency_not_found")
    parcel = None
    if data.get("parcel") not in (None, ""):
        parcel = parcel_of_agency(agency=agency, reference=str(data["parcel"]))
        if parcel is None:
            raise UnknownParcel(_("This agency holds no such parcel."))
        fields["subject"] = parcel.reference
    order, created = order_place(
        agency=agency,
        service=fields["service"],
        subject=fields["subject"].strip(),
        language=language,
        idempotency_key=key,
        parcel=parcel,
        client_address=_counted_address(request),
        origin=request_origin(request),
    )
    return json_response(order_json(order), status=201 if created else 200)


def _counted_address(request: HttpRequest) -> str | None:
    """The address an order counts against: the client's, None for staff."""
    if is_planner(request.user) or is_national_administrator(request.user):
        return None
    return client_address(request)


def _order(reference: str) -> Order:
    order = order_by_reference(reference)
    if order is None:
        raise Http404(_("No such order."))
    return order


# The gateway sends the browser back with a POST of its own: accepted without
# a CSRF token because nothing it carries is read.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def order_page(request: HttpRequest, reference: str) -> HttpResponse:
    order = _order(reference)
    return render(
        request,
        "payments/order.html",
        {
            "order": order,
            "receipt": getattr(order, "receipt", None),
            "documents": order_documents_state(order),
            "delivered": order_delivered(order),
            "refunded": Decimal(refunded_centimes(order)) / 100,
            "last_attempt": order.attempts.first(),
        },
    )


def _being_prepared(request: HttpRequest, order: Order) -> HttpResponse:
    """The answer to a download asked before the paid order's documents are
    issued: a page that says so and when to try again."""
    response = render(
        request,
        "payments/preparing.html",
        {"order": order, "failed": order_documents_state(order) == "failed"},
        status=503,
    )
    response["Retry-After"] = "5"
    return response


@require_POST
def order_pay(request: HttpRequest, reference: str, provider: str) -> HttpResponse:
    """Start an attempt and show how to pay it: the counter's reference, or
    the form that takes the citizen to the card gateway's payment page."""
    if provider not in PROVIDERS:
        raise Http404(_("No such payment method."))
    order = _order(reference)
    page = request.build_absolute_uri(reverse("payments:order", args=[reference]))
    urls = ReturnUrls(
        ok=page,
        fail=page,
        callback=request.build_absolute_uri(reverse("payments:card_callback")),
    )
    try:
        attempt, instructions = attempt_start(order=order, provider=provider, urls=urls)
    except TransitionRefused as error:
        return render(
            request,
            "payments/order.html",
            {
                "order": order,
                "receipt": getattr(order, "receipt", None),
                "error": error.message,
            },
            status=error.http_status,
        )
    return render(
        request,
        "payments/pay.html",
        {"order": order, "attempt": attempt, "instructions": instructions},
    )


# The gateway cannot hold our CSRF token: the hash, signed with the store key,
# is what authenticates a callback (payments.services.card_callback_handle).
@csrf_exempt
@require_POST
def card_callback(request: HttpRequest) -> HttpResponse:
    try:
        answer = card_callback_handle(fields=request.POST.dict())
    except (CallbackRefused, UnknownAttempt) as error:
        return HttpResponse(
            REFUSED, status=error.http_status, content_type="text/plain"
        )
    return HttpResponse(answer.text, content_type="text/plain")


def _registered_pdf(
    *, model, reference: str, language: str, render: Callable[..., bytes], origin: str
) -> bytes:
    """The PDF of an issued receipt or credit note: in its registered
    language, exactly the bytes registered with document-e; in another,
    ``render``ed again with the same QR code (on ``origin`` when the portal
    has no GEOPORTAIL_PUBLIC_URL) and code."""
    document = documents_of(
        subject_type=model._meta.label_lower, subject_reference=reference
    ).first()
    if document is None:
        return render(language=language)
    if document.language == language:
        return pdf_of(document)
    return render(
        language=language,
        qr_text=qr_text_of(document, base_url=origin),
        document_code=document.code_printed,
    )


def _reader_language() -> str:
    return get_language() if get_language() in dict(settings.LANGUAGES) else "fr"


def receipt_pdf_download(request: HttpRequest, reference: str) -> HttpResponse:
    """The order's receipt as a PDF, in the reader's language."""
    order = _order(reference)
    receipt = (
        Receipt.objects.filter(order=order).select_related("agency", "attempt").first()
    )
    if receipt is None:
        raise Http404(_("This order is not paid yet."))
    if receipt.issue.status != ReceiptIssue.Status.DONE:
        return _being_prepared(request, order)
    pdf = _registered_pdf(
        model=Receipt,
        reference=receipt.reference,
        language=_reader_language(),
        render=functools.partial(receipt_pdf, receipt),
        origin=request_origin(request),
    )
    return HttpResponse(
        pdf,
        content_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{receipt.reference}.pdf"'},
    )


def credit_note_pdf_download(
    request: HttpRequest, reference: str, credit_note: str
) -> HttpResponse:
    """One of the order's credit notes as a PDF, in the reader's language."""
    order = _order(reference)
    refund = next(
        (
            refund
            for refund in Refund.objects.filter(receipt__order=order).select_related(
                "agency", "receipt__order"
            )
            if refund.reference == credit_note
        ),
        None,
    )
    if refund is None:
        raise Http404(_("No such refund."))
    pdf = _registered_pdf(
        model=Refund,
        reference=refund.reference,
        language=_reader_language(),
        render=functools.partial(credit_note_pdf, refund),
        origin=request_origin(request),
    )
    return HttpResponse(
        pdf,
        content_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{refund.reference}.pdf"'},
    )


@require_http_methods(["GET", "POST"])
def order_new(request: HttpRequest) -> HttpResponse:
    """A citizen's order of ``service`` from ``agency`` about ``subject``:
    the price and its legal basis, then the order placed. The form carries an
    idempotency key made when it is shown, so a double submit places one order."""
    params = request.POST if request.method == "POST" else request.GET
    agency = Agency.objects.filter(code=params.get("agency", "")).first()
    service, subject = params.get("service", ""), params.get("subject", "").strip()
    parcel = None
    if agency is not None and params.get("parcel"):
        # An order about a parcel (an official note's): its subject is the
        # parcel's reference as the registry writes it.
        parcel = parcel_of_agency(agency=agency, reference=params["parcel"])
        if parcel is None:
            raise Http404(_("This agency holds no such parcel."))
        subject = parcel.reference
    if agency is None or not subject or len(subject) > 200:
        raise Http404(_("No such agency, or no subject."))
    try:
        tariff = tariff_in_force(
            agency=agency, service=service, on=timezone.localdate()
        )
        if request.method == "POST":
            key = params.get("idempotency_key", "")
            if not 16 <= len(key) <= 200:
                raise BadRequest(_("This form is out of date: open it again."))
            order, _created = order_place(
                agency=agency,
                service=service,
                subject=subject,
                language=get_language(),
                idempotency_key=key,
                parcel=parcel,
                client_address=_counted_address(request),
                origin=request_origin(request),
            )
            return redirect("payments:order", reference=order.reference)
    except GeoportalError as error:
        response = render(
            request,
            "payments/order_new.html",
            {"error": error.message},
            status=error.http_status,
        )
        for name, value in error.headers().items():
            response[name] = value
        return response
    return render(
        request,
        "payments/order_new.html",
        {
            "agency": agency,
            "tariff": tariff,
            "subject": subject,
            "parcel": parcel,
            "amount": Decimal(tariff.amount_centimes) / 100,
            "idempotency_key": secrets.token_urlsafe(24),
        },
    )
