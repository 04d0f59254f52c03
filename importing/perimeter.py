"""A document's perimeter read from a file (GeoJSON, KML, GeoPackage, a zipped
shapefile…): every polygon of its one layer, merged into one multipolygon.

Through the same readers and archive checks as a layer's upload, so a
perimeter file is as safe to open and understood in the same formats and CRSs.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import shapely
from django.utils.translation import gettext as _

from importing.crs import crs_identify
from importing.errors import EmptyFile
from importing.plan import upload_open
from importing.readers import source_choose, source_layers


@dataclasses.dataclass(frozen=True)
class Perimeter:
    """The merged polygons as WKB, in the CRS ``srid``."""

    wkb: bytes
    srid: int


def perimeter_read(path: Path, *, workdir: Path, default_srid: int) -> Perimeter:
    """Merge the polygons of the file at ``path`` (in its CRS, else
    ``default_srid``, the agency's).

    Raises ImportRefused (and subclasses): the file cannot be read, holds
    several layers, or has no polygon.
    """
    layer = source_choose(source_layers(upload_open(path, workdir)), None)
    srid = crs_identify(layer.crs_wkt) if layer.crs_wkt else default_srid
    polygons = []
    for batch in layer.batches():
        for geometry in batch.geometries:
            if geometry is None:
                continue
            polygons.extend(
                part
                for part in shapely.get_parts(geometry)
                if isinstance(part, shapely.Polygon) and not part.is_empty
            )
    if not polygons:
        raise EmptyFile(
            _("“%(name)s” holds no polygon to draw a perimeter with.")
            % {"name": path.name}
        )
    merged = shapely.make_valid(shapely.union_all(polygons))
    parts = [
        part for part in shapely.get_parts(merged) if isinstance(part, shapely.Polygon)
    ]
    return Perimeter(wkb=shapely.to_wkb(shapely.MultiPolygon(parts)), srid=srid)
