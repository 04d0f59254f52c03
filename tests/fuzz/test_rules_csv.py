"""The zone rules' CSV reader (``layers.zone_rules.rules_csv_read``) takes a
planner's file as it comes: whatever the bytes, it answers rules or errors
per line and column — never an exception (a 500 on the planner's page)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from layers.zone_rules import CSV_FIELDS, rules_csv_read
from tests.fuzz import fuzz_settings

HEADERS = st.lists(
    st.sampled_from([*CSV_FIELDS, "zone", "hauteur", "", "x", "\ufeffcode"]),
    min_size=1,
    max_size=6,
)
CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["2,5", "60 %", "R+4", "١٢", "-1", "1e309", "nan", '"', "\x00"]),
)


@st.composite
def tables(draw) -> bytes:
    header = draw(HEADERS)
    separator = draw(st.sampled_from([",", ";", "\t"]))
    rows = draw(st.lists(st.lists(CELLS, max_size=len(header) + 1), max_size=4))
    lines = [separator.join(header)] + [separator.join(row) for row in rows]
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    return "\n".join(lines).encode(encoding, errors="replace")


def read(content: bytes):
    result = rules_csv_read(content, existing={})
    for line, column, message in result.errors:
        assert line >= 1
        assert isinstance(column, str)
        assert message
    return result


@pytest.mark.django_db
@given(content=st.one_of(tables(), st.binary(max_size=400)))
@fuzz_settings(300)
def test_any_file_gives_rules_or_errors(content):
    read(content)


@pytest.mark.django_db
def test_a_cell_past_the_csv_modules_field_limit_is_an_error_not_a_crash():
    result = read(b"code;label_fr\nUA;" + b"x" * 200_000 + b"\n")
    assert result.errors
