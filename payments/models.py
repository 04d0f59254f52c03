"""prestations-e: what an agency charges (tariffs), what a citizen pays for
(orders), each try to pay (attempts, kept for ever) and the receipts.

Amounts are integer centimes of dirham (MAD): no rounding anywhere. The
database holds the invariants the money depends on (migration 0001): tariffs
of one service never overlap in time, attempts are never deleted, an order has
at most one confirmed attempt, receipts never change and their numbers have no
gap (``payments.receipts``).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeOperators
from django.db import models
from django.db.models import F, Func, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.i18n import localized
from layers.models import Agency


class DateRange(Func):
    """``daterange(valid_from, valid_to)``: half-open, unbounded when open-ended."""

    function = "DATERANGE"
    output_field = DateRangeField()


class Tariff(models.Model):
    """The price of one service of one agency over a period, and why it is due.

    A new price is a new row: the old one gets its ``valid_to`` and orders
    placed under it keep their amount.
    """

    AGENCY_PATH = "agency"

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    service = models.SlugField(
        _("service"), max_length=40, help_text=_("A short code naming the service.")
    )
    label_fr = models.CharField(_("label (French)"), max_length=200)
    label_ar = models.CharField(_("label (Arabic)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200, blank=True)
    amount_centimes = models.PositiveIntegerField(_("amount (centimes of MAD)"))
    legal_basis = models.TextField(
        _("legal basis"), help_text=_("The act that sets this fee.")
    )
    valid_from = models.DateField(_("valid from"))
    # Exclusive; empty: in force until a newer tariff closes it.
    valid_to = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["agency", "service", "valid_from"]
        verbose_name = _("tariff")
        verbose_name_plural = _("tariffs")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_centimes__gt=0), name="tariff_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")),
                name="tariff_interval_not_empty",
            ),
            ExclusionConstraint(
                name="tariff_intervals_do_not_overlap",
                expressions=[
                    ("agency", RangeOperators.EQUAL),
                    ("service", RangeOperators.EQUAL),
                    (DateRange("valid_from", "valid_to"), RangeOperators.OVERLAPS),
                ],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency.code} {self.service} {self.valid_from}"

    @property
    def label(self) -> str:
        return localized(self, "label")


class Order(models.Model):
    """What a citizen pays for: one service of one agency about one subject,
    at the price of the tariff in force when the order was placed."""

    AGENCY_PATH = "agency"

    class Status(models.TextChoices):
        AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
        PAID = "paid", _("Paid")
        PARTLY_REFUNDED = "partly_refunded", _("Partly refunded")
        REFUNDED = "refunded", _("Refunded")

    reference = models.CharField(_("reference"), max_length=32, unique=True)
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    tariff = models.ForeignKey(
        Tariff, verbose_name=_("tariff"), on_delete=models.PROTECT, related_name="+"
    )
    amount_centimes = models.PositiveIntegerField(_("amount (centimes of MAD)"))
    subject = models.CharField(
        _("subject"), max_length=200, help_text=_("e.g. parcel TF 12345/07")
    )
    # The parcel the order is about, when it is one (an official note's).
    parcel = models.ForeignKey(
        "parcels.Parcel",
        verbose_name=_("parcel"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        # Parcels are partitioned by agency, keyed by (id, agency_id): no
        # foreign key can name id alone. Constraint triggers keep the reference
        # sound instead (parcels migration 0007).
        db_constraint=False,
    )
    language = models.CharField(_("language"), max_length=8)
    # The scheme and host the order was placed through: its documents'
    # verification URLs start there when GEOPORTAIL_PUBLIC_URL is not set
    # (documents.services.document_base_url), even when issued later, in a
    # callback or a background task, with no request at hand.
    origin = models.CharField(_("placed through"), max_length=200, blank=True)
    # The bank's structured reference (ISO 11649, "RF…"): what a transfer or
    # the counter quotes.
    payment_reference = models.CharField(
        _("payment reference"), max_length=35, unique=True
    )
    idempotency_key = models.CharField(
        _("idempotency key"), max_length=200, unique=True
    )
    # SHA-256 of the request that placed it: the same key with another body
    # is refused, not answered with this order.
    request_digest = models.CharField(max_length=64)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status,
        default=Status.AWAITING_PAYMENT,
    )
    placed_at = models.DateTimeField(_("placed"), auto_now_add=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")

    def __str__(self) -> str:
        return self.reference

    @property
    def amount(self) -> Decimal:
        """The amount in dirhams."""
        return Decimal(self.amount_centimes) / 100


class PaymentAttempt(models.Model):
    """One try to pay an order with one provider. Kept for ever: the database
    refuses deleting it (migration 0001)."""

    AGENCY_PATH = "order__agency"

    class Status(models.TextChoices):
        CREATED = "created", _("Created")
        PENDING = "pending", _("Pending")
        CONFIRMED = "confirmed", _("Confirmed")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    reference = models.CharField(_("reference"), max_length=32, unique=True)
    order = models.ForeignKey(
        Order,
        verbose_name=_("order"),
        on_delete=models.PROTECT,
        related_name="attempts",
    )
    provider = models.CharField(_("provider"), max_length=20)
    amount_centimes = models.PositiveIntegerField(_("amount (centimes of MAD)"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status, default=Status.CREATED
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    changed_at = models.DateTimeField(_("changed"), auto_now=True)
    # The provider's callback as it came, once accepted, and the answer given,
    # which a repeated callback gets again.
    raw_callback = models.JSONField(_("provider's callback"), null=True, blank=True)
    callback_answer = models.CharField(max_length=40, blank=True)
    provider_transaction = models.CharField(
        _("provider's transaction"), max_length=64, blank=True
    )
    # Cash above a threshold: the first of the two agents who confirm it.
    first_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("first confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("payment attempt")
        verbose_name_plural = _("payment attempts")
        constraints = [
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(status="confirmed"),
                name="one_confirmed_attempt_per_order",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class ReceiptCounter(models.Model):
    """The last number given by an agency in a year in one series (receipts,
    credit notes); its row is locked by the transaction that gives the next
    one (``payments.receipts``)."""

    class Series(models.TextChoices):
        RECEIPT = "R", _("receipt")
        CREDIT_NOTE = "A", _("credit note")

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    series = models.CharField(max_length=1, choices=Series, default=Series.RECEIPT)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "series", "year"],
                name="one_counter_per_series_and_year",
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.series} {self.year}: {self.last_number}"


class Receipt(models.Model):
    """Proof that an order was paid. Immutable: the database refuses any update
    or deletion (a correction is a credit note). Its PDF carries the
    agency's PAdES signature (``payments.pdf``) and is registered with
    document-e after the payment commits (``ReceiptIssue``)."""

    AGENCY_PATH = "agency"

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    order = models.OneToOneField(
        Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="receipt"
    )
    attempt = models.OneToOneField(
        PaymentAttempt,
        verbose_name=_("payment attempt"),
        on_delete=models.PROTECT,
        related_name="receipt",
    )
    amount_centimes = models.PositiveIntegerField(_("amount (centimes of MAD)"))
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)

    class Meta:
        ordering = ["agency", "year", "number"]
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "number"], name="receipt_number_unique"
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """``<agency prefix>-R-<year>-<number>``, e.g. ``AURS-R-2026-000017``."""
        return f"{self.agency.note_prefix}-R-{self.year}-{self.number:06d}"


class ReceiptIssue(models.Model):
    """What remains to do once a payment has committed: deliver what the
    order bought (the official note) and register the receipt's PDF with
    document-e. Written in the paying transaction, one per receipt; done
    after it by the worker (``payments.issuing``), which retries a failure
    and, after ``PAYMENTS_ISSUE_MAX_ATTEMPTS``, leaves it failed for staff."""

    AGENCY_PATH = "receipt__agency"

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        DONE = "done", _("Issued")
        FAILED = "failed", _("Failed")

    receipt = models.OneToOneField(
        Receipt,
        verbose_name=_("receipt"),
        on_delete=models.PROTECT,
        related_name="issue",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    done_at = models.DateTimeField(_("issued"), null=True, blank=True)

    class Meta:
        verbose_name = _("issue of a receipt's documents")
        verbose_name_plural = _("issues of receipts' documents")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="receipt_issue_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.receipt_id}: {self.status}"


class Refund(models.Model):
    """Money given back on a paid order, in full or in part, and the credit
    note that records it: a receipt is never changed, it is offset. Immutable
    like receipts (migration 0002); numbered in its own gapless series."""

    AGENCY_PATH = "agency"

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    receipt = models.ForeignKey(
        Receipt,
        verbose_name=_("receipt"),
        on_delete=models.PROTECT,
        related_name="refunds",
    )
    amount_centimes = models.PositiveIntegerField(_("amount (centimes of MAD)"))
    reason = models.TextField(_("reason"))
    refunded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("refunded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    refunded_at = models.DateTimeField(_("refunded"), auto_now_add=True)

    class Meta:
        ordering = ["agency", "year", "number"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "number"], name="credit_note_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(amount_centimes__gt=0), name="refund_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """The credit note's: ``<agency prefix>-A-<year>-<number>``."""
        return f"{self.agency.note_prefix}-A-{self.year}-{self.number:06d}"
