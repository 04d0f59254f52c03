"""requête-e: the kinds of requests an agency takes and the requests filed.

A request is a case of the case core (``cases.Case``: reference, state,
deadlines, history, requester) plus what requête-e knows: its kind, what it
is about and the land it points at. The state machine is ``requete.states``.
"""

from __future__ import annotations

from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GistIndex
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from core.i18n import localized
from layers.models import STORAGE_SRID
from requete.states import State

SERVICE = "requete"


class RequestKind(models.Model):
    """A kind of request an agency takes ("zoning complaint", "note error"…)."""

    AGENCY_PATH = "agency"

    class Family(models.TextChoices):
        # The three kinds of decree 2-17-265.
        COMPLAINT = "complaint", _("Complaint")
        OBSERVATION = "observation", _("Observation")
        SUGGESTION = "suggestion", _("Suggestion")

    agency = models.ForeignKey(
        "layers.Agency",
        on_delete=models.PROTECT,
        related_name="request_kinds",
        verbose_name=_("agency"),
    )
    code = models.SlugField(_("code"), max_length=40)
    family = models.CharField(_("family"), max_length=16, choices=Family)
    label_fr = models.CharField(_("label (French)"), max_length=200)
    label_ar = models.CharField(_("label (Arabic)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200, blank=True)
    # Decree 2-17-265: acknowledged within 15 days, answered within 60.
    acknowledge_days = models.PositiveSmallIntegerField(
        _("days to acknowledge"), default=15
    )
    answer_days = models.PositiveSmallIntegerField(_("days to answer"), default=60)
    extra_schema = models.JSONField(
        _("extra fields"),
        default=dict,
        blank=True,
        help_text=_(
            "A JSON schema of the extra fields the requester fills in "
            "(see requete/schema.py)."
        ),
    )
    handling_group = models.ForeignKey(
        "auth.Group",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("handling group"),
        help_text=_("Staff who handle this kind; empty: every planner."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["agency", "code"]
        verbose_name = _("kind of request")
        verbose_name_plural = _("kinds of request")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "code"], name="request_kind_agency_code"
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return localized(self, "label")


class CitizenRequest(models.Model):
    """A request or complaint, tied to the land it is about."""

    AGENCY_PATH = "case__agency"

    class RequesterType(models.TextChoices):
        CITIZEN = "citizen", _("Citizen")
        ARCHITECT = "architect", _("Architect")
        NOTARY = "notary", _("Notary")
        SURVEYOR = "surveyor", _("Surveyor")
        OTHER_PROFESSIONAL = "professional", _("Other professional")

    case = models.OneToOneField(
        "cases.Case",
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="citizen_request",
        verbose_name=_("case"),
    )
    kind = models.ForeignKey(
        RequestKind,
        on_delete=models.PROTECT,
        related_name="requests",
        verbose_name=_("kind"),
    )
    requester_type = models.CharField(
        _("requester"), max_length=16, choices=RequesterType
    )
    # Free text: the requester's, erasable, never public as written.
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"))
    extra = models.JSONField(_("extra fields"), default=dict, blank=True)
    # Where the request is shown: the parcel's or the drawn place's point on
    # surface (the public map snaps to it, never to a drawn line).
    place = models.PointField(_("place"), srid=STORAGE_SRID, null=True, blank=True)
    drawn = models.GeometryField(
        _("drawn place"), srid=STORAGE_SRID, null=True, blank=True
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
    note_reference = models.CharField(_("note"), max_length=32, blank=True)
    zone_version = models.ForeignKey(
        "layers.LayerVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("zoning version"),
    )
    zone_code = models.CharField(_("zone"), max_length=40, blank=True)
    document = models.ForeignKey(
        "layers.PlanningDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("planning document"),
    )
    duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
        verbose_name=_("original request"),
    )
    competent_authority = models.CharField(
        _("competent authority"), max_length=200, blank=True
    )
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    # What the public reads of the request's words: a version the agency's
    # staff redacted and published, never the requester's own text.
    public_text = models.TextField(_("public text"), blank=True, db_default="")

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        indexes = [
            models.Index(fields=["kind"], name="request_kind"),
            models.Index(fields=["document"], name="request_document"),
            models.Index(fields=["zone_version", "zone_code"], name="request_zone"),
            # Requests within metres of a place (``requests_similar``): the
            # distance on the sphere, through the index of the same cast.
            GistIndex(
                Cast("place", models.PointField(geography=True, srid=STORAGE_SRID)),
                name="request_place_geography",
            ),
        ]

    def __str__(self) -> str:
        return self.case.reference

    @property
    def state(self) -> State:
        return State(self.case.state)


class AnswerTemplate(models.Model):
    """A text an agency's staff start an answer from, in French and Arabic
    (the requester's language picks one); for one kind or for every kind."""

    AGENCY_PATH = "agency"

    agency = models.ForeignKey(
        "layers.Agency",
        on_delete=models.PROTECT,
        related_name="answer_templates",
        verbose_name=_("agency"),
    )
    kind = models.ForeignKey(
        RequestKind,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="answer_templates",
        verbose_name=_("kind"),
        help_text=_("Empty: offered for every kind of request."),
    )
    title = models.CharField(_("title"), max_length=120)
    text_fr = models.TextField(_("text (French)"))
    text_ar = models.TextField(_("text (Arabic)"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["agency", "title"]
        verbose_name = _("answer template")
        verbose_name_plural = _("answer templates")

    def __str__(self) -> str:
        return self.title

    def text_for(self, language: str) -> str:
        """The text in ``language`` — Arabic for Arabic, else French."""
        return self.text_ar if language == "ar" else self.text_fr
