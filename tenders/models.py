"""The agencies' calls for tenders (public procurement: decree 2-22-431,
in the law library as a procurement text) and the documents to download.

A call belongs to one agency (``AGENCY_PATH``): its planners publish and
manage it, nobody else's. Its deadline is a moment (stored in UTC, shown in
the portal's time zone, Africa/Casablanca): a call is *open now* while its
status is open and the deadline has not passed, so the list stops showing
it as open the minute the deadline passes, without anyone closing it.
Its object is indexed with the library's text search configurations
(``geoportal_fr``, ``geoportal_ar`` fed folded text: ``library.folding``).
"""

from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.i18n import localized
from layers.models import Agency
from library.folding import ARABIC, FRENCH, FoldDigits


class TenderProcedure(models.TextChoices):
    OPEN = "open", _("Open call for tenders")
    RESTRICTED = "restricted", _("Restricted call for tenders")
    COMPETITION = "competition", _("Design competition")
    NEGOTIATED = "negotiated", _("Negotiated procedure")


class TenderStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", pgettext_lazy("call for tenders", "Closed")
    AWARDED = "awarded", _("Awarded")
    UNSUCCESSFUL = "unsuccessful", _("Unsuccessful")
    CANCELLED = "cancelled", _("Cancelled")


def open_now_q(now=None) -> Q:
    """Calls open now: status open and the deadline not passed."""
    return Q(status=TenderStatus.OPEN, deadline__gt=now or timezone.now())


class CallForTenders(models.Model):
    """A call for tenders of one agency, with its results once published."""

    AGENCY_PATH = "agency"

    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="calls_for_tenders",
    )
    reference = models.CharField(
        _("reference"), max_length=60, help_text=_("e.g. AO n° 12/2026")
    )
    object_fr = models.TextField(_("object (French)"))
    object_ar = models.TextField(_("object (Arabic)"), blank=True)
    procedure = models.CharField(
        _("procedure"),
        max_length=16,
        choices=TenderProcedure.choices,
        default=TenderProcedure.OPEN,
    )
    published_on = models.DateField(_("published on"))
    deadline = models.DateTimeField(_("deadline for tenders"))
    opening_at = models.DateTimeField(_("opening session"), null=True, blank=True)
    opening_place_fr = models.CharField(
        _("opening place (French)"), max_length=300, blank=True
    )
    opening_place_ar = models.CharField(
        _("opening place (Arabic)"), max_length=300, blank=True
    )
    # Amounts as the tender documents write them, in dirhams.
    estimate = models.DecimalField(
        _("estimate (MAD, incl. tax)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
    )
    deposit = models.DecimalField(
        _("provisional deposit (MAD)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=TenderStatus.choices,
        default=TenderStatus.OPEN,
    )
    awardee = models.CharField(_("awardee"), max_length=300, blank=True)
    award_amount = models.DecimalField(
        _("amount awarded (MAD, incl. tax)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
    )
    awarded_on = models.DateField(_("awarded on"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    search_fr = models.GeneratedField(
        expression=SearchVector("reference", "object_fr", config=FRENCH),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    search_ar = models.GeneratedField(
        expression=SearchVector(FoldDigits(F("object_ar")), config=ARABIC),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = _("call for tenders")
        verbose_name_plural = _("calls for tenders")
        ordering = ["-published_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "reference"], name="call_for_tenders_reference"
            ),
            models.CheckConstraint(
                condition=Q(opening_at__isnull=True) | Q(opening_at__gte=F("deadline")),
                name="call_for_tenders_opens_after_deadline",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "deadline"], name="call_open_now"),
            GinIndex(fields=["search_fr"], name="call_search_fr"),
            GinIndex(fields=["search_ar"], name="call_search_ar"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def object(self) -> str:
        return localized(self, "object")

    @property
    def opening_place(self) -> str:
        return localized(self, "opening_place")

    @property
    def is_open_now(self) -> bool:
        return self.status == TenderStatus.OPEN and self.deadline > timezone.now()

    def clean(self) -> None:
        if self.opening_at and self.deadline and self.opening_at < self.deadline:
            raise ValidationError(
                {"opening_at": _("The opening session comes after the deadline.")}
            )
        if self.status == TenderStatus.AWARDED and not (
            self.awardee and self.award_amount is not None and self.awarded_on
        ):
            raise ValidationError(
                _("An awarded call needs its awardee, amount and date.")
            )
        if self.status != TenderStatus.AWARDED and (
            self.awardee or self.award_amount is not None or self.awarded_on
        ):
            raise ValidationError({"status": _("Only an awarded call has an awardee.")})


class TenderDocument(models.Model):
    """A file of a call to download (regulation, specifications, the whole
    file as a ZIP), checked by ``tenders.services.tender_document_check``."""

    AGENCY_PATH = "call__agency"

    call = models.ForeignKey(
        CallForTenders,
        verbose_name=_("call for tenders"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_ar = models.CharField(_("title (Arabic)"), max_length=200, blank=True)
    file = models.FileField(_("file (PDF or ZIP)"), upload_to="tenders/%Y/")
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["call", "position", "id"]

    def __str__(self) -> str:
        return self.title_fr

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def download_url(self) -> str:
        """Where the public downloads it (``tenders.views.document_download``),
        never the storage's own address."""
        return reverse("tenders:document", args=[self.call_id, self.pk])
