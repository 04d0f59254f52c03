"""A synthetic orthophoto: fields, blocks and streets drawn by numpy, written
as a GeoTIFF in a Moroccan CRS — for the demo agency (a newcomer sees a photo
under the plan), the benchmark and the tests. Deterministic: the same
arguments give the same pixels.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
from django.contrib.gis.db.models import Extent
from django.contrib.gis.geos import Point
from django.core.files import File
from PIL import Image

from layers.basemaps import base_map_upload, base_map_version_publish
from layers.models import Agency, BaseMap, BaseMapVersion, Feature

# Ground colours: dry field, green field, bare soil, roofs; streets are asphalt.
_GROUND = np.array(
    [[196, 176, 128], [120, 140, 80], [160, 120, 90], [200, 196, 190]], np.float32
)
_ASPHALT = np.array([70, 72, 76], np.float32)


def _noise(rng: np.random.Generator, height: int, width: int) -> np.ndarray:
    """Texture in [0, 1): random fields at a few scales, enlarged and summed."""
    total = np.zeros((height, width), np.float32)
    for cells, weight in ((8, 0.5), (32, 0.3), (128, 0.2)):
        small = rng.random((cells, cells), dtype=np.float32)
        image = Image.fromarray(small, mode="F").resize(
            (width, height), Image.Resampling.BILINEAR
        )
        total += weight * np.asarray(image)
    grain = rng.random((height, width), dtype=np.float32)
    return np.clip(0.7 * total + 0.3 * grain, 0, 0.999)


def orthophoto_pixels(*, width: int, height: int, seed: int = 12) -> np.ndarray:
    """An RGB image (height × width × 3, uint8) that reads as seen from above."""
    rng = np.random.default_rng(seed)
    texture = _noise(rng, height, width)
    # Parcels of ground: blocks of 64 pixels, each one kind of ground.
    kinds = rng.integers(0, len(_GROUND), (height // 64 + 1, width // 64 + 1))
    kind = np.repeat(np.repeat(kinds, 64, axis=0), 64, axis=1)[:height, :width]
    pixels = _GROUND[kind] * (0.75 + 0.5 * texture[..., None])
    # Streets every 256 pixels, 10 wide.
    rows = (np.arange(height) % 256) < 10
    columns = (np.arange(width) % 256) < 10
    street = rows[:, None] | columns[None, :]
    pixels[street] = _ASPHALT * (0.9 + 0.2 * texture[street][:, None])
    return np.clip(pixels, 0, 255).astype(np.uint8)


def orthophoto_write(
    *,
    path: Path,
    pixels: np.ndarray,
    srid: int,
    west: float,
    north: float,
    resolution: float,
) -> Path:
    """Write ``pixels`` to ``path`` as a GeoTIFF in EPSG:``srid`` whose
    top-left corner is (``west``, ``north``), ``resolution`` metres a pixel."""
    height, width = pixels.shape[:2]
    with tempfile.TemporaryDirectory(prefix="geoportail-ortho-") as workdir:
        plain = Path(workdir) / "plain.tif"
        Image.fromarray(pixels).save(plain)
        subprocess.run(  # noqa: S603 - GDAL's program, our own arguments
            [
                shutil.which("gdal_translate") or "/usr/bin/gdal_translate",
                "-q",
                "-a_srs",
                f"EPSG:{srid}",
                "-a_ullr",
                repr(west),
                repr(north),
                repr(west + width * resolution),
                repr(north - height * resolution),
                str(plain),
                str(path),
            ],
            check=True,
            capture_output=True,
        )
    return path


DEMO_BASE_MAP = "orthophoto-demo"
# At most this many pixels a side: a few MB before conversion, less after.
DEMO_PIXELS = 1600


def demo_orthophoto_ensure(agency: Agency) -> None:
    """Give the demo ``agency`` a published synthetic orthophoto over its
    plan, unless its demo base map already has one (then nothing is done).

    Generated here, not shipped: pixels are cheaper to make than to keep in
    the repository, and the same arguments always make the same photo.
    """
    if BaseMapVersion.objects.filter(
        base_map__agency=agency,
        base_map__name=DEMO_BASE_MAP,
        status=BaseMapVersion.Status.PUBLISHED,
    ).exists():
        return
    box = (
        Feature.objects.filter(version__layer__document__agency=agency).aggregate(
            box=Extent("geom")
        )["box"]
        or agency.territory.extent
    )
    corners = [Point(box[0], box[3], srid=4326), Point(box[2], box[1], srid=4326)]
    for corner in corners:
        corner.transform(agency.srid)
    (west, north), (east, south) = corners[0].coords, corners[1].coords
    resolution = max(0.3, max(east - west, north - south) / DEMO_PIXELS)
    width = min(DEMO_PIXELS, round((east - west) / resolution) + 1)
    height = min(DEMO_PIXELS, round((north - south) / resolution) + 1)
    with tempfile.TemporaryDirectory(prefix="geoportail-demo-ortho-") as workdir:
        path = orthophoto_write(
            path=Path(workdir) / "orthophoto-demo.tif",
            pixels=orthophoto_pixels(width=width, height=height),
            srid=agency.srid,
            west=west,
            north=north,
            resolution=resolution,
        )
        with path.open("rb") as upload:
            version = base_map_upload(
                agency=agency,
                name=DEMO_BASE_MAP,
                title_fr="Orthophoto de démonstration (synthétique)",
                title_ar="صورة جوية تجريبية (اصطناعية)",
                upload=File(upload, name=path.name),
                background=False,
            )
    BaseMap.objects.filter(pk=version.base_map_id).update(from_demo_data=True)
    base_map_version_publish(version=version)
