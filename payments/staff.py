"""The agencies' staff pages of prestations-e: their orders (and as CSV for
the accounts), counter confirmations, bank statements, refunds with their
credit notes, and the receipts per day and payment method."""

from __future__ import annotations

import csv
import datetime
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.permissions import is_national_administrator, is_planner
from core.errors import GeoportalError
from payments.issuing import receipt_issue_retry
from payments.selectors import orders_for_staff, reconciliation
from payments.services import counter_payment_confirm, refund_record
from payments.statements import statement_import

# Largest bank statement accepted.
STATEMENT_MAX_BYTES = 5 * 1024 * 1024

# Days the reconciliation report covers, today included.
RECONCILIATION_DAYS = 31

# The export's columns: stable names an accounting tool maps once.
CSV_COLUMNS = [
    "reference",
    "agency",
    "service",
    "subject",
    "amount_mad",
    "status",
    "placed_at",
    "paid_with",
    "receipt",
    "refunded_mad",
]


def _staff(request: HttpRequest) -> None:
    if not (is_planner(request.user) or is_national_administrator(request.user)):
        raise PermissionDenied(_("Only the agencies' staff see the orders."))


def _cell(text: str) -> str:
    """A citizen's text as a spreadsheet shows it, never as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _mad(centimes: int) -> str:
    return f"{Decimal(centimes) / 100:.2f}"


@login_required
def orders(request: HttpRequest) -> HttpResponse:
    """The orders list; ``?format=csv`` downloads it."""
    _staff(request)
    rows = orders_for_staff(request.user)
    if request.GET.get("format") == "csv":
        return _orders_csv(rows)
    today = timezone.localdate()
    return render(
        request,
        "payments/staff_orders.html",
        {
            "orders": rows[:500],
            "reconciliation": reconciliation(
                user=request.user,
                since=today - datetime.timedelta(days=RECONCILIATION_DAYS - 1),
                until=today,
            ),
            "reconciliation_days": RECONCILIATION_DAYS,
        },
    )


def _orders_csv(rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="orders.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for order in rows.iterator(chunk_size=2000):
        receipt = getattr(order, "receipt", None)
        writer.writerow(
            [
                order.reference,
                order.agency.code,
                order.tariff.service,
                _cell(order.subject),
                _mad(order.amount_centimes),
                order.status,
                order.placed_at.isoformat(),
                order.paid_with or "",
                receipt.reference if receipt else "",
                _mad(order.refunded_centimes),
            ]
        )
    return response


@login_required
@require_POST
def refund(request: HttpRequest, reference: str) -> HttpResponse:
    """Record a refund (amount in dirhams, reason) of one paid order."""
    _staff(request)
    order = orders_for_staff(request.user).filter(reference=reference).first()
    if order is None:
        raise Http404(_("No such order."))
    try:
        amount = Decimal(request.POST.get("amount", "").replace(",", ".").strip())
        centimes = int(amount * 100)
        if centimes != amount * 100:
            raise InvalidOperation
    except (InvalidOperation, ValueError, OverflowError):
        messages.error(request, _("Write the amount in dirhams, e.g. 50.00."))
        return redirect("payments:staff_orders")
    try:
        done = refund_record(
            order=order,
            amount_centimes=centimes,
            reason=request.POST.get("reason", ""),
            by=request.user,
        )
    except GeoportalError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Refunded; credit note no. %(number)s.") % {"number": done.reference},
        )
    return redirect("payments:staff_orders")


@login_required
@require_POST
def counter_confirm(request: HttpRequest) -> HttpResponse:
    """An agent confirms cash paid at the counter, or a transfer, by the
    structured reference the citizen quoted."""
    _staff(request)
    try:
        attempt = counter_payment_confirm(
            payment_reference=request.POST.get("payment_reference", ""),
            agent=request.user,
            cash=request.POST.get("means") != "transfer",
        )
    except GeoportalError as error:
        messages.error(request, error.message)
    except PermissionDenied as error:  # another agency's order
        messages.error(request, str(error))
    else:
        if attempt.status == attempt.Status.CONFIRMED:
            messages.success(
                request,
                _("Payment confirmed; receipt no. %(number)s.")
                % {"number": attempt.receipt.reference},
            )
        else:
            messages.warning(
                request,
                _(
                    "First confirmation recorded: another agent must confirm this "
                    "cash payment."
                ),
            )
    return redirect("payments:staff_orders")


@login_required
@require_POST
def statement(request: HttpRequest) -> HttpResponse:
    """Import a bank statement: confirm the transfers it shows."""
    _staff(request)
    upload = request.FILES.get("statement")
    if upload is None or upload.size > STATEMENT_MAX_BYTES:
        messages.error(request, _("Choose a bank statement (CSV, at most 5 MB)."))
        return redirect("payments:staff_orders")
    try:
        report = statement_import(content=upload.read(), agent=request.user)
    except GeoportalError as error:
        messages.error(request, error.message)
        return redirect("payments:staff_orders")
    count = len(report.confirmed)
    messages.success(
        request,
        ngettext(
            "%(count)s transfer confirmed.", "%(count)s transfers confirmed.", count
        )
        % {"count": count},
    )
    for line, reason in report.left:
        messages.warning(
            request, _("Line %(line)s: %(reason)s") % {"line": line, "reason": reason}
        )
    return redirect("payments:staff_orders")


@login_required
@require_POST
def issue_retry(request: HttpRequest, reference: str) -> HttpResponse:
    """Try again to issue the documents of one paid order, which failed."""
    _staff(request)
    order = orders_for_staff(request.user).filter(reference=reference).first()
    if order is None or getattr(order, "receipt", None) is None:
        raise Http404(_("No such order."))
    try:
        receipt_issue_retry(receipt=order.receipt, by=request.user)
    except GeoportalError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The documents of order %(order)s are being prepared again.")
            % {"order": order.reference},
        )
    return redirect("payments:staff_orders")
