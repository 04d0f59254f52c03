"""Agencies' territories: required, and never overlapping another's silently.

A note finds its agency by the territory holding the land, so an agency
without one would refuse every note "outside every agency", and two agencies
claiming the same land would each answer for it. Every path that writes a
territory (``layers.services.agency_save``: the admin, the API, the
``create_agency`` command) checks it here; publishing a plan in an agency
that has none (one created before the rule) is refused up front.

Shared borders are digitised twice, once by each agency, and never coincide
exactly: the two lines wander apart by a few metres for their whole length.
What they leave is a sliver, long and thin — along a 40 km border at 1 m
apart, 40,000 m², as much as a real district. So the tolerance is a width,
not an area: an overlap counts where it is wider than
``SHARED_BORDER_WIDTH_M`` (5 m: the plotting accuracy of the 1:5,000–1:25,000
base maps and GNSS surveys borders are drawn from), i.e. where shrinking it by
half that width leaves something. The area reported is the whole overlap's,
on the ellipsoid.
"""

from __future__ import annotations

import dataclasses

from django.contrib.gis.geos import GEOSGeometry
from django.db import connection
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import audit_record
from core.errors import BadRequest, Conflict
from core.i18n import number_text
from layers.models import Agency

SHARED_BORDER_WIDTH_M = 5.0
TERRITORY_REQUIRED = gettext_lazy(
    "An agency needs its territory: notes find the agency of a parcel or a "
    "point by it, and would refuse all the land of an agency without one as "
    "outside every agency."
)

_OVERLAPS_SQL = """
SELECT a.id, ST_Area(o.g::geography)
FROM {table} a
CROSS JOIN LATERAL (
    SELECT ST_CollectionExtract(ST_Intersection(a.territory, t.g), 3) AS g
    FROM (SELECT ST_GeomFromEWKB(%(wkb)s) AS g) t
) o
WHERE a.territory && ST_GeomFromEWKB(%(wkb)s)
  AND a.id IS DISTINCT FROM %(exclude)s
  AND NOT ST_IsEmpty(o.g)
  AND NOT ST_IsEmpty(ST_Buffer(o.g::geography, -%(half_width)s)::geometry)
ORDER BY 2 DESC, a.code
"""


class TerritoryRequired(BadRequest):
    """An agency is written without a territory."""

    code = "territory_required"


class TerritoryOverlap(Conflict):
    """The territory overlaps another agency's and no override was given."""

    code = "territory_overlap"


class AgencyWithoutTerritory(Conflict):
    """A plan is published in an agency that has no territory."""

    code = "agency_without_territory"


@dataclasses.dataclass(frozen=True)
class Overlap:
    """Another agency's territory, and the area the two share (m²)."""

    agency: Agency
    area_m2: float

    def as_dict(self) -> dict:
        return {
            "agency": self.agency.code,
            "agency_id": self.agency.pk,
            "area_m2": round(self.area_m2, 1),
        }


def territory_overlaps(
    *, territory: GEOSGeometry, exclude: Agency | None = None
) -> list[Overlap]:
    """The agencies whose territory ``territory`` overlaps beyond a shared
    border's sliver, largest overlap first (``exclude``: the agency itself)."""
    with connection.cursor() as cursor:
        cursor.execute(
            _OVERLAPS_SQL.format(
                table=connection.ops.quote_name(Agency._meta.db_table)
            ),
            {
                "wkb": bytes(territory.ewkb),
                "exclude": exclude.pk if exclude is not None else None,
                "half_width": SHARED_BORDER_WIDTH_M / 2,
            },
        )
        rows = cursor.fetchall()
    agencies = Agency.objects.defer("territory").in_bulk([pk for pk, _area in rows])
    return [Overlap(agency=agencies[pk], area_m2=area) for pk, area in rows]


def overlap_sentence(overlap: Overlap) -> str:
    """ "The territory overlaps that of X over 1 234 m²." in the active language."""
    return _(
        "The territory overlaps that of %(agency)s over %(area)s m² (wider than "
        "the %(width)s m a shared border may differ by)."
    ) % {
        "agency": overlap.agency.name,
        "area": number_text(overlap.area_m2, _language(), 0),
        "width": number_text(SHARED_BORDER_WIDTH_M, _language(), 0),
    }


def _language() -> str:
    return (get_language() or "fr").split("-")[0]


def territory_check(*, agency: Agency, overlap_reason: str = "") -> list[Overlap]:
    """Check ``agency``'s territory before it is written (a changed one only,
    for an agency already stored); return the overlaps that ``overlap_reason``
    accepts (empty when there are none). Only national
    administrators write agencies (``accounts.permissions``), so whoever gives
    a reason may.

    Raises TerritoryRequired without a territory; TerritoryOverlap when it
    overlaps another agency's and ``overlap_reason`` is blank.
    """
    if agency.territory is None or agency.territory.empty:
        raise TerritoryRequired(TERRITORY_REQUIRED)
    if _territory_unchanged(agency):
        # Renaming an agency asks nothing again of a territory already written
        # (an overlap accepted then, or older than the rule).
        return []
    overlaps = territory_overlaps(
        territory=agency.territory, exclude=agency if agency.pk else None
    )
    if overlaps and not overlap_reason.strip():
        raise TerritoryOverlap(
            " ".join(overlap_sentence(overlap) for overlap in overlaps)
            + " "
            + _(
                "Correct the territory, or have a national administrator accept "
                "the overlap with a written reason."
            ),
            details={"overlaps": [overlap.as_dict() for overlap in overlaps]},
        )
    return overlaps


def _territory_unchanged(agency: Agency) -> bool:
    return bool(agency.pk) and (
        Agency.objects.filter(pk=agency.pk, territory__equals=agency.territory).exists()
    )


def overlap_record(
    *, agency: Agency, overlaps: list[Overlap], reason: str, user=None
) -> AuditEvent:
    """Write the accepted overlap to the audit log: who, when, why, with
    which agencies and over how much land."""
    return audit_record(
        action=AuditEvent.Action.TERRITORY_OVERLAP_ACCEPTED,
        actor=user,
        obj=agency,
        agency_id=agency.pk,
        details={
            "reason": reason.strip(),
            "overlaps": [overlap.as_dict() for overlap in overlaps],
            "area_m2": round(sum(overlap.area_m2 for overlap in overlaps), 1),
        },
    )


def overlaps_accepted(agency: Agency):
    """The overlaps accepted for ``agency``'s territory, newest first."""
    return AuditEvent.objects.filter(
        action=AuditEvent.Action.TERRITORY_OVERLAP_ACCEPTED,
        object_type=Agency._meta.label_lower,
        object_id=str(agency.pk),
    ).order_by("-at")


def territory_require(agency: Agency) -> None:
    """Raise AgencyWithoutTerritory when ``agency`` has no territory (an agency
    created before territories were required): its plans would be published
    for land no note can find."""
    if agency.territory is None or agency.territory.empty:
        raise AgencyWithoutTerritory(
            _(
                "The agency %(agency)s has no territory: a national administrator "
                "must draw it before its plans are published, or every note on "
                "its land would be refused as outside every agency."
            )
            % {"agency": agency.name}
        )
