"""Who may read and change what: the one place where roles are enforced.

Everyone — anonymous citizens and planners of any agency — reads published
data: agencies, documents once approved, their layers, rules and files, and
versions once published (superseded ones too: history is public). Drafts
(documents and versions), their features, validation reports and import jobs
are read only by the planners of the owning agency and by national
administrators. A planner changes the documents, layers, rules and parcels of
the agency they belong to, and nothing else. A national administrator (or a
superuser) reads and changes everything. Every path — admin, planner pages,
API, OGC services, tiles, management commands acting for a user — asks here,
for reads (``can_view``, ``viewable``, ``can_view_report``) as for writes
(``can_change``, ``require_change``, ``editable``). Citizens' cases (requests,
later permits and payments) are their agency's planners' alone, never public:
``cases_viewable``, ``can_handle_case`` and ``can_view_personal_data``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
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


def public_filter(model: type[Model]) -> Q | None:
    """What of ``model`` everyone may read, as a filter; None: nothing.

    "Public" is defined once, in ``layers.in_force`` (documents once approved,
    versions once published: history is public); what is public *and in force*
    — what the map, OGC services, tiles, identify and search show — is that
    module's narrower rule. Models the policy does not know (notes, import
    jobs) are not public.
    """
    from layers.in_force import document_public_q, version_public_q

    everything = Q(pk__isnull=False)  # not Q(): "Q() | q" is q alone
    rules = {
        "layers.agency": everything,
        "layers.planningdocument": document_public_q(),
        "layers.regulationfile": document_public_q("document__"),
        "layers.layer": document_public_q("document__"),
        "layers.zonerule": document_public_q("document__"),
        "layers.layerversion": version_public_q(),
        "layers.feature": version_public_q("version__"),
        "parcels.parcel": everything,
    }
    return rules.get(model._meta.label_lower)


def viewable(user, queryset: QuerySet) -> QuerySet:
    """Restrict ``queryset`` to the objects ``user`` may read."""
    if is_national_administrator(user):
        return queryset
    public = public_filter(queryset.model)
    readable = public if public is not None else Q(pk__in=[])
    if is_planner(user):
        path = queryset.model.AGENCY_PATH
        own = (
            Q(pk=user.agency_id) if path == "" else Q(**{f"{path}_id": user.agency_id})
        )
        readable |= own
    return queryset.filter(readable)


def can_view(user, obj: Model) -> bool:
    """Whether ``user`` may read ``obj`` (published data: everyone)."""
    if is_national_administrator(user):
        return True
    if is_planner(user) and (
        obj.pk == user.agency_id
        if obj.AGENCY_PATH == ""
        else owning_agency_id(obj) == user.agency_id
    ):
        return True
    public = public_filter(type(obj))
    if public is None:
        return False
    return type(obj)._default_manager.filter(public, pk=obj.pk).exists()


def can_handle_case(user, case: Model) -> bool:
    """Whether ``user`` may act on ``case`` (acknowledge, answer, assign…):
    a planner of its agency, and of its handling group when it has one.
    National administrators oversee, they do not handle citizens' cases."""
    if not is_planner(user) or case.agency_id != user.agency_id:
        return False
    if case.handling_group_id is None:
        return True
    return user.groups.filter(pk=case.handling_group_id).exists()


def cases_viewable(user, queryset: QuerySet, path: str = "") -> QuerySet:
    """Restrict a queryset of cases to those ``user`` may see: their
    agency's for planners, every agency's for administrators, none for
    anyone else — and only once submitted (an unconfirmed case is the
    requester's alone). ``path`` leads to the case from an e-service's model
    (``"case__"``), so the conditions apply to the joined case."""
    submitted = queryset.filter(**{f"{path}submitted_at__isnull": False})
    if is_national_administrator(user):
        return submitted
    if not is_planner(user):
        return submitted.none()
    return submitted.filter(**{f"{path}agency_id": user.agency_id})


def can_view_agency_cases(user, agency_id: int) -> bool:
    """Whether ``user`` reads the submitted cases of agency ``agency_id`` as
    its staff do (kinds, states, subjects, internal notes — never who filed
    them): its planners and national administrators, as ``cases_viewable``."""
    if is_national_administrator(user):
        return True
    return is_planner(user) and user.agency_id == agency_id


def can_view_personal_data(user, case: Model) -> bool:
    """Whether ``user`` may read who filed ``case`` and how to reach them
    (law 09-08): the handling agency's planners only, once submitted."""
    return (
        is_planner(user)
        and case.agency_id == user.agency_id
        and case.submitted_at is not None
    )


def can_change_issued_document(user, document: Model) -> bool:
    """Whether ``user`` may revoke or supersede an issued document: a national
    administrator, or a planner of the issuing agency granted the permission
    ``documents.revoke_issueddocument`` (an agency names who answers for what
    it issued)."""
    if is_national_administrator(user):
        return True
    return (
        is_planner(user)
        and user.agency_id == owning_agency_id(document)
        and user.has_perm("documents.revoke_issueddocument")
    )


def can_view_report(user, obj: Model) -> bool:
    """Whether ``user`` may read the working material of ``obj`` (a version's
    validation report and source, an import job): those who may change it."""
    return can_change(user, obj)
