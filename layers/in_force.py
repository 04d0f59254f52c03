"""What is public and in force: the one rule every reader asks.

**Public** (what anyone may read, ``accounts.permissions.public_filter``): a
document once approved (``PlanningDocument.ONCE_APPROVED``: approved, under
revision, superseded, expired — never a draft, a document under public inquiry
or an annulled one) and its versions once published (published or superseded,
never a draft). History is public.

**In force** at an instant ``at`` (now when None), whose day is
``timezone.localdate(at)`` in the portal's time zone: a public layer version
such that

- its document was in force on that day: ``effective_date <= day`` and
  (``expiry_date`` is null or ``day < expiry_date``) — a document without an
  effective date never was; and
- the version's validity interval holds the instant: ``valid_from <= at`` and
  (``valid_to`` is null or ``at < valid_to``) — a draft has no interval, so it
  is never in force; the published version is the one whose interval is open.

Anonymous readers (WMS, WFS, tiles, identify and compose, search, the map page)
see exactly the versions in force; an as-of question (WMS/WFS ``TIME``, tiles
``at``, notes ``as_of``) asks the same rule at another instant. Planners see
more (their agency's drafts and documents not in force), which the readers add
through ``accounts.permissions``.

The rule has three forms, kept side by side here and tested against each other
(tests/layers/test_in_force.py): the ORM filters (``documents_in_force_q``,
``versions_in_force_q``, ``public_in_force_q``), the SQL fragment that raw
statements inline (``in_force_sql``, with the ``%(day)s`` and ``%(at)s``
parameters of ``in_force_params``: inlined, it keeps each statement one
prepared round trip with its plan), and ``PlanningDocument.in_force_on`` for a
document already in memory.
"""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from layers.models import LayerVersion, PlanningDocument

# The statuses of a public document (see the module's docstring).
PUBLIC_DOCUMENT_STATUSES = tuple(PlanningDocument.ONCE_APPROVED)


def in_force_moment(
    at: datetime.datetime | None = None,
) -> tuple[datetime.date, datetime.datetime]:
    """(day, instant) of the rule for ``at``: now when None; the day is the
    instant's in the portal's time zone."""
    instant = at or timezone.now()
    return timezone.localdate(instant), instant


def document_public_q(path: str = "") -> Q:
    """Documents anyone may read; ``path`` leads to the document
    (``"layer__document__"`` from a version)."""
    return Q(**{f"{path}status__in": PUBLIC_DOCUMENT_STATUSES})


def version_public_q(path: str = "") -> Q:
    """Versions anyone may read (published or superseded, of a public
    document); ``path`` leads to the version."""
    return document_public_q(f"{path}layer__document__") & ~Q(
        **{f"{path}status": LayerVersion.Status.DRAFT}
    )


def documents_in_force_q(day: datetime.date, path: str = "") -> Q:
    """Public documents in force on ``day``; ``path`` leads to the document."""
    return (
        document_public_q(path)
        & Q(**{f"{path}effective_date__lte": day})
        & (
            Q(**{f"{path}expiry_date__isnull": True})
            | Q(**{f"{path}expiry_date__gt": day})
        )
    )


def versions_in_force_q(at: datetime.datetime | None = None, path: str = "") -> Q:
    """Versions whose validity interval holds ``at`` (the published ones when
    None — the same versions: only theirs is open), whatever their document."""
    if at is None:
        return Q(**{f"{path}status": LayerVersion.Status.PUBLISHED})
    return Q(**{f"{path}valid_from__lte": at}) & (
        Q(**{f"{path}valid_to__isnull": True}) | Q(**{f"{path}valid_to__gt": at})
    )


def public_in_force_q(at: datetime.datetime | None = None, path: str = "") -> Q:
    """Versions public and in force at ``at`` (now when None); ``path`` leads to
    the version (``"version__"`` from a feature)."""
    day, _ = in_force_moment(at)
    return versions_in_force_q(at, path) & documents_in_force_q(
        day, f"{path}layer__document__"
    )


def versions_public_in_force(
    at: datetime.datetime | None = None,
) -> QuerySet[LayerVersion]:
    """Every layer's version public and in force at ``at`` (now when None)."""
    return LayerVersion.objects.filter(public_in_force_q(at))


def in_force_sql(*, document: str = "d", version: str = "v") -> str:
    """The rule as a SQL condition on the aliases ``document``
    (layers_planningdocument) and ``version`` (layers_layerversion), with the
    named parameters ``%(day)s`` and ``%(at)s`` (``in_force_params``).

    Only constants and the caller's aliases make its text, never input.
    """
    statuses = ", ".join(f"'{status}'" for status in PUBLIC_DOCUMENT_STATUSES)
    d, v = document, version
    return (
        f"{d}.status IN ({statuses})"
        f" AND {d}.effective_date <= %(day)s"
        f" AND ({d}.expiry_date IS NULL OR {d}.expiry_date > %(day)s)"
        f" AND {v}.valid_from <= %(at)s"
        f" AND ({v}.valid_to IS NULL OR {v}.valid_to > %(at)s)"
    )


def in_force_params(at: datetime.datetime | None = None) -> dict:
    """The ``day`` and ``at`` parameters of ``in_force_sql`` for ``at``."""
    day, instant = in_force_moment(at)
    return {"day": day, "at": instant}
