"""Writes to the parcel registry. Each is one transaction."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from accounts.permissions import require_change
from importing.errors import no_parcel_error
from importing.issues import Report
from layers.models import Agency
from layers.services import upload_size_check
from parcels.importing import parcel_plan, parcel_rows
from parcels.models import Parcel

_STAGING = """
CREATE TEMPORARY TABLE parcel_import_staging (
    kind varchar(3), reference varchar(64), reference_key varchar(64),
    official_area_m2 numeric(12, 2), address varchar(300), geom geometry
) ON COMMIT DROP
"""

_UPSERT = """
INSERT INTO {table} (agency_id, kind, reference, reference_key, official_area_m2,
                     address, geom, created_at)
SELECT %s, kind, reference, reference_key, official_area_m2, address,
       ST_Multi(geom), %s
FROM parcel_import_staging
ON CONFLICT (agency_id, reference_key) DO UPDATE
SET kind = EXCLUDED.kind, reference = EXCLUDED.reference,
    official_area_m2 = EXCLUDED.official_area_m2, address = EXCLUDED.address,
    geom = EXCLUDED.geom, from_demo_data = false
RETURNING (xmax = 0) AS created
"""


@dataclasses.dataclass(frozen=True)
class ParcelImport:
    """What a parcel import did."""

    created: int
    updated: int
    report: dict

    @property
    def summary(self) -> str:
        """ "1 parcel created, 3 updated." in the active language."""
        return gettext("%(created)s, %(updated)s.") % {
            "created": ngettext(
                "%(count)s parcel created", "%(count)s parcels created", self.created
            )
            % {"count": self.created},
            "updated": ngettext("%(count)s updated", "%(count)s updated", self.updated)
            % {"count": self.updated},
        }


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
    """Create or update the parcels of ``agency`` from a registry file.

    Parcels are matched on their canonical reference: a parcel already known is
    updated (geometry, area, address), a new one created. Parcels without a
    readable reference, or repeated, are left out and listed in the report. All
    of it is one transaction. Raises PermissionDenied, ImportRefused.
    """
    if user is not None:
        require_change(user, Parcel(agency=agency))
    upload_size_check(Path(path).stat().st_size)
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
        table = connection.ops.quote_name(Parcel._meta.db_table)
        with transaction.atomic(), connection.cursor() as cursor:
            # A savepoint inside a longer transaction may have left one behind.
            cursor.execute("DROP TABLE IF EXISTS parcel_import_staging")
            cursor.execute(_STAGING)
            count = 0
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(
                    "COPY parcel_import_staging (kind, reference, reference_key, "
                    "official_area_m2, address, geom) FROM STDIN"
                ) as copy,
            ):
                for row in parcel_rows(
                    plan, agency=agency, report=report, progress=progress
                ):
                    copy.write_row(
                        (
                            row.kind,
                            row.reference,
                            row.key,
                            row.area_m2,
                            row.address,
                            row.geom_hex,
                        )
                    )
                    count += 1
            if count == 0:
                raise no_parcel_error()
            cursor.execute(_UPSERT.format(table=table), [agency.pk, timezone.now()])
            flags = [created for (created,) in cursor.fetchall()]
    report.summary.update(
        parcels=count,
        source=plan.source.label,
        srid=plan.srid,
        mapping=plan.mapping.fields,
    )
    created = sum(1 for flag in flags if flag)
    return ParcelImport(
        created=created, updated=len(flags) - created, report=report.as_dict()
    )
