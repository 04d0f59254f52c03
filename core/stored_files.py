"""A local file for a stored one, for the readers that need a path.

Stored files go through Django's storage API (``STORAGES["default"]``: the
filesystem, or an S3-compatible bucket). Two readers need a file on this
machine's disk rather than a stream: the orthophoto tiles (``tiles/raster.py``
reads a tile with one ``pread`` at an offset of the COG) and WMS (``gdalwarp``
reads the overview that suits the scale). Neither can go through a storage's
``open()``: django-storages' S3 file downloads the whole object on first read,
on every request.

A storage with local files (``FileSystemStorage``, also when several web nodes
share its folder) gives its own path. Any other gets a copy in
``GEOPORTAIL_FILE_CACHE_DIR``, made once per machine and kept: the files read
this way are immutable once written (a COG is written once by its conversion
and never changed; a new version is a new file, and the storage never reuses a
name), so a copy named after the stored name and size never goes stale and
needs no validation. GDAL's ``/vsis3/`` or a signed URL were the other ways;
they would open the importers' locked-down GDAL (``importing.sandbox``) to the
network and pay a round trip per tile, where a copy pays one download per
node.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.storage import Storage

_COPY_CHUNK = 1 << 20


def stored_file_path(*, storage: Storage, name: str) -> Path:
    """A path on this machine holding the stored file ``name`` of
    ``storage`` (its own path when the storage has one, else a copy made on
    first use). Only for files that never change once written.

    Raises FileNotFoundError (or the storage's error) when the file is not
    stored.
    """
    try:
        return Path(storage.path(name))
    except NotImplementedError:
        pass
    size = _stored_size(storage, name)
    digest = hashlib.sha256(f"{name}\0{size}".encode()).hexdigest()
    copy = Path(settings.GEOPORTAIL_FILE_CACHE_DIR) / digest[:2] / digest
    if not copy.exists():
        _copy_in(storage, name, copy)
    return copy


@functools.lru_cache(maxsize=1024)
def _stored_size(storage: Storage, name: str) -> int:
    # Asked once per process and name: an immutable file keeps its size.
    return storage.size(name)


def _copy_in(storage: Storage, name: str, copy: Path) -> None:
    """Download ``name`` to ``copy`` through a temporary file of its folder
    and a rename: a reader never sees half a file, and workers copying the
    same file at once each finish with the same whole file."""
    copy.parent.mkdir(parents=True, exist_ok=True)
    descriptor, partial = tempfile.mkstemp(dir=copy.parent, prefix=".partial-")
    try:
        with os.fdopen(descriptor, "wb") as target, storage.open(name, "rb") as source:
            shutil.copyfileobj(source, target, _COPY_CHUNK)
        os.replace(partial, copy)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
