"""Who may change what: the one place where roles are enforced.

Anonymous citizens read published data only. A planner changes the documents,
layers, rules and parcels of the agency they belong to, and nothing else. A
national administrator (or a superuser) changes everything. Every write path —
admin, planner pages, API, management commands acting for a user — asks here.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _


def is_national_administrator(user) -> bool:
    """True for active superusers and users with the administrator role."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return bool(user.is_superuser or user.role == user.Role.ADMINISTRATOR)


def is_planner(user) -> bool:
    """True for an active planner attached to an agency."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return user.role == user.Role.PLANNER and user.agency_id is not None


def owning_agency_id(obj: Model) -> int | None:
    """Return the id of the agency that owns ``obj``.

    Each scoped model names the path to its agency in ``AGENCY_PATH``
    (``""`` for Agency itself, ``"document__agency"`` for a layer, …).
    """
    path = obj.AGENCY_PATH
    if path == "":
        return obj.pk
    *hops, last = path.split("__")
    for hop in hops:
        obj = getattr(obj, hop)
        if obj is None:
            return None
    return getattr(obj, f"{last}_id")


def can_change(user, obj: Model) -> bool:
    """Whether ``user`` may create, change or delete ``obj``."""
    if is_national_administrator(user):
        return True
    if not is_planner(user):
        return False
    if obj.AGENCY_PATH == "":
        return False  # planners do not edit agencies themselves
    return owning_agency_id(obj) == user.agency_id


def require_change(user, obj: Model) -> None:
    """Raise PermissionDenied unless ``user`` may change ``obj``."""
    if not can_change(user, obj):
        raise PermissionDenied(_("You may only change data of your own agency."))


def editable(user, queryset: QuerySet) -> QuerySet:
    """Restrict ``queryset`` to the objects ``user`` may change."""
    if is_national_administrator(user):
        return queryset
    if not is_planner(user):
        return queryset.none()
    path = queryset.model.AGENCY_PATH
    if path == "":
        return queryset.none()
    return queryset.filter(**{f"{path}_id": user.agency_id})


def working_agencies(user, agencies: QuerySet) -> QuerySet:
    """Agencies ``user`` works for: all for administrators, their own for planners."""
    if is_national_administrator(user):
        return agencies
    if not is_planner(user):
        return agencies.none()
    return agencies.filter(pk=user.agency_id)


def can_use_admin(user) -> bool:
    """Planners and administrators manage their data through the admin site."""
    return is_national_administrator(user) or is_planner(user)
