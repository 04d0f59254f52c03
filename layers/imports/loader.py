"""Bulk loading of features into PostGIS with COPY (no ORM objects).

The geometry travels as hex EWKB and the attributes as JSON text; PostgreSQL
computes the generated Web Mercator column and updates the indexes itself. This
is the one place with raw SQL for writing features.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Iterator

from django.db import connection

from layers.models import Feature

FEATURE_COLUMNS = (
    "version_id",
    "source_id",
    "code",
    "label_fr",
    "label_ar",
    "category",
    "attributes",
    "geom",
)


class _CopyWriter(threading.Thread):
    """Sends batches of rows to COPY while the caller prepares the next batch.

    PostgreSQL (parsing, the Web Mercator column, the indexes) and the reading
    and checking in Python then work at the same time instead of in turns. The
    connection is used by this thread alone until ``finish``.
    """

    def __init__(self, copy) -> None:
        super().__init__(name="feature-copy", daemon=True)
        self.copy = copy
        self.batches: queue.Queue = queue.Queue(maxsize=2)
        self.error: BaseException | None = None

    def run(self) -> None:
        while (rows := self.batches.get()) is not None:
            if self.error is not None:
                continue  # drain: the caller raises the error
            try:
                for row in rows:
                    self.copy.write_row(row)
            except BaseException as exc:  # handed to the caller, who raises it
                self.error = exc

    def write(self, rows: list[tuple]) -> None:
        if self.error is not None:
            raise self.error
        self.batches.put(rows)

    def finish(self) -> None:
        self.batches.put(None)
        self.join()
        if self.error is not None:
            raise self.error


@contextlib.contextmanager
def features_copy() -> Iterator[Callable[[list[tuple]], None]]:
    """Yield a function that writes a list of rows (in ``FEATURE_COLUMNS`` order).

    Runs inside the caller's transaction: if anything fails before it commits,
    none of the rows remain. Errors of the database surface as Django's own
    (IntegrityError, DataError…), at the latest when the block ends.
    """
    table = connection.ops.quote_name(Feature._meta.db_table)
    columns = ", ".join(FEATURE_COLUMNS)
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        writer = _CopyWriter(copy)
        writer.start()
        try:
            yield writer.write
        finally:
            writer.finish()


def features_copy_version(*, source_id: int, target_id: int) -> int:
    """Copy every feature of version ``source_id`` into ``target_id``.

    Returns the number of features copied (one INSERT … SELECT).
    """
    table = connection.ops.quote_name(Feature._meta.db_table)
    columns = ", ".join(FEATURE_COLUMNS[1:])
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (version_id, {columns}) "  # noqa: S608
            f"SELECT %s, {columns} FROM {table} WHERE version_id = %s ORDER BY id",
            [target_id, source_id],
        )
        return cursor.rowcount
