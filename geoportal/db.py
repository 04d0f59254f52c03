"""Raw psycopg cursors on Django's connection, for the few hot queries that
need what Django's cursors do not give: binary results and pipelines.

Django binds parameters on the client unless the settings say otherwise
(``DATABASE_PREPARED``; not behind PgBouncer in transaction mode), and such
cursors read neither. A server-binding cursor on the same connection does,
in the same transaction; it prepares statements only where the settings do.
"""

from __future__ import annotations

import psycopg
from django.db import connection


def server_cursor() -> psycopg.Cursor:
    """A server-binding cursor on Django's (open) connection."""
    connection.ensure_connection()
    return psycopg.Cursor(connection.connection)


def prepare() -> bool | None:
    """The ``prepare`` argument of ``execute``: prepare statements only where
    the settings do."""
    options = connection.settings_dict.get("OPTIONS", {})
    return None if options.get("server_side_binding") else False
