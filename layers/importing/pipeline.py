"""The import pipeline: inspect an upload, then stream it into a draft version.

``import_plan`` opens the upload (extracting archives safely), chooses the layer,
works out encoding, CRS and attribute mapping, and returns everything a planner
confirms, with a preview of the first rows. ``features_load`` then streams the
features batch by batch — reproject, check, map, COPY — into a version created
by ``layers.services.layer_import`` inside its transaction.
"""

from __future__ import annotations

import dataclasses
import math
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import orjson
import shapely
from django.utils.translation import gettext as _
from pyproj import Transformer

from layers.importing import archive
from layers.importing.coverage import EdgeLedger, EqualArea
from layers.importing.crs import crs_identify, crs_name, crs_plausibility
from layers.importing.encoding import (
    EncodingGuess,
    encoding_detect,
    encoding_normalise,
    looks_like_mojibake,
    mojibake_repair,
)
from layers.importing.errors import EmptyFile, ImportRefused, UnknownCRS
from layers.importing.loader import features_copy
from layers.importing.mapping import (
    RULE_FIELDS,
    FieldMapping,
    RuleCollector,
    category_guess,
    mapping_guess,
    mapping_override,
)
from layers.importing.readers import SourceLayer, source_choose, source_layers
from layers.importing.validation import (
    AREA_TOLERANCE_M2,
    EDGE_TOLERANCE_DEG,
    Report,
    geometries_check,
    geometry_families,
    location_check,
    topology_check,
)
from layers.models import Layer

Progress = Callable[[int, int | None], None]

_GEOMETRY_FAMILIES = {
    "POINT": Layer.GeometryType.POINT,
    "MULTIPOINT": Layer.GeometryType.POINT,
    "LINESTRING": Layer.GeometryType.LINE,
    "MULTILINESTRING": Layer.GeometryType.LINE,
    "POLYGON": Layer.GeometryType.POLYGON,
    "MULTIPOLYGON": Layer.GeometryType.POLYGON,
}


@dataclasses.dataclass(frozen=True)
class ImportOptions:
    """What the planner chose; everything left empty is detected."""

    source_layer: str | None = None
    srid: int | None = None
    encoding: str | None = None
    mapping: dict[str, str] = dataclasses.field(default_factory=dict)
    comment: str = ""
    batch_size: int = 10000
    # Overlaps and gaps of zoning smaller than this are warnings, not errors.
    tolerance_m2: float | None = None

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ImportOptions:
        names = {field.name for field in dataclasses.fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in names})


@dataclasses.dataclass
class ImportPlan:
    """How an upload will be read: layer, CRS, encoding, mapping, preview."""

    source: SourceLayer
    available: list[str]
    srid: int
    srid_origin: str  # "file", "chosen" or "agency"
    encoding: EncodingGuess | None
    repair_mojibake: bool
    mapping: FieldMapping
    preview: list[dict]
    batch_size: int = 10000
    tolerance_m2: float = AREA_TOLERANCE_M2
    # The .prj GDAL could not read, when the agency's CRS was assumed instead.
    crs_unread: str | None = None

    def as_dict(self) -> dict:
        """A JSON-friendly description, for the confirmation page and the API."""
        return {
            "source": self.source.label,
            "available": self.available,
            "format": self.source.reader.name,
            "geometry_type": self.source.geometry_type,
            "feature_count": self.source.feature_count,
            "fields": self.source.fields,
            "srid": self.srid,
            "srid_name": crs_name(self.srid),
            "srid_origin": self.srid_origin,
            "crs_unread": self.crs_unread,
            "encoding": {
                "declared": self.encoding.declared,
                "detected": self.encoding.detected,
                "samples": [list(pair) for pair in self.encoding.samples],
            }
            if self.encoding
            else None,
            "repair_mojibake": self.repair_mojibake,
            "tolerance_m2": self.tolerance_m2,
            "mapping": self.mapping.as_dict(),
            "preview": self.preview,
        }


def upload_open(path: Path, workdir: Path) -> Path:
    """The folder or file to read: archives are extracted safely into ``workdir``.

    Raises the errors of ``archive.archive_extract``.
    """
    if archive.is_archive(path):
        return archive.archive_extract(path, workdir / "extracted")
    return path


def _json_safe(value):
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, bytes):
        return None
    return value


def import_plan(
    path: Path, *, workdir: Path, layer: Layer, options: ImportOptions
) -> ImportPlan:
    """Inspect the upload at ``path`` and decide how to read it.

    Raises ImportRefused (and subclasses) when it cannot be read at all.
    """
    root = upload_open(path, workdir)
    layers = source_layers(root)
    wanted = options.source_layer
    if wanted is None and len(layers) > 1 and layer.kind == Layer.Kind.ZONING:
        zoning = [s for s in layers if "zon" in (s.layer or s.path.stem).lower()]
        if len(zoning) == 1:
            wanted = zoning[0].layer
    source = source_choose(layers, wanted)
    source.require_geometry()
    if source.feature_count == 0:
        raise EmptyFile(
            _("The layer “%(name)s” holds no feature.") % {"name": source.label}
        )

    encoding = None
    if options.encoding:
        try:
            chosen = encoding_normalise(options.encoding)
        except LookupError as exc:
            raise ImportRefused(
                _("“%(encoding)s” is not a known text encoding.")
                % {"encoding": options.encoding},
                code="unknown_encoding",
            ) from exc
        encoding = EncodingGuess(declared=chosen, detected=chosen)
    elif source.reader.has_encoding:
        declared = source.info.get("encoding") or "utf-8"
        encoding = encoding_detect(source.read_raw_text(), declared=declared)
    if encoding is not None:
        source.encoding = encoding.detected

    preview = source.rows(10)
    repair = False
    if not source.reader.has_encoding and not options.encoding:
        texts = [v for row in preview for v in row.values() if isinstance(v, str)]
        repair = any(looks_like_mojibake(text) for text in texts)
    if repair:
        preview = [
            {k: mojibake_repair(v) if isinstance(v, str) else v for k, v in row.items()}
            for row in preview
        ]

    if options.srid:
        srid, origin = int(options.srid), "chosen"
    elif source.crs_wkt:
        srid, origin = crs_identify(source.crs_wkt), "file"
    else:
        srid, origin = layer.document.agency.srid, "agency"
    crs_unread = source.crs_unread if origin == "agency" else None
    try:
        crs_name(srid)
        Transformer.from_crs(srid, 4326)
    except Exception as exc:
        raise UnknownCRS(
            _("EPSG:%(srid)s is not a coordinate reference system PROJ knows.")
            % {"srid": srid}
        ) from exc

    mapping = mapping_guess(source.fields, hints=source.reader.mapping_hints)
    mapping = mapping_override(mapping, options.mapping, source.fields)
    return ImportPlan(
        source=source,
        available=[s.label for s in layers],
        srid=srid,
        srid_origin=origin,
        encoding=encoding,
        repair_mojibake=repair,
        mapping=mapping,
        preview=[{k: _json_safe(v) for k, v in row.items()} for row in preview],
        batch_size=options.batch_size,
        tolerance_m2=(
            AREA_TOLERANCE_M2 if options.tolerance_m2 is None else options.tolerance_m2
        ),
        crs_unread=crs_unread,
    )


def expected_family(layer: Layer, plan: ImportPlan) -> str:
    """The geometry family a layer takes: polygons for zoning, else the file's."""
    if layer.kind == Layer.Kind.ZONING:
        return Layer.GeometryType.POLYGON
    declared = plan.source.geometry_type.upper().replace(" Z", "").replace(" M", "")
    return _GEOMETRY_FAMILIES.get(declared.strip(), "")


def _shape(geometry) -> shapely.Geometry | None:
    if geometry is None:
        return None
    shape = shapely.from_wkb(bytes(geometry.wkb))
    return shapely.set_srid(shape, 4326)


def _widened(area):
    if area is None:
        return None
    widened = shapely.buffer(area, EDGE_TOLERANCE_DEG)
    shapely.prepare(widened)
    return widened


def _text(value, limit: int, counter: list[int]) -> str:
    if value is None:
        return ""
    text = str(value).strip()
    if len(text) > limit:
        counter[0] += 1
        return text[:limit]
    return text


class _Loader:
    """State of one load: report, rules found, codes seen, counters."""

    def __init__(self, *, layer: Layer, plan: ImportPlan, report: Report) -> None:
        self.layer = layer
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
        self.ledger = EdgeLedger() if layer.kind == Layer.Kind.ZONING else None
        self.equal_area: EqualArea | None = None
        self.source_ids: list[str] = []
        self._categories: dict[tuple, str] = {}
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
        polygonal = geometry_families(geometries) == Layer.GeometryType.POLYGON
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
        is_zoning = self.layer.kind == Layer.Kind.ZONING
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
        raw = self._value(record, "category")
        key = (raw, label, record.get("DESTDOMI"))
        if key not in self._categories:
            kind = self.layer.kind
            category = self.schema.category(raw, kind=kind, record=record)
            if (
                not category
                and kind == Layer.Kind.ZONING
                and "category" not in self.fields
            ):
                category = category_guess(label, kind=kind)
            self._categories[key] = category
        return self._categories[key]

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


def features_load(
    *,
    version_id: int,
    layer: Layer,
    plan: ImportPlan,
    report: Report,
    progress: Progress | None = None,
) -> _Loader:
    """Stream the planned source into ``version_id`` and check it on the way.

    Must run inside a transaction (``layer_import`` opens it). Returns the
    loader state (codes, rules found, counts). Raises UnreadableFile if the file
    turns out to be corrupt part-way.
    """
    agency = layer.document.agency
    territory = _shape(agency.territory)
    perimeter = _shape(layer.document.perimeter)
    # Borders drawn on the territory's or perimeter's edge count as inside.
    territory_zone = _widened(territory)
    perimeter_zone = _widened(perimeter)
    expected = expected_family(layer, plan)
    if plan.encoding and plan.encoding.mismatch and plan.encoding.samples:
        report.add(
            "encoding_repaired",
            count=0,
            declared=plan.encoding.declared,
            detected=plan.encoding.detected,
        )
    to_storage = None
    if plan.srid != 4326:
        transformer = Transformer.from_crs(plan.srid, 4326, always_xy=True)

        def to_storage(coordinates: np.ndarray) -> np.ndarray:
            x, y = transformer.transform(coordinates[:, 0], coordinates[:, 1])
            return np.column_stack([x, y])

    if plan.crs_unread:
        report.add(
            "crs_unreadable",
            count=0,
            name=plan.crs_unread,
            declared=crs_name(plan.srid),
            srid=plan.srid,
        )
    loader = _Loader(layer=layer, plan=plan, report=report)
    crs_checked = False
    total = plan.source.feature_count
    if territory is None:
        report.add("no_territory", count=0)
    with features_copy() as write_rows:
        for batch in plan.source.batches(plan.batch_size):
            ids = np.array([str(fid) for fid in batch.fids], dtype=object)
            source_geometries = batch.geometries
            if not crs_checked and territory is not None:
                crs_checked = True
                _crs_check(source_geometries, plan.srid, territory, report)
            if not expected:
                families = geometry_families(source_geometries)
                expected = next((f for f in families if f), "")
            geometries, keep = geometries_check(
                source_geometries,
                ids,
                expected=expected,
                report=report,
                to_storage=to_storage,
                unreadable=batch.unreadable,
            )
            location_check(
                geometries[keep],
                ids[keep],
                area=territory_zone,
                outside_code="outside_territory",
                partly_code="partly_outside_territory",
                report=report,
            )
            inside = location_check(
                geometries[keep],
                ids[keep],
                area=perimeter_zone,
                outside_code="outside_perimeter",
                partly_code="partly_outside_perimeter",
                report=report,
            )
            rows = loader.rows(version_id, batch, geometries, keep, ids)
            write_rows(rows)
            loader.measure(geometries[keep], inside, perimeter, rows)
            loader.count += int(keep.sum())
            bounds = (
                shapely.total_bounds(geometries[keep])
                if keep.any()
                else np.full(4, np.nan)
            )
            if np.isfinite(bounds).all():
                loader.bounds = (
                    bounds.tolist()
                    if loader.bounds is None
                    else [
                        min(loader.bounds[0], bounds[0]),
                        min(loader.bounds[1], bounds[1]),
                        max(loader.bounds[2], bounds[2]),
                        max(loader.bounds[3], bounds[3]),
                    ]
                )
            if progress:
                progress(loader.count, total)
    if loader.count == 0 and not report.error_count:
        raise EmptyFile(
            _("The layer “%(name)s” holds no feature.") % {"name": plan.source.label}
        )
    loader.expected = expected
    _after_load(loader, version_id=version_id, perimeter=perimeter)
    return loader


def _crs_check(geometries, srid: int, territory, report: Report) -> None:
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


def _after_load(loader: _Loader, *, version_id: int, perimeter) -> None:
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
    if loader.layer.kind == Layer.Kind.ZONING:
        _zoning_check(loader, version_id=version_id, perimeter=perimeter)


def _zoning_check(loader: _Loader, *, version_id: int, perimeter) -> None:
    report = loader.report
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
    suspects = loader.ledger.suspects()
    uncovered = border = None
    if perimeter is not None and loader.equal_area is not None:
        uncovered = float(loader.equal_area.areas(perimeter)[0]) - loader.covered_m2
        border = loader.equal_area.length(perimeter)
    topology_check(
        version_id=version_id,
        perimeter=perimeter,
        report=report,
        tolerance_m2=loader.plan.tolerance_m2,
        # Past half the zones, one plain self-join is simpler than a list.
        suspects=(
            [loader.source_ids[i] for i in suspects]
            if len(suspects) < len(loader.source_ids) / 2
            else None
        ),
        uncovered_m2=uncovered,
        border_m=border or 0.0,
    )


def rules_found(loader: _Loader) -> dict[str, dict]:
    """The rules found per zone code, JSON-ready (decimals as strings)."""
    found = {}
    for code, values in loader.rules.rules.items():
        found[code] = {
            name: str(value) if not isinstance(value, int | str) else value
            for name, value in values.items()
            if value not in (None, "")
        }
    return found


def polygons_read(path: Path, *, srid: int | None = None) -> shapely.Geometry:
    """Every polygon of the vector file ``path`` merged into one, in EPSG:4326.

    Used for an agency territory or a document perimeter. ``srid`` overrides the
    file's CRS. Raises ImportRefused when the file cannot be read or holds no
    polygon.
    """
    with tempfile.TemporaryDirectory(prefix="geoportail-read-") as workdir:
        source = source_choose(source_layers(upload_open(path, Path(workdir))), None)
        source.require_geometry()
        if srid is None:
            if not source.crs_wkt:
                raise UnknownCRS(
                    _("“%(name)s” has no CRS; say which one it is in.")
                    % {"name": source.label}
                )
            srid = crs_identify(source.crs_wkt)
        parts = []
        for batch in source.batches():
            geometries = batch.geometries[~shapely.is_missing(batch.geometries)]
            parts.extend(shapely.get_parts(geometries).tolist())
    polygons = [
        part
        for part in parts
        if shapely.get_type_id(part) == shapely.GeometryType.POLYGON
    ]
    if not polygons:
        raise EmptyFile(_("The file holds no polygon."))
    merged = shapely.union_all(shapely.make_valid(np.array(polygons, dtype=object)))
    if srid != 4326:
        transformer = Transformer.from_crs(srid, 4326, always_xy=True)
        merged = shapely.transform(
            merged, lambda xy: np.column_stack(transformer.transform(*xy.T))
        )
    return shapely.set_srid(merged, 4326)
