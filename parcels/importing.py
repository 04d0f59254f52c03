"""Reading a parcel registry file: which fields hold the reference, area and
address, and the checks of each parcel. Files are read and checked with the
``importing`` package's readers and per-batch checks (any format GDAL reads,
archives extracted safely)."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import NamedTuple

import numpy as np
import shapely
from psycopg import sql
from pyproj import Transformer

from importing.crs import crs_identify
from importing.geometry import geometries_check, location_check
from importing.issues import Report
from importing.mapping import FieldMapping, mapping_override
from importing.plan import upload_open
from importing.readers import SourceLayer, source_choose, source_layers
from layers.models import Agency
from parcels.references import InvalidReference, ParcelReference, written_many

ALIASES = {
    "reference": (
        "REFERENCE",
        "REF",
        "TF",
        "NUM_TF",
        "TITRE",
        "N_TITRE",
        "TITRE_FONC",
        "NUMERO",
        "PARCELLE",
        "IDU",
    ),
    "area": ("SUPERFICIE", "SURFACE", "CONTENANCE", "AREA", "SUP"),
    "address": ("ADRESSE", "ADDRESS", "LIEU_DIT", "LOCALITE"),
}


@dataclasses.dataclass
class ParcelPlan:
    """How a parcel file will be read."""

    source: SourceLayer
    srid: int
    mapping: FieldMapping


# The columns of a batch's COPY text, in its order.
COPY_COLUMNS = (
    "kind",
    "reference",
    "reference_key",
    "official_area_m2",
    "address",
    "geom",
)


class ParcelBatch(NamedTuple):
    """Parcels to load: their rows as COPY text (``COPY_COLUMNS``), how
    many, and their boxes in degrees (west, south, east, north: a first
    import reckons the cells they touch, ``cells_touched``). A batch is
    written whole, not a row at a time: a million calls to ``write_row``
    with their tuples cost ≈ 2 s."""

    text: str
    count: int
    bounds: np.ndarray


# Cells a degree (``ParcelCell``): what parcels migration 0009's
# ``parcels_cell`` computes in the database, which its triggers and the
# clicks use (tests/fuzz/test_parcel_cells.py holds the two together).
CELLS_PER_DEGREE = 100
_CELL_OFFSET = 200 * CELLS_PER_DEGREE  # more than any |x| or |y|
_CELL_SPAN = 2 * _CELL_OFFSET


def cells_touched(bounds: np.ndarray) -> np.ndarray:
    """The distinct (x, y) cells of ``CELLS_PER_DEGREE`` that the boxes
    ``bounds`` (rows of west, south, east, north in degrees) touch: what the
    database's trigger adds for rows it sees, reckoned here from the batches
    a first import loads, which no trigger sees (≈ 0.2 s a million parcels,
    where the same statement over the loaded table took 1.2 s). An empty
    geometry's box (NaN) touches none."""
    bounds = bounds[np.isfinite(bounds).all(axis=1)]
    low = np.floor(bounds[:, :2] * CELLS_PER_DEGREE).astype(np.int64)
    high = np.floor(bounds[:, 2:] * CELLS_PER_DEGREE).astype(np.int64)
    # A box at most one cell across each way touches the cells of its
    # corners: nearly every parcel, done at once.
    small = (high - low <= 1).all(axis=1)
    west, south = low[small].T
    east, north = high[small].T
    wide, tall = east != west, north != south
    both = wide & tall
    cells = [
        np.column_stack(
            [
                np.concatenate([west, east[wide], west[tall], east[both]]),
                np.concatenate([south, south[wide], north[tall], north[both]]),
            ]
        )
    ]
    for (x0, y0), (x1, y1) in zip(low[~small], high[~small], strict=True):
        xs, ys = np.meshgrid(np.arange(x0, x1 + 1), np.arange(y0, y1 + 1))
        cells.append(np.column_stack([xs.ravel(), ys.ravel()]))
    pairs = np.concatenate(cells)
    # Distinct as one integer each (a degree holds 100 cells: |x|, |y| are
    # at most 18,001), much faster than np.unique over rows.
    keys = np.unique((pairs[:, 0] + _CELL_OFFSET) * _CELL_SPAN + pairs[:, 1])
    x, y = np.divmod(keys + _CELL_OFFSET, _CELL_SPAN)
    return np.column_stack([x - _CELL_OFFSET, y - _CELL_OFFSET])


class Repeats:
    """The keys of the references read so far, to find repeated ones with
    memory that stays small: kept as 64-bit hashes in sorted runs, 8 bytes a
    parcel where a set of the keys took ≈ 100 (a gigabyte for 10 M parcels).

    A key whose hash was seen before is a *suspect*: a repeat, or rarely
    another key with the same hash. Suspects are loaded like the others;
    once the batches are loaded, ``drop`` asks the database which of them
    repeat a key loaded before them, deletes those and reports them as
    ``parse``-ing one at a time did: the first of a key is kept."""

    def __init__(self) -> None:
        self.runs: list[np.ndarray] = []
        self.suspects: list[tuple[str, str, str]] = []  # key, feature, text

    def check(self, keys: list[str], ids: np.ndarray, texts: list[str]) -> None:
        """Note the suspects among ``keys`` (of the features ``ids``, written
        ``texts``), read in the file's order after those checked before."""
        if not keys:
            return
        hashes = np.fromiter(map(hash, keys), dtype=np.int64, count=len(keys))
        order = np.argsort(hashes, kind="stable")
        run = hashes[order]
        suspect = np.zeros(len(keys), dtype=bool)
        # A repeat in the batch follows its first in the stable order.
        suspect[order[1:][run[1:] == run[:-1]]] = True
        for earlier in self.runs:
            at = np.minimum(np.searchsorted(earlier, hashes), len(earlier) - 1)
            suspect |= earlier[at] == hashes
        for index in np.flatnonzero(suspect).tolist():
            self.suspects.append((keys[index], str(ids[index]), texts[index]))
        # Runs merged as a binary counter's digits carry: ≈ log₂ of the
        # batches, each hash merged as many times (a merge of two sorted runs
        # is linear in the stable sort).
        self.runs.append(run)
        while len(self.runs) > 1 and len(self.runs[-2]) <= len(self.runs[-1]):
            last = self.runs.pop()
            self.runs[-1] = np.sort(
                np.concatenate([self.runs[-1], last]), kind="stable"
            )

    def drop(self, cursor, table: sql.Composable, report: Report) -> int:
        """Delete from ``table`` (just loaded, rows in the file's order) the
        parcels repeating a key loaded before them, report each; return how
        many."""
        if not self.suspects:
            return 0
        cursor.execute(
            sql.SQL(
                "WITH firsts AS ("
                " SELECT reference_key, min(ctid) AS first FROM {table}"
                " WHERE reference_key = ANY(%s) GROUP BY 1 HAVING count(*) > 1)"
                " DELETE FROM {table} t USING firsts f"
                " WHERE t.reference_key = f.reference_key AND t.ctid <> f.first"
                " RETURNING t.reference_key"
            ).format(table=table),
            [sorted({key for key, _, _ in self.suspects})],
        )
        dropped = Counter(key for (key,) in cursor.fetchall())
        # The repeats of a key are its last suspects: every occurrence but
        # the first is one, and the first is one only when its hash was
        # another key's.
        repeats = []
        for key, feature, text in reversed(self.suspects):
            if dropped[key]:
                dropped[key] -= 1
                repeats.append((feature, text))
        for feature, text in reversed(repeats):
            report.add("duplicate_reference", features=[feature], value=text)
        return len(repeats)


def parcel_plan(
    path: Path,
    *,
    workdir: Path,
    agency: Agency,
    srid: int | None = None,
    mapping: dict[str, str] | None = None,
    source_layer: str | None = None,
) -> ParcelPlan:
    """Open the parcel file and decide CRS and field mapping.

    Raises ImportRefused (and subclasses) as the layer import does.
    """
    source = source_choose(source_layers(upload_open(path, workdir)), source_layer)
    if srid is None:
        srid = crs_identify(source.crs_wkt) if source.crs_wkt else agency.srid
    by_upper = {name.upper(): name for name in source.fields}
    fields = {}
    for target, names in ALIASES.items():
        found = next((by_upper[name] for name in names if name in by_upper), None)
        if found:
            fields[target] = found
    guessed = FieldMapping(fields=fields)
    if mapping:
        guessed = _override(guessed, mapping, source.fields)
    return ParcelPlan(source=source, srid=srid, mapping=guessed)


def _override(mapping: FieldMapping, overrides: dict, fields) -> FieldMapping:
    # The layer mapping's checks, with the parcel targets.
    renamed = {("code" if k == "reference" else k): v for k, v in overrides.items()}
    checked = mapping_override(
        FieldMapping(fields={}),
        {k: v for k, v in renamed.items() if k == "code"},
        fields,
    )
    result = dict(mapping.fields)
    if "code" in checked.fields:
        result["reference"] = checked.fields["code"]
    for target in ("area", "address"):
        if overrides.get(target):
            result[target] = overrides[target]
    return FieldMapping(fields=result)


# The area as a number the database reads as it is ("1234,5" with a decimal
# comma too); anything else (thousands spaced out, a sign, an exponent) is
# read by ``_area``. Nine digits before the decimal mark: any such number
# fits the column, numeric(12, 2), once rounded; ``_area`` leaves out what
# would not (10¹⁰ m² or more; no parcel has it).
_AREA_LINES = re.compile(r"^ *([0-9]{1,9}(?:[.,][0-9]*)?) *$", re.MULTILINE)
_AREA_BEYOND = Decimal("9999999999.995")

# The text of the COPY format's special characters; NUL, which no text
# column can hold, dropped.
_COPY_ESCAPES = str.maketrans(
    {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\0": ""}
)
_COPY_SPECIAL = re.compile(r"[\\\t\n\r\0]")

# EWKB of a multipolygon in EPSG:4326 (little-endian, SRID flag), then its
# one part or its parts: a polygon's WKB goes after the whole head, a
# multipolygon's after its own byte order and type.
_MULTI_HEAD = "0106000020e6100000"
_ONE_PART = _MULTI_HEAD + "01000000"


def _area(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        area = Decimal(str(value).replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        return None
    return area if area.is_finite() and 0 <= area < _AREA_BEYOND else None


def _texts(values: np.ndarray) -> list[str]:
    """The values as texts ("" for none)."""
    texts = values.tolist()
    if all(type(text) is str for text in texts):
        return texts
    return ["" if value is None else str(value) for value in texts]


def _copy_texts(texts: list[str]) -> list[str]:
    """``texts`` as the COPY format writes them."""
    if not _COPY_SPECIAL.search("".join(texts)):
        return texts
    return [text.translate(_COPY_ESCAPES) for text in texts]


def _areas(values: np.ndarray) -> list[str]:
    """The official areas as COPY text (``\\N`` for none or unreadable): in one
    pass when each is a plain number, else one at a time."""
    texts = _texts(values)
    joined = "\n".join(texts)
    if joined.count("\n") == len(texts) - 1:
        numbers, matched = _AREA_LINES.subn(r"\1", joined)
        if matched + texts.count("") == len(texts):
            return [
                number.replace(",", ".") if number else "\\N"
                for number in numbers.split("\n")
            ]
    areas = [_area(text) for text in texts]
    return ["\\N" if area is None else str(area) for area in areas]


def _addresses(values: np.ndarray) -> list[str]:
    texts = _texts(values)
    if max(map(len, texts), default=0) > 300:
        texts = [text[:300] for text in texts]
    return _copy_texts(texts)


def _ewkb_hex(geometries: np.ndarray) -> list[str]:
    """Hex EWKB of the (multi)polygons as multipolygons in EPSG:4326, the
    geometry column's type: GEOS's hex writer took 2 s for a million, the
    binary one and ``bytes.hex`` a quarter of it."""
    wkbs = shapely.to_wkb(geometries, byte_order=1).tolist()
    polygons = (
        shapely.get_type_id(geometries) == shapely.GeometryType.POLYGON
    ).tolist()
    return [
        _ONE_PART + wkb.hex() if polygon else _MULTI_HEAD + wkb[5:].hex()
        for wkb, polygon in zip(wkbs, polygons, strict=True)
    ]


def _references(
    texts: list[str], ids: np.ndarray, *, report: Report
) -> tuple[list[str], list[str], list[str], list[int] | None]:
    """(kinds, displays, keys, the positions kept) of the references
    ``texts``; the positions are None when all are kept. Each unreadable
    one is left out and reported. A batch as registries write it is read
    whole (``written_many``), the others a reference at a time."""
    written = written_many(texts)
    if written is not None:
        kinds, keys = written
        return kinds, texts, keys, None
    kinds, displays, keys, kept = [], [], [], []
    for index, text in enumerate(texts):
        try:
            reference = ParcelReference.parse(text)
        except InvalidReference:
            report.add("invalid_reference", features=[ids[index]], value=text)
            continue
        kinds.append(reference.kind)
        displays.append(reference.display)
        keys.append(reference.key)
        kept.append(index)
    return kinds, displays, keys, kept


def parcel_batches(
    plan: ParcelPlan,
    *,
    agency: Agency,
    report: Report,
    repeats: Repeats,
    progress=None,
) -> Iterator[ParcelBatch]:
    """Yield the parcels of the file, checked, a batch at a time; the report
    lists what was left out and, once the file is read, its summary says how
    many features were read. Repeated references are loaded, and noted in
    ``repeats`` to be dropped once loaded. Each step works on the whole
    batch: this runs for a million parcels when an agency loads its
    cadastre."""
    territory = None
    if agency.territory is not None:
        territory = shapely.buffer(shapely.from_wkb(bytes(agency.territory.wkb)), 1e-5)
        shapely.prepare(territory)
    else:
        report.add("no_territory", count=0)
    transform = None
    if plan.srid != 4326:
        transformer = Transformer.from_crs(plan.srid, 4326, always_xy=True)

        def transform(coordinates: np.ndarray) -> np.ndarray:
            return np.column_stack(transformer.transform(*coordinates.T))

    fields = plan.mapping.fields
    done = 0
    for batch in plan.source.batches():
        ids = np.asarray(batch.fids).astype(str).astype(object)
        geometries, keep = geometries_check(
            batch.geometries,
            ids,
            expected="polygon",
            report=report,
            to_storage=transform,
            unreadable=batch.unreadable,
        )
        location_check(
            geometries[keep],
            ids[keep],
            area=territory,
            outside_code="outside_territory",
            partly_code="partly_outside_territory",
            report=report,
        )
        kept = np.flatnonzero(keep)
        done += len(batch)
        if len(kept):
            parcels = _batch(
                batch, kept, geometries, ids, fields, repeats=repeats, report=report
            )
            if parcels.count:
                yield parcels
        if progress:
            progress(done, plan.source.feature_count)
    report.summary["features"] = done


def _batch(batch, kept, geometries, ids, fields, *, repeats, report) -> ParcelBatch:
    """The COPY text of the parcels of ``batch`` at the positions ``kept``
    (their geometries checked), the references read and checked."""

    def column(target: str) -> np.ndarray:
        name = fields.get(target)
        return batch.columns[name][kept] if name else np.full(len(kept), "", object)

    references = [text.strip() for text in _texts(column("reference"))]
    kinds, displays, keys, chosen = _references(references, ids[kept], report=report)
    areas = _areas(column("area"))
    addresses = _addresses(column("address"))
    if chosen is not None:
        kept = kept[chosen]
        references = [references[index] for index in chosen]
        areas = [areas[index] for index in chosen]
        addresses = [addresses[index] for index in chosen]
    repeats.check(keys, ids[kept], references)
    hexes = _ewkb_hex(geometries[kept])
    rows = zip(kinds, displays, keys, areas, addresses, hexes, strict=True)
    return ParcelBatch(
        text="\n".join(map("\t".join, rows)) + "\n",
        count=len(kinds),
        bounds=shapely.bounds(geometries[kept]),
    )
