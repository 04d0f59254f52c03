"""Readers of vector formats, all through GDAL (pyogrio), in batches.

One small class per input format, in the ``READERS`` registry. A reader knows
the file suffixes it handles, the one GDAL driver allowed to open them, the GDAL
open options it needs and how to turn what GDAL returns into features (DXF
closed polylines into polygons). Reading is streamed ``batch_size`` features at
a time, so memory stays flat in file size.

Only the readers' drivers are registered in GDAL (``sandbox.gdal_lock_down``),
and a file opened by another one than its reader's is refused before anything
is read from it; GDAL is given plain local paths only (no ``/vsi…`` prefix, no
``!``). Error messages name the files as the planner named them, never the
server's folders.
"""

from __future__ import annotations

import dataclasses
import re
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import numpy as np
import pyarrow
import pyogrio
import shapely
from django.utils.translation import gettext as _
from pyogrio import raw
from pyogrio.errors import CRSError, DataLayerError, DataSourceError
from pyogrio.util import vsi_path

from importing.encoding import DeclaredEncoding, cpg_encoding, dbf_encoding
from importing.errors import (
    AmbiguousSource,
    EmptyFile,
    UnknownCRS,
    UnreadableFile,
)

GDAL_ERRORS = (DataSourceError, DataLayerError, RuntimeError, ValueError, OSError)
# The folders of an absolute path in a GDAL message (the file name stays).
_FOLDERS = re.compile(r"(?<![\w.:])(?:/[^\s'\"/]+)+/")
# GDAL's advice to name a driver with a "DRIVER:" prefix: of no use to a
# planner, and exactly the trick (CSV:/vsicurl/…) uploads must not play.
_DRIVER_HINT = re.compile(
    r"[;.]?\s*It might help to specify the correct driver.*$", re.S
)
_NOT_RECOGNIZED = "not recognized as being in a supported file format"


@dataclasses.dataclass
class Batch:
    """Consecutive features: their ids, geometries and attribute columns."""

    fids: np.ndarray
    geometries: np.ndarray  # shapely geometries, None where missing
    columns: dict[str, np.ndarray]
    # True where the file holds a geometry that GEOS cannot read (None above).
    unreadable: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.fids)


class Reader:
    """How to read one vector format. Subclasses set ``suffixes``."""

    name: ClassVar[str] = ""
    suffixes: ClassVar[tuple[str, ...]] = ()
    # The one GDAL driver that may open these files (never VRT).
    driver: ClassVar[str] = ""
    # What the planner calls the format, in messages.
    label: ClassVar[str] = ""
    has_encoding: ClassVar[bool] = False  # text encoding is a read option
    # What a file of the format that declares no encoding is read as.
    default_encoding: ClassVar[str] = "utf-8"
    open_options: ClassVar[dict[str, str]] = {}
    # Attribute mapping hints for formats with fixed field names.
    mapping_hints: ClassVar[dict[str, str]] = {}
    # The CRS comes in a sibling ``.prj`` file (shapefile, CSV).
    crs_sidecar: ClassVar[bool] = False

    @classmethod
    def check(cls, path: Path) -> None:
        """Raise UnreadableFile when the dataset is visibly incomplete."""

    @classmethod
    def geometries(cls, geometries: np.ndarray) -> np.ndarray:
        """Turn what GDAL returned into the features' geometries."""
        return geometries

    @classmethod
    def declared_encoding(cls, path: Path) -> DeclaredEncoding | None:
        """The text encoding the file declares, if its format can declare one."""
        return None


class ShapefileReader(Reader):
    name = "shapefile"
    suffixes = (".shp",)
    driver = "ESRI Shapefile"
    label = "shapefile"
    crs_sidecar = True
    has_encoding = True
    default_encoding = "iso8859-1"  # the dBASE format's, which GDAL assumes

    @classmethod
    def declared_encoding(cls, path: Path) -> DeclaredEncoding | None:
        """The ``.cpg`` file's encoding, else the ``.dbf`` header's; GDAL only
        reports "UTF-8", what it converts them to."""
        cpg = _sidecar(path, ".cpg")
        if cpg is not None:
            name = cpg_encoding(cpg.read_text(encoding="ascii", errors="replace"))
            if name:
                return DeclaredEncoding(name=name, by=".cpg")
        dbf = _sidecar(path, ".dbf")
        if dbf is not None:
            with dbf.open("rb") as stream:
                name = dbf_encoding(stream.read(32))
            if name:
                return DeclaredEncoding(name=name, by=".dbf")
        return None

    @classmethod
    def check(cls, path: Path) -> None:
        siblings = {
            child.suffix.lower()
            for child in path.parent.iterdir()
            if child.stem == path.stem
        }
        missing = [suffix for suffix in (".shx", ".dbf") if suffix not in siblings]
        if missing:
            raise UnreadableFile(
                _(
                    "The shapefile “%(name)s” comes without its %(missing)s "
                    "file; upload all its files together in a zip."
                )
                % {"name": path.name, "missing": " / ".join(missing)},
                code="incomplete_shapefile",
            )
        # The main file's header says how long it is (in 16-bit words): a file
        # cut short would otherwise read as features without geometry.
        with path.open("rb") as stream:
            header = stream.read(100)
        size = path.stat().st_size
        if len(header) < 100 or struct.unpack(">i", header[:4])[0] != 9994:
            raise UnreadableFile(
                _("“%(name)s” is not a shapefile (its header is wrong).")
                % {"name": path.name},
                code="corrupt_file",
            )
        declared = struct.unpack(">i", header[24:28])[0] * 2
        if size < declared:
            raise UnreadableFile(
                _(
                    "The shapefile “%(name)s” is truncated: %(size)s of its "
                    "%(declared)s bytes are there."
                )
                % {"name": path.name, "size": size, "declared": declared},
                code="truncated_file",
            )


class GeoPackageReader(Reader):
    name = "geopackage"
    suffixes = (".gpkg",)
    driver = "GPKG"
    label = "GeoPackage"


class GeoJSONReader(Reader):
    name = "geojson"
    suffixes = (".geojson", ".json")
    driver = "GeoJSON"
    label = "GeoJSON"


class KmlReader(Reader):
    name = "kml"
    suffixes = (".kml",)
    driver = "KML"
    label = "KML"
    mapping_hints = {"code": "Name", "label_fr": "Description"}


class CsvReader(Reader):
    name = "csv"
    suffixes = (".csv",)
    driver = "CSV"
    label = "CSV"
    crs_sidecar = True
    has_encoding = True
    open_options = {
        "GEOM_POSSIBLE_NAMES": "WKT,wkt,geom,geometry,the_geom,GEOMETRY",
        "X_POSSIBLE_NAMES": "x,X,lon,LON,lng,longitude,easting,EASTING",
        "Y_POSSIBLE_NAMES": "y,Y,lat,LAT,latitude,northing,NORTHING",
        "KEEP_GEOM_COLUMNS": "NO",
        "AUTODETECT_TYPE": "YES",
    }


class DxfReader(Reader):
    name = "dxf"
    suffixes = (".dxf",)
    driver = "DXF"
    label = "DXF"
    mapping_hints = {"code": "Layer"}

    @classmethod
    def geometries(cls, geometries: np.ndarray) -> np.ndarray:
        """Closed polylines become polygons; DXF has no polygon of its own."""
        lines = shapely.get_type_id(geometries) == shapely.GeometryType.LINESTRING
        closed = lines & shapely.is_closed(geometries)
        closed &= shapely.get_num_coordinates(geometries) >= 4
        if closed.any():
            geometries = geometries.copy()
            rings = [
                shapely.linearrings(shapely.get_coordinates(line))
                for line in geometries[closed]
            ]
            geometries[closed] = shapely.polygons(np.array(rings, dtype=object))
        return geometries


READERS: dict[str, type[Reader]] = {
    reader.name: reader
    for reader in (
        ShapefileReader,
        GeoPackageReader,
        GeoJSONReader,
        KmlReader,
        CsvReader,
        DxfReader,
    )
}
SUFFIXES = {suffix: reader for reader in READERS.values() for suffix in reader.suffixes}


def reader_for(path: Path) -> type[Reader] | None:
    """The reader of ``path`` by its suffix, or None."""
    return SUFFIXES.get(path.suffix.lower())


def gdal_path(path: Path) -> str:
    """``path`` as GDAL is given it: a plain, absolute, local path.

    pyogrio reads a name with ``!`` or ending in ``.zip`` as a ``/vsizip/``
    path, and a relative one from the server's working folder; such a name
    inside an upload is refused. Raises UnreadableFile.
    """
    text = str(path)
    if not path.is_absolute() or text.startswith("/vsi") or vsi_path(text) != text:
        raise UnreadableFile(
            _(
                "The file “%(name)s” has a name or folder that cannot be read "
                "safely (“!”, “.zip”); rename it."
            )
            % {"name": path.name},
            code="unsafe_name",
        )
    return text


def gdal_reason(exc: Exception) -> str:
    """GDAL's message, without the server's folders (the file name stays) and
    without its driver-prefix advice; in the planner's language when GDAL
    recognised no format at all."""
    reason = _DRIVER_HINT.sub("", _FOLDERS.sub("", str(exc))).strip()
    if _NOT_RECOGNIZED in reason:
        return _("its content is in none of the formats the portal reads")
    return reason


@dataclasses.dataclass
class SourceLayer:
    """One layer of one dataset, ready to be read in batches."""

    path: Path
    layer: str | None
    reader: type[Reader]
    info: dict
    encoding: str | None = None  # read option for formats that have one

    @property
    def fields(self) -> list[str]:
        return [str(name) for name in self.info["fields"]]

    @property
    def label(self) -> str:
        """How the planner recognises this layer: file name, and layer name."""
        if self.layer and self.layer != self.path.stem:
            return f"{self.path.name}:{self.layer}"
        return self.path.name

    @property
    def feature_count(self) -> int | None:
        count = self.info.get("features", -1)
        return None if count is None or count < 0 else int(count)

    @property
    def crs_wkt(self) -> str | None:
        return self.info.get("crs")

    @property
    def declared_encoding(self) -> DeclaredEncoding | None:
        return self.reader.declared_encoding(self.path)

    @property
    def crs_unread(self) -> str | None:
        """The name of the ``.prj`` beside the file when GDAL found no CRS in it.

        Such a file would otherwise be taken for one without CRS, and the
        agency's CRS silently assumed.
        """
        if self.crs_wkt or not self.reader.crs_sidecar:
            return None
        sidecar = _sidecar(self.path, ".prj")
        return sidecar.name if sidecar else None

    @property
    def geometry_type(self) -> str:
        return str(self.info.get("geometry_type") or "Unknown")

    def require_geometry(self) -> None:
        """Raise UnreadableFile when the layer has no geometry column at all."""
        if self.info.get("geometry_type") is not None:
            return
        if self.reader is CsvReader:
            message = _(
                "“%(name)s” has no geometry: a CSV needs a WKT column (WKT, "
                "geom, geometry, the_geom) or x and y columns (x/y, lon/lat, "
                "longitude/latitude, easting/northing)."
            )
        else:
            message = _("The layer “%(name)s” has no geometry.")
        raise UnreadableFile(message % {"name": self.label}, code="no_geometry")

    def _read(self, **options) -> tuple:
        try:
            return raw.read(
                gdal_path(self.path),
                layer=self.layer,
                encoding=self.encoding if self.reader.has_encoding else None,
                return_fids=True,
                **self.reader.open_options,
                **options,
            )
        except GDAL_ERRORS as exc:
            raise UnreadableFile(
                _("The file “%(name)s” cannot be read: %(reason)s")
                % {"name": self.path.name, "reason": gdal_reason(exc)}
            ) from exc

    def read_raw_text(self, limit: int = 500) -> list[str]:
        """Text values of the first ``limit`` features, read byte for byte."""
        saved, self.encoding = self.encoding, "ISO-8859-1"
        try:
            _meta, _fids, _geoms, columns = self._read(
                max_features=limit, read_geometry=False
            )
        finally:
            self.encoding = saved
        return [
            value
            for column in columns
            for value in column.tolist()
            if isinstance(value, str)
        ]

    def rows(self, limit: int) -> list[dict]:
        """The first ``limit`` rows' attributes, for a preview."""
        meta, fids, _geoms, columns = self._read(
            max_features=limit, read_geometry=False
        )
        names = [str(name) for name in meta["fields"]]
        return [
            {
                name: _plain(column[index])
                for name, column in zip(names, columns, strict=True)
            }
            for index in range(len(fids))
        ]

    def records(self, names: list[str]) -> Iterator[dict]:
        """Every feature's values of the fields ``names`` (no geometry read)."""
        meta, fids, _geoms, columns = self._read(columns=names, read_geometry=False)
        # GDAL answers the columns in the file's order, not in the asked one.
        read = [str(name) for name in meta["fields"]]
        lists = [column.tolist() for column in columns]
        for index in range(len(fids)):
            yield {
                name: _plain(values[index])
                for name, values in zip(read, lists, strict=True)
            }

    def batches(self, batch_size: int = 10000) -> Iterator[Batch]:
        """Yield the features ``batch_size`` at a time, streamed (Arrow).

        Raises UnreadableFile when GDAL fails part-way (a truncated file).
        """
        try:
            with raw.open_arrow(
                gdal_path(self.path),
                layer=self.layer,
                encoding=self.encoding if self.reader.has_encoding else None,
                return_fids=True,
                batch_size=batch_size,
                use_pyarrow=True,
                **self.reader.open_options,
            ) as (meta, reader):
                geometry = meta.get("geometry_name") or "wkb_geometry"
                fid = meta.get("fid_column") or "OGC_FID"
                read = 0
                for record_batch in reader:
                    read += record_batch.num_rows
                    yield self._batch(record_batch, geometry, fid)
        except (*GDAL_ERRORS, pyarrow.ArrowException) as exc:
            raise UnreadableFile(
                _("The file “%(name)s” cannot be read: %(reason)s")
                % {"name": self.path.name, "reason": gdal_reason(exc)}
            ) from exc
        expected = self.feature_count
        if expected is not None and read != expected:
            # GDAL stops quietly at the end of a truncated file.
            raise UnreadableFile(
                _(
                    "The file “%(name)s” is truncated: %(read)s of its %(count)s "
                    "features could be read."
                )
                % {"name": self.path.name, "read": read, "count": expected},
                code="truncated_file",
            )

    def _batch(self, record_batch, geometry: str, fid: str) -> Batch:
        # Columns by position: a .dbf may repeat a field name (blank ones),
        # and a field may be named like the geometry. GDAL's Arrow stream puts
        # the FID first and the geometry last.
        schema = record_batch.schema.names
        if len(schema) < 2 or schema[0] != fid or schema[-1] != geometry:
            raise UnreadableFile(
                _("The layer “%(name)s” has no geometry.") % {"name": self.label},
                code="no_geometry",
            )
        wkb = np.array(record_batch.column(len(schema) - 1).to_pylist(), dtype=object)
        unreadable = None
        try:
            geometries = shapely.from_wkb(wkb)
        except shapely.errors.GEOSException:
            # One bad feature (a NaN that keeps a ring from closing) does not
            # refuse the file: it is left out and reported by the validation.
            geometries = shapely.from_wkb(wkb, on_invalid="ignore")
            unreadable = shapely.is_missing(geometries) & np.array(
                [value is not None for value in wkb], dtype=bool
            )
        return Batch(
            fids=np.asarray(record_batch.column(0).to_numpy(zero_copy_only=False)),
            geometries=self.reader.geometries(geometries),
            columns={
                name: np.array(record_batch.column(index).to_pylist(), dtype=object)
                for index, name in enumerate(schema[1:-1], start=1)
            },
            unreadable=unreadable,
        )


def _plain(value):
    """A numpy scalar as the plain Python value (for JSON)."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def _sidecar(path: Path, suffix: str) -> Path | None:
    """The file beside ``path`` with its stem and ``suffix`` (any case)."""
    for child in path.parent.iterdir():
        if child.stem == path.stem and child.suffix.lower() == suffix:
            return child
    return None


def _datasets(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    found = [
        path
        for path in sorted(root.rglob("*"))
        if path.is_file()
        and reader_for(path) is not None
        and not any(part.startswith((".", "__MACOSX")) for part in path.parts)
    ]
    return found


def _wrong_format(path: Path, reader: type[Reader]) -> UnreadableFile:
    """The error of a file whose content is not the format its name says."""
    return UnreadableFile(
        _(
            "“%(name)s” is not a %(format)s file: its content does not match "
            "its name, and only %(format)s is read from a “%(suffix)s” file."
        )
        % {"name": path.name, "format": reader.label, "suffix": path.suffix},
        code="wrong_format",
    )


def source_layers(root: Path) -> list[SourceLayer]:
    """Every readable layer in ``root`` (a file, or a folder of extracted files).

    Raises UnreadableFile when a dataset is incomplete or not a vector file,
    EmptyFile when there is nothing to read at all.
    """
    layers: list[SourceLayer] = []
    for path in _datasets(root):
        reader = reader_for(path)
        if reader is None:
            raise UnreadableFile(
                _("“%(name)s” is not a supported vector format.") % {"name": path.name},
                code="unsupported_format",
            )
        reader.check(path)
        location = gdal_path(path)
        try:
            names = [str(row[0]) for row in pyogrio.list_layers(location)]
            for name in names:
                info = pyogrio.read_info(
                    location,
                    layer=name,
                    force_feature_count=True,
                    **reader.open_options,
                )
                if info.get("driver") != reader.driver:
                    raise _wrong_format(path, reader)
                layers.append(SourceLayer(path, name, reader, info))
        except (CRSError, UnicodeDecodeError, UnboundLocalError) as exc:
            # pyogrio 0.13 fails on a .prj that is not UTF-8 with an
            # UnboundLocalError (after a UnicodeDecodeError); both are data
            # errors here, not the server's.
            sidecar = _sidecar(path, ".prj") if reader.crs_sidecar else None
            if sidecar is None:
                raise UnreadableFile(
                    _("“%(name)s” is not a readable vector file: %(reason)s")
                    % {"name": path.name, "reason": gdal_reason(exc)}
                ) from exc
            raise UnknownCRS(
                _(
                    "The CRS file “%(name)s” cannot be read (%(reason)s); correct "
                    "it, or upload the data without it and choose its CRS."
                )
                % {"name": sidecar.name, "reason": gdal_reason(exc)},
                code="unreadable_crs",
            ) from exc
        except GDAL_ERRORS as exc:
            raise UnreadableFile(
                _("“%(name)s” is not a readable vector file: %(reason)s")
                % {"name": path.name, "reason": gdal_reason(exc)}
            ) from exc
    if not layers:
        raise EmptyFile(
            _(
                "The upload holds no vector file (shapefile, GeoPackage, GeoJSON, "
                "KML/KMZ, CSV or DXF)."
            )
        )
    return layers


def source_choose(layers: list[SourceLayer], wanted: str | None) -> SourceLayer:
    """The layer named ``wanted`` (by layer or file name), or the only one.

    Raises AmbiguousSource when several match and none was named.
    """
    if wanted:
        key = wanted.lower()
        matches = [layer for layer in layers if (layer.layer or "").lower() == key]
        matches = matches or [
            layer
            for layer in layers
            if key
            in {
                (layer.layer or "").lower(),
                layer.path.stem.lower(),
                layer.path.name.lower(),
                layer.label.lower(),
            }
        ]
    else:
        matches = layers
    if len(matches) == 1:
        return matches[0]
    names = ", ".join(layer.label for layer in (matches or layers))
    if not matches:
        raise AmbiguousSource(
            _("The upload has no layer “%(wanted)s”; it has: %(names)s.")
            % {"wanted": wanted, "names": names}
        )
    raise AmbiguousSource(
        _("The upload holds several layers (%(names)s); choose one.") % {"names": names}
    )
