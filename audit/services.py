"""Writing the audit log: one function, called by the services that act."""

from __future__ import annotations

from django.db import models, transaction

from accounts.permissions import owning_agency_id
from audit.context import client_ip
from audit.models import AuditEvent


@transaction.atomic
def audit_record(
    *,
    action: str,
    actor=None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    agency_id: int | None = None,
    details: dict | None = None,
) -> AuditEvent:
    """Append an event about ``obj`` (or the object described) and return it.

    ``actor`` None means an operator's command or an anonymous citizen. The
    agency is the object's own (``AGENCY_PATH``) unless given; the client's
    address is the current request's, if any. Call it inside the transaction
    of the action, so the event exists exactly when the action happened.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
        if agency_id is None and hasattr(obj, "AGENCY_PATH"):
            agency_id = owning_agency_id(obj)
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        actor=actor if authenticated else None,
        actor_name=actor.get_username() if authenticated else "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:300],
        agency_id=agency_id,
        details=details or {},
        ip=client_ip(),
    )
