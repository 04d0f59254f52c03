"""Raw psycopg cursors on Django's connection, for the few hot queries that
need what Django's cursors do not give: binary results and pipelines;
connections of one's own beside it; the upkeep that lets a process outlive
a database restart; and long fixed statements made short enough for psycopg
to keep their conversion.

Django binds parameters on the client unless the settings say otherwise
(``DATABASE_PREPARED``; not behind PgBouncer in transaction mode), and such
cursors read neither. A server-binding cursor on the same connection does,
in the same transaction; it prepares statements only where the settings do.

Web workers keep their connections between requests and, for speed, do not
ask the server whether a connection still works before using it
(``DATABASE_HEALTH_CHECKS=false``). When the database restarts, every such
connection is dead. ``connections_drop_dead`` runs when a request starts and
notices, without a round trip, the connections the server hung up on, so the
first request after a restart connects afresh; ``connections_drop_broken``
runs when it finishes and closes those a failed query left broken, including
through raw cursors, which Django's error tracking does not see.

Prepared statements may be planned once for any parameter (a *generic*
plan, chosen after five executions when it looks no dearer than the custom
ones). That is what the fixed spatial statements want, but a text search
with a LIMIT gets a sequential scan stopped at the first matches: a text
that matches nothing then reads the whole table. ``custom_plans`` keeps
such searches planned for the text they look for.
"""

from __future__ import annotations

import contextlib
import re
import select
from collections.abc import Iterator

import psycopg
from django.db import InterfaceError, OperationalError, connections, transaction

from core.replicas import read_alias, read_connection


def server_cursor() -> psycopg.Cursor:
    """A server-binding cursor on Django's (open) connection for reads
    (``core.replicas``: a replica's in ``replica_reads``)."""
    connection = read_connection()
    if connection.connection is not None and connection.connection.closed:
        connection.close()
    connection.ensure_connection()
    return psycopg.Cursor(connection.connection)


@contextlib.contextmanager
def custom_plans() -> Iterator[str]:
    """A transaction on the read connection in which every statement is
    planned for its own parameters (``plan_cache_mode = force_custom_plan``);
    yields its alias, for ``.using()``.

    For text searches with a LIMIT over large tables: the generic plan of
    "address like '%…%' LIMIT 5" is a sequential scan betting on early
    matches, 36 s on 10 M parcels for a text that matches none, where the
    custom plan reads the trigram index (benchmarks/README.md). It costs
    three round trips (BEGIN, SET, COMMIT) and a planning per statement.
    Inside a transaction already open on that connection the setting holds
    until that transaction ends.
    """
    alias = read_alias()
    with transaction.atomic(using=alias):
        with connections[alias].cursor() as cursor:
            cursor.execute("SET LOCAL plan_cache_mode = force_custom_plan")
        yield alias


def own_connection_params(alias: str = "default") -> dict:
    """The libpq parameters of Django's connection ``alias`` (its database,
    the test one under tests), for a psycopg connection of one's own: one
    that commits apart from the request's or the job's transaction, or that
    a thread of its own uses. Read in the thread that owns ``alias``."""
    return {
        key: value
        for key, value in connections[alias].get_connection_params().items()
        if key not in {"cursor_factory", "context", "prepare_threshold"}
    }


def own_connection(params: dict) -> psycopg.Connection:
    """A connection of one's own (``own_connection_params``), in autocommit."""
    return psycopg.connect(**params, autocommit=True)


# A quoted literal or identifier (kept as written), or a run of white space
# and comments to the end of their line (one space).
_SQL_TOKEN = re.compile(r"('(?:[^']|'')*'|\"(?:[^\"]|\"\")*\")|(?:\s|--[^\n]*)+")


def statement_compact(text: str) -> str:
    """``text`` (SQL) without its comments and indentation, the same statement.

    psycopg converts a statement's ``%(name)s`` placeholders on every
    execution, and keeps the conversion only of statements up to 4,096
    bytes: a long commented statement was converted again at every request.
    Literals and quoted identifiers are kept as written.
    """
    compact = _SQL_TOKEN.sub(lambda match: match.group(1) or " ", text)
    return compact.strip()


def prepare() -> bool | None:
    """The ``prepare`` argument of ``execute``: prepare statements only where
    the settings do."""
    options = read_connection().settings_dict.get("OPTIONS", {})
    return None if options.get("server_side_binding") else False


def database_unavailable(error: BaseException) -> bool:
    """Whether ``error`` means the database cannot be reached: down, starting,
    restarting, or the connection to it lost — not a mistake in a query."""
    return isinstance(
        error,
        (
            OperationalError,
            InterfaceError,
            psycopg.OperationalError,
            psycopg.InterfaceError,
        ),
    )


def hung_up(raw: psycopg.Connection) -> bool:
    """Whether the server closed an idle connection (no round trip).

    An idle connection has nothing to read unless the server spoke first:
    when it shuts down or ends the session it sends an error and hangs up.
    A notice sent to an idle session is rare, and costs one reconnection.
    """
    if raw.closed or raw.broken:
        return True
    try:
        readable, _, _ = select.select([raw.pgconn.socket], [], [], 0)
    except (OSError, ValueError, psycopg.OperationalError):
        return True
    return bool(readable)


def connections_drop_dead(**kwargs) -> None:
    """Close this thread's connections the server hung up on (request_started)."""
    for wrapper in connections.all(initialized_only=True):
        raw = wrapper.connection
        if raw is not None and not wrapper.in_atomic_block and hung_up(raw):
            wrapper.close()


def connections_drop_broken(**kwargs) -> None:
    """Close this thread's connections a failed query left unusable
    (request_finished): the next request opens a new one."""
    for wrapper in connections.all(initialized_only=True):
        raw = wrapper.connection
        if raw is not None and (raw.closed or raw.broken):
            wrapper.close()
