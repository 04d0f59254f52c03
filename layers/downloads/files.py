"""A download as a file ready to stream: written, opened, its folder gone."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path
from typing import BinaryIO

from django.utils.text import slugify

from layers.downloads.params import DownloadQuery
from layers.downloads.writer import version_write
from layers.models import STORAGE_SRID, LayerVersion


@dataclasses.dataclass(frozen=True)
class Download:
    """An open file to send, the name to offer and its media type."""

    file: BinaryIO
    filename: str
    media_type: str


def download_name(*, version: LayerVersion, query: DownloadQuery) -> str:
    """agency_document_layer_vN (with _epsgNNNN outside EPSG:4326), no suffix."""
    layer = version.layer
    document = layer.document
    parts = [document.agency.code, slugify(document.reference), layer.name]
    name = "_".join(parts) + f"_v{version.number}"
    return name if query.srid == STORAGE_SRID else f"{name}_epsg{query.srid}"


def version_download(*, version: LayerVersion, query: DownloadQuery) -> Download:
    """``version`` written as ``query`` asks, opened for reading.

    The temporary folder GDAL wrote into is removed before this returns: the
    open file keeps its bytes until the response closes it, so nothing is
    left behind even if the client goes away mid-download.
    """
    name = download_name(version=version, query=query)
    with tempfile.TemporaryDirectory(prefix="geoportail-download-") as workdir:
        path = version_write(
            version=version,
            export=query.format,
            srid=query.srid,
            directory=Path(workdir),
            name=name,
        )
        handle = path.open("rb")
    return Download(
        file=handle,
        filename=f"{name}{query.format.download_suffix()}",
        media_type=query.format.media_type,
    )
