"""The land registry as the portal knows it: parcels with their references."""

from __future__ import annotations

from django.contrib.gis.db import models
from django.contrib.gis.db.models.functions import Transform
from django.contrib.postgres.indexes import GistIndex
from django.utils.translation import gettext_lazy as _

from layers.models import STORAGE_SRID, Agency, from_demo_data_field
from layers.search import Fold, folded_trigram_index


class ParcelQuerySet(models.QuerySet):
    def current(self) -> ParcelQuerySet:
        """The parcels the agency's cadastre holds today (not retired)."""
        return self.filter(retired_at=None)

    def of_agency_code(self, code: str) -> ParcelQuerySet:
        """The parcels of the agency whose code is ``code``, compared by id
        through a sub-select PostgreSQL runs first: then only that agency's
        partition is read, which a join on the agency's code would not tell
        the planner."""
        return self.filter(agency_id=Agency.objects.filter(code=code).values("pk")[:1])


class Parcel(models.Model):
    AGENCY_PATH = "agency"

    class Kind(models.TextChoices):
        LAND_TITLE = "TF", _("Land title")
        REQUISITION = "R", _("Requisition")
        CADASTRAL = "CAD", _("Cadastral parcel")

    agency = models.ForeignKey(
        "layers.Agency",
        on_delete=models.PROTECT,
        related_name="parcels",
        verbose_name=_("agency"),
        # No index of its own: the unique (agency, reference_key) leads with
        # it, and each agency's parcels are a partition anyway.
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=3, choices=Kind)
    reference = models.CharField(
        _("reference"), max_length=64, help_text=_('As written, e.g. "TF 12345/07".')
    )
    reference_key = models.CharField(
        _("search key"),
        max_length=64,
        editable=False,
        help_text=_("Canonical form of the reference, for searching."),
    )
    official_area_m2 = models.DecimalField(
        _("official area (m²)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    # The address as the search box compares it (``layers.search``), kept by
    # the database: comparing a stored text costs nothing per row, folding it
    # again for every candidate of the trigram index did (≈ 50 ms for "rue n").
    address_folded = models.GeneratedField(
        expression=Fold("address"),
        output_field=models.TextField(),
        db_persist=True,
    )
    geom = models.MultiPolygonField(_("geometry"), srid=STORAGE_SRID)
    # Web Mercator copy kept by the database, indexed, for map tiles.
    geom_3857 = models.GeneratedField(
        expression=Transform("geom", 3857),
        output_field=models.MultiPolygonField(srid=3857),
        db_persist=True,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Set when an import of the agency's cadastre no longer holds the parcel:
    # kept (notes, requests and permits cite it) but no longer identified,
    # searched or drawn. A later file holding it again clears it.
    retired_at = models.DateTimeField(_("retired on"), null=True, blank=True)
    from_demo_data = from_demo_data_field()

    objects = ParcelQuerySet.as_manager()

    class Meta:
        ordering = ["agency", "reference_key"]
        verbose_name = _("parcel")
        verbose_name_plural = _("parcels")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "reference_key"], name="parcel_reference_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["reference_key"], name="parcel_reference_key"),
            GistIndex(fields=["geom_3857"], name="parcel_geom_3857"),
            # Addresses for the search box, any part of a word, folded.
            folded_trigram_index("address_folded", name="parcel_address_folded"),
        ]

    def __str__(self) -> str:
        return self.reference


class ParcelsRevision(models.Model):
    """A number per agency that changes with every statement writing its
    parcels (created, changed, retired or deleted): the parcels' tiles'
    validator (``tiles.catalog``), so that no cache keeps a parcel an import
    changed or retired. Kept by statement triggers (migration 0006), which
    see each statement's rows once, not a row at a time."""

    agency = models.OneToOneField(
        "layers.Agency", on_delete=models.CASCADE, primary_key=True
    )
    revision = models.BigIntegerField(default=0)


class ParcelCell(models.Model):
    """A cell of a grid of 0.01° (≈ 1 km) that a parcel of the agency
    touches (its bounding box). A click looks for parcels in the partitions
    of the agencies whose territory holds the point (notes.sql) and of those
    with a parcel in its cell: a parcel sticking out of its agency's
    territory is found there too. Kept by statement triggers on the parcels
    (migration 0009, whose ``parcels_cell(degrees)`` is the one definition
    of a cell) and by an agency's first import (``parcels.partitions``); a
    cell stays after its parcels are retired or deleted, which costs a click
    there one probe of a partition and nothing else."""

    x = models.IntegerField()
    y = models.IntegerField()
    agency = models.ForeignKey("layers.Agency", on_delete=models.CASCADE)

    class Meta:
        constraints = [
            # Its index is the click's look-up (by x and y).
            models.UniqueConstraint(
                fields=["x", "y", "agency"], name="parcel_cell_unique"
            )
        ]
