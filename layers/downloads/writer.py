"""A layer version written into a file with GDAL (pyogrio), batch by batch.

The columns are the features' attributes as they were imported, with the
portal's ``code``, ``label_fr``, ``label_ar`` and ``category`` added where the
source had no field of that name (case ignored: it is then most likely where
they were read from). Each attribute keeps one type across the layer: whole
numbers, numbers, booleans, or text (anything mixed, and lists or objects as
JSON). Features come out of PostGIS ``BATCH_SIZE`` at a time through a
server-side cursor, already in the CRS asked for, so memory stays flat however
large the layer.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import numpy as np
import orjson
from django.contrib.gis.db.models.functions import AsWKB, GeometryType, Transform
from django.db.models import TextField
from django.db.models.functions import Cast
from pyogrio import raw

from core.replicas import read_connection
from layers.downloads.formats import ExportFormat
from layers.models import STORAGE_SRID, Feature, Layer, LayerVersion

BATCH_SIZE = 5000
PORTAL_COLUMNS = ("code", "label_fr", "label_ar", "category")
GEOMETRY_TYPES = {"polygon": "MultiPolygon", "line": "MultiLineString"}

# One row per attribute name: the JSON types its values take in the version,
# and whether every number among them is whole (and fits 64 bits).
_ATTRIBUTES_SQL = """
SELECT a.key,
       array_agg(DISTINCT jsonb_typeof(a.value)),
       bool_and(jsonb_typeof(a.value) <> 'number'
                OR a.value::text ~ '^-?[0-9]{1,18}$')
FROM layers_feature f, jsonb_each(f.attributes) a
WHERE f.version_id = %s
GROUP BY a.key
ORDER BY lower(a.key), a.key COLLATE "C"
"""


class Row(NamedTuple):
    """One feature as the file needs it."""

    code: str
    label_fr: str
    label_ar: str
    category: str
    attributes: dict
    wkb: bytes


@dataclasses.dataclass(frozen=True)
class Column:
    """One column of the file: its name, where its value comes from and type."""

    name: str
    source: str  # an attribute name, or one of PORTAL_COLUMNS
    portal: bool
    kind: str  # "int", "float", "bool" or "text"

    def values(self, rows: list[Row]) -> tuple[np.ndarray, np.ndarray | None]:
        """This column's values for ``rows`` and the mask of nulls."""
        if self.portal:
            texts = [getattr(row, self.source) for row in rows]
            return np.array(texts, dtype=object), None
        raw_values = [row.attributes.get(self.source) for row in rows]
        mask = np.array([value is None for value in raw_values], dtype=bool)
        if self.kind == "text":
            return np.array([_text(v) for v in raw_values], dtype=object), None
        dtype = {"int": np.int64, "float": np.float64, "bool": np.bool_}[self.kind]
        filled = [0 if value is None else value for value in raw_values]
        return np.array(filled, dtype=dtype), mask


def _text(value) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return json.dumps(value)  # numbers and booleans as JSON writes them


def _kind(types: list[str], whole: bool) -> str:
    types = set(types) - {"null"}
    if types == {"number"}:
        return "int" if whole else "float"
    if types == {"boolean"}:
        return "bool"
    return "text"


def version_columns(
    version: LayerVersion, *, reserved: frozenset[str] = frozenset()
) -> list[Column]:
    """The columns of ``version``'s file (see the module's docstring).

    A name the format keeps for itself (``reserved``, lower case) or one that
    differs from an earlier one by case only (a GeoPackage's columns ignore
    case) gets a ``_1``, ``_2``… suffix.
    """
    with read_connection().cursor() as cursor:
        cursor.execute(_ATTRIBUTES_SQL, [version.pk])
        attributes = cursor.fetchall()
    taken = {name.lower() for name, _types, _whole in attributes}
    columns = [
        Column(name=name, source=name, portal=True, kind="text")
        for name in PORTAL_COLUMNS
        if name not in taken
    ]
    used = set(reserved) | {column.name for column in columns}
    for name, types, whole in attributes:
        unique, number = name, 0
        while unique.lower() in used:
            number += 1
            unique = f"{name}_{number}"
        used.add(unique.lower())
        columns.append(
            Column(name=unique, source=name, portal=False, kind=_kind(types, whole))
        )
    return columns


def version_geometry_type(version: LayerVersion) -> str:
    """GDAL's geometry type for ``version``'s file: polygons and lines as multi
    (a file has one type), points as points unless some are multipoints."""
    kind = version.layer.geometry_type
    if kind == Layer.GeometryType.POINT:
        multi = (
            Feature.objects.filter(version=version)
            .annotate(kind=GeometryType("geom"))
            .filter(kind="MULTIPOINT")
            .exists()
        )
        return "MultiPoint" if multi else "Point"
    return GEOMETRY_TYPES[kind]


def _rows(version: LayerVersion, srid: int) -> Iterator[Row]:
    """Each feature of ``version``, its geometry in EPSG:``srid``.

    The attributes come as JSON text, parsed by orjson: Django's JSONField
    parses with the standard library, several times slower on a large layer.
    """
    geometry = "geom" if srid == STORAGE_SRID else Transform("geom", srid)
    rows = (
        Feature.objects.filter(version=version)
        .order_by("pk")
        .annotate(wkb=AsWKB(geometry), attributes_text=Cast("attributes", TextField()))
        .values_list(*PORTAL_COLUMNS, "attributes_text", "wkb")
        .iterator(chunk_size=BATCH_SIZE)
    )
    for *portal, attributes, wkb in rows:
        yield Row(*portal, orjson.loads(attributes), bytes(wkb))


def version_write(
    *,
    version: LayerVersion,
    export: type[ExportFormat],
    srid: int,
    directory: Path,
    name: str,
) -> Path:
    """Write ``version`` in ``export``'s format, coordinates in EPSG:``srid``,
    as ``directory/name…``; return the file to send (packed when the format
    needs it). Raises GDAL's errors (pyogrio's) when it cannot write."""
    columns = version_columns(version, reserved=export.reserved)
    geometry_type = version_geometry_type(version)
    path = directory / f"{name}{export.suffix}"
    options = {
        "layer": name,
        "driver": export.driver,
        "geometry_type": geometry_type,
        "crs": f"EPSG:{srid}",
        "encoding": export.encoding,
        "promote_to_multi": geometry_type.startswith("Multi"),
        "layer_options": export.options(geometry_type=geometry_type),
        "dataset_options": export.dataset_options,
    }
    written = False
    for batch in itertools.batched(_rows(version, srid), BATCH_SIZE):
        _write(path, columns, batch, append=written, options=options)
        written = True
    if not written:  # an empty version still makes a file, with its columns
        _write(path, columns, (), append=False, options=options)
    return export.package(path)


def _write(
    path: Path,
    columns: list[Column],
    rows: tuple[Row, ...],
    *,
    append: bool,
    options: dict,
) -> None:
    values = [column.values(list(rows)) for column in columns]
    raw.write(
        path,
        np.array([row.wkb for row in rows], dtype=object),
        [data for data, _mask in values],
        [column.name for column in columns],
        field_mask=[mask for _data, mask in values],
        append=append,
        **options,
    )
