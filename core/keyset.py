"""Keyset pagination ("seek"): a page starts just after the last row of the
previous one, found by its sort key, rather than after counting and
skipping every row before it (``OFFSET``), whose cost grows with the page
number.

An order is one sortable column, which may be null (nulls rank above every
value, as in PostgreSQL's indexes: last ascending, first descending), and a
unique tie-break (the id), both walked in one direction. A cursor is the key
of a row — its column's value and its id — written into the page's links as
text. The rows after a cursor are those whose value is past it, or equal with
a greater id; they are asked for as ``column >= value`` minus the few ties at
or before the id, so PostgreSQL walks an index on the column from the value
instead of filtering from the start. The null rows, last, are a second query
only when the page reaches them.
"""

from __future__ import annotations

import dataclasses
import datetime
import re

from django.db.models import F, QuerySet
from django.db.models.expressions import OrderBy

_CURSOR = re.compile(r"(-|[0-9]{1,20})\.([0-9]{1,19})")
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


class InvalidCursor(ValueError):
    """A cursor that this module did not write."""


@dataclasses.dataclass(frozen=True)
class Cursor:
    """The key of one row: its sort value (None when null) and its id."""

    value: datetime.datetime | None
    pk: int

    def text(self) -> str:
        """``<microseconds since 1970 UTC, or ->.<id>``: short, and nothing a
        query string must escape."""
        if self.value is None:
            return f"-.{self.pk}"
        micro = (self.value - _EPOCH) // datetime.timedelta(microseconds=1)
        return f"{micro}.{self.pk}"

    @classmethod
    def parse(cls, text: str) -> Cursor:
        """The cursor ``text()`` wrote; raises InvalidCursor for anything else."""
        match = _CURSOR.fullmatch(text)
        if match is None:
            raise InvalidCursor(text)
        micro, pk = match.groups()
        try:
            value = (
                None
                if micro == "-"
                else _EPOCH + datetime.timedelta(microseconds=int(micro))
            )
        except OverflowError as error:
            raise InvalidCursor(text) from error
        return cls(value=value, pk=int(pk))


@dataclasses.dataclass(frozen=True)
class KeysetPage:
    """One page of rows, in order, and whether rows come before and after."""

    rows: list
    has_previous: bool
    has_next: bool
    order: KeysetOrder

    @property
    def first(self) -> Cursor | None:
        return self.order.cursor_of(self.rows[0]) if self.rows else None

    @property
    def last(self) -> Cursor | None:
        return self.order.cursor_of(self.rows[-1]) if self.rows else None


@dataclasses.dataclass(frozen=True)
class KeysetOrder:
    """An order to page through: ``field`` (a datetime column; nulls above
    every value), then ``pk`` (unique), ascending or both descending. Paths
    may cross relations (``case__answer_due_at``)."""

    field: str
    pk: str
    descending: bool = False

    def order_by(self, *, backwards: bool = False) -> list[OrderBy]:
        """The ORDER BY of this order, or of its exact reverse. Nulls sort
        as PostgreSQL's indexes keep them, above every value: last going up,
        first going down — so one index on the column serves both ways."""
        if self._up(backwards):
            return [F(self.field).asc(nulls_last=True), F(self.pk).asc()]
        return [F(self.field).desc(nulls_first=True), F(self.pk).desc()]

    def _up(self, backwards: bool) -> bool:
        """Whether walking this order (or its reverse) meets the values
        in ascending order."""
        return self.descending == backwards

    def cursor_of(self, row) -> Cursor:
        """The key of ``row`` (a model instance)."""
        return Cursor(value=_path(row, self.field), pk=_path(row, self.pk))

    def page(
        self,
        queryset: QuerySet,
        *,
        size: int,
        after: Cursor | None = None,
        before: Cursor | None = None,
        last: bool = False,
        last_size: int | None = None,
    ) -> KeysetPage:
        """The ``size`` rows of ``queryset`` just after ``after`` (or the
        first ones), just before ``before``, or — with ``last`` — the final
        ``last_size`` rows (what remains after the full pages)."""
        if before is not None or last:
            wanted = size if before is not None else (last_size or size)
            rows = self._walk(queryset, before, wanted + 1, backwards=True)
            return KeysetPage(
                rows=rows[:wanted][::-1],
                has_previous=len(rows) > wanted,
                has_next=before is not None,
                order=self,
            )
        rows = self._walk(queryset, after, size + 1, backwards=False)
        return KeysetPage(
            rows=rows[:size],
            has_previous=after is not None,
            has_next=len(rows) > size,
            order=self,
        )

    def _walk(
        self, queryset: QuerySet, start: Cursor | None, limit: int, *, backwards: bool
    ) -> list:
        """Up to ``limit`` rows strictly past ``start`` (from the beginning
        when None) in this order, or in its reverse with ``backwards``."""
        up = self._up(backwards)
        past, past_or_equal, tie = ("gt", "gte", "lte") if up else ("lt", "lte", "gte")
        valued = queryset.filter(**{f"{self.field}__isnull": False})
        nulls = queryset.filter(**{f"{self.field}__isnull": True})
        # Going up the nulls come after the values, going down before them.
        if start is None:
            parts = [valued, nulls] if up else [nulls, valued]
        elif start.value is None:
            nulls = nulls.filter(**{f"{self.pk}__{past}": start.pk})
            parts = [nulls] if up else [nulls, valued]
        else:
            valued = valued.filter(
                **{f"{self.field}__{past_or_equal}": start.value}
            ).exclude(**{self.field: start.value, f"{self.pk}__{tie}": start.pk})
            parts = [valued, nulls] if up else [valued]
        rows: list = []
        for part in parts:
            if len(rows) >= limit:
                break
            ordered = part.order_by(*self.order_by(backwards=backwards))
            rows += list(ordered[: limit - len(rows)])
        return rows


def _path(row, path: str):
    for name in path.split("__"):
        row = getattr(row, name)
    return row
