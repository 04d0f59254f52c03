"""Raster base maps (orthophotos): upload, conversion to a COG, publication.

An upload is checked at once (``importing.orthophoto.orthophoto_inspect``: a
GeoTIFF, 8-bit RGB(A), georeferenced), so a bad file changes nothing; the
conversion, minutes for a large photo, runs in the background like a layer
import (``manage.py import_worker``) when the file is larger than
GEOPORTAIL_INLINE_IMPORT_BYTES. The COG is kept in the media storage; the
version is a draft until a planner publishes it.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from django.contrib.gis.geos import Polygon
from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import require_change
from audit.models import AuditEvent
from audit.services import audit_record
from core.errors import Conflict
from importing.errors import ImportRefused
from importing.orthophoto import orthophoto_check, orthophoto_convert
from layers.models import Agency, BaseMap, BaseMapVersion
from layers.services import upload_size_check
from layers.tasks import import_in_background


def _stored_copy(upload, workdir: Path) -> Path:
    path = workdir / ("upload" + Path(upload.name).suffix.lower()[:8])
    with path.open("wb") as target:
        for chunk in upload.chunks():
            target.write(chunk)
    return path


def base_map_upload(
    *,
    agency: Agency,
    name: str,
    title_fr: str,
    title_ar: str = "",
    upload,
    user=None,
    background: bool | str | None = None,
) -> BaseMapVersion:
    """A new version of the base map ``name`` of ``agency`` from ``upload``
    (a GeoTIFF), converted now or queued; return it.

    Raises PermissionDenied when ``user`` may not change the agency,
    UploadTooLarge past GEOPORTAIL_MAX_UPLOAD_BYTES, and an ImportRefused
    (UnreadableFile, UnknownCRS, the archive's) when the file is not a
    georeferenced 8-bit RGB(A) GeoTIFF — then nothing is stored.
    """
    if user is not None:
        # Asked of a base map of the agency: planners change their agency's
        # data, not the agency itself.
        require_change(user, BaseMap(agency=agency))
    upload_size_check(upload.size)
    with tempfile.TemporaryDirectory(prefix="geoportail-ortho-") as workdir:
        orthophoto_check(_stored_copy(upload, Path(workdir)), Path(workdir))
    upload.seek(0)
    with transaction.atomic():
        base_map, _created = BaseMap.objects.get_or_create(
            agency=agency,
            name=name,
            defaults={"title_fr": title_fr, "title_ar": title_ar},
        )
        base_map = BaseMap.objects.select_for_update().get(pk=base_map.pk)
        last = base_map.versions.aggregate(last=Max("number"))["last"] or 0
        version = BaseMapVersion(
            base_map=base_map,
            number=last + 1,
            upload_name=Path(upload.name).name[:255],
            created_by=user,
        )
        version.upload.save(version.upload_name, upload, save=False)
        version.save()
    # False: converted now, whatever the size (the command line waits).
    if background is not False and import_in_background(
        size=upload.size, asked=background
    ):
        result = base_map_convert_task.enqueue(version.pk)
        BaseMapVersion.objects.filter(pk=version.pk).update(task_id=str(result.id))
        version.refresh_from_db()
        return version
    return base_map_convert(version=version)


def base_map_convert(*, version: BaseMapVersion) -> BaseMapVersion:
    """Convert the version's upload into its COG; the version becomes a draft,
    or failed with the reason (an ImportRefused is recorded, not raised). The
    upload is removed either way."""
    try:
        with tempfile.TemporaryDirectory(prefix="geoportail-ortho-") as workdir:
            source = Path(workdir) / ("upload" + Path(version.upload_name).suffix)
            with version.upload.open("rb") as stored, source.open("wb") as target:
                shutil.copyfileobj(stored, target)
            target = Path(workdir) / "cog.tif"
            photo = orthophoto_convert(upload=source, target=target)
            with target.open("rb") as cog:
                version.cog.save(
                    f"{version.base_map.agency.code}-{version.base_map.name}"
                    f"-v{version.number}.tif",
                    File(cog),
                    save=False,
                )
    except ImportRefused as exc:
        version.status, version.error, version.error_code = (
            BaseMapVersion.Status.FAILED,
            str(exc.message),
            exc.code,
        )
    else:
        version.status = BaseMapVersion.Status.DRAFT
        version.min_zoom, version.max_zoom = photo.min_zoom, photo.max_zoom
        version.extent = Polygon.from_bbox(photo.bounds)
        version.source_crs = photo.source_crs[:200]
    finally:
        version.upload.delete(save=False)
        version.save()
    return version


@task
def base_map_convert_task(version_id: int) -> str:
    """Convert the base map version ``version_id``; return its status."""
    version = BaseMapVersion.objects.select_related("base_map__agency").get(
        pk=version_id
    )
    return base_map_convert(version=version).status


class BaseMapNotPublishable(Conflict):
    """Only a converted draft, or a superseded version (a rollback), can be
    published."""

    code = "base_map_not_publishable"


@transaction.atomic
def base_map_version_publish(*, version: BaseMapVersion, user=None) -> BaseMapVersion:
    """Publish the draft ``version``, or a superseded one again (a rollback:
    its COG is kept); the one published before is superseded.

    Raises PermissionDenied, or BaseMapNotPublishable when the version is
    neither a converted draft nor superseded.
    """
    if user is not None:
        require_change(user, version)
    version = BaseMapVersion.objects.select_for_update().get(pk=version.pk)
    if version.status not in (
        BaseMapVersion.Status.DRAFT,
        BaseMapVersion.Status.SUPERSEDED,
    ):
        raise BaseMapNotPublishable(
            _(
                "Only a converted draft or a superseded version of a base map "
                "can be published."
            )
        )
    version.base_map.versions.filter(status=BaseMapVersion.Status.PUBLISHED).update(
        status=BaseMapVersion.Status.SUPERSEDED
    )
    version.status, version.published_at = (
        BaseMapVersion.Status.PUBLISHED,
        timezone.now(),
    )
    version.save(update_fields=["status", "published_at"])
    audit_record(
        action=AuditEvent.Action.VERSION_PUBLISHED,
        actor=user,
        obj=version,
        agency_id=version.base_map.agency_id,
        details={"number": version.number},
    )
    return version
