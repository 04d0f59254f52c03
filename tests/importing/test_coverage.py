"""The overlap pre-check: only zones with unmatched edges need the exact test."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from importing.coverage import EdgeLedger, EqualArea


def _grid():
    return [shapely.box(x, y, x + 1, y + 1) for x in range(3) for y in range(3)]


def _suspects(cells, batch=4):
    ledger = EdgeLedger()
    for start in range(0, len(cells), batch):
        part = np.array(cells[start : start + batch], dtype=object)
        ledger.add(part, np.arange(start, start + len(part)))
    return set(ledger.suspects().tolist())


def test_clean_partition_leaves_only_the_border():
    assert _suspects(_grid()) == {0, 1, 2, 3, 5, 6, 7, 8}  # not the centre


def test_overlapping_and_nested_zones_are_suspects():
    cells = _grid()
    cells[4] = shapely.box(1, 1, 2.3, 2)  # pushes into its eastern neighbour
    assert 4 in _suspects(cells)
    nested = [*_grid(), shapely.box(1.2, 1.2, 1.8, 1.8)]
    assert 9 in _suspects(nested)
    assert 4 in _suspects([*_grid(), _grid()[4]])  # a zone drawn twice


def test_edges_split_differently_are_suspects():
    cells = _grid()
    cells[4] = shapely.Polygon([(1, 1), (2, 1), (2, 1.5), (2, 2), (1, 2)])
    assert {4, 7} <= _suspects(cells)


def test_equal_area_matches_the_ellipsoid():
    square = shapely.box(-6.9, 33.9, -6.8, 34.0)
    area = EqualArea(-6.85, 33.95).areas(np.array([square]))[0]
    assert area == pytest.approx(1.02534e8, rel=1e-4)
