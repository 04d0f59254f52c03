"""Parsing of KVP values: versions, formats, numbers, boxes, instants."""

from __future__ import annotations

import datetime

import pytest

from ows.exceptions import InvalidDimensionValue, InvalidParameterValue
from ows.filters.fes import like_pattern, parse_filters
from ows.params import (
    format_key,
    kvp_from_items,
    negotiate_version,
    parse_bbox,
    parse_instant,
)

WMS = ["1.1.1", "1.3.0"]


@pytest.mark.parametrize(
    ("asked", "chosen"),
    [
        ([], "1.3.0"),
        (["1.3.0"], "1.3.0"),
        (["1.1.1"], "1.1.1"),
        (["9.9.9"], "1.3.0"),
        (["1.2.0"], "1.1.1"),
        (["1.0.0"], "1.1.1"),
        (["2.0.0", "1.1.1"], "1.1.1"),
    ],
)
def test_version_negotiation(asked, chosen):
    assert negotiate_version(asked, WMS) == chosen


def test_names_are_case_insensitive_and_last_wins():
    assert kvp_from_items([("service", "WMS"), ("Service", "WFS")]) == {
        "SERVICE": "WFS"
    }


def test_format_key_accepts_a_plus_decoded_as_space():
    assert format_key("application/gml+xml; version=3.2") == format_key(
        "application/gml xml; version=3.2"
    )
    assert format_key("image/PNG") == format_key("image/png")


def test_bbox_accepts_exponents_and_a_crs():
    numbers, crs = parse_bbox("3.39e1,-6.85E0,34,-6.8,urn:ogc:def:crs:EPSG::4326")
    assert numbers == [33.9, -6.85, 34.0, -6.8]
    assert crs == "urn:ogc:def:crs:EPSG::4326"


@pytest.mark.parametrize(
    "value", ["1,2,3", "1,2,1,3", "1,2,3,2", "a,b,c,d", "nan,0,1,1"]
)
def test_bad_bboxes(value):
    with pytest.raises(InvalidParameterValue):
        parse_bbox(value)


def test_instants():
    assert parse_instant("") is None
    assert parse_instant("current") is None
    day = parse_instant("2021-03-01")
    assert day.date() == datetime.date(2021, 3, 1)
    assert day.hour == 23
    assert parse_instant("2021-03-01T10:00:00Z").hour == 10
    with pytest.raises(InvalidDimensionValue):
        parse_instant("soon")


@pytest.mark.parametrize(
    ("pattern", "sql"),
    [
        ("Zone*", "Zone%"),
        ("R?", "R_"),
        ("100!%*", "100\\%%"),
        ("a_b%c", "a\\_b\\%c"),
        ("!*x", "*x"),
        ("Zone!", "Zone!"),
        ("\\", "\\\\"),
    ],
)
def test_like_patterns_escape_sql_wildcards(pattern, sql):
    assert like_pattern(pattern, wild="*", single="?", escape="!") == sql


def test_kvp_filter_lists_in_parentheses():
    filters = parse_filters(
        "(<Filter><PropertyIsNull><ValueReference>a</ValueReference></PropertyIsNull>"
        "</Filter>)(<Filter><PropertyIsNull><ValueReference>b</ValueReference>"
        "</PropertyIsNull></Filter>)"
    )
    assert len(filters) == 2


def test_malformed_filter_is_invalid_parameter_value():
    with pytest.raises(InvalidParameterValue) as error:
        parse_filters("<Filter><PropertyIsNull>")
    assert error.value.locator == "FILTER"
