"""Hypothesis strategies for OGC requests: parameter names the services
read, and values a careless or hostile client sends."""

from __future__ import annotations

from hypothesis import strategies as st

# Values that have broken parsers elsewhere: numbers at and past the limits
# of floats and integers, dates past the calendar, markup, control
# characters, separators, empty text.
EDGE_VALUES = [
    "",
    " ",
    ",",
    ",,,",
    "0",
    "-0",
    "1",
    "-1",
    "1e308",
    "-1e308",
    "1e309",
    "inf",
    "-inf",
    "nan",
    "NaN",
    "9" * 30,
    "-" + "9" * 30,
    "2147483648",
    "9223372036854775808",
    "0.0000001",
    "1e-320",
    "0x10",
    "٣",
    "0000-01-01",
    "9999-12-31",
    "2024-13-45T99:99",
    "2024-02-30",
    "2024-01-01T00:00:00+99:00",
    "current",
    "EPSG:4326",
    "EPSG:3857",
    "EPSG:26191",
    "EPSG:0",
    "EPSG:99999999999999999999",
    "CRS:84",
    "urn:ogc:def:crs:EPSG::4326",
    "image/png",
    "image/jpeg",
    "text/xml",
    "application/json",
    "text/html",
    "<x>",
    "&",
    "'",
    '"',
    "\\",
    "%",
    "_",
    "*",
    "\x01",
    "\ufffe",
    "aurs:pa-1-zonage",
    "aurs:pa-1-voirie",
    "aurs:pa-1-zonage,aurs:pa-1-voirie",
    "aurs:pa-1-zonage.1",
    "aurs:pa-1-zonage.99999999999999999999",
    "-6.85,33.95,-6.83,33.97",
    "33.95,-6.85,33.97,-6.83",
    "-763000,4020000,-762000,4021000",
    "-1e308,-1e308,1e308,1e308",
    "0,0,0,0",
    "1,1,0,0",
    "nan,nan,nan,nan",
    "-6.85,33.95,-6.83,33.97,EPSG:4326",
    "-6.85,33.95,-6.83,33.97,urn:ogc:def:crs:EPSG::99999",
]

# Text without NUL: a NUL is refused before any parser (geoportal.middleware).
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=30,
)
NUMBERS = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
# More digits than int() reads from text (4300), alone or in a code or an id.
LONG_DIGITS = st.builds(
    lambda prefix, count: prefix + "9" * count,
    st.sampled_from(["", "EPSG:", "aurs:pa-1-zonage."]),
    st.integers(min_value=4301, max_value=5000),
)
VALUES = st.one_of(st.sampled_from(EDGE_VALUES), LONG_DIGITS, TEXT, NUMBERS)


def bbox_values() -> st.SearchStrategy[str]:
    """BBOX-like values: four numbers, some extreme, sometimes a CRS."""
    number = st.one_of(
        st.floats(allow_nan=True, allow_infinity=True, width=64),
        st.floats(min_value=-1e8, max_value=1e8),
        st.sampled_from([-90.0, 90.0, -180.0, 180.0, 0.0, 1e9, -1e9]),
    )
    return st.builds(
        lambda numbers, crs: ",".join(repr(n) for n in numbers) + crs,
        st.lists(number, min_size=3, max_size=5),
        st.sampled_from(
            ["", ",EPSG:4326", ",EPSG:3857", ",urn:ogc:def:crs:EPSG::4326"]
        ),
    )


def params(names: list[str], fixed: dict[str, str]) -> st.SearchStrategy[dict]:
    """Query dicts: ``fixed`` with some of ``names`` replaced by odd values,
    any case of name, and now and then a parameter left out."""
    overrides = st.dictionaries(
        st.sampled_from(names),
        st.one_of(VALUES, bbox_values()),
        min_size=1,
        max_size=3,
    )
    dropped = st.sets(st.sampled_from(names), max_size=1)

    def build(over: dict, drop: set, lower: bool) -> dict:
        query = {**fixed, **over}
        for name in drop:
            query.pop(name, None)
        if lower:
            query = {name.lower(): value for name, value in query.items()}
        return query

    return st.builds(build, overrides, dropped, st.booleans())
