"""The open data of permit files in BLDS, the Building & Land Development
Specification (permitdata.org): its core fields from ours, public files
only, never the applicant nor the architect.

``StatusCurrent`` is our state as is, ``StatusCurrentMapped`` its BLDS value;
``PermitType`` our procedure's code, ``PermitTypeMapped`` the BLDS type the
agency gave it; ``TotalSqFt`` the built area in square feet (BLDS counts in
feet) and ``TotalAreaM2`` in square metres, ours.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterator

from django.db.models import F, QuerySet, StringAgg, Value

from permits.models import PermitFile
from permits.selectors import public_files
from permits.states import State

STATUS_MAPPED = {
    State.FILED: "Application Accepted",
    State.COMPLETE: "Application Accepted",
    State.IN_COMMISSION: "In Review",
    State.OPINION_GIVEN: "In Review",
    State.AUTHORISED: "Permit Issued",
    State.WORKS_STARTED: "Inspection Phase",
    State.COMPLETED: "Permit Finaled",
    State.REFUSED: "Permit Cancelled",
    State.WITHDRAWN: "Permit Cancelled",
    State.LAPSED: "Permit Cancelled",
}
SQUARE_FEET_PER_M2 = decimal.Decimal("10.7639104")

FIELDS = (
    "PermitNum",
    "Description",
    "AppliedDate",
    "IssuedDate",
    "CompletedDate",
    "StatusCurrent",
    "StatusCurrentMapped",
    "StatusDate",
    "OriginalAddress1",
    "Jurisdiction",
    "PermitClass",
    "PermitClassMapped",
    "PermitType",
    "PermitTypeMapped",
    "PermitTypeDesc",
    "TotalSqFt",
    "TotalAreaM2",
    "PIN",
    "Latitude",
    "Longitude",
)


def blds_rows(files: QuerySet[PermitFile]) -> QuerySet:
    """``files`` as the rows ``blds_record`` reads, by agency and number."""
    return (
        files.annotate(
            state=F("case__state"),
            jurisdiction=F("agency__code"),
            procedure_code=F("procedure__code"),
            procedure_type=F("procedure__blds_type"),
            procedure_label=F("procedure__label_fr"),
            reference=F("case__reference"),
            pins=StringAgg("parcels__reference", Value("; "), order_by="parcels__id"),
        )
        .values(
            "reference",
            "external_reference",
            "description",
            "filed_on",
            "decided_on",
            "completed_on",
            "state",
            "updated_at",
            "address",
            "jurisdiction",
            "use",
            "procedure_code",
            "procedure_type",
            "procedure_label",
            "built_area_m2",
            "pins",
            "point",
        )
        .order_by("agency_id", "external_reference")
    )


def _day(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


def blds_record(row: dict) -> dict:
    """The BLDS record of one row of ``blds_rows``, in the order of
    ``FIELDS``; the point as ``Latitude``/``Longitude`` (WGS 84)."""
    state = row["state"]
    area = row["built_area_m2"]
    point = row["point"]
    return {
        "PermitNum": row["external_reference"],
        "Description": row["description"],
        "AppliedDate": _day(row["filed_on"]),
        # Issued: the authorisation; a refusal's decision issues nothing.
        "IssuedDate": _day(row["decided_on"]) if state != State.REFUSED else "",
        "CompletedDate": _day(row["completed_on"]),
        "StatusCurrent": state,
        "StatusCurrentMapped": STATUS_MAPPED[State(state)],
        "StatusDate": row["updated_at"].date().isoformat(),
        "OriginalAddress1": row["address"],
        "Jurisdiction": row["jurisdiction"],
        "PermitClass": row["use"],
        "PermitClassMapped": (
            "Residential" if row["use"] == PermitFile.Use.HOUSING else "Non-Residential"
        ),
        "PermitType": row["procedure_code"],
        "PermitTypeMapped": row["procedure_type"],
        "PermitTypeDesc": row["procedure_label"],
        "TotalSqFt": (
            int((area * SQUARE_FEET_PER_M2).to_integral_value())
            if area is not None
            else None
        ),
        "TotalAreaM2": float(area) if area is not None else None,
        "PIN": row["pins"] or "",
        "Latitude": round(point.y, 7) if point else None,
        "Longitude": round(point.x, 7) if point else None,
    }


def blds_records(*, agency_code: str = "") -> Iterator[dict]:
    """One BLDS record per public file (of the agency, if given)."""
    files = public_files()
    if agency_code:
        files = files.filter(agency__code=agency_code)
    for row in blds_rows(files).iterator(chunk_size=2000):
        yield blds_record(row)
