"""Orthophotos in WMS: the published raster base maps as named layers
(``<agency>:ortho.<base map>``), drawn under the vector layers of a GetMap.
The ``ortho.`` mark (vector layers' names have no dot) lets a GetMap of
vector layers alone go without looking base maps up.

A GetMap names them in LAYERS among the vector layers; they are taken out
before the vector layers are looked up, warped from their COG (a path on
this machine: ``core.stored_files``) into the map's CRS, box and size by
``gdalwarp`` (which reads the overview that suits the scale), and the vector
layers, drawn on a transparent canvas, are laid over them: a photo is a
background, whatever its place in LAYERS.
"""

from __future__ import annotations

import dataclasses
import io
import subprocess
import tempfile
from pathlib import Path

import numpy as np
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _
from PIL import Image

from core.stored_files import stored_file_path
from importing.orthophoto import gdal_run
from layers.selectors import base_maps_published
from ows.exceptions import OwsError
from ows.params import OwsRequest
from ows.render import View

_WARP_SECONDS = 30
MARK = "ortho."


class OrthophotoNotDrawn(OwsError):
    """GDAL could not draw a base map: the server's fault, not the client's."""

    http_status = 500
    code = "orthophoto_not_drawn"


@dataclasses.dataclass(frozen=True)
class RasterLayer:
    """A published base map as WMS offers it."""

    name: str
    title: str
    # The stored COG: copied to this machine, if need be, only when drawn.
    cog: FieldFile
    # West, south, east, north in degrees.
    extent: tuple[float, float, float, float]
    # The published BaseMapVersion's id: what the images are drawn from.
    version: int


def raster_layers(*, agency_code: str | None = None) -> dict[str, RasterLayer]:
    """The published base maps by WMS name (of one agency when given)."""
    versions = base_maps_published()
    if agency_code:
        versions = versions.filter(base_map__agency__code=agency_code)
    layers = [
        RasterLayer(
            name=f"{version.base_map.agency.code}:{MARK}{version.base_map.name}",
            title=version.base_map.title,
            cog=version.cog,
            extent=version.extent.extent,
            version=version.pk,
        )
        for version in versions.order_by("base_map__agency__code", "base_map__name")
    ]
    return {layer.name: layer for layer in layers}


def rasters_split(
    ows_request: OwsRequest, context, param: str = "LAYERS"
) -> tuple[list[RasterLayer], OwsRequest]:
    """The base maps named in ``param``, and the request with the other names
    only (``param`` empty when none is left)."""
    names = [name.strip() for name in ows_request.get(param).split(",")]
    if not any(f":{MARK}" in name for name in names):
        return [], ows_request
    offered = raster_layers(agency_code=context.agency_code)
    rasters = [offered[name] for name in names if name in offered]
    if not rasters:
        return [], ows_request
    others = ",".join(name for name in names if name not in offered)
    params = {**ows_request.params, param.upper(): others}
    return rasters, dataclasses.replace(ows_request, params=params)


def raster_pixels(raster: RasterLayer, view: View) -> np.ndarray:
    """The photo in ``view``: an RGBA array (straight alpha), transparent
    where it has no pixel. Raises OrthophotoNotDrawn when GDAL cannot draw it."""
    with tempfile.TemporaryDirectory(prefix="geoportail-wms-") as workdir:
        target = Path(workdir) / "map.png"
        try:
            done = gdal_run(
                [
                    "gdalwarp",
                    "-q",
                    "-if",
                    "GTiff",
                    "-of",
                    "PNG",
                    "-t_srs",
                    f"EPSG:{view.srid}",
                    "-te",
                    *(repr(value) for value in (view.minx, view.miny)),
                    *(repr(value) for value in (view.maxx, view.maxy)),
                    "-ts",
                    str(view.width),
                    str(view.height),
                    "-r",
                    "bilinear",
                    str(
                        stored_file_path(
                            storage=raster.cog.storage, name=raster.cog.name
                        )
                    ),
                    str(target),
                ],
                timeout=_WARP_SECONDS,
            )
        except subprocess.TimeoutExpired:
            done = None
        if done is None or done.returncode != 0:
            raise OrthophotoNotDrawn(
                _("The orthophoto %(name)s could not be drawn.") % {"name": raster.name}
            )
        with Image.open(io.BytesIO(target.read_bytes())) as image:
            return np.asarray(image.convert("RGBA"))


def _over(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    """``top`` laid over ``bottom`` (both RGBA, straight alpha)."""
    top_alpha = top[..., 3:4].astype(np.float32) / 255
    bottom_alpha = bottom[..., 3:4].astype(np.float32) / 255
    alpha = top_alpha + bottom_alpha * (1 - top_alpha)
    colour = top[..., :3] * top_alpha + bottom[..., :3] * bottom_alpha * (1 - top_alpha)
    colour = np.divide(colour, alpha, out=np.zeros_like(colour), where=alpha > 0)
    return np.concatenate([colour, alpha * 255], axis=2).round().astype(np.uint8)


def rasters_under(
    pixels: np.ndarray,
    rasters: list[RasterLayer],
    view: View,
    background: tuple[int, int, int, int],
) -> np.ndarray:
    """The map: ``background``, the ``rasters`` in their order, then
    ``pixels`` (the vector layers on a transparent canvas) on top."""
    out = np.empty_like(pixels)
    out[...] = background
    for raster in rasters:
        out = _over(raster_pixels(raster, view), out)
    return _over(pixels, out)
