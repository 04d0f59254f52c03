"""A cadastre's batches read whole (``parcels.importing``) store what reading
each parcel on its own stored: the same kinds, references, keys and areas,
the same parcels left out, whatever the file holds; and no repeated
reference goes unnoticed, whichever batch it falls in.

The batch readers take a fast path when every value of a batch is written
the usual way ("TF 12345/07", "450,5"); these tests mix such values with
ones that must fall back to the reading of each (leading zeros, Arabic-Indic
digits, spaces, separators, junk, newlines, repeats)."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from importing.issues import Report
from parcels.importing import Repeats, _area, _areas, _references
from parcels.references import InvalidReference, ParcelReference
from tests.fuzz import fuzz_settings

_WRITTEN = st.builds(
    "{} {}/{}".format,
    st.sampled_from(["TF", "R"]),
    st.integers(0, 10**12).map(str),
    st.sampled_from(["07", "7", "00", "0", "10", "123", "007", "100000", "1234567"]),
)
_TYPED = st.sampled_from(
    [
        "TF 0123/07",
        "t.f. 12/7",
        "م ٤٥٦٧/٠٧",
        "R  12/07",
        " TF 5/07 ",
        "TF 5/07\n",
        "TF 5/07\nR 6/07",
        "TF5/07",
        "tf 5/07",
        "TF 1234567890123/07",
        "CAD 77",
        "77",
        "",
        "sans numéro",
        "TF 5/07\t",
        "TF ５/07",
    ]
)
# Batches written the usual way throughout (the fast path, unless a number
# has a leading zero or too many digits), and mixed ones.
_REFERENCES = st.one_of(
    st.lists(_WRITTEN, max_size=30),
    st.lists(st.one_of(_WRITTEN, _TYPED), max_size=30),
)


def _one_at_a_time(texts: list[str]) -> list[tuple[str, str, str] | None]:
    """What reading each reference on its own gives: (kind, display, key), or
    None for an unreadable one."""
    read = []
    for text in texts:
        try:
            reference = ParcelReference.parse(text.strip())
        except InvalidReference:
            read.append(None)
            continue
        read.append((reference.kind, reference.display, reference.key))
    return read


@fuzz_settings(300)
@given(texts=_REFERENCES)
def test_references_read_by_batch_as_one_at_a_time(texts):
    report = Report()
    stripped = [text.strip() for text in texts]
    ids = np.array([str(n) for n in range(len(texts))], dtype=object)
    kinds, displays, keys, chosen = _references(stripped, ids, report=report)
    positions = range(len(texts)) if chosen is None else chosen
    read: list = [None] * len(texts)
    for position, row in zip(
        positions, zip(kinds, displays, keys, strict=True), strict=True
    ):
        read[position] = row
    assert read == _one_at_a_time(texts)
    left_out = sum(issue["count"] for issue in report.as_dict()["issues"])
    assert left_out == read.count(None)


@fuzz_settings(300)
@given(
    batches=st.lists(
        st.lists(st.integers(0, 40).map(lambda n: f"TF{n}/7"), max_size=20),
        max_size=8,
    )
)
def test_every_repeated_key_is_a_suspect_whatever_its_batch(batches):
    # Checked a batch at a time, as they are read: every occurrence of a key
    # after its first is a suspect (then confirmed by the database), and
    # only those (distinct keys of these sizes never share a hash).
    repeats = Repeats()
    position = 0
    for keys in batches:
        ids = np.arange(position, position + len(keys)).astype(str).astype(object)
        repeats.check(keys, ids, keys)
        position += len(keys)
    seen, expected = set(), []
    for feature, key in enumerate(key for keys in batches for key in keys):
        if key in seen:
            expected.append((key, str(feature), key))
        seen.add(key)
    assert repeats.suspects == expected
    # The runs hold each key's hash once a key was read, sorted.
    held = np.concatenate(repeats.runs) if repeats.runs else np.array([])
    assert len(held) == position
    assert len(repeats.runs) <= max(1, position).bit_length() + 1
    assert all((run[1:] >= run[:-1]).all() for run in repeats.runs)


_AREAS = st.lists(
    st.one_of(
        st.decimals(0, 10**9, places=2).map(str),
        st.decimals(0, 10**9, places=2).map(lambda d: str(d).replace(".", ",")),
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(-10, 10**12),
        st.none(),
        st.sampled_from(
            [
                "",
                " 12 ",
                "1 200",
                "12.",
                "0012,50",
                "-5",
                "1e3",
                "9999999999",
                "999999999,999",
                "nan",
                "12\n13",
                "douze",
                "١٢",
            ]
        ),
    ),
    max_size=30,
)


@fuzz_settings(300)
@given(values=_AREAS)
def test_areas_read_by_batch_as_one_at_a_time(values):
    texts = _areas(np.array(values, dtype=object))
    expected = [_area(value) for value in values]
    read = [None if text == "\\N" else Decimal(text) for text in texts]
    assert read == expected
    # Each fits the column, numeric(12, 2), once rounded.
    assert all(area.quantize(Decimal("0.01")) < 10**10 for area in filter(None, read))
