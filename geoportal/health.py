"""Health of the service: is the database there, with PostGIS?"""

from __future__ import annotations

import dataclasses
import logging

from django.db import DatabaseError, connection

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Health:
    ok: bool
    database: str
    postgis: str | None
    error: str | None = None


def health_check() -> Health:
    """Query the database and PostGIS once; never raise.

    The cause of a failure goes to the log, not to the answer: the health
    check is public, and a driver's message names sockets, hosts and users.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT version(), postgis_lib_version()")
            database, postgis = cursor.fetchone()
    except DatabaseError as exc:
        logger.warning("Health check: the database cannot be reached: %s", exc)
        return Health(
            ok=False,
            database="unreachable",
            postgis=None,
            error="the database cannot be reached",
        )
    return Health(ok=True, database=database.split(" on ")[0], postgis=postgis)
