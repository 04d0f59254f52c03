"""The audit log: who published, rolled back, deleted, changed permissions or
issued a note. Append-only: PostgreSQL refuses UPDATE and DELETE (migration 0001).

Domain floor: this app imports nothing but Django and ``accounts``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One thing someone did that the portal must be able to account for."""

    class Action(models.TextChoices):
        VERSION_PUBLISHED = "version_published", _("Version published")
        VERSION_PUBLISHED_DESPITE_ERRORS = (
            "version_published_despite_errors",
            _("Version published despite errors"),
        )
        VERSION_RESTORED = "version_restored", _("Version rolled back")
        CREATED = "created", _("Created")
        CHANGED = "changed", _("Changed")
        DELETED = "deleted", _("Deleted")
        USER_CREATED = "user_created", _("User created")
        PERMISSIONS_CHANGED = "permissions_changed", _("Permissions changed")
        USER_DELETED = "user_deleted", _("User deleted")
        TOKEN_CREATED = "token_created", _("API token created")
        TOKEN_REVOKED = "token_revoked", _("API token revoked")
        NOTE_ISSUED = "note_issued", _("Note issued")
        TERRITORY_OVERLAP_ACCEPTED = (
            "territory_overlap_accepted",
            _("Overlap of territories accepted"),
        )
        CASE_FILED = "case_filed", _("Case filed")
        CASE_STATE_CHANGED = "case_state_changed", _("Case state changed")
        CASE_ASSIGNED = "case_assigned", _("Case assigned")
        PERSONAL_DATA_VIEWED = "personal_data_viewed", _("Personal data viewed")
        PERSONAL_DATA_EXPORTED = "personal_data_exported", _("Personal data exported")
        PERSONAL_DATA_ERASED = "personal_data_erased", _("Personal data erased")
        DOCUMENT_ISSUED = "document_issued", _("Document issued")
        DOCUMENT_REVOKED = "document_revoked", _("Document revoked")
        DOCUMENT_SUPERSEDED = "document_superseded", _("Document superseded")

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    # Kept even if the account is later deactivated; an actor who appears in
    # the log cannot be deleted. None: an operator's command or a citizen.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_name = models.CharField(_("actor's name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=40, choices=Action)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    # The agency concerned, by id: the log outlives what it describes.
    agency_id = models.BigIntegerField(_("agency"), null=True, blank=True)
    details = models.JSONField(
        _("details"), default=dict, blank=True, encoder=DjangoJSONEncoder
    )
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["agency_id", "at"], name="audit_agency_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name or '—'} {self.action}"
