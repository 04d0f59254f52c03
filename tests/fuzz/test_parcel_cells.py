"""The cells of 0.01° a parcel touches are the same whether the database's
trigger reckons them (``parcels_cell``, parcels migration 0009: every write
through the parcels table) or an agency's first import does, from the
batches it loads (``parcels.importing.cells_touched``): a click looks a
parcel up by the cell it falls in, so the two must agree to the last bit,
on cell edges and across the meridian and the equator."""

from __future__ import annotations

import numpy as np
import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from parcels.importing import cells_touched
from tests.fuzz import fuzz_settings

# Degrees, some on a cell's edge or a hair from it.
_DEGREES = st.one_of(
    st.floats(-180, 180, allow_nan=False),
    st.integers(-18000, 18000).map(lambda n: n / 100),
    st.integers(-18000, 18000).map(lambda n: np.nextafter(n / 100, -np.inf)),
)
_SPANS = st.floats(0, 0.05, allow_nan=False)


def _database_cells(boxes: list[tuple[float, float, float, float]]) -> set:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT x, y"
            " FROM unnest(%s::float8[], %s::float8[], %s::float8[], %s::float8[])"
            " AS b (west, south, east, north),"
            " generate_series(parcels_cell(west), parcels_cell(east)) AS x,"
            " generate_series(parcels_cell(south), parcels_cell(north)) AS y",
            [list(column) for column in zip(*boxes, strict=True)],
        )
        return set(cursor.fetchall())


@pytest.mark.django_db
@fuzz_settings(200)
@given(
    corners=st.lists(
        st.tuples(_DEGREES, _DEGREES, _SPANS, _SPANS), min_size=1, max_size=20
    )
)
def test_the_import_and_the_database_find_the_same_cells(corners):
    boxes = []
    for west, south, width, height in corners:
        south = max(-90.0, min(90.0 - height, south))
        boxes.append((west, south, west + width, south + height))
    found = cells_touched(np.array(boxes, dtype=np.float64))

    assert {tuple(map(int, cell)) for cell in found} == _database_cells(boxes)
    assert len(found) == len({tuple(cell) for cell in found.tolist()})  # distinct
