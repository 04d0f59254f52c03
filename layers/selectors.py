"""Reads of agencies, documents and layer versions (no writes here)."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from core.replicas import read_connection
from layers.in_force import documents_in_force_q, versions_in_force_q
from layers.models import (
    Agency,
    BaseMapVersion,
    Layer,
    LayerVersion,
    PlanningDocument,
)


def documents_in_force(
    *, agency: Agency, on: datetime.date
) -> QuerySet[PlanningDocument]:
    """Documents of ``agency`` in force on ``on`` (``layers.in_force``)."""
    return PlanningDocument.objects.filter(documents_in_force_q(on), agency=agency)


def version_in_force(
    *, layer: Layer, at: datetime.datetime | None = None
) -> LayerVersion | None:
    """The version of ``layer`` whose validity interval holds ``at`` (the
    published one when None), whatever its document's dates: a planner's view.
    The public's is ``layers.in_force.versions_public_in_force``."""
    return LayerVersion.objects.filter(versions_in_force_q(at), layer=layer).first()


def version_replaced(*, version: LayerVersion) -> LayerVersion | None:
    """The version ``version`` replaced when it was published (the one whose
    interval it closed), if any."""
    if version.valid_from is None:
        return None
    return LayerVersion.objects.filter(
        layer_id=version.layer_id, valid_to=version.valid_from
    ).first()


def layer_versions(*, layer: Layer) -> QuerySet[LayerVersion]:
    """Every version of ``layer``, newest first, with who made and published it."""
    return (
        LayerVersion.objects.filter(layer=layer)
        .select_related("created_by", "published_by", "restored_from")
        .order_by("-number")
    )


def planner_documents(*, user) -> QuerySet[PlanningDocument]:
    """The documents ``user`` may change, with their layers and current versions."""
    from accounts.permissions import editable

    return (
        editable(user, PlanningDocument.objects.select_related("agency"))
        .prefetch_related("layers")
        .order_by("agency__code", "reference")
    )


CATALOGUE_REVISION_SQL = "SELECT revision FROM layers_catalogue_revision"


class CatalogueChanged(Exception):
    """What is published changed since a cached copy was made of it."""


def catalogue_revision() -> int | None:
    """A number that changes whenever agencies, documents, layers, versions or
    zone rules change (bumped by PostgreSQL triggers: migration 0003), for
    caches of what is published; None if it cannot be read."""
    with read_connection().cursor() as cursor:
        cursor.execute(CATALOGUE_REVISION_SQL)
        row = cursor.fetchone()
    return row[0] if row else None


def base_maps_published() -> QuerySet[BaseMapVersion]:
    """The published version of every raster base map, with its agency."""
    return BaseMapVersion.objects.filter(
        status=BaseMapVersion.Status.PUBLISHED
    ).select_related("base_map__agency")


def base_map_published(*, agency_code: str, name: str) -> BaseMapVersion | None:
    """The published version of the base map ``name`` of the agency
    ``agency_code``, or None."""
    return (
        base_maps_published()
        .filter(base_map__agency__code=agency_code, base_map__name=name)
        .first()
    )
