"""Any bytes under any accepted name are read, or refused with a typed error.

Hypothesis mutates real files of every format the portal accepts (flipped,
inserted and deleted bytes, truncations) and also makes up bytes from nothing;
each upload goes through what the inspect and upload APIs call — the plan
(archive, readers, encoding, CRS, mapping, preview) and the streamed batches
with their per-feature checks. The only acceptable outcomes are a read or an
``ImportRefused`` with a message: never another exception (a 500).
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pyproj import Transformer

from importing.errors import ImportRefused
from importing.geometry import geometries_check
from importing.issues import Report
from importing.load import expected_family
from importing.plan import ImportOptions, import_plan
from importing.vocabulary import Kind
from layers.services import layer_import

from .conftest import (
    geojson_file,
    to_srid,
    write_vector,
    zoning_cells,
    zoning_features,
    zoning_file,
)

FUZZ = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _seeds() -> dict[str, dict[str, bytes]]:
    """One real upload per accepted suffix: {upload name: {member: bytes}}."""
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        seeds = {
            "zonage.geojson": geojson_file(tmp / "z.geojson", zoning_features()),
            "zonage.csv": zoning_file(
                tmp, driver="CSV", suffix=".csv", srid=4326, GEOMETRY="AS_WKT"
            ),
            "zonage.kml": zoning_file(tmp, driver="KML", suffix=".kml", srid=4326),
            "zonage.gpkg": zoning_file(tmp, driver="GPKG", suffix=".gpkg"),
            "zonage.dxf": write_vector(
                tmp / "zonage.dxf",
                driver="DXF",
                geometries=[
                    shapely.LineString(shapely.get_coordinates(cell.exterior))
                    for cell in to_srid(zoning_cells(), 26191)
                ],
                names=[],
                columns=[],
                srid=None,
                geometry_type="LineString",
            ),
        }
        found = {name: {name: path.read_bytes()} for name, path in seeds.items()}
        # Small enough that each example reads it all (the real PLU is slow).
        zoning_file(tmp, driver="ESRI Shapefile", suffix=".shp", encoding="cp1252")
        shapefile = {
            f"zonage{suffix}": (tmp / f"zonage{suffix}").read_bytes()
            for suffix in (".shp", ".shx", ".dbf", ".prj", ".cpg")
        }
    found["zonage.shp"] = shapefile
    found["zonage.zip"] = shapefile
    found["zonage.kmz"] = {"doc.kml": found["zonage.kml"]["zonage.kml"]}
    return found


SEEDS = _seeds()


NUMBER = re.compile(rb"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
# What a number may become in a hostile or broken file.
NOT_NUMBERS = [
    b"NaN",
    b"nan",
    b"Infinity",
    b"-1e309",
    b"1e300",
    b"-0.0",
    b"null",
    b'""',
    b"[]",
    b"99999999999999999999999",
]


@st.composite
def mutated(draw, data: bytes) -> bytes:
    """``data`` with a few bytes flipped, inserted or deleted, cut short, or a
    number replaced by something that is not one."""
    data = bytearray(data)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(
            st.sampled_from(["flip", "insert", "delete", "cut", "splice", "number"])
        )
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "number":
            numbers = list(NUMBER.finditer(bytes(data)))
            if numbers:
                found = numbers[draw(st.integers(0, len(numbers) - 1))]
                data[found.start() : found.end()] = draw(st.sampled_from(NOT_NUMBERS))
        elif kind == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 256))]
        elif kind == "cut":
            del data[at:]
        elif kind == "splice":
            # Characters that mean something to the parsers.
            token = draw(st.sampled_from([b"NaN", b"1e309", b"-", b"\x00", b'"']))
            data[at:at] = token
    return bytes(data)


def _upload(draw, name: str) -> dict[str, bytes]:
    members = dict(SEEDS[name])
    victim = draw(st.sampled_from(sorted(members)))
    if draw(st.booleans()) and draw(st.booleans()):
        members[victim] = draw(st.binary(max_size=2048))  # bytes from nothing
    else:
        members[victim] = draw(mutated(members[victim]))
    return members


def _write(folder: Path, name: str, members: dict[str, bytes]) -> Path:
    """The upload as the API stores it: a file, or a zip of the members."""
    path = folder / name
    if path.suffix in {".zip", ".kmz"}:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for member, data in members.items():
                archive.writestr(member, data)
    else:
        for member, data in members.items():
            (folder / member).write_bytes(data)
    return path


def _read(path: Path, workdir: Path) -> int:
    """Plan the upload for a zoning layer of an agency in Merchich Nord, and
    stream it through the per-feature checks.

    Returns the number of features kept; raises ImportRefused as the API does.
    """
    plan = import_plan(
        path,
        workdir=workdir,
        kind=Kind.ZONING,
        agency_srid=26191,
        options=ImportOptions(),
    )
    report = Report()
    transformer = Transformer.from_crs(plan.srid, 4326, always_xy=True)

    def to_storage(coordinates: np.ndarray) -> np.ndarray:
        return np.column_stack(transformer.transform(*coordinates.T))

    kept = 0
    for batch in plan.source.batches(plan.batch_size):
        ids = np.array([str(fid) for fid in batch.fids], dtype=object)
        _geometries, keep = geometries_check(
            batch.geometries,
            ids,
            expected=expected_family(kind=Kind.ZONING, plan=plan),
            report=report,
            to_storage=to_storage,
            unreadable=batch.unreadable,
        )
        kept += int(keep.sum())
    return kept


def _outcome(members: dict[str, bytes], name: str, *, raw: bool = False) -> None:
    with tempfile.TemporaryDirectory(prefix="geoportail-fuzz-") as folder:
        folder = Path(folder)
        upload = folder / "upload"
        upload.mkdir()
        if raw:  # the bytes are the upload itself, whatever its suffix
            path = upload / name
            path.write_bytes(members[name])
        else:
            path = _write(upload, name, members)
        try:
            _read(path, folder)
        except ImportRefused as exc:
            event(f"refused ({exc.code})")
            refusal = exc.message
        else:
            event("read")
            return
    assert refusal.strip()
    assert str(folder) not in refusal


def test_every_seed_is_readable():
    """The seeds are real files: without mutation, each one is read."""
    for name, members in SEEDS.items():
        with tempfile.TemporaryDirectory() as folder:
            upload = Path(folder) / "upload"
            upload.mkdir()
            path = _write(upload, name, members)
            assert _read(path, Path(folder)) > 0, name


@pytest.mark.parametrize("name", sorted(SEEDS))
@FUZZ
@given(data=st.data())
def test_mutated_upload_is_read_or_refused_with_a_message(name, data):
    _outcome(_upload(data.draw, name), name)


@FUZZ
@given(
    suffix=st.sampled_from(
        [".geojson", ".json", ".csv", ".kml", ".gpkg", ".dxf", ".zip", ".kmz"]
    ),
    data=st.binary(max_size=4096),
)
def test_random_bytes_under_any_accepted_name_are_refused_with_a_message(suffix, data):
    name = f"zonage{suffix}"
    _outcome({name: data}, name, raw=True)


@settings(
    FUZZ,
    max_examples=100,
    suppress_health_check=[
        *FUZZ.suppress_health_check,
        HealthCheck.function_scoped_fixture,  # the layer only gains drafts
    ],
)
@given(data=st.data())
def test_mutated_upload_is_imported_or_refused_with_a_message(zoning_layer, data):
    """The whole import, as the upload API runs it: loader, checks, PostGIS."""
    name = data.draw(st.sampled_from(sorted(SEEDS)))
    members = _upload(data.draw, name)
    with tempfile.TemporaryDirectory(prefix="geoportail-fuzz-") as folder:
        path = _write(Path(folder), name, members)
        try:
            layer_import(layer=zoning_layer, path=path)
        except ImportRefused as exc:
            event(f"{name}: refused ({exc.code})")
            refusal = exc.message
        else:
            event(f"{name}: imported")
            return
    assert refusal.strip()
    assert folder not in refusal
