"""Issued urban information notes. An issued note never changes.

The code has no update path (``notes.services.note_issue`` only creates), and the
database refuses any UPDATE of what a note states (migration 0002's trigger).
"""

from __future__ import annotations

import json

from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from layers.models import STORAGE_SRID


class NoteSequence(models.Model):
    """The last number given to a note of an agency in a year."""

    agency = models.ForeignKey(
        "layers.Agency", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year"], name="note_sequence_agency_year"
            )
        ]


class Note(models.Model):
    """An issued note: its subject, as-of date and a signed, frozen snapshot."""

    AGENCY_PATH = "agency"

    class Kind(models.TextChoices):
        PARCEL = "parcel", _("Parcel")
        POINT = "point", _("Point")
        POLYGON = "polygon", _("Drawn area")

    reference = models.CharField(_("reference"), max_length=32, unique=True)
    token = models.CharField(_("verification token"), max_length=64, unique=True)
    agency = models.ForeignKey(
        "layers.Agency",
        on_delete=models.PROTECT,
        related_name="notes",
        verbose_name=_("agency"),
    )
    kind = models.CharField(_("subject kind"), max_length=8, choices=Kind)
    parcel = models.ForeignKey(
        "parcels.Parcel",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notes",
        verbose_name=_("parcel"),
        # Parcels are partitioned by agency, keyed by (id, agency_id): no
        # foreign key can name id alone. Constraint triggers keep the reference
        # sound instead (parcels migration 0007).
        db_constraint=False,
    )
    geom = models.MultiPolygonField(_("subject"), srid=STORAGE_SRID)
    as_of = models.DateField(_("as of"))
    language = models.CharField(_("language of issue"), max_length=8)
    # The canonical JSON text of the content: what the hash and signature cover.
    snapshot = models.TextField(_("snapshot"))
    sha256 = models.CharField(_("SHA-256 of the snapshot"), max_length=64)
    signature = models.CharField(_("signature"), max_length=128)
    key_id = models.CharField(_("signing key"), max_length=32)
    layer_versions = models.ManyToManyField(
        "layers.LayerVersion",
        related_name="notes",
        blank=True,
        verbose_name=_("layer versions used"),
    )
    issued_at = models.DateTimeField(_("issued"))
    # The paid order an official note was issued for; none: an indicative
    # note, free of charge (``notes.official``).
    order = models.OneToOneField(
        "payments.Order",
        verbose_name=_("order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("urban information note")
        verbose_name_plural = _("urban information notes")

    def __str__(self) -> str:
        return self.reference

    @property
    def is_official(self) -> bool:
        return self.order_id is not None

    @property
    def content(self) -> dict:
        """The snapshot decoded (a fresh dict each time)."""
        return json.loads(self.snapshot)
