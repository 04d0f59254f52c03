"""What an upload would become, shown to the planner before anything is kept.

``import_dry_run`` runs the real import (``layers.services.layer_import``: the
same reading, mapping, checks and PostGIS topology) inside a transaction that
it then rolls back, and keeps what the planner confirms against: the number
of features, the first rows as they would be stored, their shapes for a small
map and the validation report. Running the import itself, rather than a
second description of it, keeps the preview true to what "Import" will do.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from django.contrib.gis.db.models.functions import AsGeoJSON
from django.db import transaction

from importing.plan import ImportOptions
from layers.models import Feature, Layer, LayerVersion
from layers.services import layer_import

SAMPLE_ROWS = 10
MAP_FEATURES = 2000  # shapes drawn on the preview map


@dataclasses.dataclass(frozen=True)
class ImportPreview:
    """The outcome of an import that was rolled back."""

    feature_count: int
    rows: list[dict]
    features: dict  # GeoJSON FeatureCollection, EPSG:4326
    report: dict  # as stored on a version (issues as data, not sentences)
    rules: dict  # the rule values found per zone code


class _RolledBack(Exception):
    def __init__(self, preview: ImportPreview) -> None:
        self.preview = preview


def import_dry_run(
    *, layer: Layer, path: Path, user, options: ImportOptions
) -> ImportPreview:
    """Import ``path`` into ``layer`` and undo it; return what it made.

    Raises what ``layer_import`` raises (PermissionDenied, ImportRefused).
    """
    try:
        with transaction.atomic():
            version = layer_import(layer=layer, path=path, user=user, options=options)
            preview = _preview(version)
            version.source_file.delete(save=False)
            raise _RolledBack(preview)
    except _RolledBack as done:
        return done.preview


def _preview(version: LayerVersion) -> ImportPreview:
    features = Feature.objects.filter(version=version).order_by("pk")
    rows = list(
        features.values("source_id", "code", "label_fr", "label_ar", "category")[
            :SAMPLE_ROWS
        ]
    )
    shapes = features.annotate(shape=AsGeoJSON("geom", precision=6)).values_list(
        "code", "category", "shape"
    )[:MAP_FEATURES]
    report = dict(version.report or {})
    rules = report.pop("rules", {})
    return ImportPreview(
        feature_count=version.feature_count,
        rows=rows,
        features={
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": json.loads(shape),
                    "properties": {"code": code, "category": category},
                }
                for code, category, shape in shapes
            ],
        },
        report=report,
        rules=rules,
    )
