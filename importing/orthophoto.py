"""An uploaded orthophoto made into a Cloud-Optimized GeoTIFF in Web Mercator.

The portal's Python has no GDAL raster bindings (pyogrio's GDAL reads vectors
only), so GDAL's own command-line tools do the work, run with fixed argument
lists and no shell. The sandbox's rules hold for them too: the input is opened
by the GTiff driver only (``-if GTiff``: no VRT naming other files, no
``/vsicurl/``), with the network off (``sandbox.NETWORK_OFF``), no sidecar
files looked up, and the upload is a file of a fresh folder of its own.

The COG is written on the GoogleMapsCompatible tiling scheme, its first
``ALIGNED_LEVELS`` resolutions aligned on the XYZ grid, so that the tiles of
those zoom levels are served as the file's own tiles (``tiles/raster.py``);
WEBP keeps an alpha band, so what lies outside the photo is transparent.
"""

from __future__ import annotations

import dataclasses
import json
import math
import shutil
import subprocess
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from importing.archive import archive_extract, is_archive
from importing.errors import ImportRefused, UnknownCRS, UnreadableFile
from importing.sandbox import NETWORK_OFF

ORTHOPHOTO_SUFFIXES = (".tif", ".tiff")
# Zoom levels whose COG tiles are the XYZ tiles themselves; each more level
# pads the file with up to twice as many empty (unwritten) tiles.
ALIGNED_LEVELS = 3
WEB_MERCATOR_HALF = 20037508.342789244
_CONVERT_SECONDS = 3600
_INSPECT_SECONDS = 60

_GDAL_CONFIG = {
    **{key: value for key, value in NETWORK_OFF.items() if value is not None},
    # No .aux.xml, .ovr, .msk or world file beside the upload is looked for.
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
    "GDAL_PAM_ENABLED": "NO",
    "GDAL_NUM_THREADS": "2",
}


@dataclasses.dataclass(frozen=True)
class Orthophoto:
    """What the portal keeps of a converted orthophoto."""

    min_zoom: int
    max_zoom: int
    # West, south, east, north in degrees (EPSG:4326).
    bounds: tuple[float, float, float, float]
    source_crs: str
    width: int
    height: int


def _config_arguments() -> list[str]:
    arguments = []
    for key, value in _GDAL_CONFIG.items():
        arguments += ["--config", key, value]
    return arguments


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise ImproperlyConfigured(f"{name} not found: install GDAL (gdal-bin).")
    return found


def gdal_run(
    arguments: list[str], *, timeout: int, sidecars: bool = False
) -> subprocess.CompletedProcess:
    """Run the GDAL program ``arguments[0]`` with its ``arguments`` under the
    sandbox's configuration (network off; no sidecar files unless
    ``sidecars``: an archive's checked world file); no shell. Raises
    subprocess.TimeoutExpired past ``timeout`` seconds."""
    config = _config_arguments()
    if sidecars:
        config += ["--config", "GDAL_DISABLE_READDIR_ON_OPEN", "NO"]
    return subprocess.run(  # noqa: S603 - GDAL's programs, our own arguments
        [_program(arguments[0]), *config, *arguments[1:]],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"},
    )


def orthophoto_unpack(upload: Path, workdir: Path) -> Path:
    """The GeoTIFF of an upload: the upload itself, or the one GeoTIFF of a zip
    archive (extracted safely, ``importing/archive.py``) written again as a
    self-contained GeoTIFF with its world file (.tfw) and .prj, if it has them.

    Raises ImportRefused (not a GeoTIFF, or not exactly one in the archive),
    the archive's errors, or UnreadableFile.
    """
    if not is_archive(upload):
        if upload.suffix.lower() not in ORTHOPHOTO_SUFFIXES:
            raise ImportRefused(
                _("An orthophoto must be a GeoTIFF file (.tif, .tiff) or a zip of one.")
            )
        return upload
    members = archive_extract(upload, workdir / "archive")
    images = [
        path
        for path in members.rglob("*")
        if path.suffix.lower() in ORTHOPHOTO_SUFFIXES
    ]
    if len(images) != 1:
        raise ImportRefused(
            _("The archive must hold one GeoTIFF (.tif) and its .tfw and .prj.")
        )
    image = images[0]
    crs = [
        path
        for path in image.parent.iterdir()
        if path.stem == image.stem and path.suffix.lower() == ".prj"
    ]
    unpacked = workdir / "unpacked.tif"
    done = gdal_run(
        [
            "gdal_translate",
            "-q",
            "-if",
            "GTiff",
            *(["-a_srs", str(crs[0])] if crs else []),
            str(image),
            str(unpacked),
        ],
        timeout=_CONVERT_SECONDS,
        sidecars=True,
    )
    if done.returncode != 0:
        raise UnreadableFile(
            _("The file is not a readable GeoTIFF (corrupt or truncated).")
        )
    return unpacked


def orthophoto_inspect(path: Path) -> dict:
    """``gdalinfo -json`` of a GeoTIFF (``orthophoto_unpack``'s), read as a
    GeoTIFF only.

    Raises UnreadableFile (not a TIFF, truncated, corrupt, not 8-bit RGB) or
    UnknownCRS (no coordinate system or no georeferencing).
    """
    done = gdal_run(
        ["gdalinfo", "-json", "-if", "GTiff", "-stats", str(path)],
        timeout=_INSPECT_SECONDS,
    )
    if done.returncode != 0:
        raise UnreadableFile(
            _("The file is not a readable GeoTIFF (corrupt or truncated).")
        )
    try:
        info = json.loads(done.stdout)
    except ValueError:
        raise UnreadableFile(
            _("The file is not a readable GeoTIFF (corrupt or truncated).")
        ) from None
    # -stats reads every pixel: a file whose strips are damaged fails here,
    # not half-way through the conversion.
    if "Failure" in done.stderr or "ERROR" in done.stderr:
        raise UnreadableFile(
            _("The file is not a readable GeoTIFF (corrupt or truncated).")
        )
    bands = info.get("bands", [])
    if len(bands) not in (3, 4) or any(band.get("type") != "Byte" for band in bands):
        raise UnreadableFile(
            _("An orthophoto must have three or four 8-bit bands (RGB or RGBA).")
        )
    if not info.get("coordinateSystem", {}).get("wkt") or "geoTransform" not in info:
        raise UnknownCRS(
            _(
                "The image is not georeferenced: it has no coordinate system or "
                "no position. Export it as a GeoTIFF with its CRS."
            )
        )
    return info


def _zoom_of(resolution: float) -> int:
    return round(math.log2(2 * WEB_MERCATOR_HALF / (256 * resolution)))


def orthophoto_check(upload: Path, workdir: Path) -> tuple[Path, dict]:
    """The GeoTIFF of ``upload`` (unpacked into ``workdir`` when it is an
    archive) and its ``gdalinfo``; raises the errors of ``orthophoto_unpack``
    and ``orthophoto_inspect``."""
    source = orthophoto_unpack(upload, workdir)
    return source, orthophoto_inspect(source)


def orthophoto_convert(*, upload: Path, target: Path) -> Orthophoto:
    """Write ``upload`` (a GeoTIFF in any CRS PROJ knows, or a zip of one with
    its world file) to ``target`` as a WEBP Cloud-Optimized GeoTIFF in
    EPSG:3857 with overviews; return what the portal keeps of it.

    Raises the errors of ``orthophoto_check``, or UnreadableFile when GDAL
    cannot convert the pixels.
    """
    source, source_info = orthophoto_check(upload, target.parent)
    done = gdal_run(
        [
            "gdal_translate",
            "-q",
            "-if",
            "GTiff",
            "-of",
            "COG",
            "-co",
            "TILING_SCHEME=GoogleMapsCompatible",
            "-co",
            f"ALIGNED_LEVELS={ALIGNED_LEVELS}",
            "-co",
            "COMPRESS=WEBP",
            "-co",
            "QUALITY=80",
            "-co",
            "RESAMPLING=BILINEAR",
            "-co",
            "SPARSE_OK=TRUE",
            "-co",
            "BIGTIFF=IF_SAFER",
            str(source),
            str(target),
        ],
        timeout=_CONVERT_SECONDS,
    )
    if done.returncode != 0:
        raise UnreadableFile(_("GDAL could not convert the orthophoto's pixels."))
    info = gdal_run(["gdalinfo", "-json", str(target)], timeout=_INSPECT_SECONDS)
    cog = json.loads(info.stdout)
    max_zoom = _zoom_of(cog["geoTransform"][1])
    overviews = len(cog["bands"][0].get("overviews", []))
    # The photo's own extent: the COG's is padded to whole tiles.
    ring = source_info["wgs84Extent"]["coordinates"][0]
    longitudes = [point[0] for point in ring]
    latitudes = [point[1] for point in ring]
    crs = source_info["coordinateSystem"]["wkt"].split('"', 2)[1]
    return Orthophoto(
        min_zoom=max_zoom - overviews,
        max_zoom=max_zoom,
        bounds=(min(longitudes), min(latitudes), max(longitudes), max(latitudes)),
        source_crs=crs,
        width=source_info["size"][0],
        height=source_info["size"][1],
    )
