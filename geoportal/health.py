"""Health of the service: is the database there, with PostGIS?"""

from __future__ import annotations

import dataclasses

from django.db import DatabaseError, connection


@dataclasses.dataclass(frozen=True)
class Health:
    ok: bool
    database: str
    postgis: str | None
    error: str | None = None


def health_check() -> Health:
    """Query the database and PostGIS once; never raise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT version(), postgis_lib_version()")
            database, postgis = cursor.fetchone()
    except DatabaseError as exc:
        return Health(
            ok=False, database="unreachable", postgis=None, error=str(exc).strip()
        )
    return Health(ok=True, database=database.split(" on ")[0], postgis=postgis)
