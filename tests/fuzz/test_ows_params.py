"""Property tests of the OGC parameter parsers (``ows.params``): whatever a
query holds, each parser gives its typed value or raises the typed OGC
exception (``OwsError``, a 4xx) — never another exception.
"""

from __future__ import annotations

import datetime
import math

from hypothesis import given
from hypothesis import strategies as st

from ows.exceptions import OwsError
from ows.params import (
    MAX_COORDINATE,
    OwsRequest,
    format_key,
    kvp_from_items,
    negotiate_version,
    parse_bbox,
    parse_float,
    parse_instant,
    parse_int,
)
from tests.fuzz import fuzz_settings
from tests.fuzz.strategies import TEXT, VALUES, bbox_values

NAMES = [
    "SERVICE",
    "VERSION",
    "REQUEST",
    "LAYERS",
    "STYLES",
    "CRS",
    "SRS",
    "BBOX",
    "WIDTH",
    "HEIGHT",
    "FORMAT",
    "TIME",
    "I",
    "J",
    "FEATURE_COUNT",
    "COUNT",
    "STARTINDEX",
    "ACCEPTVERSIONS",
]
QUERIES = st.lists(
    st.tuples(
        st.one_of(st.sampled_from(NAMES), st.sampled_from(NAMES).map(str.lower), TEXT),
        st.one_of(VALUES, bbox_values()),
    ),
    max_size=12,
)


def parsed(parse, *args, **kwargs):
    """``parse(*args)``, or None when it raised the typed OGC exception."""
    try:
        return parse(*args, **kwargs)
    except OwsError as error:
        refused = error
    assert refused.message
    assert 400 <= refused.http_status < 500
    return None


@given(items=QUERIES)
@fuzz_settings(300)
def test_every_parameter_parses_or_raises_the_typed_exception(items):
    params = kvp_from_items(items)
    request = OwsRequest(params, params.get("SERVICE", ""), "", "")
    assert all(name == name.upper() for name in params)
    for name in NAMES:
        value = request.get(name)
        parsed(request.require, name)
        format_key(value)
        number = parsed(parse_float, value, name)
        assert number is None or math.isfinite(number)
        integer = parsed(parse_int, value, name, minimum=1, maximum=4096)
        assert integer is None or 1 <= integer <= 4096
        box = parsed(parse_bbox, value)
        if box is not None:
            (minx, miny, maxx, maxy), _crs = box
            assert minx < maxx
            assert miny < maxy
            assert max(map(abs, box[0])) <= MAX_COORDINATE
            assert math.isfinite(maxx - minx)
            assert math.isfinite(maxy - miny)
        instant = parsed(parse_instant, value)
        if instant is not None:
            assert instant.tzinfo is not None
            # The parsers' days can be moved a day either way, in any zone.
            instant.astimezone(datetime.UTC) + datetime.timedelta(days=1)
            instant.astimezone(datetime.UTC) - datetime.timedelta(days=1)
        parsed(negotiate_version, value.split(","), ["1.1.1", "1.3.0"])


@given(value=st.one_of(VALUES, st.text(max_size=40)))
@fuzz_settings(300)
def test_time_values(value):
    parsed(parse_instant, value)


@given(value=st.one_of(bbox_values(), VALUES))
@fuzz_settings(300)
def test_bbox_values(value):
    parsed(parse_bbox, value)
