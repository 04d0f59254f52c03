"""permits: building-permit files an agency gives its opinion on, and the
commission sessions where it gives it.

A file is a case of the case core (``cases.Case``: the portal's reference,
the short code printed on the filing receipt, deadlines, history; the
applicant is its ``Requester``, personal data) plus what the permit knows:
the national platform's number (``external_reference``, unique per agency),
the procedure, the project, the parcels and the dates. The state machine is
``permits.states``. What is public of a file — never the applicant nor the
architect — is chosen in ``permits.public``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.i18n import localized
from layers.models import STORAGE_SRID
from permits.states import State, Substate

SERVICE = "permits"


class Procedure(models.Model):
    """A procedure an agency reviews (building permit, subdivision…) and
    its delays, in calendar days from filing; a file copies them when filed,
    so a later change moves no deadline."""

    AGENCY_PATH = "agency"

    agency = models.ForeignKey(
        "layers.Agency",
        on_delete=models.PROTECT,
        related_name="permit_procedures",
        verbose_name=_("agency"),
    )
    code = models.SlugField(_("code"), max_length=40)
    label_fr = models.CharField(_("label (French)"), max_length=200)
    label_ar = models.CharField(_("label (Arabic)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200, blank=True)
    # The BLDS PermitType the open-data export writes for it.
    blds_type = models.CharField(_("BLDS permit type"), max_length=60, blank=True)
    completeness_days = models.PositiveSmallIntegerField(
        _("days to check completeness"), default=7
    )
    legal_days = models.PositiveSmallIntegerField(_("legal delay (days)"), default=60)

    class Meta:
        ordering = ["agency", "code"]
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "code"], name="permit_procedure_agency_code"
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return localized(self, "label")


class PermitFile(models.Model):
    """One permit file (dossier) the agency reviews."""

    AGENCY_PATH = "agency"

    class Use(models.TextChoices):
        HOUSING = "housing", _("Housing")
        COMMERCE = "commerce", _("Commerce")
        OFFICES = "offices", _("Offices")
        INDUSTRY = "industry", _("Industry")
        FACILITY = "facility", _("Public facility")
        MIXED = "mixed", _("Mixed")
        OTHER = "other", _("Other")

    case = models.OneToOneField(
        "cases.Case",
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="permit_file",
        verbose_name=_("case"),
    )
    agency = models.ForeignKey(
        "layers.Agency",
        on_delete=models.PROTECT,
        related_name="permit_files",
        verbose_name=_("agency"),
    )
    external_reference = models.CharField(_("file number"), max_length=64)
    procedure = models.ForeignKey(
        Procedure,
        on_delete=models.PROTECT,
        related_name="files",
        verbose_name=_("procedure"),
    )
    substate = models.CharField(
        _("internal sub-state"),
        max_length=24,
        choices=Substate,
        default=Substate.NONE,
        blank=True,
    )
    description = models.CharField(_("project"), max_length=300, blank=True)
    use = models.CharField(_("use"), max_length=16, choices=Use, default=Use.HOUSING)
    floors = models.PositiveSmallIntegerField(_("floors"), null=True, blank=True)
    built_area_m2 = models.DecimalField(
        _("built area (m²)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    # Personal data, like the applicant (the case's Requester): never public.
    architect = models.CharField(_("architect"), max_length=200, blank=True)
    do_not_publish = models.BooleanField(
        _("do not publish"),
        default=False,
        help_text=_("A sensitive file: absent from every public page and export."),
    )
    filed_on = models.DateField(_("filed"))
    complete_on = models.DateField(_("complete"), null=True, blank=True)
    reviewed_on = models.DateField(_("reviewed"), null=True, blank=True)
    decided_on = models.DateField(_("decided"), null=True, blank=True)
    works_started_on = models.DateField(_("works started"), null=True, blank=True)
    completed_on = models.DateField(_("completed"), null=True, blank=True)
    # Where the open data puts the file: a point on its first parcel.
    point = models.PointField(_("point"), srid=STORAGE_SRID, null=True, blank=True)
    # When the portal last learnt something of the file (a move, an import):
    # the "data as of" of public pages.
    updated_at = models.DateTimeField(_("data as of"), default=timezone.now)

    class Meta:
        ordering = ["-filed_on", "external_reference"]
        verbose_name = _("permit file")
        verbose_name_plural = _("permit files")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "external_reference"],
                name="permit_file_agency_external_reference",
            )
        ]
        indexes = [
            models.Index(fields=["agency", "filed_on"], name="permit_file_filed"),
            # The public lookup finds a number whatever its agency.
            models.Index(fields=["external_reference"], name="permit_file_number"),
        ]

    def __str__(self) -> str:
        return self.external_reference

    @property
    def state(self) -> State:
        return State(self.case.state)


class PermitParcel(models.Model):
    """A parcel a file is about: the agency's registered parcel, or the
    reference as the file writes it when the parcel is not registered."""

    AGENCY_PATH = "file__agency"

    file = models.ForeignKey(
        PermitFile,
        on_delete=models.CASCADE,
        related_name="parcels",
        verbose_name=_("permit file"),
    )
    parcel = models.ForeignKey(
        "parcels.Parcel",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("parcel"),
        # Parcels are partitioned by agency, keyed by (id, agency_id): no
        # foreign key can name id alone. Constraint triggers keep the reference
        # sound instead (parcels migration 0007).
        db_constraint=False,
    )
    reference = models.CharField(_("parcel reference"), max_length=80)
    # parcels.references.ParcelReference.key, or the text upper-cased when it
    # does not parse: the parcel page finds the files by it.
    reference_key = models.CharField(max_length=80)

    class Meta:
        ordering = ["file", "id"]
        verbose_name = _("parcel of a file")
        verbose_name_plural = _("parcels of a file")
        indexes = [
            models.Index(fields=["reference_key"], name="permit_parcel_key"),
        ]

    def __str__(self) -> str:
        return self.reference


class CommissionSession(models.Model):
    """A sitting of a project-review commission and its agenda."""

    AGENCY_PATH = "agency"

    class Kind(models.TextChoices):
        SMALL_PROJECTS = "small_projects", _("Small projects")
        LARGE_PROJECTS = "large_projects", _("Large projects")
        DEROGATION = "derogation", _("Derogation")
        REGULARISATION = "regularisation", _("Regularisation")

    agency = models.ForeignKey(
        "layers.Agency",
        on_delete=models.PROTECT,
        related_name="commission_sessions",
        verbose_name=_("agency"),
    )
    held_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    # Results are public once the agency publishes them (then the feed too).
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # The scheme and host the session was created through: its minutes'
    # verification URL starts there when GEOPORTAIL_PUBLIC_URL is not set
    # (documents.services.document_base_url), whoever asks for them later.
    origin = models.CharField(_("created through"), max_length=200, blank=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("commission session")
        verbose_name_plural = _("commission sessions")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on:%Y-%m-%d}"


class SessionMember(models.Model):
    """Who sat, and for whom (the services consulted, as in PLAT'AU)."""

    AGENCY_PATH = "session__agency"

    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        AGENCY = "agency", _("Urban agency")
        COMMUNE = "commune", _("Commune")
        CIVIL_PROTECTION = "civil_protection", _("Civil protection")
        UTILITY = "utility", _("Utility operator")
        OTHER = "other", _("Other service")

    session = models.ForeignKey(
        CommissionSession,
        on_delete=models.CASCADE,
        related_name="members",
        verbose_name=_("session"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role)
    name = models.CharField(_("name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)

    class Meta:
        ordering = ["session", "id"]
        verbose_name = _("member")
        verbose_name_plural = _("members")

    def __str__(self) -> str:
        return self.name


class AgendaItem(models.Model):
    """A file on a session's agenda, in the order it is examined."""

    AGENCY_PATH = "session__agency"

    session = models.ForeignKey(
        CommissionSession,
        on_delete=models.PROTECT,
        related_name="agenda",
        verbose_name=_("session"),
    )
    file = models.ForeignKey(
        PermitFile,
        on_delete=models.PROTECT,
        related_name="agenda_items",
        verbose_name=_("permit file"),
    )
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        ordering = ["session", "position"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "file"], name="agenda_item_session_file"
            )
        ]

    def __str__(self) -> str:
        return f"{self.session_id} #{self.position}"


class Opinion(models.Model):
    """The commission's opinion (avis) on one file of its agenda."""

    AGENCY_PATH = "item__session__agency"

    class Kind(models.TextChoices):
        FAVOURABLE = "favourable", _("Favourable")
        CONDITIONAL = "conditional", _("Favourable with conditions")
        UNFAVOURABLE = "unfavourable", _("Unfavourable")
        DEFERRED = "deferred", _("Deferred")

    item = models.OneToOneField(
        AgendaItem,
        on_delete=models.PROTECT,
        related_name="opinion",
        verbose_name=_("agenda item"),
    )
    kind = models.CharField(_("opinion"), max_length=16, choices=Kind)
    # Public: the grounds and, for a deferral, the pieces it waits for.
    grounds = models.TextField(_("grounds"), blank=True)
    missing_pieces = models.TextField(_("missing pieces"), blank=True)
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")

    def __str__(self) -> str:
        return self.get_kind_display()


class Condition(models.Model):
    """A condition of a favourable opinion, citing the zone rule or the
    article of law it applies (``loi-12-90:art-40``) where there is one."""

    AGENCY_PATH = "opinion__item__session__agency"

    opinion = models.ForeignKey(
        Opinion,
        on_delete=models.CASCADE,
        related_name="conditions",
        verbose_name=_("opinion"),
    )
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.TextField(_("condition"))
    zone_rule = models.ForeignKey(
        "layers.ZoneRule",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("zone rule"),
    )
    article_reference = models.CharField(_("article"), max_length=80, blank=True)

    class Meta:
        ordering = ["opinion", "position"]
        verbose_name = _("condition")
        verbose_name_plural = _("conditions")

    def __str__(self) -> str:
        return self.text[:60]
