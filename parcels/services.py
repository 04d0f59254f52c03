"""Writes to the parcel registry. Each is one transaction."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from psycopg import sql
from psycopg.copy import QueuedLibpqWriter

from accounts.permissions import require_change
from core.db import own_connection_params
from importing.errors import no_parcel_error
from importing.issues import Report
from layers.models import Agency
from layers.services import upload_size_check
from parcels.importing import COPY_COLUMNS, Repeats, parcel_batches, parcel_plan
from parcels.models import Parcel
from parcels.partitions import loads_sweep, partition_hold, partition_load

_STAGING = """
CREATE TEMPORARY TABLE parcel_import_staging (
    kind varchar(3), reference varchar(64), reference_key varchar(64),
    official_area_m2 numeric(12, 2), address varchar(300), geom geometry
) ON COMMIT DROP
"""

# An update of the cadastre rewrites only the parcels that differ from the
# file (a rewritten row costs a heap tuple and an entry in each of the
# indexes, its Mercator copy and folded address computed again): the unchanged
# ones, most of a yearly update, are left as they are. A retired parcel in the
# file is back.
_UPDATE = """
UPDATE {table} p
SET kind = s.kind, reference = s.reference,
    official_area_m2 = s.official_area_m2, address = s.address,
    geom = ST_Multi(s.geom), retired_at = NULL, from_demo_data = false
FROM parcel_import_staging s
WHERE p.agency_id = %(agency)s AND p.reference_key = s.reference_key
  AND (p.kind, p.reference, p.official_area_m2, p.address, p.geom,
       p.retired_at IS NULL, p.from_demo_data)
      IS DISTINCT FROM
      (s.kind, s.reference, s.official_area_m2, s.address, ST_Multi(s.geom),
       true, false)
"""

# In the order of the geometries' Hilbert curve (PostGIS's sort of geometry):
# neighbours follow each other down the two GiST indexes, which a file in
# reference order made ≈ 30 % slower to insert into.
_INSERT = """
INSERT INTO {table} (agency_id, kind, reference, reference_key, official_area_m2,
                     address, geom, created_at)
SELECT %(agency)s, kind, reference, reference_key, official_area_m2, address,
       ST_Multi(geom), %(now)s
FROM parcel_import_staging s
WHERE NOT EXISTS (
  SELECT FROM {table} p
  WHERE p.agency_id = %(agency)s AND p.reference_key = s.reference_key
)
ORDER BY s.geom
"""

# Parcels of the agency the file no longer holds: retired, not deleted. Run
# before the new ones are inserted, which it then need not look at.
_RETIRE = """
UPDATE {table} p SET retired_at = %(now)s
WHERE p.agency_id = %(agency)s AND p.retired_at IS NULL
  AND NOT EXISTS (
    SELECT FROM parcel_import_staging s WHERE s.reference_key = p.reference_key
  )
"""


def _update(
    cursor, *, agency: Agency, batches, repeats: Repeats, report: Report
) -> tuple[int, dict[str, int]]:
    """Bring the agency's parcels to ``batches`` through a staging table: the
    ones that differ rewritten, the absent ones retired, the new ones
    inserted. Returns how many rows were staged and those three counts."""
    table = connection.ops.quote_name(Parcel._meta.db_table)
    # A savepoint inside a longer transaction may have left one behind.
    cursor.execute("DROP TABLE IF EXISTS parcel_import_staging")
    cursor.execute(_STAGING)
    count = 0
    with cursor.cursor.copy(
        f"COPY parcel_import_staging ({', '.join(COPY_COLUMNS)}) FROM STDIN",
        writer=QueuedLibpqWriter(cursor.cursor),
    ) as copy:
        for batch in batches:
            copy.write(batch.text)
            count += batch.count
    count -= repeats.drop(
        cursor.cursor, sql.Identifier("parcel_import_staging"), report
    )
    if count == 0:
        return 0, {}
    # The joins below probe the staging table by reference: with its index,
    # a plan made on stale statistics (an agency's parcels just deleted or
    # loaded) is a nested loop of look-ups, not of scans — without it,
    # retiring from a million parcels ran for minutes.
    cursor.execute("CREATE UNIQUE INDEX ON parcel_import_staging (reference_key)")
    cursor.execute("ANALYZE parcel_import_staging")
    params = {"agency": agency.pk, "now": timezone.now()}
    counts = {}
    for name, statement in (
        ("updated", _UPDATE),
        ("retired", _RETIRE),
        ("created", _INSERT),
    ):
        cursor.execute(statement.format(table=table), params)
        counts[name] = cursor.rowcount
    return count, counts


@dataclasses.dataclass(frozen=True)
class ParcelImport:
    """What a parcel import did: parcels created, rewritten because the file
    changed them, left as they were, and retired (no longer in the file)."""

    created: int
    updated: int
    report: dict
    unchanged: int = 0
    retired: int = 0

    @property
    def summary(self) -> str:
        """ "1 parcel created, 3 updated. 5 parcels unchanged." in the active
        language; the unchanged and retired counts when there are some."""
        sentences = [
            gettext("%(created)s, %(updated)s.")
            % {
                "created": ngettext(
                    "%(count)s parcel created",
                    "%(count)s parcels created",
                    self.created,
                )
                % {"count": self.created},
                "updated": ngettext(
                    "%(count)s updated", "%(count)s updated", self.updated
                )
                % {"count": self.updated},
            }
        ]
        if self.unchanged:
            sentences.append(
                ngettext(
                    "%(count)s parcel unchanged.",
                    "%(count)s parcels unchanged.",
                    self.unchanged,
                )
                % {"count": self.unchanged}
            )
        if self.retired:
            sentences.append(
                ngettext(
                    "%(count)s parcel retired (no longer in the file).",
                    "%(count)s parcels retired (no longer in the file).",
                    self.retired,
                )
                % {"count": self.retired}
            )
        return " ".join(sentences)


def parcels_import(
    *,
    agency: Agency,
    path: Path,
    user=None,
    srid: int | None = None,
    mapping: dict[str, str] | None = None,
    source_layer: str | None = None,
    progress=None,
) -> ParcelImport:
    """Bring the parcels of ``agency`` to a registry file: its cadastre.

    Parcels are matched on their canonical reference: a parcel already known is
    updated when the file changes it (geometry, area, address) and left alone
    otherwise, a new one created, and the agency's parcels the file no longer
    holds are retired (``retired_at``). Parcels without a readable reference, or
    repeated, are left out and listed in the report. The agency's first
    import (its partition holds no parcel) is loaded into a bare table,
    indexed once and attached as the partition (``parcels.partitions``). All
    of it is one transaction. Raises PermissionDenied, ImportRefused.
    """
    if user is not None:
        require_change(user, Parcel(agency=agency))
    upload_size_check(Path(path).stat().st_size)
    loads_sweep(own_connection_params())
    report = Report()
    with tempfile.TemporaryDirectory(prefix="geoportail-parcels-") as workdir:
        plan = parcel_plan(
            Path(path),
            workdir=Path(workdir),
            agency=agency,
            srid=srid,
            mapping=mapping,
            source_layer=source_layer,
        )
        with (
            transaction.atomic(),
            connection.cursor() as cursor,
            connection.wrap_database_errors,
        ):
            repeats = Repeats()
            batches = parcel_batches(
                plan, agency=agency, report=report, repeats=repeats, progress=progress
            )
            if partition_hold(cursor.cursor, agency_id=agency.pk):
                count = partition_load(
                    cursor.cursor,
                    agency_id=agency.pk,
                    batches=batches,
                    repeats=repeats,
                    report=report,
                )
                counts = {"updated": 0, "retired": 0, "created": count}
            else:
                count, counts = _update(
                    cursor,
                    agency=agency,
                    batches=batches,
                    repeats=repeats,
                    report=report,
                )
            if count == 0:
                raise no_parcel_error()
    report.summary.update(
        parcels=count,
        source=plan.source.label,
        srid=plan.srid,
        mapping=plan.mapping.fields,
    )
    return ParcelImport(
        **counts,
        unchanged=count - counts["created"] - counts["updated"],
        report=report.as_dict(),
    )
