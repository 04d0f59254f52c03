"""Writes to agencies, documents, layers and versions. Each is one transaction."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable

from django.contrib.gis.geos import GEOSGeometry
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from layers.models import Feature, Layer, LayerVersion


class VersionStateError(ValueError):
    """The version is not in a state that allows this change."""

    http_status = 409


@dataclasses.dataclass(frozen=True)
class FeatureData:
    """One feature to store: geometry in EPSG:4326 and its attributes."""

    geom: GEOSGeometry
    code: str = ""
    label_fr: str = ""
    label_ar: str = ""
    category: str = ""
    source_id: str = ""
    attributes: dict = dataclasses.field(default_factory=dict)


@transaction.atomic
def layer_version_create(
    *,
    layer: Layer,
    features: Iterable[FeatureData],
    created_by=None,
    source_name: str = "",
    source_sha256: str = "",
    source_srid: int | None = None,
    report: dict | None = None,
    comment: str = "",
    batch_size: int = 2000,
) -> LayerVersion:
    """Store ``features`` as a new draft version of ``layer`` and return it.

    The draft is invisible to the public until published; if anything fails,
    nothing of it remains.
    """
    # Lock the layer so two uploads never take the same version number.
    Layer.objects.select_for_update().filter(pk=layer.pk).first()
    last = layer.versions.aggregate(last=Max("number"))["last"] or 0
    version = LayerVersion.objects.create(
        layer=layer,
        number=last + 1,
        created_by=created_by,
        source_name=source_name,
        source_sha256=source_sha256,
        source_srid=source_srid,
        report=report or {},
        comment=comment,
    )
    count = 0
    batch: list[Feature] = []
    for data in features:
        batch.append(Feature(version=version, **dataclasses.asdict(data)))
        if len(batch) >= batch_size:
            Feature.objects.bulk_create(batch)
            count += len(batch)
            batch = []
    if batch:
        Feature.objects.bulk_create(batch)
        count += len(batch)
    version.feature_count = count
    version.save(update_fields=["feature_count"])
    return version


@transaction.atomic
def layer_version_publish(
    *, version: LayerVersion, published_by=None, at: datetime.datetime | None = None
) -> LayerVersion:
    """Make the draft ``version`` current; the current one becomes superseded.

    Both changes happen in one transaction, so readers see either the old or the
    new version, never both or neither. Raises VersionStateError when the
    version is not a draft or ``at`` is not after the current version's start.
    """
    at = at or timezone.now()
    # Lock the layer: two publications of one layer run one after the other.
    Layer.objects.select_for_update().filter(pk=version.layer_id).first()
    version.refresh_from_db()
    if version.status != LayerVersion.Status.DRAFT:
        raise VersionStateError(_("Only a draft version can be published."))
    current = (
        LayerVersion.objects.select_for_update()
        .filter(layer_id=version.layer_id, status=LayerVersion.Status.PUBLISHED)
        .first()
    )
    if current is not None:
        if at <= current.valid_from:
            raise VersionStateError(
                _("A version cannot take effect before the current one did.")
            )
        current.status = LayerVersion.Status.SUPERSEDED
        current.valid_to = at
        current.save(update_fields=["status", "valid_to"])
    version.status = LayerVersion.Status.PUBLISHED
    version.valid_from = at
    version.published_by = published_by
    version.save(update_fields=["status", "valid_from", "published_by"])
    return version


@transaction.atomic
def layer_version_restore(
    *, version: LayerVersion, published_by=None, at: datetime.datetime | None = None
) -> LayerVersion:
    """Roll back to ``version``: publish a copy of its features as a new version.

    History stays linear — every version keeps its single validity interval — so
    an as-of-date question about any moment still has exactly one answer.
    """
    if version.status == LayerVersion.Status.PUBLISHED:
        raise VersionStateError(_("This version is already the current one."))
    copy = layer_version_create(
        layer=version.layer,
        features=(),
        created_by=published_by,
        source_name=version.source_name,
        source_sha256=version.source_sha256,
        source_srid=version.source_srid,
        report=version.report,
        comment=_("Restored from version %(number)s") % {"number": version.number},
    )
    copy.restored_from = version
    copy.source_file = version.source_file
    fields = [
        "source_id",
        "code",
        "label_fr",
        "label_ar",
        "category",
        "attributes",
        "geom",
    ]
    copied = Feature.objects.bulk_create(
        Feature(version=copy, **{name: getattr(feature, name) for name in fields})
        for feature in version.features.iterator(chunk_size=2000)
    )
    copy.feature_count = len(copied)
    copy.save(update_fields=["restored_from", "source_file", "feature_count"])
    return layer_version_publish(version=copy, published_by=published_by, at=at)
