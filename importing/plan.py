"""Planning an import: how an upload will be read, before anything is stored.

``import_plan`` opens the upload (extracting archives safely), chooses the layer
inside it, works out encoding, CRS and attribute mapping, and returns everything
a planner confirms, with a preview of the first rows. It takes the layer's kind
and the agency's CRS as plain values; streaming the planned file into a layer
version is ``layers.imports.draft``.
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import shapely
from django.utils.translation import gettext as _
from pyproj import Transformer

from importing import archive
from importing.crs import crs_identify, crs_name
from importing.encoding import (
    EncodingGuess,
    encoding_detect,
    encoding_normalise,
    looks_like_mojibake,
    mojibake_repair,
)
from importing.errors import EmptyFile, ImportRefused, UnknownCRS
from importing.geometry import AREA_TOLERANCE_M2
from importing.mapping import (
    FieldMapping,
    ValueChoice,
    category_suggest,
    mapping_guess,
    mapping_override,
)
from importing.readers import SourceLayer, source_choose, source_layers
from importing.vocabulary import Kind


@dataclasses.dataclass(frozen=True)
class ImportOptions:
    """What the planner chose; everything left empty is detected."""

    source_layer: str | None = None
    srid: int | None = None
    encoding: str | None = None
    mapping: dict[str, str] = dataclasses.field(default_factory=dict)
    # The category each value of the category field becomes; None: the
    # layer's remembered choices.
    values: dict[str, str] | None = None
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

    def field_samples(self, limit: int = 5) -> dict[str, list]:
        """Up to ``limit`` distinct non-empty values of each field, from the
        preview's rows: what the planner sees beside each field's name."""
        samples: dict[str, list] = {name: [] for name in self.source.fields}
        for row in self.preview:
            for name, values in samples.items():
                value = row.get(name)
                fresh = value not in (None, "") and value not in values
                if fresh and len(values) < limit:
                    values.append(value)
        return samples

    def first_shapes(self, limit: int = 1000) -> dict:
        """The first ``limit`` features' shapes in EPSG:4326 with their codes,
        as GeoJSON: a map of an upload too large to import on trial. Shapes
        that are missing or not made of numbers are left out (the import's
        report names them)."""
        batches = self.source.batches(limit)
        try:
            batch = next(batches, None)
        finally:
            batches.close()
        if batch is None:
            return {"type": "FeatureCollection", "features": []}
        shapes = np.asarray(batch.geometries, dtype=object)
        present = ~(shapely.is_missing(shapes) | shapely.is_empty(shapes))
        coordinates, owners = shapely.get_coordinates(shapes, return_index=True)
        present[owners[~np.isfinite(coordinates).all(axis=1)]] = False
        if self.srid != 4326:
            transformer = Transformer.from_crs(self.srid, 4326, always_xy=True)
            shapes[present] = shapely.transform(
                shapes[present],
                lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])),
            )
        field = self.mapping.fields.get("code")
        codes = batch.columns.get(field) if field else None
        return {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": json.loads(shapely.to_geojson(shapes[index])),
                    "properties": {
                        "code": "" if codes is None else str(codes[index] or "")
                    },
                }
                for index in np.flatnonzero(present)
            ],
        }

    def category_reads(self) -> list[str]:
        """The file's fields the schema reads besides the category's to tell
        a feature's category (a CNIG urban zone's DESTDOMI)."""
        wanted = self.mapping.schema_class.record_fields
        return [name for name in self.source.fields if name.upper() in wanted]

    def category_values(self, *, kind: str) -> list[ValueChoice]:
        """The distinct values of the mapped category field over the whole
        file, each with its suggested and chosen category ([] when no field
        is mapped to the category)."""
        field = self.mapping.fields.get("category")
        if not field:
            return []
        records = self.source.records([field, *self.category_reads()])
        if self.repair_mojibake:
            records = (
                {
                    k: mojibake_repair(v) if isinstance(v, str) else v
                    for k, v in record.items()
                }
                for record in records
            )
        return category_suggest(records, field=field, kind=kind, mapping=self.mapping)

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
                "declared_by": self.encoding.declared_by,
                "detected": self.encoding.detected,
                "samples": [list(pair) for pair in self.encoding.samples],
            }
            if self.encoding
            else None,
            "repair_mojibake": self.repair_mojibake,
            "tolerance_m2": self.tolerance_m2,
            "mapping": self.mapping.as_dict(),
            "field_samples": self.field_samples(),
            "category_reads": self.category_reads(),
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
    path: Path,
    *,
    workdir: Path,
    kind: str,
    agency_srid: int,
    options: ImportOptions,
    remembered: dict | None = None,
) -> ImportPlan:
    """Inspect the upload at ``path`` and decide how to read it.

    ``kind`` is the layer's (a zoning prefers a file named like one among
    several); ``agency_srid`` is the CRS assumed when the file says none;
    ``remembered`` the mapping the layer's last upload used, proposed first.

    Raises ImportRefused (and subclasses) when it cannot be read at all.
    """
    root = upload_open(path, workdir)
    layers = source_layers(root)
    wanted = options.source_layer
    if wanted is None and len(layers) > 1 and kind == Kind.ZONING:
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
        encoding = EncodingGuess(declared=chosen, detected=chosen, declared_by="chosen")
    elif source.reader.has_encoding:
        declared = source.declared_encoding
        encoding = encoding_detect(
            source.read_raw_text(),
            declared=declared.name if declared else source.reader.default_encoding,
            declared_by=declared.by if declared else "",
        )
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
        srid, origin = agency_srid, "agency"
    crs_unread = source.crs_unread if origin == "agency" else None
    try:
        crs_name(srid)
        Transformer.from_crs(srid, 4326)
    except Exception as exc:
        raise UnknownCRS(
            _("EPSG:%(srid)s is not a coordinate reference system PROJ knows.")
            % {"srid": srid}
        ) from exc

    mapping = mapping_guess(
        source.fields,
        kind=kind,
        hints=source.reader.mapping_hints,
        remembered=remembered,
    )
    mapping = mapping_override(
        mapping, options.mapping, source.fields, values=options.values, kind=kind
    )
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
