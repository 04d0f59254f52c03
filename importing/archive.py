"""Safe extraction of uploaded archives (zip, kmz).

Every member is checked *before* anything is written: no ``..`` or absolute
paths, no links, no more members or expanded bytes than the limits allow. The
sizes written are counted again while extracting, so a member that lies about its
size in the directory cannot expand past the limit either.
"""

from __future__ import annotations

import dataclasses
import shutil
import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.utils.translation import gettext as _

from importing.errors import ArchiveTooLarge, UnreadableFile, UnsafeArchive

ARCHIVE_SUFFIXES = (".zip", ".kmz")
_CHUNK = 1 << 20


@dataclasses.dataclass(frozen=True)
class ArchiveLimits:
    """How far an archive may expand."""

    max_members: int = 2000
    max_expanded_bytes: int = 2 << 30
    max_ratio: int = 1000

    @classmethod
    def from_settings(cls) -> ArchiveLimits:
        """The limits configured in settings (or the defaults)."""
        return cls(
            max_members=getattr(settings, "GEOPORTAIL_MAX_ARCHIVE_MEMBERS", 2000),
            max_expanded_bytes=getattr(
                settings, "GEOPORTAIL_MAX_EXPANDED_BYTES", 2 << 30
            ),
            max_ratio=getattr(settings, "GEOPORTAIL_MAX_COMPRESSION_RATIO", 1000),
        )


def is_archive(path: Path) -> bool:
    """Whether ``path`` is a zip archive (by content, whatever its name)."""
    return path.suffix.lower() in ARCHIVE_SUFFIXES or zipfile.is_zipfile(path)


def _member_path(name: str) -> PurePosixPath:
    """The relative path of a member; UnsafeArchive when it could escape."""
    normalised = name.replace("\\", "/")
    member = PurePosixPath(normalised)
    if (
        normalised.startswith("/")
        or (len(normalised) > 1 and normalised[1] == ":")
        or ".." in member.parts
    ):
        raise UnsafeArchive(
            _("The archive member “%(name)s” points outside the archive.")
            % {"name": name}
        )
    return member


def _is_link(info: zipfile.ZipInfo) -> bool:
    mode = info.external_attr >> 16
    return stat.S_ISLNK(mode)


def archive_check(archive: zipfile.ZipFile, limits: ArchiveLimits) -> None:
    """Refuse the archive when a member is unsafe or it expands too far.

    Raises UnsafeArchive or ArchiveTooLarge; writes nothing.
    """
    members = archive.infolist()
    if len(members) > limits.max_members:
        raise ArchiveTooLarge(
            _("The archive holds %(count)s files; at most %(limit)s are accepted.")
            % {"count": len(members), "limit": limits.max_members}
        )
    total = 0
    for info in members:
        _member_path(info.filename)
        if _is_link(info):
            raise UnsafeArchive(
                _("The archive member “%(name)s” is a link; links are refused.")
                % {"name": info.filename}
            )
        total += info.file_size
        if total > limits.max_expanded_bytes:
            raise ArchiveTooLarge(
                _(
                    "The archive expands to more than %(limit)s MB; "
                    "it looks like a zip bomb or is too large."
                )
                % {"limit": limits.max_expanded_bytes // (1 << 20)}
            )
        # Every member, small ones too: nested or numerous small bombs add up,
        # and no real vector file compresses a thousandfold.
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > limits.max_ratio:
            raise ArchiveTooLarge(
                _(
                    "The archive member “%(name)s” is compressed %(ratio)s times; "
                    "at most %(limit)s times is accepted (it looks like a zip "
                    "bomb)."
                )
                % {
                    "name": info.filename,
                    "ratio": int(ratio),
                    "limit": limits.max_ratio,
                },
                code="compression_ratio",
            )


def archive_extract(
    path: Path, destination: Path, *, limits: ArchiveLimits | None = None
) -> Path:
    """Extract the zip archive ``path`` into ``destination`` and return it.

    Raises UnreadableFile for a truncated or corrupt archive, UnsafeArchive and
    ArchiveTooLarge as ``archive_check`` does. Nothing is written before every
    member has been checked.
    """
    limits = limits or ArchiveLimits.from_settings()
    try:
        with zipfile.ZipFile(path) as archive:
            archive_check(archive, limits)
            destination.mkdir(parents=True, exist_ok=True)
            written = 0
            for info in archive.infolist():
                target = destination.joinpath(*_member_path(info.filename).parts)
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(info) as source, target.open("wb") as out:
                    while chunk := source.read(_CHUNK):
                        written += len(chunk)
                        if written > limits.max_expanded_bytes:
                            raise ArchiveTooLarge(
                                _("The archive expands past the size limit.")
                            )
                        out.write(chunk)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        EOFError,
        zlib.error,
        NotImplementedError,
    ) as exc:
        shutil.rmtree(destination, ignore_errors=True)
        raise UnreadableFile(
            _("The archive is truncated or corrupt (%(reason)s).")
            % {"reason": str(exc)},
            code="corrupt_archive",
        ) from exc
    except (UnsafeArchive, ArchiveTooLarge):
        shutil.rmtree(destination, ignore_errors=True)
        raise
    return destination
