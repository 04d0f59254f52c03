"""The download formats: one small class each, in the ``FORMATS`` registry.

Each names the GDAL driver that writes it, the suffix and media type of the
file sent, GDAL's creation options and, where one file is not the whole
dataset (a shapefile's .shp, .shx, .dbf, .prj and .cpg), how it is packed.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import ClassVar


class ExportFormat:
    """How to write one format. Subclasses set the class attributes."""

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""
    driver: ClassVar[str] = ""
    suffix: ClassVar[str] = ""  # of the file GDAL writes
    media_type: ClassVar[str] = "application/octet-stream"
    encoding: ClassVar[str | None] = None  # of text, where the driver asks
    dataset_options: ClassVar[dict[str, str]] = {}
    layer_options: ClassVar[dict[str, str]] = {}
    # Column names the driver writes itself (lower case): an attribute so
    # named is renamed.
    reserved: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def options(cls, *, geometry_type: str) -> dict[str, str]:
        """GDAL layer creation options for a layer of ``geometry_type``."""
        return dict(cls.layer_options)

    @classmethod
    def package(cls, path: Path) -> Path:
        """The file to send once GDAL wrote ``path`` (itself, by default)."""
        return path

    @classmethod
    def download_suffix(cls) -> str:
        return cls.suffix


class GeoPackage(ExportFormat):
    name = "gpkg"
    label = "GeoPackage"
    driver = "GPKG"
    suffix = ".gpkg"
    media_type = "application/geopackage+sqlite3"
    # GDAL writes 1.4 by default, which older GDAL (3.6, Debian 12's), QGIS
    # and ArcGIS read only with a warning; the layer needs nothing past 1.2.
    dataset_options = {"VERSION": "1.2"}
    reserved = frozenset({"fid", "geom"})


class GeoJSON(ExportFormat):
    name = "geojson"
    label = "GeoJSON"
    driver = "GeoJSON"
    suffix = ".geojson"
    media_type = "application/geo+json"
    # Full double precision: a download must read back to the same geometry.
    layer_options = {"SIGNIFICANT_FIGURES": "17"}


class Shapefile(ExportFormat):
    """A zipped shapefile, with its .prj (the CRS) and .cpg (UTF-8)."""

    name = "shp"
    label = "Shapefile (zip)"
    driver = "ESRI Shapefile"
    suffix = ".shp"
    media_type = "application/zip"
    encoding = "UTF-8"  # GDAL writes it into the .cpg
    PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")

    @classmethod
    def package(cls, path: Path) -> Path:
        target = path.with_suffix(".zip")
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for suffix in cls.PARTS:
                part = path.with_suffix(suffix)
                if part.exists():
                    archive.write(part, part.name)
        return target

    @classmethod
    def download_suffix(cls) -> str:
        return ".zip"


class Csv(ExportFormat):
    """CSV: the geometry as WKT in a ``WKT`` column, points as ``X`` and ``Y``."""

    name = "csv"
    label = "CSV"
    driver = "CSV"
    suffix = ".csv"
    media_type = "text/csv"
    reserved = frozenset({"wkt", "x", "y"})

    @classmethod
    def options(cls, *, geometry_type: str) -> dict[str, str]:
        geometry = "AS_XY" if geometry_type == "Point" else "AS_WKT"
        return {"GEOMETRY": geometry}


FORMATS: dict[str, type[ExportFormat]] = {
    export.name: export for export in (GeoPackage, GeoJSON, Shapefile, Csv)
}
