"""The issues an import finds and the report that gathers them.

Issues are stored as data (a code, parameters, feature ids, locations, areas and
an optional GeoJSON geometry for the map) and turned into sentences in the
reader's language only when shown (``importing.report``), so one stored report
reads in French, Arabic or English. Errors block publishing; warnings do not.
This module owns the kinds of issue (code, severity, sentence) and ``Report``,
which accumulates them while an upload streams.
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

MAX_LISTED = 100  # ids and locations kept per issue


class Severity:
    ERROR = "error"
    WARNING = "warning"


@dataclasses.dataclass(frozen=True)
class IssueKind:
    """One kind of problem: its code, severity and sentence."""

    code: str
    severity: str
    message: object  # lazy translation with %(name)s parameters (plural on count)


ISSUE_KINDS: dict[str, IssueKind] = {
    kind.code: kind
    for kind in (
        IssueKind(
            "empty_geometry",
            Severity.ERROR,
            ngettext_lazy(
                "%(count)s feature has no geometry.",
                "%(count)s features have no geometry.",
                "count",
            ),
        ),
        IssueKind(
            "unreadable_geometry",
            Severity.ERROR,
            ngettext_lazy(
                "%(count)s feature has a geometry that cannot be read (a ring that "
                "does not close, a coordinate that is not a number); it was left out.",
                "%(count)s features have a geometry that cannot be read (a ring that "
                "does not close, a coordinate that is not a number); they were left "
                "out.",
                "count",
            ),
        ),
        IssueKind(
            "coordinates_not_numbers",
            Severity.ERROR,
            ngettext_lazy(
                "%(count)s feature has coordinates that are not numbers (NaN or "
                "infinite); it was left out.",
                "%(count)s features have coordinates that are not numbers (NaN or "
                "infinite); they were left out.",
                "count",
            ),
        ),
        IssueKind(
            "coordinates_out_of_range",
            Severity.ERROR,
            ngettext_lazy(
                "%(count)s feature has coordinates that are not on the Earth once "
                "read in this CRS; it was left out.",
                "%(count)s features have coordinates that are not on the Earth once "
                "read in this CRS; they were left out.",
                "count",
            ),
        ),
        IssueKind(
            "crs_unreadable",
            Severity.ERROR,
            _(
                "The CRS file “%(name)s” cannot be read; the coordinates were "
                "read as %(declared)s (EPSG:%(srid)s), the agency's CRS. Choose "
                "the CRS of the file and upload it again."
            ),
        ),
        IssueKind(
            "invalid_geometry",
            Severity.WARNING,
            ngettext_lazy(
                "%(count)s invalid geometry was repaired (make_valid).",
                "%(count)s invalid geometries were repaired (make_valid).",
                "count",
            ),
        ),
        IssueKind(
            "wrong_geometry_type",
            Severity.ERROR,
            ngettext_lazy(
                "%(count)s feature is %(found)s; this layer holds %(expected)s.",
                "%(count)s features are %(found)s; this layer holds %(expected)s.",
                "count",
            ),
        ),
        IssueKind(
            "flattened",
            Severity.WARNING,
            ngettext_lazy(
                "%(count)s geometry had Z or M coordinates; it was flattened to 2D.",
                "%(count)s geometries had Z or M coordinates; they were flattened to "
                "2D.",
                "count",
            ),
        ),
        IssueKind(
            "empty_code",
            Severity.ERROR,
            ngettext_lazy(
                "%(count)s zone has no zone code.",
                "%(count)s zones have no zone code.",
                "count",
            ),
        ),
        IssueKind(
            "code_too_long",
            Severity.ERROR,
            ngettext_lazy(
                "%(count)s zone code is longer than 32 characters.",
                "%(count)s zone codes are longer than 32 characters.",
                "count",
            ),
        ),
        IssueKind(
            "duplicate_code",
            Severity.WARNING,
            _("The zone code “%(code)s” is written in several ways: %(variants)s."),
        ),
        IssueKind(
            "category_unmapped",
            Severity.WARNING,
            _(
                "%(count)s zones have a category value mapped to no category "
                "(%(values)s); they were imported as “other”."
            ),
        ),
        IssueKind(
            "code_labels_differ",
            Severity.WARNING,
            _("The zone code “%(code)s” carries several labels: %(labels)s."),
        ),
        IssueKind(
            "rule_conflict",
            Severity.WARNING,
            _(
                "Zone “%(code)s” has different values of %(fields)s; the first "
                "one was kept."
            ),
        ),
        IssueKind(
            "code_without_rule",
            Severity.WARNING,
            ngettext_lazy(
                "%(count)s zone code has no rule: %(codes)s.",
                "%(count)s zone codes have no rule: %(codes)s.",
                "count",
            ),
        ),
        IssueKind(
            "outside_territory",
            Severity.ERROR,
            ngettext_lazy(
                "%(count)s feature lies outside the agency territory.",
                "%(count)s features lie outside the agency territory.",
                "count",
            ),
        ),
        IssueKind(
            "partly_outside_territory",
            Severity.WARNING,
            ngettext_lazy(
                "%(count)s feature lies partly outside the agency territory.",
                "%(count)s features lie partly outside the agency territory.",
                "count",
            ),
        ),
        IssueKind(
            "outside_perimeter",
            Severity.ERROR,
            ngettext_lazy(
                "%(count)s feature lies outside the document perimeter.",
                "%(count)s features lie outside the document perimeter.",
                "count",
            ),
        ),
        IssueKind(
            "partly_outside_perimeter",
            Severity.WARNING,
            ngettext_lazy(
                "%(count)s feature lies partly outside the document perimeter.",
                "%(count)s features lie partly outside the document perimeter.",
                "count",
            ),
        ),
        IssueKind(
            "crs_suggestion",
            Severity.ERROR,
            _(
                "These coordinates look like %(suggested)s (EPSG:%(suggested_srid)s),"
                " not %(declared)s (EPSG:%(srid)s)."
            ),
        ),
        IssueKind(
            "crs_outside",
            Severity.ERROR,
            _(
                "Read as %(declared)s (EPSG:%(srid)s), the data falls outside the "
                "agency territory; check the coordinate reference system."
            ),
        ),
        IssueKind(
            "no_territory",
            Severity.WARNING,
            _("The agency has no territory: the location of the data was not checked."),
        ),
        IssueKind(
            "no_perimeter",
            Severity.WARNING,
            _("The document has no perimeter: gaps in the zoning were not checked."),
        ),
        IssueKind(
            "zones_overlap",
            Severity.ERROR,
            _("Zones %(first)s and %(second)s overlap on %(area)s m²."),
        ),
        IssueKind(
            "zones_overlap_slivers",
            Severity.WARNING,
            ngettext_lazy(
                "%(count)s tiny overlap between zones (%(area)s m² in all).",
                "%(count)s tiny overlaps between zones (%(area)s m² in all).",
                "count",
            ),
        ),
        IssueKind(
            "zoning_gap",
            Severity.ERROR,
            _("The zoning leaves a gap of %(area)s m² inside the perimeter."),
        ),
        IssueKind(
            "zoning_gap_slivers",
            Severity.WARNING,
            ngettext_lazy(
                "%(count)s tiny gap in the zoning (%(area)s m² in all).",
                "%(count)s tiny gaps in the zoning (%(area)s m² in all).",
                "count",
            ),
        ),
        IssueKind(
            "encoding_repaired",
            Severity.WARNING,
            _(
                "The file declares the encoding %(declared)s but its text is "
                "%(detected)s; it was read as %(detected)s."
            ),
        ),
        IssueKind(
            "encoding_undeclared",
            Severity.WARNING,
            _(
                "The file declares no text encoding; its text is %(detected)s "
                "and was read as %(detected)s."
            ),
        ),
        IssueKind(
            "mojibake_repaired",
            Severity.WARNING,
            ngettext_lazy(
                "%(count)s garbled text (UTF-8 read as Latin-1) was repaired.",
                "%(count)s garbled texts (UTF-8 read as Latin-1) were repaired.",
                "count",
            ),
        ),
        IssueKind(
            "invalid_reference",
            Severity.ERROR,
            ngettext_lazy(
                "%(count)s parcel has no readable land reference (e.g. “%(value)s”).",
                "%(count)s parcels have no readable land reference (e.g. “%(value)s”).",
                "count",
            ),
        ),
        IssueKind(
            "duplicate_reference",
            Severity.WARNING,
            ngettext_lazy(
                "%(count)s parcel repeats a reference already read (e.g. “%(value)s”).",
                "%(count)s parcels repeat a reference already read (e.g. “%(value)s”).",
                "count",
            ),
        ),
        IssueKind(
            "text_truncated",
            Severity.WARNING,
            ngettext_lazy(
                "%(count)s label was longer than 300 characters and was cut.",
                "%(count)s labels were longer than 300 characters and were cut.",
                "count",
            ),
        ),
    )
}


@dataclasses.dataclass
class Issue:
    """One problem found, with what the map and the planner need to fix it."""

    code: str
    params: dict = dataclasses.field(default_factory=dict)
    features: list[str] = dataclasses.field(default_factory=list)
    locations: list[list[float]] = dataclasses.field(default_factory=list)
    count: int = 0
    area_m2: float | None = None
    geometry: dict | None = None

    @property
    def kind(self) -> IssueKind:
        return ISSUE_KINDS[self.code]

    @property
    def severity(self) -> str:
        return self.kind.severity

    def as_dict(self) -> dict:
        data = dataclasses.asdict(self)
        data["severity"] = self.severity
        return data


@dataclasses.dataclass
class Report:
    """Everything an import found, and a summary of what it stored."""

    issues: list[Issue] = dataclasses.field(default_factory=list)
    summary: dict = dataclasses.field(default_factory=dict)
    _by_code: dict = dataclasses.field(default_factory=dict, repr=False)

    AGGREGATED: ClassVar[frozenset[str]] = frozenset(
        {
            "empty_geometry",
            "unreadable_geometry",
            "coordinates_not_numbers",
            "coordinates_out_of_range",
            "invalid_geometry",
            "wrong_geometry_type",
            "flattened",
            "empty_code",
            "code_too_long",
            "outside_territory",
            "partly_outside_territory",
            "outside_perimeter",
            "partly_outside_perimeter",
            "mojibake_repaired",
            "text_truncated",
            "invalid_reference",
            "duplicate_reference",
        }
    )

    def add(
        self,
        code: str,
        /,
        *,
        features=(),
        locations=(),
        count: int | None = None,
        area_m2: float | None = None,
        geometry: dict | None = None,
        **params,
    ) -> Issue:
        """Record an issue; per-feature kinds accumulate into one issue."""
        features = [str(value) for value in features]
        locations = [[round(x, 7), round(y, 7)] for x, y in locations]
        count = len(features) if count is None else count
        if code in self.AGGREGATED and code in self._by_code:
            issue = self._by_code[code]
            issue.count += count
            issue.features.extend(features[: MAX_LISTED - len(issue.features)])
            issue.locations.extend(locations[: MAX_LISTED - len(issue.locations)])
            issue.params.update(params)
            issue.params["count"] = issue.count
            return issue
        issue = Issue(
            code=code,
            params={"count": count, **params},
            features=features[:MAX_LISTED],
            locations=locations[:MAX_LISTED],
            count=count,
            area_m2=area_m2,
            geometry=geometry,
        )
        self.issues.append(issue)
        self._by_code[code] = issue
        return issue

    @property
    def error_count(self) -> int:
        return sum(1 for issue in self.issues if issue.severity == Severity.ERROR)

    @property
    def warning_count(self) -> int:
        return sum(1 for issue in self.issues if issue.severity == Severity.WARNING)

    def as_dict(self) -> dict:
        """The JSON stored on the version (``errors`` > 0 blocks publishing)."""
        return {
            "errors": self.error_count,
            "warnings": self.warning_count,
            "summary": self.summary,
            "issues": [issue.as_dict() for issue in self.issues],
        }
