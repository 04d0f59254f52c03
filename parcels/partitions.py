"""An agency's partition of ``parcels_parcel`` (parcels migration 0007), and
the first import's way of filling it: loaded bare, indexed once, attached.

Inserting a million rows into a table with its indexes maintains each
index a row at a time (≈ 5× ``ogr2ogr``, benchmarks/README.md); loading a
table without indexes and building them afterwards is what bulk loaders do.
A first import (the agency's partition holds no parcel, retired or not)
therefore COPYs into a new table, builds the parent's indexes on it, and
swaps it for the empty partition, all in the import's transaction: a
failure anywhere leaves the published parcels as they were. Readers are
held only by the swap at the end (detaching the empty partition locks the
parent until the commit), not by the load.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from psycopg import sql

from parcels.importing import ParcelRow

PARENT = "parcels_parcel"

# The columns a ParcelRow fills, in its order.
ROW_COLUMNS = ("kind", "reference", "reference_key", "official_area_m2", "address")

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


def partition_load(cursor, *, agency_id: int, rows: Iterable[ParcelRow]) -> int:
    """Load ``rows`` as the agency's parcels into a bare table, index it and
    attach it in place of the agency's empty partition (``partition_hold``
    first, in the same transaction). Returns how many parcels were loaded;
    with none, nothing is swapped."""
    agency_id = int(agency_id)
    final = partition_name(agency_id)
    load = sql.Identifier(f"{final}_load")
    # The parent's defaults (the id sequence) and generated columns (the
    # Mercator copy, the folded address, computed as COPY writes each row);
    # the agency and the creation time as defaults, so COPY sends only the
    # file's columns. The CHECK, there before the first row, lets ATTACH
    # skip scanning the table for rows of other agencies.
    cursor.execute(
        sql.SQL(
            "CREATE TABLE {load}"
            " (LIKE {parent} INCLUDING DEFAULTS INCLUDING GENERATED);"
            "ALTER TABLE {load} ALTER COLUMN agency_id SET DEFAULT {agency},"
            " ALTER COLUMN created_at SET DEFAULT now(),"
            " ADD CONSTRAINT {check} CHECK (agency_id IS NOT NULL"
            " AND agency_id = {agency})"
        ).format(
            load=load,
            parent=sql.Identifier(PARENT),
            agency=sql.Literal(agency_id),
            check=sql.Identifier(f"{final}_agency"),
        )
    )
    columns = sql.SQL(", ").join(map(sql.Identifier, (*ROW_COLUMNS, "geom")))
    count = 0
    with cursor.copy(sql.SQL("COPY {} ({}) FROM STDIN").format(load, columns)) as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    if count == 0:
        return 0
    constraints, indexes = _parent_indexes(cursor)
    cursor.execute(
        sql.SQL(
            "ALTER TABLE {load} ALTER COLUMN agency_id DROP DEFAULT,"
            " ALTER COLUMN created_at DROP DEFAULT"
        ).format(load=load)
    )
    # Constraints as constraints: ATTACH adopts a unique index for the
    # parent's primary key or unique constraint only from one of the
    # partition's constraints.
    for definition in constraints:
        cursor.execute(
            sql.SQL("ALTER TABLE {} ADD {}").format(load, sql.SQL(definition))
        )
    for unique, using in indexes:
        cursor.execute(
            sql.SQL("CREATE {}INDEX ON {} {}").format(
                sql.SQL(unique), load, sql.SQL(using)
            )
        )
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
            check=sql.Identifier(f"{final}_agency"),
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
    return count
