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
from PIL import Image

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
    return np.clip(0.85 * total + 0.15 * grain, 0, 0.999)


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
