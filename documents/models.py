"""The registry of every document the portal issues (document-e).

An entry is written once by ``documents.services.document_issue`` and never
changes, except one move of its status — valid to revoked or superseded,
with the reason, the successor, who and when — which the database alone
allows (migration 0001's trigger); nothing is ever deleted.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from documents import codes


class DocumentKind(models.TextChoices):
    """What an issued document is; other e-services add theirs here."""

    NOTE = "note", _("Urban information note")
    RECEIPT = "receipt", _("Receipt")
    # Lower case: the catalogues' one "credit note" (pages add the capital).
    CREDIT_NOTE = "credit_note", _("credit note")
    COMMISSION_DECISION = "commission_decision", _("Commission decision")


class IssuedDocument(models.Model):
    """One issued document: what it is, who issued it, the proof, its status."""

    AGENCY_PATH = "agency"

    class Status(models.TextChoices):
        VALID = "valid", pgettext_lazy("document status", "Valid")
        SUPERSEDED = "superseded", pgettext_lazy("document status", "Superseded")
        REVOKED = "revoked", pgettext_lazy("document status", "Revoked")
        # Never stored: a valid document past its valid_until (``state``).
        EXPIRED = "expired", pgettext_lazy("document status", "Expired")

    identifier = models.CharField(_("identifier"), max_length=26, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=DocumentKind)
    # The object it stands for: "notes.note" and the note's reference, …
    subject_type = models.CharField(_("object type"), max_length=64)
    subject_reference = models.CharField(_("object reference"), max_length=64)
    language = models.CharField(_("language"), max_length=8)
    template_version = models.CharField(_("template version"), max_length=32)
    agency = models.ForeignKey(
        "layers.Agency",
        on_delete=models.PROTECT,
        related_name="issued_documents",
        verbose_name=_("issuing agency"),
    )
    key_id = models.CharField(_("signing key"), max_length=32)
    issued_at = models.DateTimeField(_("issued"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    # The exact bytes handed over (signed PDFs included) and their SHA-256.
    pdf = models.BinaryField(_("PDF"))
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64)
    content_sha256 = models.CharField(_("SHA-256 of the content"), max_length=64)
    # Canonical JSON of the key data (documents.offline.KeyData.as_dict).
    key_data = models.TextField(_("key data"))
    signature = models.CharField(_("signature"), max_length=128)
    status = models.CharField(
        _("status"), max_length=16, choices=Status, default=Status.VALID
    )
    reason = models.TextField(_("reason"), blank=True)
    successor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("superseded by"),
    )
    status_changed_at = models.DateTimeField(_("status changed"), null=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("status changed by"),
    )

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        permissions = [
            ("revoke_issueddocument", _("Can revoke or supersede issued documents"))
        ]
        indexes = [
            models.Index(
                fields=["subject_type", "subject_reference"],
                name="document_subject",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="expired"),
                name="document_expired_is_derived",
            ),
            models.CheckConstraint(
                condition=models.Q(status="superseded", successor__isnull=False)
                | (~models.Q(status="superseded") & models.Q(successor__isnull=True)),
                name="document_successor_iff_superseded",
            ),
        ]

    def __str__(self) -> str:
        return self.code_printed

    @property
    def code(self) -> str:
        """The identifier and its check symbol, as in URLs."""
        return codes.code_of(self.identifier)

    @property
    def code_printed(self) -> str:
        return codes.code_printed(self.identifier)

    def state(self, today: datetime.date | None = None) -> str:
        """The status as a reader sees it: a valid document past its
        ``valid_until`` is expired."""
        today = today or timezone.localdate()
        if (
            self.status == self.Status.VALID
            and self.valid_until is not None
            and self.valid_until < today
        ):
            return self.Status.EXPIRED
        return self.status

    def state_label(self) -> str:
        """``state()`` as the reader's language names it."""
        return str(self.Status(self.state()).label)
