"""Streaming a planned upload into a draft layer version, checked on the way.

``features_load`` reads the planned source batch by batch — reproject, check
(``importing.geometry``), map (``importing.load``), COPY (``loader``) — into a
version that ``layers.services.layer_import`` created inside its transaction,
then has PostGIS check the zoning as a whole (``topology``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import shapely
from django.utils.translation import gettext as _
from pyproj import Transformer

from importing.crs import crs_name
from importing.encoding import encoding_label
from importing.errors import EmptyFile
from importing.geometry import (
    EDGE_TOLERANCE_DEG,
    geometries_check,
    geometry_families,
    location_check,
)
from importing.issues import Report
from importing.load import LoadState, crs_report, expected_family, load_report
from importing.plan import ImportPlan
from layers.imports.loader import features_copy
from layers.imports.topology import topology_check
from layers.models import Layer

Progress = Callable[[int, int | None], None]


def _shape(geometry) -> shapely.Geometry | None:
    if geometry is None:
        return None
    shape = shapely.from_wkb(bytes(geometry.wkb))
    return shapely.set_srid(shape, 4326)


def _widened(area):
    if area is None:
        return None
    widened = shapely.buffer(area, EDGE_TOLERANCE_DEG)
    shapely.prepare(widened)
    return widened


def features_load(
    *,
    version_id: int,
    layer: Layer,
    plan: ImportPlan,
    report: Report,
    progress: Progress | None = None,
) -> LoadState:
    """Stream the planned source into ``version_id`` and check it on the way.

    Must run inside a transaction (``layer_import`` opens it). Returns the
    loader state (codes, rules found, counts). Raises UnreadableFile if the file
    turns out to be corrupt part-way.
    """
    agency = layer.document.agency
    territory = _shape(agency.territory)
    perimeter = _shape(layer.document.perimeter)
    # Borders drawn on the territory's or perimeter's edge count as inside.
    territory_zone = _widened(territory)
    perimeter_zone = _widened(perimeter)
    expected = expected_family(kind=layer.kind, plan=plan)
    if plan.encoding and plan.encoding.mismatch and plan.encoding.samples:
        report.add(
            "encoding_repaired" if plan.encoding.declared_by else "encoding_undeclared",
            count=0,
            declared=encoding_label(plan.encoding.declared),
            detected=encoding_label(plan.encoding.detected),
        )
    to_storage = None
    if plan.srid != 4326:
        transformer = Transformer.from_crs(plan.srid, 4326, always_xy=True)

        def to_storage(coordinates: np.ndarray) -> np.ndarray:
            x, y = transformer.transform(coordinates[:, 0], coordinates[:, 1])
            return np.column_stack([x, y])

    if plan.crs_unread:
        report.add(
            "crs_unreadable",
            count=0,
            name=plan.crs_unread,
            declared=crs_name(plan.srid),
            srid=plan.srid,
        )
    loader = LoadState(kind=layer.kind, plan=plan, report=report)
    crs_checked = False
    total = plan.source.feature_count
    if territory is None:
        report.add("no_territory", count=0)
    with features_copy() as write_rows:
        for batch in plan.source.batches(plan.batch_size):
            ids = np.array([str(fid) for fid in batch.fids], dtype=object)
            source_geometries = batch.geometries
            if not crs_checked and territory is not None:
                crs_checked = True
                crs_report(source_geometries, plan.srid, territory, report)
            if not expected:
                families = geometry_families(source_geometries)
                expected = next((f for f in families if f), "")
            geometries, keep = geometries_check(
                source_geometries,
                ids,
                expected=expected,
                report=report,
                to_storage=to_storage,
                unreadable=batch.unreadable,
            )
            location_check(
                geometries[keep],
                ids[keep],
                area=territory_zone,
                outside_code="outside_territory",
                partly_code="partly_outside_territory",
                report=report,
            )
            inside = location_check(
                geometries[keep],
                ids[keep],
                area=perimeter_zone,
                outside_code="outside_perimeter",
                partly_code="partly_outside_perimeter",
                report=report,
            )
            rows = loader.rows(version_id, batch, geometries, keep, ids)
            write_rows(rows)
            loader.measure(geometries[keep], inside, perimeter, rows)
            loader.count += int(keep.sum())
            bounds = (
                shapely.total_bounds(geometries[keep])
                if keep.any()
                else np.full(4, np.nan)
            )
            if np.isfinite(bounds).all():
                loader.bounds = (
                    bounds.tolist()
                    if loader.bounds is None
                    else [
                        min(loader.bounds[0], bounds[0]),
                        min(loader.bounds[1], bounds[1]),
                        max(loader.bounds[2], bounds[2]),
                        max(loader.bounds[3], bounds[3]),
                    ]
                )
            if progress:
                progress(loader.count, total)
    if loader.count == 0 and not report.error_count:
        raise EmptyFile(
            _("The layer “%(name)s” holds no feature.") % {"name": plan.source.label}
        )
    loader.expected = expected
    load_report(loader)
    if layer.kind == Layer.Kind.ZONING:
        _zoning_topology(loader, version_id=version_id, perimeter=perimeter)
    return loader


def _zoning_topology(loader: LoadState, *, version_id: int, perimeter) -> None:
    report = loader.report
    suspects = loader.ledger.suspects()
    uncovered = border = None
    if perimeter is not None and loader.equal_area is not None:
        uncovered = float(loader.equal_area.areas(perimeter)[0]) - loader.covered_m2
        border = loader.equal_area.length(perimeter)
    topology_check(
        version_id=version_id,
        perimeter=perimeter,
        report=report,
        tolerance_m2=loader.plan.tolerance_m2,
        # Past half the zones, one plain self-join is simpler than a list.
        suspects=(
            [loader.source_ids[i] for i in suspects]
            if len(suspects) < len(loader.source_ids) / 2
            else None
        ),
        uncovered_m2=uncovered,
        border_m=border or 0.0,
    )
