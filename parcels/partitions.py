"""An agency's partition of ``parcels_parcel`` (parcels migration 0007), and
the first import's way of filling it: loaded bare, indexed once, attached.

Inserting a million rows into a table with its indexes maintains each
index a row at a time (≈ 5× ``ogr2ogr``, benchmarks/README.md); loading a
table without indexes and building them afterwards is what bulk loaders do.
A first import (the agency's partition holds no parcel, retired or not)
therefore COPYs into a table of its own, builds the parent's indexes on
it, and swaps it for the empty partition in the import's transaction.

The load and the index builds run on connections of their own, committed
as they go: an index build is one process's work, and the other indexes
of the same table are built beside it only by other sessions, which see
only a committed table (half the time on two cores). Nobody reads that
table: it is attached, and so published, only by the swap, in the
import's transaction, which holds the partition locked against other
imports from the start. A failure before the swap drops it; a table left
by a process that died, or by a swap rolled back, is dropped by the next
parcel import (``loads_sweep``). The published parcels are untouched
either way. Readers are held only by the
swap (detaching the empty partition locks the parent until the commit).
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Iterable

import numpy as np
import psycopg
from psycopg import sql
from psycopg.copy import QueuedLibpqWriter

from core.db import own_connection, own_connection_params
from importing.issues import Report
from parcels.importing import COPY_COLUMNS, ParcelBatch, Repeats, cells_touched

PARENT = "parcels_parcel"

_CONSTRAINT_DEFINITION = re.compile(
    r"^(?P<kind>PRIMARY KEY|UNIQUE) \((?P<columns>[^()]+)\)$"
)

# How many index builds run at once (each on a connection of its own).
BUILDERS = 2


_INDEX_DEFINITION = re.compile(
    r"^CREATE (?P<unique>UNIQUE )?INDEX \S+ ON (?:ONLY )?\S+ (?P<using>USING .+)$"
)


def partition_name(agency_id: int) -> str:
    """The name of the agency's partition (``parcels_partition_name``)."""
    return f"{PARENT}_agency_{int(agency_id)}"


def partition_hold(cursor, *, agency_id: int) -> bool:
    """Make sure the agency has its partition and lock it against writes
    (readers go on) until the transaction ends; return whether it holds no
    parcel at all — the first import's case."""
    cursor.execute("SELECT parcels_partition_ensure(%s)", [agency_id])
    table = sql.Identifier(partition_name(agency_id))
    cursor.execute(sql.SQL("LOCK TABLE {} IN EXCLUSIVE MODE").format(table))
    cursor.execute(sql.SQL("SELECT NOT EXISTS (SELECT FROM {})").format(table))
    return cursor.fetchone()[0]


def _parent_indexes(cursor) -> tuple[list[str], list[tuple[str, str]]]:
    """(the parent's primary key and unique constraints, its other indexes as
    ``(UNIQUE, USING …)``): what the partition must have to be attached
    without building any index then."""
    cursor.execute(
        """
        SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c
        WHERE c.conrelid = %(parent)s::regclass AND c.contype IN ('p', 'u')
        ORDER BY c.contype, c.conname
        """,
        {"parent": PARENT},
    )
    constraints = [row[0] for row in cursor.fetchall()]
    cursor.execute(
        """
        SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i
        WHERE i.indrelid = %(parent)s::regclass
          AND NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        ORDER BY i.indexrelid
        """,
        {"parent": PARENT},
    )
    indexes = []
    for (definition,) in cursor.fetchall():
        match = _INDEX_DEFINITION.match(definition)
        if match is None:  # a form this module does not know: fail loudly
            raise ValueError(f"unexpected index definition: {definition}")
        indexes.append((match["unique"] or "", match["using"]))
    return constraints, indexes


def _index_builds(cursor, load: str) -> tuple[list, list]:
    """(the statements building each of the parent's indexes on the table
    ``load``, the longest first; those making its unique ones its primary
    key and unique constraints, to run after): what the table must have to
    be attached without building any index then. ATTACH adopts a unique
    index for the parent's primary key or unique constraint only from one of
    the partition's constraints."""
    constraints, indexes = _parent_indexes(cursor)
    table = sql.Identifier(load)
    # Named after the table's oid: the names stay with the partition, and the
    # agency's next first import must find them free.
    cursor.execute("SELECT %s::regclass::oid", [load])
    (oid,) = cursor.fetchone()
    builds, adoptions = [], []
    for position, definition in enumerate(constraints):
        match = _CONSTRAINT_DEFINITION.match(definition)
        if match is None:  # a form this module does not know: fail loudly
            raise ValueError(f"unexpected constraint definition: {definition}")
        name = sql.Identifier(f"{load}_{oid}_key_{position}")
        statement = sql.SQL("CREATE UNIQUE INDEX {} ON {} ({})").format(
            name, table, sql.SQL(match["columns"])
        )
        builds.append(("btree", statement))
        adoptions.append(
            sql.SQL("ALTER TABLE {} ADD {} USING INDEX {}").format(
                table, sql.SQL(match["kind"]), name
            )
        )
    for unique, using in indexes:
        statement = sql.SQL("CREATE {}INDEX ON {} {}").format(
            sql.SQL(unique), table, sql.SQL(using)
        )
        builds.append((using.split()[1], statement))
    # Longest first, so that the builders finish together: a trigram GIN
    # takes about twice a GiST, which takes about twice a B-tree.
    order = {"gin": 0, "gist": 1}
    builds.sort(key=lambda build: order.get(build[0], 2))
    return [statement for _, statement in builds], adoptions


def _build(params: dict, builds: list) -> None:
    """Run ``builds`` on ``BUILDERS`` connections of their own at once, each
    taking the next when done; the first failure stops them and is raised."""
    pending = list(builds)
    lock = threading.Lock()
    failures: list[BaseException] = []

    def builder() -> None:
        with own_connection(params) as connection:
            while True:
                with lock:
                    if failures or not pending:
                        return
                    build = pending.pop(0)
                try:
                    connection.execute(build)
                except BaseException as error:
                    with lock:
                        failures.append(error)
                    return

    threads = [
        threading.Thread(target=builder, name=f"parcels-index-{n}", daemon=True)
        for n in range(min(BUILDERS, len(builds)))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]


def loads_sweep(params: dict) -> list[str]:
    """Drop the load tables no import is filling, and return their names:
    those of imports whose process died, or whose transaction rolled back
    after the swap. An import holds its agency's partition locked from
    ``partition_hold`` to its end, so a table whose partition cannot be
    locked at once is left alone."""
    dropped = []
    with own_connection(params) as connection:
        names = connection.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'r'"
            " AND NOT relispartition AND relname LIKE %s",
            [PARENT.replace("_", r"\_") + r"\_agency\_%\_load"],
        ).fetchall()
        for (name,) in names:
            partition = name.removesuffix("_load")
            (exists,) = connection.execute(
                "SELECT to_regclass(%s) IS NOT NULL", [partition]
            ).fetchone()
            try:
                with connection.transaction():
                    # Nor wait for a table a statement of an import holds.
                    connection.execute("SET LOCAL lock_timeout = '1s'")
                    if exists:
                        connection.execute(
                            sql.SQL("LOCK TABLE {} IN EXCLUSIVE MODE NOWAIT").format(
                                sql.Identifier(partition)
                            )
                        )
                    connection.execute(
                        sql.SQL("DROP TABLE {}").format(sql.Identifier(name))
                    )
            except psycopg.errors.LockNotAvailable:
                continue
            dropped.append(name)
    return dropped


def partition_load(
    cursor,
    *,
    agency_id: int,
    batches: Iterable[ParcelBatch],
    repeats: Repeats,
    report: Report,
) -> int:
    """Load ``batches`` as the agency's parcels into a table of their own,
    the ``repeats`` dropped, index it and attach it in place of the agency's
    empty partition (``partition_hold`` first, on ``cursor``, in the
    import's transaction). Returns how many parcels were loaded; with none,
    nothing is swapped."""
    agency_id = int(agency_id)
    final = partition_name(agency_id)
    load_name = f"{final}_load"
    load = sql.Identifier(load_name)
    check = sql.Identifier(f"{final}_agency")
    params = own_connection_params()
    with own_connection(params) as loader:
        try:
            count, cells = _load(
                loader, load=load, check=check, agency_id=agency_id, batches=batches
            )
            count -= repeats.drop(loader.cursor(), load, report)
            if count:
                builds, adoptions = _index_builds(loader.cursor(), load_name)
                _build(params, builds)
                for adoption in adoptions:
                    loader.execute(adoption)
        except BaseException:
            # The first error is the one to tell; a table this cannot drop
            # (the connection lost) is swept by the next import.
            with contextlib.suppress(psycopg.Error):
                loader.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(load))
            raise
        if count == 0:
            loader.execute(sql.SQL("DROP TABLE {}").format(load))
            return 0
    table = sql.Identifier(final)
    cursor.execute(
        sql.SQL(
            "ALTER TABLE {parent} DETACH PARTITION {table}; DROP TABLE {table};"
            " ALTER TABLE {parent} ATTACH PARTITION {load} FOR VALUES IN ({agency});"
            " ALTER TABLE {load} RENAME TO {table};"
            " ALTER TABLE {table} DROP CONSTRAINT {check}"
        ).format(
            parent=sql.Identifier(PARENT),
            table=table,
            load=load,
            agency=sql.Literal(agency_id),
            check=check,
        )
    )
    # ATTACH inserts no row: the parcels' revision (the tiles' validator,
    # migration 0006) is moved on here, as its insert trigger would have.
    cursor.execute(
        "INSERT INTO parcels_parcelsrevision (agency_id, revision) VALUES (%s, 1)"
        " ON CONFLICT (agency_id)"
        " DO UPDATE SET revision = parcels_parcelsrevision.revision + 1",
        [agency_id],
    )
    # Nor does it fire the trigger adding the cells the parcels touch (the
    # clicks' look-up, parcels migration 0009): reckoned from the batches.
    cells = np.unique(np.concatenate(cells), axis=0)
    cursor.execute(
        "INSERT INTO parcels_parcelcell (x, y, agency_id)"
        " SELECT x, y, %s FROM unnest(%s::integer[], %s::integer[]) AS c (x, y)"
        " ON CONFLICT DO NOTHING",
        [agency_id, cells[:, 0].tolist(), cells[:, 1].tolist()],
    )
    return count


def _load(loader, *, load, check, agency_id: int, batches) -> tuple[int, list]:
    """Make ``load`` (a table left by an import that died dropped first) and
    COPY ``batches`` into it; returns how many parcels, and the cells each
    batch touches."""
    # The parent's defaults (the id sequence) and generated columns (the
    # Mercator copy, the folded address, computed as COPY writes each row);
    # the agency and the creation time as defaults, so COPY sends only the
    # file's columns. The CHECK, there before the first row, lets ATTACH
    # skip scanning the table for rows of other agencies.
    loader.execute(
        sql.SQL(
            "DROP TABLE IF EXISTS {load};"
            " CREATE TABLE {load}"
            " (LIKE {parent} INCLUDING DEFAULTS INCLUDING GENERATED);"
            "ALTER TABLE {load} ALTER COLUMN agency_id SET DEFAULT {agency},"
            " ALTER COLUMN created_at SET DEFAULT now(),"
            " ADD CONSTRAINT {check} CHECK (agency_id IS NOT NULL"
            " AND agency_id = {agency})"
        ).format(
            load=load,
            parent=sql.Identifier(PARENT),
            agency=sql.Literal(agency_id),
            check=check,
        )
    )
    columns = sql.SQL(", ").join(map(sql.Identifier, COPY_COLUMNS))
    count, cells = 0, []
    with (
        loader.cursor() as cursor,
        cursor.copy(
            sql.SQL("COPY {} ({}) FROM STDIN").format(load, columns),
            writer=QueuedLibpqWriter(cursor),
        ) as copy,
    ):
        for batch in batches:
            copy.write(batch.text)
            count += batch.count
            cells.append(cells_touched(batch.bounds))
    loader.execute(
        sql.SQL(
            "ALTER TABLE {load} ALTER COLUMN agency_id DROP DEFAULT,"
            " ALTER COLUMN created_at DROP DEFAULT"
        ).format(load=load)
    )
    return count, cells
