"""Streaming a planned upload, apart from writing it: what each batch becomes.

``LoadState`` turns each batch read into the rows a layer version stores (code,
labels, category, attributes as JSON, geometry as hex EWKB), records the zone
codes and rules found and measures areas and edges (``importing.coverage``) on
the way. ``load_report`` adds what needs the whole file read (codes written
several ways, zones with several labels or rules); ``crs_report`` says when the
data falls outside the territory in its declared CRS. The loop that writes the
rows into PostGIS is ``layers.imports.draft``.
"""

from __future__ import annotations

import numpy as np
import orjson
import shapely

from importing.coverage import EdgeLedger, EqualArea
from importing.crs import crs_name, crs_plausibility
from importing.encoding import mojibake_repair
from importing.geometry import geometry_families
from importing.issues import Report
from importing.mapping import RULE_FIELDS, RuleCollector, category_guess, value_key
from importing.plan import ImportPlan
from importing.vocabulary import Family, Kind, ZoneCategory

_GEOMETRY_FAMILIES = {
    "POINT": Family.POINT,
    "MULTIPOINT": Family.POINT,
    "LINESTRING": Family.LINE,
    "MULTILINESTRING": Family.LINE,
    "POLYGON": Family.POLYGON,
    "MULTIPOLYGON": Family.POLYGON,
}


def expected_family(*, kind: str, plan: ImportPlan) -> str:
    """The geometry family a layer of ``kind`` takes: polygons for zoning, else
    the file's ("" when the file does not say)."""
    if kind == Kind.ZONING:
        return Family.POLYGON
    declared = plan.source.geometry_type.upper().replace(" Z", "").replace(" M", "")
    return _GEOMETRY_FAMILIES.get(declared.strip(), "")


def _text(value, limit: int, counter: list[int]) -> str:
    if value is None:
        return ""
    text = str(value).strip()
    if len(text) > limit:
        counter[0] += 1
        return text[:limit]
    return text


class LoadState:
    """State of one load: report, rules found, codes seen, counters."""

    def __init__(self, *, kind: str, plan: ImportPlan, report: Report) -> None:
        self.kind = kind
        self.plan = plan
        self.report = report
        self.rules = RuleCollector()
        self.codes: dict[str, int] = {}
        self.truncated = [0]
        self.repaired = 0
        self.count = 0
        self.bounds: list[float] | None = None
        mapping = plan.mapping
        self.fields = mapping.fields
        self.schema = mapping.schema_class
        self.parsers = {target: mapping.parser(target) for target in RULE_FIELDS}
        self.ledger = EdgeLedger() if kind == Kind.ZONING else None
        self.equal_area: EqualArea | None = None
        self.source_ids: list[str] = []
        self._categories: dict[tuple, str] = {}
        # Values of the category field that fell to "other", none chosen.
        self.unmapped: dict[str, int] = {}
        self._parsed: dict[tuple, object] = {}
        self.area_m2 = 0.0
        self.covered_m2 = 0.0

    def measure(self, geometries, inside, perimeter, rows) -> None:
        """Areas of a batch, and its edges for the overlap pre-check."""
        if len(geometries) == 0:
            return
        if self.equal_area is None:
            x0, y0, x1, y1 = shapely.total_bounds(geometries)
            self.equal_area = EqualArea((x0 + x1) / 2, (y0 + y1) / 2)
        polygonal = geometry_families(geometries) == Family.POLYGON
        if not polygonal.any():
            return
        areas = self.equal_area.areas(geometries)
        self.area_m2 += float(areas.sum())
        if self.ledger is None:
            return
        ordinals = np.arange(len(self.source_ids), len(self.source_ids) + len(rows))
        self.source_ids.extend(row[1] for row in rows)
        self.ledger.add(geometries, ordinals)
        if inside is not None:
            self.covered_m2 += float(areas[inside].sum())
            partly = ~inside
            if partly.any():
                clipped = shapely.intersection(geometries[partly], perimeter)
                self.covered_m2 += float(self.equal_area.areas(clipped).sum())

    def _value(self, record: dict, target: str):
        source = self.fields.get(target)
        return None if source is None else record.get(source)

    def _repair(self, value):
        if self.plan.repair_mojibake and isinstance(value, str):
            fixed = mojibake_repair(value)
            if fixed != value:
                self.repaired += 1
            return fixed
        return value

    def rows(self, version_id: int, batch, geometries, keep, ids) -> list[tuple]:
        """Rows for COPY, and rules/codes recorded, for the kept features."""
        names = list(batch.columns)
        kept = np.flatnonzero(keep)
        columns = [np.asarray(batch.columns[name])[kept].tolist() for name in names]
        # bytes.hex() is several times faster than GEOS's own hex writer.
        hexes = [
            wkb.hex()
            for wkb in shapely.to_wkb(
                shapely.set_srid(geometries[keep], 4326), include_srid=True
            )
        ]
        is_zoning = self.kind == Kind.ZONING
        rule_targets = [t for t in self.fields if t in RULE_FIELDS] if is_zoning else []
        rows = []
        # By position, not zip(*columns): a file without attributes has no
        # column, and its features must not vanish.
        for position in range(len(kept)):
            values = [column[position] for column in columns]
            if self.plan.repair_mojibake:
                values = [self._repair(value) for value in values]
            record = dict(zip(names, values, strict=True))
            feature_id = ids[kept[position]]
            raw_code = self._value(record, "code")
            code = _text(raw_code, 32, [0])
            if raw_code is not None and len(str(raw_code).strip()) > 32:
                self.report.add("code_too_long", features=[feature_id])
            if is_zoning and not code:
                self.report.add("empty_code", features=[feature_id])
            label_fr = _text(self._value(record, "label_fr"), 300, self.truncated)
            label_ar = _text(self._value(record, "label_ar"), 300, self.truncated)
            category = self._category(record, label_fr)
            source_id = self._value(record, "source_id")
            source_id = str(feature_id if source_id is None else source_id)[:64]
            if code:
                self.codes[code] = self.codes.get(code, 0) + 1
                if is_zoning:
                    found = {
                        target: self._parse(target, record.get(self.fields[target]))
                        for target in rule_targets
                    }
                    found.update(
                        label_fr=label_fr, label_ar=label_ar, category=category
                    )
                    self.rules.add(code, found)
            rows.append(
                (
                    version_id,
                    source_id,
                    code,
                    label_fr,
                    label_ar,
                    (category or "")[:32],
                    orjson.dumps(
                        record, default=_unserialisable, option=orjson.OPT_NON_STR_KEYS
                    ).decode(),
                    hexes[position],
                )
            )
        return rows

    def _category(self, record: dict, label: str) -> str:
        """The planner's choice for the value, else the schema's guess."""
        raw = self._value(record, "category")
        chosen = self.plan.mapping.values.get(value_key(raw))
        if chosen:
            return chosen
        extra = tuple(record.get(name) for name in self.schema.record_fields)
        key = (raw, label, extra)
        if key not in self._categories:
            kind = self.kind
            category = self.schema.category(raw, kind=kind, record=record)
            if not category and kind == Kind.ZONING and "category" not in self.fields:
                category = category_guess(label, kind=kind)
            self._categories[key] = category
        category = self._categories[key]
        value = value_key(raw)
        if category == ZoneCategory.OTHER and value not in ("", ZoneCategory.OTHER):
            self.unmapped[value] = self.unmapped.get(value, 0) + 1
        return category

    def _parse(self, target: str, value):
        key = (target, value)
        if key not in self._parsed:
            self._parsed[key] = self.parsers[target](value)
        return self._parsed[key]

    def codes_variants(self) -> dict[str, set[str]]:
        """Codes that differ only by case or spaces, grouped."""
        variants: dict[str, set[str]] = {}
        for code in self.codes:
            variants.setdefault(code.upper().replace(" ", ""), set()).add(code)
        return variants


def _unserialisable(value):
    """Attribute values JSON cannot hold (binary blobs) are left out."""
    return None


def crs_report(geometries, srid: int, territory, report: Report) -> None:
    """Report when ``geometries`` (read in EPSG:``srid``) miss ``territory``."""
    bounds = shapely.total_bounds(geometries)
    if not np.isfinite(bounds).all():
        return
    check = crs_plausibility(bounds=tuple(bounds), srid=srid, territory=territory)
    if check.plausible:
        return
    if check.suggestion:
        report.add(
            "crs_suggestion",
            count=0,
            suggested=crs_name(check.suggestion),
            suggested_srid=check.suggestion,
            declared=crs_name(srid),
            srid=srid,
        )
    else:
        report.add("crs_outside", count=0, declared=crs_name(srid), srid=srid)


def load_report(loader: LoadState) -> None:
    """Add to the report what needs every feature read (zoning topology aside)."""
    report = loader.report
    if loader.truncated[0]:
        report.add("text_truncated", count=loader.truncated[0])
    if loader.repaired:
        report.add("mojibake_repaired", count=loader.repaired)
    for variants in loader.codes_variants().values():
        if len(variants) > 1:
            report.add(
                "duplicate_code",
                count=len(variants),
                code=sorted(variants)[0],
                variants=", ".join(sorted(variants)),
            )
    if loader.kind != Kind.ZONING:
        return
    if loader.unmapped:
        report.add(
            "category_unmapped",
            count=sum(loader.unmapped.values()),
            values=", ".join(sorted(loader.unmapped)),
        )
    for code, labels in sorted(loader.rules.labels.items()):
        if len(labels) > 1:
            report.add(
                "code_labels_differ",
                count=len(labels),
                code=code,
                labels=" | ".join(sorted(labels)),
            )
    for code, fields in sorted(loader.rules.conflicts.items()):
        report.add(
            "rule_conflict", count=1, code=code, fields=", ".join(sorted(fields))
        )


def rules_found(loader: LoadState) -> dict[str, dict]:
    """The rules found per zone code, JSON-ready (decimals as strings)."""
    found = {}
    for code, values in loader.rules.rules.items():
        found[code] = {
            name: str(value) if not isinstance(value, int | str) else value
            for name, value in values.items()
            if value not in (None, "")
        }
    return found
