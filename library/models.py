"""The planning law library: texts (laws, decrees, orders, circulars…) and the
wordings of their articles over time.

An article's wording holds over ``[valid_from, valid_to)``; an amending text
adds a new wording and closes the previous one, a repeal adds a wording marked
``repealed`` (no body): nothing is overwritten, so ``article_as_of``
(``library.selectors``) answers "the article as it read on that day". The
database refuses two wordings of one article whose intervals overlap
(exclusion constraint, deferred to the end of the transaction so an import can
re-chain the intervals).

Texts are national (a law applies everywhere): no agency owns them; national
administrators import them. Stable references name them for links from zone
rules and notes: a text's ``key`` ("loi-12-90") and an article's
``reference`` ("loi-12-90:art-30").
"""

from __future__ import annotations

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Deferrable, F, Func, Q
from django.urls import reverse
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.i18n import localized
from layers.search import Fold, folded_trigram_index
from library.folding import ARABIC, FRENCH, FoldDigits, NumberKey


class DateRange(Func):
    function = "DATERANGE"
    output_field = models.DateField()


class TextKind(models.TextChoices):
    LAW = "law", _("Law")
    DECREE = "decree", _("Decree")
    ORDER = "order", pgettext_lazy("kind of legal text", "Order")
    CIRCULAR = "circular", _("Circular")
    REGULATION = "regulation", _("Regulation of a planning document")
    PROCEDURE = "procedure", _("Procedure guide")
    PROCUREMENT = "procurement", _("Procurement text")


# The first word of a text's key, by kind: "loi-12-90".
KEY_PREFIXES = {
    TextKind.LAW: "loi",
    TextKind.DECREE: "decret",
    TextKind.ORDER: "arrete",
    TextKind.CIRCULAR: "circulaire",
    TextKind.REGULATION: "reglement",
    TextKind.PROCEDURE: "procedure",
    TextKind.PROCUREMENT: "marches",
}


class TextStatus(models.TextChoices):
    PENDING = "pending", _("Not yet in force")
    IN_FORCE = "in_force", _("In force")
    AMENDED = "amended", _("In force, amended")
    REPEALED = "repealed", _("Repealed")


class Joined(Func):
    """Texts joined by a space (``||``: immutable, unlike ``concat``)."""

    arg_joiner = " || ' ' || "
    template = "(%(expressions)s)"
    output_field = models.TextField()


def _searchable(*fields: str, config: str, fold: bool = False) -> SearchVector:
    """The tsvector of ``fields`` joined by spaces, folded first for Arabic."""
    text = Joined(*fields) if len(fields) > 1 else F(fields[0])
    return SearchVector(FoldDigits(text) if fold else text, config=config)


class Text(models.Model):
    """A law, decree, order, circular, regulation, procedure guide or
    procurement text, with its dates and both language versions."""

    kind = models.CharField(_("kind"), max_length=16, choices=TextKind.choices)
    number = models.CharField(_("number"), max_length=40)
    key = models.SlugField(_("reference"), max_length=60, unique=True)
    title_fr = models.CharField(_("title (French)"), max_length=500)
    title_ar = models.CharField(_("title (Arabic)"), max_length=500, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    in_force_on = models.DateField(_("in force from"), null=True, blank=True)
    repealed_on = models.DateField(_("repealed on"), null=True, blank=True)
    bulletin = models.CharField(_("official bulletin"), max_length=200, blank=True)
    authority_fr = models.CharField(_("issuing authority (French)"), max_length=200)
    authority_ar = models.CharField(
        _("issuing authority (Arabic)"), max_length=200, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=TextStatus.choices,
        default=TextStatus.IN_FORCE,
    )
    # Demo and sample texts hold short excerpts, never the official text.
    is_excerpt = models.BooleanField(_("excerpts only"), default=False)
    pdf_fr = models.FileField(_("PDF (French)"), upload_to="library/", blank=True)
    pdf_ar = models.FileField(_("PDF (Arabic)"), upload_to="library/", blank=True)
    # What pdftotext read from the PDFs, for the full-text index.
    extracted_fr = models.TextField(blank=True, default="")
    extracted_ar = models.TextField(blank=True, default="")
    from_demo_data = models.BooleanField(default=False, editable=False)

    number_key = models.GeneratedField(
        expression=NumberKey("number"),
        output_field=models.TextField(),
        db_persist=True,
    )
    title_fr_folded = models.GeneratedField(
        expression=Fold("title_fr"), output_field=models.TextField(), db_persist=True
    )
    title_ar_folded = models.GeneratedField(
        expression=FoldDigits("title_ar"),
        output_field=models.TextField(),
        db_persist=True,
    )
    search_fr = models.GeneratedField(
        expression=_searchable("number", "title_fr", "extracted_fr", config=FRENCH),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    search_ar = models.GeneratedField(
        expression=_searchable(
            "number", "title_ar", "extracted_ar", config=ARABIC, fold=True
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = _("legal text")
        verbose_name_plural = _("legal texts")
        ordering = ["kind", "number"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="text_kind_number")
        ]
        indexes = [
            models.Index(fields=["number_key"], name="text_number_key"),
            folded_trigram_index("title_fr_folded", name="text_title_fr_trgm"),
            folded_trigram_index("title_ar_folded", name="text_title_ar_trgm"),
            GinIndex(fields=["search_fr"], name="text_search_fr"),
            GinIndex(fields=["search_ar"], name="text_search_ar"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def authority(self) -> str:
        return localized(self, "authority")


class Article(models.Model):
    """One wording of an article of a text, valid over ``[valid_from,
    valid_to)``. ``enacted_by`` is the text that gave this wording: the text
    itself for the original one, an amending text for later ones."""

    text = models.ForeignKey(Text, on_delete=models.CASCADE, related_name="articles")
    number = models.CharField(_("article"), max_length=20)
    position = models.PositiveIntegerField(default=0)
    body_fr = models.TextField(_("text (French)"), blank=True)
    body_ar = models.TextField(_("text (Arabic)"), blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    repealed = models.BooleanField(_("repealed"), default=False)
    enacted_by = models.ForeignKey(
        Text,
        on_delete=models.CASCADE,
        related_name="enacted_wordings",
        verbose_name=_("enacted by"),
    )

    search_fr = models.GeneratedField(
        expression=_searchable("body_fr", config=FRENCH),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    search_ar = models.GeneratedField(
        expression=_searchable("body_ar", config=ARABIC, fold=True),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["text", "position", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["text", "number", "enacted_by"], name="article_wording_once"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_to__gt=models.F("valid_from")),
                name="article_interval_not_empty",
            ),
            models.CheckConstraint(
                condition=Q(repealed=False) | (Q(body_fr="") & Q(body_ar="")),
                name="article_repealed_has_no_body",
            ),
            ExclusionConstraint(
                name="article_wordings_do_not_overlap",
                expressions=[
                    ("text", RangeOperators.EQUAL),
                    ("number", RangeOperators.EQUAL),
                    (DateRange("valid_from", "valid_to"), RangeOperators.OVERLAPS),
                ],
                deferrable=Deferrable.DEFERRED,
            ),
        ]
        indexes = [
            GinIndex(fields=["search_fr"], name="article_search_fr"),
            GinIndex(fields=["search_ar"], name="article_search_ar"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """The stable reference of the article (every wording): "loi-12-90:art-30"."""
        return article_reference(self.text.key, self.number)


def article_reference(text_key: str, number: str) -> str:
    return f"{text_key}:art-{number}"


class PortalPage(models.TextChoices):
    """Pages of the portal a procedure's step may send the reader to; each
    names the URL it reverses (``PORTAL_PAGE_URLS``)."""

    NOTE = "note", _("Urban information note (the map)")
    REQUEST = "request", _("File a request or a complaint")
    PAYMENT = "payment", _("Pay a fee")


PORTAL_PAGE_URLS = {
    PortalPage.NOTE: "viewer:map",
    PortalPage.REQUEST: "requete_citizen:new",
    PortalPage.PAYMENT: "payments:order_new",
}


class Procedure(models.Model):
    """A step-by-step guide (how to obtain a note, a permit, file a request,
    pay a fee): ordered steps, the documents to bring, the delay and fees
    where known, and the texts and articles it is based on. National, like
    the texts it cites; imported with them (``library.bundle``)."""

    key = models.SlugField(_("reference"), max_length=80, unique=True)
    title_fr = models.CharField(_("title (French)"), max_length=300)
    title_ar = models.CharField(_("title (Arabic)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    summary_fr = models.TextField(_("summary (French)"), blank=True)
    summary_ar = models.TextField(_("summary (Arabic)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    # Each item {"fr": …, "ar": …, "en": …}: the documents to bring.
    documents = models.JSONField(_("documents to bring"), default=list, blank=True)
    delay_days = models.PositiveIntegerField(_("delay (days)"), null=True, blank=True)
    fees_fr = models.CharField(_("fees (French)"), max_length=300, blank=True)
    fees_ar = models.CharField(_("fees (Arabic)"), max_length=300, blank=True)
    fees_en = models.CharField(_("fees (English)"), max_length=300, blank=True)
    position = models.PositiveIntegerField(default=0)
    from_demo_data = models.BooleanField(default=False, editable=False)

    title_fr_folded = models.GeneratedField(
        expression=Fold("title_fr"), output_field=models.TextField(), db_persist=True
    )
    title_ar_folded = models.GeneratedField(
        expression=FoldDigits("title_ar"),
        output_field=models.TextField(),
        db_persist=True,
    )
    search_fr = models.GeneratedField(
        expression=_searchable("title_fr", "summary_fr", config=FRENCH),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    search_ar = models.GeneratedField(
        expression=_searchable("title_ar", "summary_ar", config=ARABIC, fold=True),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["position", "key"]
        indexes = [
            folded_trigram_index("title_fr_folded", name="procedure_title_fr_trgm"),
            folded_trigram_index("title_ar_folded", name="procedure_title_ar_trgm"),
            GinIndex(fields=["search_fr"], name="procedure_search_fr"),
            GinIndex(fields=["search_ar"], name="procedure_search_ar"),
        ]

    def __str__(self) -> str:
        return self.title_fr

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def summary(self) -> str:
        return localized(self, "summary")

    @property
    def fees(self) -> str:
        return localized(self, "fees")

    @property
    def documents_localized(self) -> list[str]:
        """The documents to bring, in the reader's language (else French)."""
        lang = (get_language() or "fr").split("-")[0]
        return [item.get(lang) or item["fr"] for item in self.documents]


class ProcedureStep(models.Model):
    """One step of a procedure, in its order, optionally sending the reader
    to a page of the portal."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="steps"
    )
    position = models.PositiveIntegerField()
    title_fr = models.CharField(_("title (French)"), max_length=300)
    title_ar = models.CharField(_("title (Arabic)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    body_fr = models.TextField(_("text (French)"), blank=True)
    body_ar = models.TextField(_("text (Arabic)"), blank=True)
    body_en = models.TextField(_("text (English)"), blank=True)
    page = models.CharField(
        _("page of the portal"), max_length=16, choices=PortalPage.choices, blank=True
    )

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["procedure", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "position"], name="procedure_step_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title_fr}"

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def body(self) -> str:
        return localized(self, "body")

    @property
    def page_url(self) -> str:
        """The address of the step's page of the portal, or ""."""
        return reverse(PORTAL_PAGE_URLS[self.page]) if self.page else ""


class ProcedureBasis(models.Model):
    """A text (or one of its articles, by number) a procedure is based on."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="bases"
    )
    text = models.ForeignKey(
        Text, on_delete=models.CASCADE, related_name="procedure_bases"
    )
    article = models.CharField(_("article"), max_length=20, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("legal basis")
        verbose_name_plural = _("legal bases")
        ordering = ["procedure", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "text", "article"], name="procedure_basis_once"
            )
        ]

    def __str__(self) -> str:
        if self.article:
            return article_reference(self.text.key, self.article)
        return self.text.key

    def clean(self) -> None:
        if (
            self.article
            and self.text_id
            and not Article.objects.filter(
                text_id=self.text_id, number=self.article
            ).exists()
        ):
            raise ValidationError({"article": _("This text has no such article.")})

    @property
    def url(self) -> str:
        """The library's page of the text, or of the article."""
        if self.article:
            return reverse("library:article", args=[self.text.key, self.article])
        return reverse("library:text", args=[self.text.key])
