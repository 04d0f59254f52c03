"""The permits import (``permits.imports.permits_import``) reads a file an
agency exported from its own system: whatever the bytes — CSV or JSON — it
answers a report or refuses the file in the planner's language, never an
exception (a 500 on the staff's import page, or a half-written mirror)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from permits.errors import ImportRefused
from permits.imports import DATES, JSON_FORMAT, REQUIRED, permits_import
from permits.models import Procedure
from tests.fuzz import fuzz_settings

COLUMNS = [*REQUIRED, *DATES, "floors", "built_area_m2", "do_not_publish", "use"]
CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        ["building-permit", "filed", "authorised", "2026-01-10", "2999-01-01",
         "31/02/2026", "TF 1/07|TF 2/07", "1e309", "nan", "-1", "١٢", "oui",
         '"', "\x00", "|"]
    ),
)  # fmt: skip
VALUES = st.one_of(CELLS, st.integers(), st.floats(), st.none(), st.booleans())
# What a well-formed row holds, so that most rows pass the first checks and
# the others (numbers, dates, states) are reached.
PLAUSIBLE = {
    "external_reference": st.sampled_from(["R-1", "R-2", "PC 3/2026"]),
    "procedure": st.just("building-permit"),
    "filed_on": st.just("2026-01-10"),
    "state": st.sampled_from(["filed", "authorised", "works_started"]),
    "parcels": st.just("TF 1/07"),
    "floors": st.sampled_from(["2", "2,5", "R+4", "-1", "1e309", "nan", "١٢"]),
    "built_area_m2": st.sampled_from(["240,5", "1 200", "inf", "-3", "x"]),
}


def cell(name: str):
    plausible = PLAUSIBLE.get(name)
    return CELLS if plausible is None else st.one_of(plausible, plausible, CELLS)


@st.composite
def csv_files(draw) -> bytes:
    # The required columns mostly there, so that rows are read, not only refused.
    extra = draw(st.lists(st.sampled_from([*COLUMNS, "", "x"]), max_size=4))
    required = draw(st.sampled_from([list(REQUIRED), list(REQUIRED[:-1])]))
    numbers = draw(st.sampled_from([["floors", "built_area_m2"], ["floors"], []]))
    header = draw(st.permutations(required + numbers + extra))
    separator = draw(st.sampled_from([";", ","]))
    rows = draw(st.lists(st.tuples(*(cell(name) for name in header)), max_size=4))
    lines = [separator.join(header)] + [separator.join(row) for row in rows]
    return "\n".join(lines).encode("utf-8", errors="replace")


@st.composite
def json_files(draw) -> bytes:
    files = draw(
        st.lists(
            st.one_of(
                st.dictionaries(st.sampled_from(COLUMNS), VALUES, max_size=8),
                VALUES,
                st.lists(VALUES, max_size=2),
            ),
            max_size=4,
        )
    )
    data = {"format": draw(st.sampled_from([JSON_FORMAT, "other"])), "files": files}
    return json.dumps(data, allow_nan=True).encode()


@pytest.fixture
def agency_with_procedure(agency):
    Procedure.objects.create(
        agency=agency,
        code="building-permit",
        label_fr="Permis de construire",
        label_ar="رخصة البناء",
    )
    return agency


@pytest.mark.django_db
@given(
    content=st.one_of(csv_files(), json_files(), st.binary(max_size=300)),
    fmt=st.sampled_from(["csv", "json"]),
)
@fuzz_settings(200)
def test_any_file_gives_a_report_or_a_refusal(agency_with_procedure, content, fmt):
    try:
        report = permits_import(agency=agency_with_procedure, content=content, fmt=fmt)
    except ImportRefused as refused:
        report, refusal = None, str(refused)
    if report is None:
        assert refusal  # a sentence for the planner
        return
    for line, reason in report.malformed:
        assert line >= 1
        assert reason
    if report.malformed:
        assert not report.written
