"""Agencies, their planning documents, the layers of those documents and versions.

Geometries are stored in EPSG:4326 for the whole portal; each agency keeps its
native projected CRS for input and output. Areas are computed on the ellipsoid.
"""

from __future__ import annotations

import datetime

from django.contrib.gis.db import models
from django.contrib.gis.db.models.functions import Transform
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, RangeOperators
from django.contrib.postgres.indexes import GinIndex, GistIndex
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import CASCADE, F, Func, ProtectedError, Q
from django.utils.translation import gettext_lazy as _

from core.i18n import localized
from importing.report import report_counts
from layers.search import Fold, folded_trigram_index

STORAGE_SRID = 4326


def from_demo_data_field() -> models.BooleanField:
    """The mark of a row made by ``manage.py load_demo``.

    False by default in the database too, so every other way of writing —
    pages, API, commands, raw SQL — makes a person's row, which the demo
    loader never changes or removes.
    """
    return models.BooleanField(
        _("from the demo data"),
        default=False,
        db_default=False,
        editable=False,
        help_text=_("Made by manage.py load_demo, which may refresh or remove it."),
    )


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = models.DateTimeField()


class Agency(models.Model):
    """An urban agency: the territory it plans for and the CRS its surveyors use."""

    AGENCY_PATH = ""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    srid = models.PositiveIntegerField(
        _("native CRS (EPSG code)"),
        default=26191,
        help_text=_("26191 Nord Maroc, 26192 Sud Maroc, 26194/26195 Sahara."),
    )
    note_prefix = models.CharField(
        _("prefix of note references"), max_length=8, default="AU"
    )
    # Required of every agency written since (layers.territories); null only
    # in rows older than the rule, whose plans cannot be published.
    territory = models.MultiPolygonField(
        _("territory"),
        srid=STORAGE_SRID,
        null=True,
        help_text=_(
            "Required: notes find an agency by its territory. It may not overlap "
            "another agency's territory (beyond slivers under 5 m wide along a "
            "shared border) unless a national administrator records why."
        ),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")


class PlanningDocument(models.Model):
    """An urban-planning document: its legal life and the layers that draw it."""

    AGENCY_PATH = "agency"

    class Kind(models.TextChoices):
        SDAU = "sdau", _("Master plan (SDAU)")
        PA = "pa", _("Development plan (plan d'aménagement)")
        PDAR = "pdar", _("Rural development plan (PDAR)")
        PZ = "pz", _("Zoning plan (plan de zonage)")
        PLU = "plu", _("Local urban plan (PLU)")
        # Streets, neighbourhoods, landmarks an agency publishes for bearings;
        # its layers are of kind "reference" and no note cites it.
        REFERENCE = "reference", _("Reference data (streets, neighbourhoods)")
        OTHER = "other", _("Other document")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLIC_INQUIRY = "public_inquiry", _("Public inquiry")
        APPROVED = "approved", _("Approved")
        UNDER_REVISION = "under_revision", _("Approved, under revision")
        SUPERSEDED = "superseded", _("Superseded")
        EXPIRED = "expired", _("Expired")
        ANNULLED = "annulled", _("Annulled")

    # Statuses of a document that was approved at some point (it may have been
    # in force on a past date); drafts and annulled documents never were.
    ONCE_APPROVED = (
        Status.APPROVED,
        Status.UNDER_REVISION,
        Status.SUPERSEDED,
        Status.EXPIRED,
    )

    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="documents",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    reference = models.CharField(_("reference"), max_length=64)
    title_fr = models.CharField(_("title (French)"), max_length=300)
    title_ar = models.CharField(_("title (Arabic)"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.DRAFT
    )
    approval_act = models.CharField(
        _("approval act"),
        max_length=200,
        blank=True,
        help_text=_("e.g. Decree no. 2.19.345"),
    )
    approval_date = models.DateField(_("approval date"), null=True, blank=True)
    bulletin_reference = models.CharField(
        _("official bulletin"),
        max_length=200,
        blank=True,
        help_text=_("e.g. BO no. 6789 of 2019-07-04"),
    )
    effective_date = models.DateField(_("effective date"), null=True, blank=True)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    perimeter = models.MultiPolygonField(
        _("perimeter"), srid=STORAGE_SRID, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    from_demo_data = from_demo_data_field()

    class Meta:
        ordering = ["agency__code", "-effective_date", "reference"]
        verbose_name = _("planning document")
        verbose_name_plural = _("planning documents")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "reference"], name="document_reference_unique"
            ),
            models.CheckConstraint(
                condition=Q(expiry_date__isnull=True)
                | Q(effective_date__isnull=True)
                | Q(expiry_date__gt=F("effective_date")),
                name="document_expires_after_effect",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "under_revision"])
                | Q(effective_date__isnull=False),
                name="document_approved_has_effective_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"

    @property
    def title(self) -> str:
        return localized(self, "title")

    def in_force_on(self, day: datetime.date) -> bool:
        """Whether the document applied on ``day`` (public, effective, not yet
        expired): the in-memory form of ``layers.in_force.documents_in_force_q``."""
        if self.status not in self.ONCE_APPROVED or self.effective_date is None:
            return False
        if day < self.effective_date:
            return False
        return self.expiry_date is None or day < self.expiry_date


class RegulationFile(models.Model):
    """A file of the document's regulation (règlement d'aménagement), usually PDF."""

    AGENCY_PATH = "document__agency"

    document = models.ForeignKey(
        PlanningDocument,
        on_delete=models.CASCADE,
        related_name="regulation_files",
        verbose_name=_("document"),
    )
    title_fr = models.CharField(_("title (French)"), max_length=300)
    title_ar = models.CharField(_("title (Arabic)"), max_length=300, blank=True)
    language = models.CharField(
        _("language"),
        max_length=2,
        choices=[("fr", _("French")), ("ar", _("Arabic"))],
        default="fr",
    )
    file = models.FileField(_("file"), upload_to="regulations/%Y/")
    sha256 = models.CharField(max_length=64, blank=True, editable=False)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["document", "title_fr"]
        verbose_name = _("regulation file")
        verbose_name_plural = _("regulation files")

    def __str__(self) -> str:
        return localized(self, "title")


class Layer(models.Model):
    """A thematic layer of a document: its zoning, one overlay, or reference
    data that gives bearings (streets, neighbourhoods, landmarks).

    Reference layers go through the same import, versions and in-force rule as
    the others; they prescribe nothing, so notes leave them out.
    """

    AGENCY_PATH = "document__agency"

    class Kind(models.TextChoices):
        ZONING = "zoning", _("Zoning")
        OVERLAY = "overlay", _("Overlay")
        REFERENCE = "reference", _("Reference data")

    class OverlayType(models.TextChoices):
        ROAD_ALIGNMENT = "road_alignment", _("Road alignment")
        ROAD_WIDENING = "road_widening", _("Road widening")
        RESERVED_SITE = "reserved_site", _("Site reserved for a public facility")
        GREEN_SPACE = "green_space", _("Green space")
        HERITAGE = "heritage", _("Heritage protection")
        RISK = "risk", _("Risk area")
        EASEMENT = "easement", _("Easement")
        OTHER = "other", _("Other prescription")

    class ReferenceType(models.TextChoices):
        STREET = "street", _("Streets")
        NEIGHBOURHOOD = "neighbourhood", _("Neighbourhoods")
        LANDMARK = "landmark", _("Landmarks")

    class GeometryType(models.TextChoices):
        POLYGON = "polygon", _("Polygons")
        LINE = "line", _("Lines")
        POINT = "point", _("Points")

    document = models.ForeignKey(
        PlanningDocument,
        on_delete=models.PROTECT,
        related_name="layers",
        verbose_name=_("document"),
    )
    name = models.SlugField(_("name"), max_length=64)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_ar = models.CharField(_("title (Arabic)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    overlay_type = models.CharField(
        _("overlay type"), max_length=32, choices=OverlayType, blank=True
    )
    reference_type = models.CharField(
        _("reference type"), max_length=16, choices=ReferenceType, blank=True
    )
    geometry_type = models.CharField(
        _("geometry type"),
        max_length=16,
        choices=GeometryType,
        default=GeometryType.POLYGON,
    )
    position = models.PositiveSmallIntegerField(_("drawing order"), default=0)
    # The attribute mapping of the last upload ({"fields": {target: field},
    # "values": {value: category}}), proposed for the next one.
    import_mapping = models.JSONField(
        _("attribute mapping of the last upload"), default=dict, blank=True
    )
    from_demo_data = from_demo_data_field()

    class Meta:
        ordering = ["document", "position", "name"]
        verbose_name = _("layer")
        verbose_name_plural = _("layers")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "name"], name="layer_name_unique"
            ),
            models.CheckConstraint(
                condition=~Q(kind="zoning")
                | Q(overlay_type="", geometry_type="polygon"),
                name="zoning_layer_is_polygons",
            ),
            models.CheckConstraint(
                condition=Q(kind="reference", overlay_type="") & ~Q(reference_type="")
                | ~Q(kind="reference") & Q(reference_type=""),
                name="reference_layer_has_a_reference_type",
                violation_error_message=_(
                    "A reference layer says what it holds (streets, "
                    "neighbourhoods or landmarks); other layers do not."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document.reference}/{self.name}"

    @property
    def title(self) -> str:
        return localized(self, "title")


def protect_history(collector, field, sub_objs, using):
    """``on_delete`` of a version's layer: cascade to drafts, refuse history.

    Published and superseded versions, and versions that something refers to
    (an issued note, a restored copy), are history: deleting their layer is
    refused with a ProtectedError (the admin shows it as a message), as the
    database itself would refuse it (migration 0004).
    """
    history = list(LayerVersion.history_of(sub_objs))
    if history:
        raise ProtectedError(
            _("Published, superseded and referenced versions cannot be deleted."),
            set(history),
        )
    CASCADE(collector, field, sub_objs, using)


class LayerVersion(models.Model):
    """One upload of a layer. Published versions form a gap-free history.

    A draft has no validity interval. Publishing gives it ``[valid_from, ∞)`` and
    closes the interval of the version it replaces, which becomes superseded. The
    database refuses two published versions of a layer and overlapping intervals.
    """

    AGENCY_PATH = "layer__document__agency"

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        SUPERSEDED = "superseded", _("Superseded")

    layer = models.ForeignKey(
        Layer,
        on_delete=protect_history,
        related_name="versions",
        verbose_name=_("layer"),
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status, default=Status.DRAFT
    )
    valid_from = models.DateTimeField(_("valid from"), null=True, blank=True)
    valid_to = models.DateTimeField(_("valid until"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    source_name = models.CharField(_("source file"), max_length=255, blank=True)
    source_file = models.FileField(
        _("original upload"), upload_to="uploads/%Y/%m/", null=True, blank=True
    )
    source_sha256 = models.CharField(
        _("SHA-256 of the upload"), max_length=64, blank=True
    )
    source_srid = models.PositiveIntegerField(_("source CRS"), null=True, blank=True)
    restored_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="restorations",
        verbose_name=_("restored from"),
    )
    feature_count = models.PositiveIntegerField(_("features"), default=0)
    report = models.JSONField(_("validation report"), default=dict, blank=True)
    # An approved plan may be published as approved, defects included, when a
    # planner says why: {"reason", "by", "at", "errors", "kinds", "features"
    # (source ids), "feature_ids", "zones"} — empty for a clean publication.
    errors_accepted = models.JSONField(
        _("published despite errors"),
        default=dict,
        blank=True,
        encoder=DjangoJSONEncoder,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    # Who published is history: a user who published cannot be deleted
    # (deactivate the account instead).
    published_by = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("published by"),
    )
    from_demo_data = from_demo_data_field()

    class Meta:
        ordering = ["layer", "-number"]
        verbose_name = _("layer version")
        verbose_name_plural = _("layer versions")
        constraints = [
            models.UniqueConstraint(
                fields=["layer", "number"], name="version_number_unique"
            ),
            models.UniqueConstraint(
                fields=["layer"],
                condition=Q(status="published"),
                name="one_published_version_per_layer",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status="draft", valid_from__isnull=True, valid_to__isnull=True)
                    | Q(
                        status="published",
                        valid_from__isnull=False,
                        valid_to__isnull=True,
                    )
                    | Q(
                        status="superseded",
                        valid_from__isnull=False,
                        valid_to__gt=F("valid_from"),
                    )
                ),
                name="version_interval_matches_status",
            ),
            models.CheckConstraint(
                condition=Q(errors_accepted={})
                | Q(errors_accepted__reason__regex=r"\S"),
                name="errors_accepted_with_a_reason",
            ),
            ExclusionConstraint(
                name="version_intervals_do_not_overlap",
                expressions=[
                    ("layer", RangeOperators.EQUAL),
                    (TsTzRange("valid_from", "valid_to"), RangeOperators.OVERLAPS),
                ],
                condition=Q(valid_from__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.layer} v{self.number} ({self.get_status_display()})"

    @property
    def report_counts(self) -> str:
        """ "1 error, 3 warnings": its report's counts in the active language."""
        return report_counts(self.report)

    @classmethod
    def history_q(cls) -> Q:
        """Versions that are history: published, superseded or referenced.

        A reference is a restored copy or any many-to-many link (an issued
        note's ``layer_versions``), whichever app declares it.
        """
        condition = Q(status__in=[cls.Status.PUBLISHED, cls.Status.SUPERSEDED]) | Q(
            restorations__isnull=False
        )
        for relation in cls._meta.related_objects:
            if relation.many_to_many:
                condition |= Q(**{f"{relation.name}__isnull": False})
        return condition

    @classmethod
    def history_of(cls, versions) -> models.QuerySet:
        """Those of ``versions`` (a queryset or list) that are history."""
        ids = [version.pk for version in versions]
        return cls.objects.filter(cls.history_q(), pk__in=ids).distinct()

    @property
    def published_despite_errors(self) -> bool:
        """Whether a planner published this version despite its errors."""
        return bool(self.errors_accepted)

    @property
    def errors_accepted_at(self) -> datetime.datetime | None:
        """When the errors were accepted (stored as ISO 8601 text)."""
        value = (self.errors_accepted or {}).get("at")
        return datetime.datetime.fromisoformat(value) if value else None

    @property
    def is_history(self) -> bool:
        """Whether this version may never be deleted nor changed."""
        return self.pk is not None and self.history_of([self]).exists()


class Feature(models.Model):
    """A geometry with its attributes, in one layer version (EPSG:4326)."""

    AGENCY_PATH = "version__layer__document__agency"

    version = models.ForeignKey(
        LayerVersion,
        on_delete=models.CASCADE,
        related_name="features",
        verbose_name=_("version"),
    )
    source_id = models.CharField(_("source id"), max_length=64, blank=True)
    code = models.CharField(_("code"), max_length=32, blank=True)
    label_fr = models.CharField(_("label (French)"), max_length=300, blank=True)
    label_ar = models.CharField(_("label (Arabic)"), max_length=300, blank=True)
    category = models.CharField(_("category"), max_length=32, blank=True)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    geom = models.GeometryField(_("geometry"), srid=STORAGE_SRID)
    # Labels as the search box compares them (``layers.search``), kept by the
    # database: the trigram indexes' candidates are checked against stored
    # text instead of being folded again (a common word meets most streets).
    label_fr_folded = models.GeneratedField(
        expression=Fold("label_fr"),
        output_field=models.TextField(),
        db_persist=True,
    )
    label_ar_folded = models.GeneratedField(
        expression=Fold("label_ar"),
        output_field=models.TextField(),
        db_persist=True,
    )
    # Web Mercator copy kept by the database, indexed, for map images and tiles.
    geom_3857 = models.GeneratedField(
        expression=Transform("geom", 3857),
        output_field=models.GeometryField(srid=3857),
        db_persist=True,
    )

    class Meta:
        verbose_name = _("feature")
        verbose_name_plural = _("features")
        indexes = [
            models.Index(fields=["version", "code"], name="feature_version_code"),
            GistIndex(fields=["geom_3857"], name="feature_geom_3857"),
            # A point's features in the versions in force (identify, compose):
            # one probe of the version and the box together (btree_gist), not
            # a bitmap of the version's every feature ANDed with the box —
            # whatever the number of versions and features per version.
            GistIndex(fields=["version", "geom"], name="feature_version_geom"),
            # Street, neighbourhood and landmark names for the search box.
            folded_trigram_index("label_fr_folded", name="feature_label_fr_folded"),
            folded_trigram_index("label_ar_folded", name="feature_label_ar_folded"),
        ]

    def __str__(self) -> str:
        return f"{self.code or self.source_id or self.pk}"

    @property
    def label(self) -> str:
        return localized(self, "label")


class ZoneCategory(models.TextChoices):
    """Families of zones, shared by every agency; they drive map colours."""

    COLLECTIVE_HOUSING = "collective_housing", _("Apartment buildings")
    VILLA = "villa", _("Villas")
    INDIVIDUAL_HOUSING = "individual_housing", _("Individual housing")
    ECONOMIC_HOUSING = "economic_housing", _("Economic housing")
    MIXED = "mixed", _("Mixed urban centre")
    INDUSTRIAL = "industrial", _("Industry and business")
    TOURISM = "tourism", _("Tourism")
    EQUIPMENT = "equipment", _("Public facilities")
    GREEN_SPACE = "green_space", _("Green space")
    AGRICULTURAL = "agricultural", _("Agricultural")
    NATURAL = "natural", _("Natural area")
    TO_URBANISE = "to_urbanise", _("Future urbanisation")
    OTHER = "other", _("Other")


class LandUse(models.TextChoices):
    """Uses a regulation allows or forbids, named once and translated."""

    HOUSING = "housing", _("Housing")
    RETAIL = "retail", _("Shops")
    OFFICES = "offices", _("Offices")
    CRAFTS = "crafts", _("Crafts")
    INDUSTRY = "industry", _("Industry")
    WAREHOUSES = "warehouses", _("Warehouses")
    HOTELS = "hotels", _("Hotels and tourism")
    FACILITIES = "facilities", _("Public facilities")
    AGRICULTURE = "agriculture", _("Agriculture")
    LEISURE = "leisure", _("Leisure and sport")
    POLLUTING = "polluting", _("Polluting activities")


class ZoneRule(models.Model):
    """What a document's regulation says for one zone code."""

    AGENCY_PATH = "document__agency"

    document = models.ForeignKey(
        PlanningDocument,
        on_delete=models.CASCADE,
        related_name="rules",
        verbose_name=_("document"),
    )
    code = models.CharField(_("zone code"), max_length=32)
    label_fr = models.CharField(_("label (French)"), max_length=300)
    label_ar = models.CharField(_("label (Arabic)"), max_length=300, blank=True)
    category = models.CharField(
        _("category"), max_length=32, choices=ZoneCategory, default=ZoneCategory.OTHER
    )
    allowed_uses = ArrayField(
        models.CharField(max_length=32, choices=LandUse),
        default=list,
        blank=True,
        verbose_name=_("allowed uses"),
    )
    forbidden_uses = ArrayField(
        models.CharField(max_length=32, choices=LandUse),
        default=list,
        blank=True,
        verbose_name=_("forbidden uses"),
    )
    max_height_m = models.DecimalField(
        _("maximum height (m)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    floors_above_ground = models.PositiveSmallIntegerField(
        _("floors above ground floor"),
        null=True,
        blank=True,
        help_text=_("4 means R+4: a ground floor and four floors."),
    )
    cos = models.DecimalField(
        _("floor-area ratio (COS)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    ces = models.DecimalField(
        _("coverage ratio (CES, %)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    min_plot_area_m2 = models.PositiveIntegerField(
        _("minimum plot area (m²)"), null=True, blank=True
    )
    min_frontage_m = models.DecimalField(
        _("minimum frontage (m)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    setback_road_m = models.DecimalField(
        _("setback from the road (m)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
    )
    setback_side_m = models.DecimalField(
        _("side setback (m)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    setback_rear_m = models.DecimalField(
        _("rear setback (m)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    parking_fr = models.CharField(_("parking (French)"), max_length=300, blank=True)
    parking_ar = models.CharField(_("parking (Arabic)"), max_length=300, blank=True)
    articles = models.CharField(
        _("articles of the regulation"), max_length=100, blank=True
    )
    # Articles of the law library, by reference ("loi-12-90:art-40"): checked
    # against the library where a planner writes them (layers/citations.py).
    citations = ArrayField(
        models.CharField(max_length=80),
        default=list,
        blank=True,
        verbose_name=_("articles of the law cited"),
    )
    excerpt_fr = models.TextField(_("regulation excerpt (French)"), blank=True)
    excerpt_ar = models.TextField(_("regulation excerpt (Arabic)"), blank=True)
    regulation_file = models.ForeignKey(
        RegulationFile,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rules",
        verbose_name=_("regulation file"),
    )
    from_demo_data = from_demo_data_field()

    class Meta:
        ordering = ["document", "code"]
        verbose_name = _("zone rule")
        verbose_name_plural = _("zone rules")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "code"], name="zone_rule_code_unique"
            ),
            models.CheckConstraint(
                condition=Q(ces__isnull=True) | Q(ces__gte=0, ces__lte=100),
                name="zone_rule_ces_is_percent",
            ),
        ]
        # The article page's "cited by": rules whose citations hold a reference.
        indexes = [GinIndex(fields=["citations"], name="zone_rule_citations")]

    def __str__(self) -> str:
        return f"{self.code} — {self.label}"

    @property
    def label(self) -> str:
        return localized(self, "label")

    @property
    def height_label(self) -> str:
        """The usual Moroccan notation: 'R+4', or 'R' for a ground floor only."""
        if self.floors_above_ground is None:
            return ""
        return "R" if self.floors_above_ground == 0 else f"R+{self.floors_above_ground}"


INTERRUPTED_MESSAGE = _(
    "The import was interrupted: the worker running it stopped, or lost the "
    "database, before it finished; retry it."
)


class ImportJob(models.Model):
    """An upload being imported in the background, with its progress.

    The worker (``django.tasks``) updates ``done``/``total`` as it streams the
    file; when it has finished, ``version`` is the draft it made, or ``error``
    says why nothing was made. While it runs, the worker refreshes
    ``heartbeat_at``; a running job whose heartbeat is older than the lease
    (``GEOPORTAIL_IMPORT_LEASE_SECONDS``) lost its worker and is failed as
    ``interrupted`` (``layers.tasks.import_jobs_reap``), to be retried.
    """

    AGENCY_PATH = "layer__document__agency"
    INTERRUPTED = "interrupted"
    INTERNAL_ERROR = "internal_error"
    # Failures that are not the file's: running the same upload again may work.
    RETRYABLE_ERRORS = (INTERRUPTED, INTERNAL_ERROR)

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    layer = models.ForeignKey(
        Layer, on_delete=models.CASCADE, related_name="imports", verbose_name=_("layer")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status, default=Status.QUEUED
    )
    upload = models.FileField(_("upload"), upload_to="imports/%Y/%m/")
    upload_name = models.CharField(_("file name"), max_length=255)
    options = models.JSONField(_("options"), default=dict, blank=True)
    done = models.PositiveIntegerField(_("features read"), default=0)
    total = models.PositiveIntegerField(_("features in the file"), null=True)
    version = models.ForeignKey(
        LayerVersion,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("version"),
    )
    error = models.TextField(_("error"), blank=True)
    error_code = models.CharField(_("error code"), max_length=64, blank=True)
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    created_by = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.upload_name} → {self.layer} ({self.get_status_display()})"

    def error_message(self) -> str:
        """Why the import failed, in the current language where it is ours."""
        if self.error_code == self.INTERRUPTED:
            return str(INTERRUPTED_MESSAGE)
        return self.error

    @property
    def retryable(self) -> bool:
        """Whether the planner may run this failed import again."""
        return (
            self.status == self.Status.FAILED
            and self.error_code in self.RETRYABLE_ERRORS
            and bool(self.upload)
        )


class DemoDataset(models.Model):
    """Which demo data set ``manage.py load_demo`` last loaded into an agency.

    The rows it made carry ``from_demo_data``; everything else in the agency was
    made by people and is never changed by the loader.
    """

    agency = models.OneToOneField(
        Agency,
        on_delete=models.CASCADE,
        related_name="demo_dataset",
        verbose_name=_("agency"),
    )
    sha256 = models.CharField(_("SHA-256 of the demo data"), max_length=64)
    parcels_sha256 = models.CharField(
        _("SHA-256 of the demo parcels"), max_length=64, blank=True
    )
    loaded_at = models.DateTimeField(_("loaded"))

    class Meta:
        verbose_name = _("demo data set")
        verbose_name_plural = _("demo data sets")

    def __str__(self) -> str:
        return f"{self.agency.code}: {self.sha256[:12]}"


class BaseMap(models.Model):
    """A raster base map an agency publishes under its vector layers: an
    orthophoto, served as image tiles and in WMS maps from a Cloud-Optimized
    GeoTIFF (``layers/basemaps.py`` converts and publishes it)."""

    AGENCY_PATH = "agency"

    agency = models.ForeignKey(
        Agency,
        on_delete=models.CASCADE,
        related_name="base_maps",
        verbose_name=_("agency"),
    )
    name = models.SlugField(_("name"), max_length=64)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_ar = models.CharField(_("title (Arabic)"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    from_demo_data = from_demo_data_field()

    class Meta:
        ordering = ["agency", "name"]
        verbose_name = _("raster base map")
        verbose_name_plural = _("raster base maps")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "name"], name="basemap_unique_name"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency.code}/{self.name}"

    @property
    def title(self) -> str:
        """The title in the current language (French when there is no other)."""
        return localized(self, "title")


class BaseMapVersion(models.Model):
    """One upload of a base map: converted (in the background when large),
    then a draft until a planner publishes it; publishing supersedes the
    version that was published, so one is published at most."""

    AGENCY_PATH = "base_map__agency"

    class Status(models.TextChoices):
        CONVERTING = "converting", _("Converting")
        FAILED = "failed", _("Failed")
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        SUPERSEDED = "superseded", _("Superseded")

    base_map = models.ForeignKey(
        BaseMap,
        on_delete=models.CASCADE,
        related_name="versions",
        verbose_name=_("base map"),
    )
    number = models.PositiveIntegerField(_("number"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status, default=Status.CONVERTING
    )
    upload = models.FileField(
        _("upload"), upload_to="orthophotos/uploads/%Y/%m/", blank=True
    )
    upload_name = models.CharField(_("file name"), max_length=255)
    cog = models.FileField(
        _("Cloud-Optimized GeoTIFF"), upload_to="orthophotos/cog/%Y/%m/", blank=True
    )
    source_crs = models.CharField(_("source CRS"), max_length=200, blank=True)
    min_zoom = models.PositiveSmallIntegerField(_("minimum zoom"), null=True)
    max_zoom = models.PositiveSmallIntegerField(_("maximum zoom"), null=True)
    extent = models.PolygonField(_("extent"), srid=STORAGE_SRID, null=True)
    error = models.TextField(_("error"), blank=True)
    error_code = models.CharField(_("error code"), max_length=64, blank=True)
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        ordering = ["base_map", "-number"]
        verbose_name = _("base map version")
        verbose_name_plural = _("base map versions")
        constraints = [
            models.UniqueConstraint(
                fields=["base_map", "number"], name="basemapversion_unique_number"
            ),
            models.UniqueConstraint(
                fields=["base_map"],
                condition=Q(status="published"),
                name="basemapversion_one_published",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.base_map} v{self.number} ({self.get_status_display()})"
