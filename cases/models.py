"""The case core that every e-service files its cases in (requête-e today,
permits and payments next): a public reference per agency and year, a state,
deadlines with a clock that pauses, an append-only history and an outbox.

What a state means and which moves are allowed is the e-service's (its own
state machine); the core knows the *milestones* a move reaches — the clock
starts, the case is acknowledged, paused, answered, closed — and keeps the
deadlines from them (``cases.clock``). Personal data lives in ``Requester``
alone, so that it is shown, exported and erased in one place.

Domain floor: imports Django, ``layers`` (agencies) and ``accounts``.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CaseSequence(models.Model):
    """The last number given to a case of an agency in a year (all e-services
    share it: a reference names one case of the agency, whatever its kind)."""

    agency = models.ForeignKey(
        "layers.Agency", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year"], name="case_sequence_agency_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.year}: {self.last}"


class Case(models.Model):
    """One file an agency handles for someone, from filing to its end."""

    AGENCY_PATH = "agency"

    reference = models.CharField(_("reference"), max_length=32, unique=True)
    agency = models.ForeignKey(
        "layers.Agency",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("agency"),
    )
    # The e-service the case belongs to ("requete"), which owns its states.
    service = models.CharField(_("e-service"), max_length=20)
    state = models.CharField(_("state"), max_length=24)
    # The requester's language: what the notifications are written in.
    language = models.CharField(_("language"), max_length=8, default="fr")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # The clock starts when the requester confirms (until then staff never
    # see the case).
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # The kind's service levels, in calendar days, copied when the case is
    # filed: a later change of the kind does not move its deadlines.
    acknowledge_days = models.PositiveSmallIntegerField(_("days to acknowledge"))
    answer_days = models.PositiveSmallIntegerField(_("days to answer"))
    acknowledge_due_at = models.DateTimeField(
        _("acknowledgement due"), null=True, blank=True
    )
    answer_due_at = models.DateTimeField(_("answer due"), null=True, blank=True)
    paused_since = models.DateTimeField(_("clock paused since"), null=True, blank=True)
    paused_total = models.DurationField(_("time paused"), default=datetime.timedelta(0))
    # HMAC-SHA256 of the follow code (cases.codes); the code itself is shown
    # once, to the requester.
    follow_code_digest = models.CharField(max_length=64, editable=False)
    handling_group = models.ForeignKey(
        "auth.Group",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("handling group"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
        verbose_name=_("assigned to"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(
                fields=["agency", "service", "state", "answer_due_at"],
                name="case_queue",
            ),
            models.Index(fields=["agency", "answer_due_at"], name="case_due"),
            # Cases whose clock runs (cases.clock.overdue_q): the overdue
            # list walks these alone, not the closed years behind them.
            models.Index(
                fields=["agency", "answer_due_at"],
                condition=models.Q(
                    closed_at__isnull=True,
                    paused_since__isnull=True,
                    answered_at__isnull=True,
                ),
                name="case_running_due",
            ),
            models.Index(fields=["assignee", "state"], name="case_assignee"),
            # The public lists (requete.selectors.requests_public: Open311,
            # /requests/public/), latest submitted first, of an agency or of
            # all: an index walk stopping at the limit, not a sort of every
            # request of the span.
            models.Index(fields=["agency", "submitted_at"], name="case_submitted"),
            models.Index(fields=["submitted_at"], name="case_submitted_all"),
            # Counting an agency's submitted cases (the queue's pages) from
            # the index alone.
            models.Index(
                fields=["agency", "service"],
                include=["id"],
                condition=models.Q(submitted_at__isnull=False),
                name="case_submitted_count",
            ),
            # The queue's count of late and soon-due cases, read from the
            # index alone (a few thousand running cases of an agency, not
            # their rows): it holds every column ``overdue_q`` and
            # ``due_by_q`` name, even those its condition fixes.
            models.Index(
                fields=["agency", "service"],
                include=[
                    "id",
                    "submitted_at",
                    "acknowledged_at",
                    "answered_at",
                    "closed_at",
                    "paused_since",
                    "acknowledge_due_at",
                    "answer_due_at",
                ],
                condition=models.Q(
                    submitted_at__isnull=False,
                    closed_at__isnull=True,
                    paused_since__isnull=True,
                    answered_at__isnull=True,
                ),
                name="case_running_deadlines",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class Requester(models.Model):
    """Who filed a case and how to reach them: the case's personal data
    (law 09-08), read by the handling agency only and each reading logged
    (``cases.services.requester_view``). ``email_key``/``phone_key`` find a
    contact's cases (rate limits, export, erasure) without reading the rows."""

    AGENCY_PATH = "case__agency"

    case = models.OneToOneField(
        Case, on_delete=models.PROTECT, primary_key=True, related_name="requester"
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email_key = models.CharField(max_length=64, blank=True, db_index=True)
    phone_key = models.CharField(max_length=64, blank=True, db_index=True)
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True)

    class Meta:
        verbose_name = _("requester")
        verbose_name_plural = _("requesters")

    def __str__(self) -> str:
        return str(self.case_id)


class CaseEvent(models.Model):
    """One thing that happened to a case. Append-only: PostgreSQL refuses
    UPDATE and DELETE (migration 0001), except the one update erasure makes —
    blanking the text a requester wrote (``redacted_at``)."""

    AGENCY_PATH = "case__agency"

    class Kind(models.TextChoices):
        FILED = "filed", _("Filed")
        STATE = "state", _("State changed")
        MESSAGE = "message", _("Message")
        ATTACHMENT = "attachment", _("Attachment")
        ASSIGNMENT = "assignment", _("Assignment")
        RATING = "rating", _("Rating")

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="events", verbose_name=_("case")
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("actor"),
    )
    by_requester = models.BooleanField(_("by the requester"), default=False)
    # Public events are shown to the requester; internal notes never are.
    public = models.BooleanField(_("public"), default=True)
    from_state = models.CharField(_("from state"), max_length=24, blank=True)
    to_state = models.CharField(_("to state"), max_length=24, blank=True)
    text = models.TextField(_("text"), blank=True)
    data = models.JSONField(
        _("data"), default=dict, blank=True, encoder=DjangoJSONEncoder
    )
    redacted_at = models.DateTimeField(_("redacted"), null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        indexes = [models.Index(fields=["case", "at"], name="case_event_case_at")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class Notification(models.Model):
    """A message to send, kept in the outbox in the transaction that decided
    it, and sent afterwards by ``manage.py outbox_send`` with retries: a
    failing mail server never rolls a case back, and nothing is sent for a
    case that was rolled back."""

    AGENCY_PATH = "case__agency"

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    # Empty for a message to staff about many cases (the weekly digest).
    case = models.ForeignKey(
        Case,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notifications",
        verbose_name=_("case"),
    )
    # A message queued at most once (a digest: its recipient and week); the
    # unique index settles two runs racing.
    once_key = models.CharField(
        _("once key"), max_length=100, blank=True, default="", db_default=""
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel)
    recipient = models.CharField(_("recipient"), max_length=254)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("body"))
    status = models.CharField(
        _("status"), max_length=8, choices=Status, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="notification_pending",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["once_key"],
                condition=~models.Q(once_key=""),
                name="notification_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.case_id} {self.status}"


class CaseAttachment(models.Model):
    """A file joined to a case (a PDF, or a JPEG or PNG re-encoded without its
    metadata: ``cases.attachments``), named by its ``attachment`` event."""

    AGENCY_PATH = "case__agency"

    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        related_name="attachments",
        verbose_name=_("case"),
    )
    file = models.FileField(_("file"), upload_to="cases/attachments/%Y/%m/")
    # The name as the sender gave it (personal data: it may name them).
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    by_requester = models.BooleanField(_("by the requester"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name
