"""The national benchmark registry's sizes (``benchmarks/generate.py
--national``): 10,000,000 parcels over the 29 agencies, the bench agency's
million among them, the others as unequal as today's and none larger."""

from __future__ import annotations

from benchmarks.generate import (
    GRID,
    NATIONAL_PARCELS,
    OTHER_AGENCIES,
    national_agencies,
)


def test_the_national_registry_holds_ten_million_parcels_none_above_a_million():
    others = national_agencies(NATIONAL_PARCELS - GRID**2, GRID)
    total = GRID**2 + sum(agency.grid**2 for agency in others)
    assert abs(total - NATIONAL_PARCELS) < NATIONAL_PARCELS / 1000
    assert [agency.code for agency in others] == [a.code for a in OTHER_AGENCIES]
    assert max(agency.grid for agency in others) <= GRID
    # Casablanca stays the largest of the 28 and Smara among the smallest.
    by_size = sorted(others, key=lambda agency: agency.grid)
    assert by_size[-1].code == "casablanca"
    assert "smara" in {agency.code for agency in by_size[:2]}


def test_agencies_that_would_outgrow_the_bench_agency_stop_at_its_size():
    others = national_agencies(200_000, 100)
    grids = sorted(agency.grid for agency in others)
    assert grids[-1] == 100
    assert grids.count(100) > 1
    assert grids[0] < 100  # the others still grew by the one factor
    assert abs(sum(grid**2 for grid in grids) - 200_000) < 1_000
