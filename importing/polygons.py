"""A territory or a perimeter read from any vector file, as one polygon."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import shapely
from django.utils.translation import gettext as _
from pyproj import Transformer

from importing.crs import crs_identify
from importing.errors import EmptyFile, UnknownCRS
from importing.plan import upload_open
from importing.readers import source_choose, source_layers


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
