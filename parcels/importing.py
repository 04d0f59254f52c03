"""Reading a parcel registry file: which fields hold the reference, area and
address, and the checks of each parcel. Files are read and checked with the
``importing`` package's readers and per-batch checks (any format GDAL reads,
archives extracted safely)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import NamedTuple

import numpy as np
import shapely
from pyproj import Transformer

from importing.crs import crs_identify
from importing.geometry import geometries_check, location_check
from importing.issues import Report
from importing.mapping import FieldMapping, mapping_override
from importing.plan import upload_open
from importing.readers import SourceLayer, source_choose, source_layers
from layers.models import Agency
from parcels.references import InvalidReference, ParcelReference

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


class ParcelRow(NamedTuple):
    """One parcel to load: a tuple in the order of the staging table's COPY,
    written as it is (a million frozen dataclasses cost 1.5 s more)."""

    kind: str
    reference: str
    key: str
    area_m2: Decimal | None
    address: str
    geom_hex: str


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


def _area(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        area = Decimal(str(value).replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        return None
    return area if area.is_finite() and area >= 0 else None


def _multi(geometries: np.ndarray) -> np.ndarray:
    """The polygons as multipolygons (one part each), the rest as it is: a
    first import COPYs the rows straight into a table whose geometry column
    takes multipolygons only (``parcels.partitions``)."""
    polygons = shapely.get_type_id(geometries) == shapely.GeometryType.POLYGON
    if polygons.any():
        geometries = geometries.copy()
        geometries[polygons] = shapely.multipolygons(geometries[polygons, np.newaxis])
    return geometries


def parcel_rows(
    plan: ParcelPlan, *, agency: Agency, report: Report, progress=None
) -> Iterator[ParcelRow]:
    """Yield the parcels of the file, checked; the report lists what was left out
    and, once the file is read, its summary says how many features were read."""
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

    reference_field = plan.mapping.fields.get("reference")
    area_field = plan.mapping.fields.get("area")
    address_field = plan.mapping.fields.get("address")
    seen: set[str] = set()
    done = 0
    for batch in plan.source.batches():
        ids = np.array([str(fid) for fid in batch.fids], dtype=object)
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
        hexes = shapely.to_wkb(
            shapely.set_srid(_multi(geometries), 4326), hex=True, include_srid=True
        )
        references = batch.columns[reference_field].tolist() if reference_field else []
        areas = batch.columns[area_field].tolist() if area_field else []
        addresses = batch.columns[address_field].tolist() if address_field else []
        # Plain ints index the lists faster than numpy's, and the key is
        # computed once: this loop runs a million times for a cadastre.
        for index in np.flatnonzero(keep).tolist():
            text = str(references[index] or "").strip() if references else ""
            try:
                reference = ParcelReference.parse(text)
            except InvalidReference:
                report.add("invalid_reference", features=[ids[index]], value=text)
                continue
            key = reference.key
            if key in seen:
                report.add("duplicate_reference", features=[ids[index]], value=text)
                continue
            seen.add(key)
            yield ParcelRow(
                kind=reference.kind,
                reference=reference.display,
                key=key,
                area_m2=_area(areas[index]) if areas else None,
                address=str(addresses[index] or "")[:300] if addresses else "",
                geom_hex=hexes[index],
            )
        done += len(batch)
        if progress:
            progress(done, plan.source.feature_count)
    report.summary["features"] = done
